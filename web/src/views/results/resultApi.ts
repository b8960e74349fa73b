import { Perm, type PermCode } from '@/access/codes'
import { api, call, formData } from '@/api/client'
import { asPage, listQuery, type Page } from '@/api/pagination'
import type { ResultAttachment, ResultDetail, ResultItem } from '@/api/types'

/**
 * Scores and results of the periodic assessment (backend assessment/api/result_urls.py). Five queues share one
 * list/detail shape: experts score (待评分), the assessment body confirms scores and publishes (成绩认定、公示),
 * the assessment committee confirms after the publicity period (结果确认), the province decides the make-up list
 * (补考名单), and the final results (最终结果). Each queue's actions exist one by one and in bulk (all or nothing).
 */
export type Queue = 'scoring' | 'body' | 'committee' | 'makeup' | 'final'
export type Action = 'confirm' | 'publish' | 'allow' | 'refuse'

interface QueueSpec {
  /** who sees the queue (the list's permission) */
  code: PermCode
  title: string
  route: string
  /** the queue's actions and the code each needs */
  actions: readonly { action: Action; code: PermCode }[]
  exportable: boolean
}

export const QUEUES: Record<Queue, QueueSpec> = {
  scoring: { code: Perm.SCORE_ENTER, title: 'results.menu.scoring', route: 'results-scoring', actions: [], exportable: false },
  body: {
    code: Perm.SCORE_CONFIRM,
    title: 'results.menu.body',
    route: 'results-body',
    actions: [
      { action: 'confirm', code: Perm.SCORE_CONFIRM },
      { action: 'publish', code: Perm.SCORE_CONFIRM },
    ],
    exportable: false,
  },
  committee: {
    code: Perm.RESULT_CONFIRM,
    title: 'results.menu.committee',
    route: 'results-committee',
    actions: [{ action: 'confirm', code: Perm.RESULT_CONFIRM }],
    exportable: false,
  },
  makeup: {
    code: Perm.ENROLMENT_VIEW,
    title: 'results.menu.makeup',
    route: 'results-makeup',
    actions: [
      { action: 'allow', code: Perm.MAKEUP_DECIDE },
      { action: 'refuse', code: Perm.MAKEUP_DECIDE },
    ],
    exportable: true,
  },
  final: { code: Perm.ENROLMENT_VIEW, title: 'results.menu.final', route: 'results-final', actions: [], exportable: true },
}

/** Which action moves an enrolment of a queue in its current status (the API refuses the others). */
export function actionsFor(queue: Queue, status: string): Action[] {
  if (queue === 'body') return status === 'scored' ? ['confirm'] : status === 'score_confirmed' ? ['publish'] : []
  if (queue === 'committee') return ['publicized', 'makeup_scored'].includes(status) ? ['confirm'] : []
  if (queue === 'makeup') return status === 'makeup_pending' ? ['allow', 'refuse'] : []
  return []
}

export const SCORED_COMPONENTS = ['skills', 'case_review', 'work_performance', 'ethics'] as const
export type ScoredComponent = (typeof SCORED_COMPONENTS)[number]

// The paths are typed as the body queue's (every queue has the same list/detail shape).
type List = '/api/v1/results/body/'
type One = '/api/v1/results/body/{enrolment_id}/'
type ActOne = '/api/v1/results/body/{enrolment_id}/confirm/'
type ActBulk = '/api/v1/results/body/bulk-confirm/'
const base = (queue: Queue) => `/api/v1/results/${queue}/`
const path = (id: string) => ({ path: { enrolment_id: id } })

export async function resultList(queue: Queue, params: Record<string, unknown>): Promise<Page<ResultItem>> {
  return asPage<ResultItem>(await call(api.GET(base(queue) as List, { params: { query: listQuery(params) } })))
}

export function resultGet(queue: Queue, id: string): Promise<ResultDetail> {
  return call(api.GET(`${base(queue)}{enrolment_id}/` as One, { params: path(id) }))
}

export function resultAct(queue: Queue, action: Action, id: string, comment = ''): Promise<ResultDetail> {
  return call(api.POST(`${base(queue)}{enrolment_id}/${action}/` as ActOne, { params: path(id), body: { comment } }))
}

/** All or nothing: the answer counts what moved (the committee's counts passed / make-up / failed). */
export function resultActMany(queue: Queue, action: Action, ids: string[], comment = ''): Promise<Record<string, number>> {
  return call(api.POST(`${base(queue)}bulk-${action}/` as ActBulk, { body: { ids, comment } })) as Promise<Record<string, number>>
}

export function scoreEnter(
  id: string,
  body: { component: ScoredComponent; sitting: 'main' | 'makeup'; score: number; comment: string },
): Promise<ResultDetail> {
  return call(api.POST('/api/v1/results/scoring/{enrolment_id}/scores/', { params: path(id), body }))
}

export function competenceTestRecord(
  id: string,
  body: { score: number; passed: boolean; sitting: 'main' | 'makeup'; comment: string },
): Promise<ResultDetail> {
  return call(api.POST('/api/v1/results/body/{enrolment_id}/competence-test/', { params: path(id), body }))
}

export function resultExport(queue: 'makeup' | 'final', filters: Record<string, unknown>): Promise<{ id: string }> {
  const body = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== '' && v !== null && v !== undefined))
  return call(api.POST(`/api/v1/results/${queue}/export/` as '/api/v1/results/final/export/', { body }))
}

/** Components whose material an expert uploads (skills assessment, case-record review): purpose = component. */
export const ATTACHMENT_COMPONENTS = ['skills', 'case_review'] as const
export type AttachmentPurpose = (typeof ATTACHMENT_COMPONENTS)[number]

export function scoreAttachmentUpload(id: string, file: File, purpose: AttachmentPurpose): Promise<ResultAttachment> {
  return call(
    api.POST('/api/v1/results/scoring/{enrolment_id}/attachments/', {
      params: path(id),
      body: { file: file as unknown as string, purpose },
      bodySerializer: (b) => formData(b as Record<string, unknown>),
    }),
  )
}

/** A short-lived link to one scoring attachment (the scoring queue's; audited). */
export function scoreAttachmentDownload(id: string, attachmentId: string): Promise<{ url: string; file_name: string }> {
  return call(
    api.POST('/api/v1/results/scoring/{enrolment_id}/attachments/{attachment_id}/download/', {
      params: { path: { enrolment_id: id, attachment_id: attachmentId } },
    }),
  )
}

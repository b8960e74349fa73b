import { Perm, type PermCode } from '@/access/codes'
import { api, call } from '@/api/client'
import { asPage, listQuery, type Page } from '@/api/pagination'
import type { Procedure, RatingLevel, ReviewDetail, ReviewItem } from '@/api/types'

/**
 * The three review stages of a self-report (backend assessment/api/report_urls.py): 科室评定 (department: rate or
 * return), 机构审核 (institution) and 考核机构复核 (body): approve, return, bulk approve. The stages share one
 * shape, so one set of calls serves them; the path is the stage's (typed as the body's, which has every route).
 */
export type Stage = 'department' | 'institution' | 'body'

export const STAGES: Record<Stage, { code: PermCode; title: string; route: string }> = {
  department: { code: Perm.DEPARTMENT_RATE, title: 'reviews.menu.department', route: 'reviews-department' },
  institution: { code: Perm.ENROLMENT_REVIEW, title: 'reviews.menu.institution', route: 'reviews-institution' },
  body: { code: Perm.ENROLMENT_REREVIEW, title: 'reviews.menu.body', route: 'reviews-body' },
}

export const PROCEDURES = ['general', 'simplified', 'exempt'] as const satisfies readonly Procedure[]
export const RATING_LEVELS = ['excellent', 'good', 'pass', 'fail'] as const satisfies readonly RatingLevel[]
/** The statuses a reviewer filters by (the ones a submission passes through while it is reviewed). */
export const REVIEW_STATUSES = ['submitted', 'returned', 'department_rated', 'institution_approved', 'body_approved'] as const

type Base = '/api/v1/reviews/body/'
type One = '/api/v1/reviews/body/{enrolment_id}/'
type Approve = '/api/v1/reviews/body/{enrolment_id}/approve/'
type Return = '/api/v1/reviews/body/{enrolment_id}/return/'
type Bulk = '/api/v1/reviews/body/bulk-approve/'
type Attachment = '/api/v1/reviews/body/{enrolment_id}/attachments/{attachment_id}/download/'

const base = (stage: Stage) => `/api/v1/reviews/${stage}/`
const path = (id: string) => ({ path: { enrolment_id: id } })

export async function reviewList(stage: Stage, params: Record<string, unknown>): Promise<Page<ReviewItem>> {
  const data = await call(api.GET(base(stage) as Base, { params: { query: listQuery(params) } }))
  return asPage<ReviewItem>(data)
}

export function reviewGet(stage: Stage, id: string): Promise<ReviewDetail> {
  return call(api.GET(`${base(stage)}{enrolment_id}/` as One, { params: path(id) }))
}

export function reviewApprove(stage: Stage, id: string, comment = ''): Promise<ReviewDetail> {
  return call(api.POST(`${base(stage)}{enrolment_id}/approve/` as Approve, { params: path(id), body: { comment } }))
}

export function reviewReturn(stage: Stage, id: string, comment: string): Promise<ReviewDetail> {
  return call(api.POST(`${base(stage)}{enrolment_id}/return/` as Return, { params: path(id), body: { comment } }))
}

export function reviewRate(id: string, body: { work_performance: RatingLevel; ethics: RatingLevel; comment: string }): Promise<ReviewDetail> {
  return call(api.POST('/api/v1/reviews/department/{enrolment_id}/rate/', { params: path(id), body }))
}

export function reviewBulkApprove(stage: Stage, ids: string[], comment = ''): Promise<{ approved: number }> {
  return call(api.POST(`${base(stage)}bulk-approve/` as Bulk, { body: { ids, comment } }))
}

export function reviewAttachmentLink(stage: Stage, id: string, attachmentId: string): Promise<{ url: string; file_name: string }> {
  return call(
    api.POST(`${base(stage)}{enrolment_id}/attachments/{attachment_id}/download/` as Attachment, {
      params: { path: { enrolment_id: id, attachment_id: attachmentId } },
    }),
  )
}

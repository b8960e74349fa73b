import type { RouteRecordRaw } from 'vue-router'
import { Perm } from '@/access/codes'

/** Proctoring review (监考审核, decisions/0016): the risk-ranked list, one attempt's photos and verdicts, appeals, reference photos. */
export default [
  {
    path: 'proctoring/attempts',
    name: 'proctoring-review',
    component: () => import('@/views/proctoring/ProctoringReviewListView.vue'),
    meta: { title: 'proctoring.menu.review', codes: [Perm.PROCTOR_REVIEW] },
  },
  {
    path: 'proctoring/attempts/:attemptId',
    name: 'proctoring-attempt',
    component: () => import('@/views/proctoring/ProctoringAttemptView.vue'),
    meta: { title: 'proctoring.attempt.title', codes: [Perm.PROCTOR_REVIEW] },
  },
  {
    path: 'proctoring/appeals',
    name: 'proctoring-appeals',
    component: () => import('@/views/proctoring/ProctoringAppealListView.vue'),
    meta: { title: 'proctoring.menu.appeals', codes: [Perm.PROCTOR_REVIEW] },
  },
  {
    path: 'proctoring/references',
    name: 'proctoring-references',
    component: () => import('@/views/proctoring/ReferencePhotoListView.vue'),
    meta: { title: 'proctoring.menu.references', codes: [Perm.PHYSICIAN_MANAGE] },
  },
] satisfies RouteRecordRaw[]

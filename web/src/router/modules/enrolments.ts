import type { RouteRecordRaw } from 'vue-router'
import { Perm } from '@/access/codes'

export default [
  {
    path: 'enrolment/candidates',
    name: 'enrolment-candidates',
    component: () => import('@/views/enrolments/CandidateListView.vue'),
    meta: { title: 'menu.enrolmentCandidates', codes: [Perm.ENROLMENT_MANAGE] },
  },
  {
    path: 'enrolments',
    name: 'enrolments',
    component: () => import('@/views/enrolments/EnrolmentListView.vue'),
    meta: { title: 'menu.enrolments', codes: [Perm.ENROLMENT_VIEW] },
  },
] satisfies RouteRecordRaw[]

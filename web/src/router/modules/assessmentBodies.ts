import type { RouteRecordRaw } from 'vue-router'
import { Perm } from '@/access/codes'

export default [
  {
    path: 'assessment-bodies/applications',
    name: 'body-applications',
    component: () => import('@/views/assessment-bodies/ApplicationListView.vue'),
    meta: { title: 'menu.bodyApplications', codes: [Perm.BODY_REVIEW, Perm.BODY_APPLY] },
  },
  {
    path: 'assessment-bodies/applications/:id',
    name: 'body-application',
    component: () => import('@/views/assessment-bodies/ApplicationDetailView.vue'),
    props: true,
    meta: { title: 'bodies.application.detailTitle', codes: [Perm.BODY_REVIEW, Perm.BODY_APPLY] },
  },
  {
    path: 'assessment-bodies/assignments',
    name: 'body-assignments',
    component: () => import('@/views/assessment-bodies/AssignmentListView.vue'),
    meta: { title: 'menu.bodyAssignments', codes: [Perm.ORG_VIEW] },
  },
] satisfies RouteRecordRaw[]

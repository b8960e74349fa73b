import type { RouteRecordRaw } from 'vue-router'
import { Perm } from '@/access/codes'

/** Hospital modules on the tenant API: approvals (审批) and credentialing (医疗技术与资质授权), issue 8 item 8. */
export default [
  {
    path: 'approvals/queue',
    name: 'approval-queue',
    component: () => import('@/views/approvals/ApprovalQueueView.vue'),
    meta: { title: 'menu.approvalQueue', codes: [Perm.APPROVAL_USE] },
  },
  {
    path: 'approvals/chains',
    name: 'approval-chains',
    component: () => import('@/views/approvals/ChainConfigView.vue'),
    meta: { title: 'menu.approvalChains', codes: [Perm.APPROVAL_CONFIGURE] },
  },
  {
    path: 'credentialing/applications',
    name: 'cred-applications',
    component: () => import('@/views/credentialing/ApplicationListView.vue'),
    meta: { title: 'menu.credApplications', codes: [Perm.CRED_APPLY, Perm.CRED_VIEW] },
  },
  {
    path: 'credentialing/grants',
    name: 'cred-grants',
    component: () => import('@/views/credentialing/GrantListView.vue'),
    meta: { title: 'menu.credGrants', codes: [Perm.CRED_VIEW] },
  },
  {
    path: 'credentialing/catalogue',
    name: 'cred-catalogue',
    component: () => import('@/views/credentialing/CatalogueView.vue'),
    meta: { title: 'menu.credCatalogue', codes: [Perm.CRED_VIEW, Perm.CRED_DEPARTMENT_CATALOGUE] },
  },
  {
    path: 'credentialing/reassessments',
    name: 'cred-reassessments',
    component: () => import('@/views/credentialing/ReassessmentView.vue'),
    meta: { title: 'menu.credReassessments', codes: [Perm.CRED_MANAGE] },
  },
  {
    path: 'credentialing/violations',
    name: 'cred-violations',
    component: () => import('@/views/credentialing/ViolationView.vue'),
    meta: { title: 'menu.credViolations', codes: [Perm.CRED_VIEW] },
  },
  {
    path: 'credentialing/archive',
    name: 'cred-archive',
    component: () => import('@/views/credentialing/ArchiveView.vue'),
    meta: { title: 'menu.credArchive', codes: [Perm.CRED_VIEW, Perm.CRED_APPLY] },
  },
  {
    path: 'credentialing/api-keys',
    name: 'cred-api-keys',
    component: () => import('@/views/credentialing/ApiKeyView.vue'),
    meta: { title: 'menu.credApiKeys', codes: [Perm.CRED_API_KEYS] },
  },
] satisfies RouteRecordRaw[]

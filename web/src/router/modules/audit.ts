import type { RouteRecordRaw } from 'vue-router'
import { Perm } from '@/access/codes'

export default [
  {
    path: 'audit',
    name: 'audit',
    component: () => import('@/views/audit/AuditListView.vue'),
    meta: { title: 'menu.audit', codes: [Perm.AUDIT_VIEW] },
  },
] satisfies RouteRecordRaw[]

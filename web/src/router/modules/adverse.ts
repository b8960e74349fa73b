import type { RouteRecordRaw } from 'vue-router'
import { Perm } from '@/access/codes'

export default [
  {
    path: 'adverse-records',
    name: 'adverse-records',
    component: () => import('@/views/adverse/AdverseRecordListView.vue'),
    meta: { title: 'menu.adverseRecords', codes: [Perm.ADVERSE_VIEW] },
  },
] satisfies RouteRecordRaw[]

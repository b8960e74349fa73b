import type { RouteRecordRaw } from 'vue-router'
import { Perm } from '@/access/codes'

export default [
  {
    path: 'accounts',
    name: 'accounts',
    component: () => import('@/views/accounts/AccountListView.vue'),
    meta: { title: 'menu.accounts', codes: [Perm.ACCOUNT_VIEW] },
  },
] satisfies RouteRecordRaw[]

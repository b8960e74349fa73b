import type { RouteRecordRaw } from 'vue-router'
import { Perm } from '@/access/codes'

export default [
  {
    path: 'organization',
    name: 'my-organization',
    component: () => import('@/views/organizations/MyOrganizationView.vue'),
    meta: { title: 'menu.myOrganization', codes: [Perm.ORG_MANAGE] },
  },
] satisfies RouteRecordRaw[]

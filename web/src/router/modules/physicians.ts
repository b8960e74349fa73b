import type { RouteRecordRaw } from 'vue-router'
import { Perm } from '@/access/codes'

export default [
  {
    path: 'physicians',
    name: 'physicians',
    component: () => import('@/views/physicians/PhysicianListView.vue'),
    meta: { title: 'menu.physicians', codes: [Perm.PHYSICIAN_VIEW] },
  },
] satisfies RouteRecordRaw[]

import type { RouteRecordRaw } from 'vue-router'

export default [
  {
    path: 'regions',
    name: 'regions',
    component: () => import('@/views/regions/RegionTreeView.vue'),
    meta: { title: 'menu.regions' },
  },
] satisfies RouteRecordRaw[]

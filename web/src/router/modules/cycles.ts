import type { RouteRecordRaw } from 'vue-router'

// Any member reads cycles and their settings (the API asks for a membership only); writing is the province's
// (Perm.ASSESSMENT_SETTINGS), which the pages check for their buttons.
export default [
  {
    path: 'cycles',
    name: 'cycles',
    component: () => import('@/views/cycles/CycleListView.vue'),
    meta: { title: 'menu.cycles' },
  },
  {
    path: 'cycles/:id',
    name: 'cycle',
    component: () => import('@/views/cycles/CycleDetailView.vue'),
    props: true,
    meta: { title: 'cycles.detailTitle' },
  },
] satisfies RouteRecordRaw[]

import type { RouteRecordRaw } from 'vue-router'

export default [
  {
    path: 'jobs',
    name: 'jobs',
    component: () => import('@/views/jobs/JobListView.vue'),
    meta: { title: 'menu.jobs' },
  },
] satisfies RouteRecordRaw[]

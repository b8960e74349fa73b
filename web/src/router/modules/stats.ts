import type { RouteRecordRaw } from 'vue-router'
import { Perm } from '@/access/codes'

/** Progress and statistics (进度管理, 考核统计): backend/assessment_stats, code assessment.stats_view. */
export default [
  {
    path: 'stats/progress',
    name: 'stats-progress',
    component: () => import('@/views/stats/ProgressDashboardView.vue'),
    meta: { title: 'stats.menu.progress', codes: [Perm.STATS_VIEW] },
  },
  {
    path: 'stats/results',
    name: 'stats-results',
    component: () => import('@/views/stats/ResultStatsView.vue'),
    meta: { title: 'stats.menu.results', codes: [Perm.STATS_VIEW] },
  },
  {
    path: 'stats/physicians',
    name: 'stats-physicians',
    component: () => import('@/views/stats/PhysicianProgressView.vue'),
    meta: { title: 'stats.menu.physicians', codes: [Perm.STATS_VIEW] },
  },
] satisfies RouteRecordRaw[]

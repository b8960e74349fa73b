import type { RouteRecordRaw } from 'vue-router'
import { Perm } from '@/access/codes'

/** Scores and results: one queue component, the queue given by the route (see views/results/resultApi.ts). */
const ResultQueue = () => import('@/views/results/ResultQueue.vue')

export default [
  { path: 'results/scoring', name: 'results-scoring', component: ResultQueue, props: { queue: 'scoring' }, meta: { title: 'results.menu.scoring', codes: [Perm.SCORE_ENTER] } },
  { path: 'results/body', name: 'results-body', component: ResultQueue, props: { queue: 'body' }, meta: { title: 'results.menu.body', codes: [Perm.SCORE_CONFIRM] } },
  { path: 'results/committee', name: 'results-committee', component: ResultQueue, props: { queue: 'committee' }, meta: { title: 'results.menu.committee', codes: [Perm.RESULT_CONFIRM] } },
  { path: 'results/makeup', name: 'results-makeup', component: ResultQueue, props: { queue: 'makeup' }, meta: { title: 'results.menu.makeup', codes: [Perm.ENROLMENT_VIEW, Perm.MAKEUP_DECIDE] } },
  { path: 'results/final', name: 'results-final', component: ResultQueue, props: { queue: 'final' }, meta: { title: 'results.menu.final', codes: [Perm.ENROLMENT_VIEW] } },
] satisfies RouteRecordRaw[]

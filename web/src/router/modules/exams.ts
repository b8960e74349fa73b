import type { RouteRecordRaw } from 'vue-router'
import { Perm } from '@/access/codes'

/**
 * Exams administration (decisions/0013, 0015): question banks and questions, blueprints, sittings, attempts.
 * The province's on the public API, a hospital's on its tenant API (views/exams/examClient.ts).
 */
export default [
  {
    path: 'exams/banks',
    name: 'exam-banks',
    component: () => import('@/views/exams/ExamBankListView.vue'),
    meta: { title: 'exams.menu.banks', codes: [Perm.EXAM_VIEW] },
  },
  {
    path: 'exams/questions',
    name: 'exam-questions',
    component: () => import('@/views/exams/ExamQuestionListView.vue'),
    meta: { title: 'exams.menu.questions', codes: [Perm.EXAM_VIEW] },
  },
  {
    path: 'exams/blueprints',
    name: 'exam-blueprints',
    component: () => import('@/views/exams/ExamBlueprintListView.vue'),
    meta: { title: 'exams.menu.blueprints', codes: [Perm.EXAM_VIEW] },
  },
  {
    path: 'exams/sittings',
    name: 'exam-sittings',
    component: () => import('@/views/exams/ExamSittingListView.vue'),
    meta: { title: 'exams.menu.sittings', codes: [Perm.EXAM_VIEW] },
  },
  {
    path: 'exams/attempts',
    name: 'exam-attempts',
    component: () => import('@/views/exams/ExamAttemptListView.vue'),
    meta: { title: 'exams.menu.attempts', codes: [Perm.EXAM_VIEW] },
  },
  {
    path: 'me/exams',
    name: 'my-exams',
    component: () => import('@/views/exams/MyExamAttemptsView.vue'),
    meta: { title: 'exams.mine.title', codes: [Perm.SELF_SERVICE] },
  },
] satisfies RouteRecordRaw[]

import type { RouteRecordRaw } from 'vue-router'
import { Perm } from '@/access/codes'

/** The physician's own pages on a PC (个人信息, 填报信息, 考核结果, 合格证明, 常见问题). */
export default [
  {
    path: 'me/info',
    name: 'my-info',
    component: () => import('@/views/me/MyInfoView.vue'),
    meta: { title: 'mine.info.title', codes: [Perm.SELF_SERVICE] },
  },
  {
    path: 'me/report',
    name: 'my-report',
    component: () => import('@/views/me/MyReportView.vue'),
    meta: { title: 'selfReport.title', codes: [Perm.SELF_SERVICE] },
  },
  {
    path: 'me/cycles',
    name: 'my-cycles',
    component: () => import('@/views/me/MyCyclesView.vue'),
    meta: { title: 'mine.cycles.title', codes: [Perm.SELF_SERVICE] },
  },
  {
    path: 'me/certificates',
    name: 'my-certificates',
    component: () => import('@/views/me/MyCertificatesView.vue'),
    meta: { title: 'mine.certificates.title', codes: [Perm.SELF_SERVICE] },
  },
  {
    path: 'faq',
    name: 'faq',
    component: () => import('@/views/me/FaqView.vue'),
    meta: { title: 'faq.title' },
  },
] satisfies RouteRecordRaw[]

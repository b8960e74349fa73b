import type { RouteRecordRaw } from 'vue-router'
import { Perm } from '@/access/codes'

/** Review queues of the self-report (科室评定, 机构审核, 考核机构复核) and the pass certificates. */
export default [
  {
    path: 'reviews/department',
    name: 'reviews-department',
    component: () => import('@/views/reviews/DepartmentReviewView.vue'),
    meta: { title: 'reviews.menu.department', codes: [Perm.DEPARTMENT_RATE] },
  },
  {
    path: 'reviews/institution',
    name: 'reviews-institution',
    component: () => import('@/views/reviews/InstitutionReviewView.vue'),
    meta: { title: 'reviews.menu.institution', codes: [Perm.ENROLMENT_REVIEW] },
  },
  {
    path: 'reviews/body',
    name: 'reviews-body',
    component: () => import('@/views/reviews/BodyReviewView.vue'),
    meta: { title: 'reviews.menu.body', codes: [Perm.ENROLMENT_REREVIEW] },
  },
  {
    path: 'certificates',
    name: 'certificates',
    component: () => import('@/views/certificates/CertificateListView.vue'),
    meta: { title: 'certificates.title', codes: [Perm.CERTIFICATE_VIEW] },
  },
] satisfies RouteRecordRaw[]

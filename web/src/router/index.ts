import { createRouter, createWebHistory, type RouteLocationNormalized, type RouteRecordRaw } from 'vue-router'
import { useAuthStore } from '@/stores/auth'
import accounts from './modules/accounts'
import adverse from './modules/adverse'
import assessmentBodies from './modules/assessmentBodies'
import audit from './modules/audit'
import credentialing from './modules/credentialing'
import cycles from './modules/cycles'
import enrolments from './modules/enrolments'
import jobs from './modules/jobs'
import organizations from './modules/organizations'
import physicians from './modules/physicians'
import regions from './modules/regions'
import mine from './modules/mine'
import results from './modules/results'
import reviews from './modules/reviews'
import stats from './modules/stats'
import departments from './modules/departments'
import archives from './modules/archives'
import notifications from './modules/notifications'
import exams from './modules/exams'
import proctoring from './modules/proctoring'
import './types'

/** Pages inside the layout: one module per domain (router/modules/<domain>.ts). */
const modules: RouteRecordRaw[] = [...accounts, ...audit, ...regions, ...assessmentBodies, ...jobs, ...physicians, ...organizations, ...cycles, ...enrolments, ...adverse, ...reviews, ...results, ...stats, ...mine, ...notifications, ...departments, ...archives, ...exams, ...proctoring, ...credentialing]

export const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('@/views/auth/LoginView.vue'),
    meta: { public: true, title: 'auth.login.title' },
  },
  {
    // The QR code on a pass certificate points here (settings.PUBLIC_BASE_URL + /verify/<token>).
    path: '/verify/:token',
    name: 'verify',
    component: () => import('@/views/verify/VerifyView.vue'),
    meta: { public: true, title: 'verify.title' },
  },
  {
    path: '/change-password',
    name: 'change-password',
    component: () => import('@/views/auth/ChangePasswordView.vue'),
    meta: { bare: true, title: 'auth.password.title' },
  },
  {
    path: '/organization',
    name: 'pick-organization',
    component: () => import('@/views/auth/OrganizationPickerView.vue'),
    meta: { bare: true, title: 'auth.organization.title' },
  },
  {
    path: '/',
    component: () => import('@/layouts/AppLayout.vue'),
    children: [
      { path: '', name: 'home', component: () => import('@/views/home/HomeView.vue'), meta: { title: 'menu.home' } },
      ...modules,
      {
        path: 'forbidden',
        name: 'forbidden',
        component: () => import('@/views/errors/ForbiddenView.vue'),
        meta: { title: 'errors.forbiddenTitle' },
      },
      {
        path: ':pathMatch(.*)*',
        name: 'not-found',
        component: () => import('@/views/errors/NotFoundView.vue'),
        meta: { title: 'errors.notFoundTitle' },
      },
    ],
  },
]

/**
 * Where a navigation must go instead, or true. Order: signed in, /me/ loaded, password changed, organisation
 * chosen, the page's codes held.
 */
export async function guard(to: RouteLocationNormalized): Promise<true | { name: string; query?: Record<string, string> }> {
  const auth = useAuthStore()
  if (to.meta.public) return true
  if (!auth.isAuthenticated) return { name: 'login', query: { redirect: to.fullPath } }
  if (!auth.me) {
    try {
      await auth.loadMe()
    } catch {
      // 401 after a failed refresh has already sent the user to login; anything else: the layout shows it.
      if (!auth.isAuthenticated) return { name: 'login', query: { redirect: to.fullPath } }
      return true
    }
  }
  const redirect = typeof to.query.redirect === 'string' ? to.query.redirect : to.fullPath
  if (auth.mustChangePassword) {
    return to.name === 'change-password' ? true : { name: 'change-password', query: { redirect } }
  }
  if (to.name === 'change-password') return true
  if (auth.needsOrganization) {
    return to.name === 'pick-organization' ? true : { name: 'pick-organization', query: { redirect } }
  }
  if (to.meta.codes && !auth.can(to.meta.codes)) return { name: 'forbidden', query: { from: to.fullPath } }
  return true
}

export function createAppRouter() {
  const router = createRouter({ history: createWebHistory('/'), routes })
  router.beforeEach((to) => guard(to))
  return router
}

import type { Router } from 'vue-router'
import { bindSession } from '@/api/transport'
import { apiLanguage } from '@/locales'
import { useAuthStore } from '@/stores/auth'

/**
 * Connect the request path to the auth store and the router: a lost session goes to the login page with the
 * current route as `redirect` (forms were saved by the store); a forced password change goes to its screen.
 */
export function installSession(router: Router): void {
  const auth = useAuthStore()
  bindSession({
    accessToken: () => auth.tokens?.access ?? null,
    organizationId: () => auth.membership?.organization_id ?? null,
    language: apiLanguage,
    refresh: (used) => auth.refresh(used),
    expired: () => {
      if (!auth.isAuthenticated) return
      auth.expire()
      const current = router.currentRoute.value
      if (current.meta.public) return
      void router.push({ name: 'login', query: { redirect: current.fullPath, expired: '1' } })
    },
    passwordChangeRequired: () => {
      auth.mustChangePassword = true
      if (router.currentRoute.value.name !== 'change-password') {
        void router.push({ name: 'change-password', query: { redirect: router.currentRoute.value.fullPath } })
      }
    },
  })
  window.addEventListener('storage', (event) => {
    if (event.key === 'pap.auth' || event.key === 'pap.membership') auth.syncFromStorage()
  })
}

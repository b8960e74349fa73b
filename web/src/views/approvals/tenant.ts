import { computed } from 'vue'
import { useAuthStore } from '@/stores/auth'

/**
 * The hospital modules (approvals, credentialing) live on the hospital's tenant API,
 * `/h/<slug>/api/v1/...` (decisions/0005). The generated types carry `{tenant_slug}` as a path parameter, so the
 * one typed client serves them: views pass `path: { tenant_slug: slug.value, ... }`. The slug is the current
 * membership's (`/me/` gives it for members of a hospital that has a tenant); none means the page cannot work.
 */
export function useTenantSlug() {
  const auth = useAuthStore()
  return computed(() => auth.membership?.tenant_slug ?? '')
}

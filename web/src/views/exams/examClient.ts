import createClient from 'openapi-fetch'
import { api } from '@/api/client'
import type { paths } from '@/api/schema'
import { authFetch } from '@/api/transport'
import type { Membership } from '@/api/types'

/**
 * Exams are owned by an organisation: the province's competence test on the public API (`/api/v1/exams/...`),
 * a hospital's own exams on its tenant API (`/h/<slug>/api/v1/exams/...`, decisions/0015). The tenant routes
 * are the public routes under a prefix with the same bodies, so one typed client with the prefix in its base URL
 * serves both: views call `examApi().GET('/api/v1/exams/banks/')` and reach the right owner.
 */
const tenantClients = new Map<string, typeof api>()

export function examBase(membership: Pick<Membership, 'tenant_slug'> | null | undefined): string {
  return membership?.tenant_slug ? `/h/${membership.tenant_slug}` : ''
}

export function examApi(membership: Pick<Membership, 'tenant_slug'> | null | undefined): typeof api {
  const slug = membership?.tenant_slug
  if (!slug) return api
  let client = tenantClients.get(slug)
  if (!client) {
    client = createClient<paths>({
      baseUrl: `${globalThis.location?.origin ?? 'http://localhost'}/h/${encodeURIComponent(slug)}`,
      fetch: (request) => authFetch(request),
    })
    tenantClients.set(slug, client)
  }
  return client
}

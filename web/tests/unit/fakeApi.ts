import { vi } from 'vitest'
import type { Me, Membership, Role } from '@/api/types'

/**
 * A fake API server for unit tests: routes by method and path to handlers; records every request with the
 * headers it carried. Installed as the global fetch (the app's transport calls the global fetch).
 */
export interface Seen {
  method: string
  path: string
  headers: Record<string, string>
  body: unknown
}

type Handler = (req: Seen) => { status: number; body?: unknown } | Promise<{ status: number; body?: unknown }>

export function fakeApi(routes: Record<string, Handler>) {
  const seen: Seen[] = []
  const fetchMock = vi.fn(async (input: Request) => {
    const url = new URL(input.url)
    const text = input.body ? await input.text() : ''
    let body: unknown = text
    try {
      body = text ? JSON.parse(text) : undefined
    } catch {
      /* not JSON */
    }
    const headers: Record<string, string> = {}
    input.headers.forEach((v, k) => (headers[k.toLowerCase()] = v))
    const req: Seen = { method: input.method, path: url.pathname + url.search, headers, body }
    seen.push(req)
    const key = `${input.method} ${url.pathname}`
    const handler = routes[key]
    const answer = handler ? await handler(req) : { status: 404, body: { type: 'client_error', errors: [{ code: 'not_found', detail: 'Not found.', attr: null }] } }
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'Content-Type': 'application/json' },
    })
  })
  vi.stubGlobal('fetch', fetchMock)
  return { seen, fetchMock }
}

export function pair(n: number, extra: Record<string, unknown> = {}) {
  return {
    access: `access-${n}`,
    refresh: `refresh-${n}`,
    access_expires_at: '2030-01-01T00:00:00Z',
    refresh_expires_at: '2030-01-14T00:00:00Z',
    must_change_password: false,
    password_change_reason: null,
    ...extra,
  }
}

export function membership(id: string, role: Role = 'city_admin', codes: string[] = ['accounts.view', 'accounts.manage']): Membership {
  return {
    id,
    organization_id: `org-${id}`,
    organization_name: `Org ${id}`,
    organization_kind: 'commission',
    role,
    role_label: role,
    tenant_slug: null,
    codes,
  }
}

export function me(memberships: Membership[], extra: Partial<Me> = {}): Me {
  return {
    id: 'user-1',
    username: 'hz_admin',
    name: '杭州管理员',
    must_change_password: false,
    password_change_reason: null,
    memberships,
    ...extra,
  }
}

export const unauthorized = {
  status: 401,
  body: { type: 'client_error', errors: [{ code: 'authentication_failed', detail: 'Token expired.', attr: null }] },
}

/**
 * The one request path of the app: every call to the API goes through `authFetch`, which adds the bearer token,
 * the organisation the user acts for (`X-Organization`) and the UI language (`Accept-Language`), refreshes the
 * token pair once on a 401 and retries, and reports a lost session or a forced password change to the session.
 * It knows nothing of Pinia or the router: the auth store binds itself with `bindSession` (tests bind fakes).
 */

export interface Session {
  accessToken(): string | null
  organizationId(): string | null
  /** the Accept-Language value for the UI language */
  language(): string
  /** Refresh the pair (rotating it); `usedAccess` is the token the 401 answered. True when a new one is ready. */
  refresh(usedAccess: string | null): Promise<boolean>
  /** The refresh failed: the session is over (keep the user's work, go to login). */
  expired(): void
  /** The API answered 403 password_change_required. */
  passwordChangeRequired(): void
}

let session: Session | null = null

export function bindSession(s: Session | null): void {
  session = s
}

/** Endpoints that never carry or refresh a token. */
const ANONYMOUS = ['/api/v1/auth/login/', '/api/v1/auth/refresh/']

function isAnonymous(url: string): boolean {
  const path = new URL(url, 'http://x').pathname
  return ANONYMOUS.some((p) => path.endsWith(p))
}

function withHeaders(request: Request, token: string | null): Request {
  const headers = new Headers(request.headers)
  if (session) {
    headers.set('Accept-Language', session.language())
    const org = session.organizationId()
    if (org && !headers.has('X-Organization')) headers.set('X-Organization', org)
  }
  if (token) headers.set('Authorization', `Bearer ${token}`)
  else headers.delete('Authorization')
  return new Request(request, { headers })
}

async function errorCode(response: Response): Promise<string | null> {
  try {
    const body = (await response.clone().json()) as { errors?: { code?: string }[] }
    return body.errors?.[0]?.code ?? null
  } catch {
    return null
  }
}

export async function authFetch(request: Request, fetchImpl: typeof fetch = fetch): Promise<Response> {
  const anonymous = isAnonymous(request.url)
  const token = anonymous ? null : (session?.accessToken() ?? null)
  // A request body can be read once: keep a copy for the retry after a refresh.
  const spare = !anonymous && token ? request.clone() : null
  let response = await fetchImpl(withHeaders(request, token))

  if (response.status === 401 && spare && session) {
    const refreshed = await session.refresh(token)
    if (refreshed) {
      response = await fetchImpl(withHeaders(spare, session.accessToken()))
    }
    if (!refreshed || response.status === 401) {
      session.expired()
    }
  }
  if (response.status === 403 && session && !anonymous && (await errorCode(response)) === 'password_change_required') {
    session.passwordChangeRequired()
  }
  return response
}

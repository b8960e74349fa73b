/**
 * The one request path of the app, typed from the generated API types. It is the only place that holds the
 * token pair: it adds `Authorization`, `Accept-Language` and (where given) `X-Device-Id`, refreshes the pair
 * silently on a 401 (single-flight: the refresh token rotates, so two refreshes with one token would revoke the
 * family) and retries the request once with the new access token, and reports a lost session.
 *
 * Errors: `ApiError` (the platform's one error shape, message in zh-CN) or `NetworkError` (no reply: offline,
 * timeout, or the request was cut when the app went to the background).
 */
import { ACCEPT_LANGUAGE, apiBase } from '../config'
import type { Body, ErrorItem, Method, PathFor, PathParams, QueryParams, Reply, Schemas } from './api'
import { KEYS, read, remove, write } from './storage'

export type TokenPair = Pick<
  Schemas['TokenPairOutput'],
  'access' | 'refresh' | 'access_expires_at' | 'refresh_expires_at' | 'must_change_password'
>

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public attr: string | null = null,
    public errors: ErrorItem[] = [],
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export class NetworkError extends Error {
  constructor(message = '网络连接失败，请检查网络后重试') {
    super(message)
    this.name = 'NetworkError'
  }
}

export function isNetworkError(e: unknown): e is NetworkError {
  return e instanceof NetworkError
}

export function errorMessage(e: unknown): string {
  if (e instanceof ApiError || e instanceof NetworkError) return e.message
  return '操作失败，请稍后重试'
}

// --- tokens ---------------------------------------------------------------------------------------------
let tokens: TokenPair | null | undefined
let refreshing: Promise<boolean> | null = null
let onExpired: (() => void) | null = null
let onPasswordChange: (() => void) | null = null

function loadTokens(): TokenPair | null {
  if (tokens === undefined) tokens = read<TokenPair>(KEYS.tokens)
  return tokens
}

export function setTokens(pair: TokenPair | null): void {
  tokens = pair
  if (pair) {
    write(KEYS.tokens, {
      access: pair.access,
      refresh: pair.refresh,
      access_expires_at: pair.access_expires_at,
      refresh_expires_at: pair.refresh_expires_at,
      must_change_password: pair.must_change_password,
    })
  } else remove(KEYS.tokens)
}

export function isLoggedIn(): boolean {
  const t = loadTokens()
  return !!t && Date.parse(t.refresh_expires_at) > Date.now()
}

/** Called when the session cannot be refreshed any more (the pages go back to login; queued answers stay). */
export function onSessionExpired(fn: (() => void) | null): void {
  onExpired = fn
}

/** Called on a 403 `password_change_required` (first login with an issued password, or a reset). */
export function onPasswordChangeRequired(fn: (() => void) | null): void {
  onPasswordChange = fn
}

const ANONYMOUS = ['/api/v1/auth/refresh/', '/api/v1/auth/wechat/login/', '/api/v1/auth/wechat/bind/', '/api/v1/auth/wechat/bind-code/']

// --- transport ------------------------------------------------------------------------------------------
interface RawReply {
  status: number
  data: unknown
}

/** wx.request as a promise; `fail` (no HTTP reply) becomes a NetworkError. */
export function rawRequest(options: {
  url: string
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  header?: Record<string, string>
  data?: unknown
  timeout?: number
}): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    wx.request({
      url: options.url,
      method: options.method,
      header: options.header,
      data: options.data as WechatMiniprogram.IAnyObject,
      timeout: options.timeout ?? 15000,
      success: (res) => resolve({ status: res.statusCode, data: res.data }),
      fail: (err) => reject(new NetworkError(err && /timeout/.test(err.errMsg) ? '请求超时，请稍后重试' : undefined)),
    })
  })
}

export function toApiError(status: number, data: unknown): ApiError {
  const body = data as { errors?: ErrorItem[] } | null
  const first = body && Array.isArray(body.errors) ? body.errors[0] : undefined
  if (first) return new ApiError(status, first.code, first.detail, first.attr, body!.errors)
  if (status >= 500) return new ApiError(status, 'server_error', '服务暂时不可用，请稍后重试')
  return new ApiError(status, `http_${status}`, `请求失败（${status}）`)
}

export function fillPath(template: string, params?: Record<string, unknown>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = params?.[name]
    if (v === undefined || v === null) throw new Error(`missing path parameter ${name}`)
    return encodeURIComponent(String(v))
  })
}

function queryString(q?: Record<string, unknown>): string {
  if (!q) return ''
  const parts = Object.keys(q)
    .filter((k) => q[k] !== undefined && q[k] !== null && q[k] !== '')
    .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(String(q[k]))}`)
  return parts.length ? `?${parts.join('&')}` : ''
}

/** Refresh the pair once for everybody waiting; true when a new access token is ready. */
export function refreshTokens(): Promise<boolean> {
  if (refreshing) return refreshing
  const current = loadTokens()
  if (!current) return Promise.resolve(false)
  refreshing = (async () => {
    try {
      const res = await rawRequest({
        url: apiBase() + '/api/v1/auth/refresh/',
        method: 'POST',
        header: { 'Content-Type': 'application/json', 'Accept-Language': ACCEPT_LANGUAGE },
        data: { refresh: current.refresh },
      })
      if (res.status === 200) {
        setTokens(res.data as TokenPair)
        return true
      }
      // The refresh token is no longer valid (expired, revoked, rotated away): the session is over.
      setTokens(null)
      if (onExpired) onExpired()
      return false
    } finally {
      refreshing = null
    }
  })()
  return refreshing
}

export interface CallOptions<P extends keyof import('./api').paths, M extends Method> {
  path?: PathParams<P, M>
  query?: QueryParams<P, M>
  body?: Body<P, M>
  deviceId?: string
  timeout?: number
}

/**
 * Call the platform: `api('put', '/api/v1/me/exams/attempts/{attempt_id}/answers/', {path: {...}, body: {...}})`.
 * The path is a literal template of the OpenAPI file (checked by the compiler and by tests/contract.test.ts).
 */
export async function api<M extends Method, P extends PathFor<M>>(
  method: M,
  template: P,
  options: CallOptions<P, M> = {},
): Promise<Reply<P, M>> {
  const url =
    apiBase() +
    fillPath(template as string, options.path as Record<string, unknown> | undefined) +
    queryString(options.query as Record<string, unknown> | undefined)
  const anonymous = ANONYMOUS.includes(template as string)
  const send = (access: string | null) => {
    const header: Record<string, string> = { 'Accept-Language': ACCEPT_LANGUAGE }
    if (options.body !== undefined) header['Content-Type'] = 'application/json'
    if (access) header.Authorization = `Bearer ${access}`
    if (options.deviceId) header['X-Device-Id'] = options.deviceId
    return rawRequest({
      url,
      method: method.toUpperCase() as 'GET',
      header,
      data: options.body,
      timeout: options.timeout,
    })
  }
  let access = anonymous ? null : (loadTokens()?.access ?? null)
  let res = await send(access)
  if (res.status === 401 && !anonymous && access) {
    // Another request may have refreshed already while this one was in flight.
    const now = loadTokens()?.access ?? null
    const ready = now && now !== access ? true : await refreshTokens()
    if (ready) {
      access = loadTokens()?.access ?? null
      res = await send(access)
    }
  }
  if (res.status >= 200 && res.status < 300) return (res.status === 204 ? undefined : res.data) as Reply<P, M>
  const error = toApiError(res.status, res.data)
  if (error.status === 403 && error.code === 'password_change_required' && onPasswordChange) onPasswordChange()
  throw error
}

/** The headers of an authenticated request outside `api` (wx.uploadFile, wx.downloadFile). */
export function authHeader(): Record<string, string> {
  const t = loadTokens()
  const h: Record<string, string> = { 'Accept-Language': ACCEPT_LANGUAGE }
  if (t) h.Authorization = `Bearer ${t.access}`
  return h
}

/** Fetch every page of a paginated list (page_size 100). */
export async function listAll<T>(fetchPage: (page: number) => Promise<{ results: T[]; next?: string | null }>): Promise<T[]> {
  const out: T[] = []
  for (let page = 1; page <= 50; page++) {
    const r = await fetchPage(page)
    out.push(...r.results)
    if (!r.next) break
  }
  return out
}

/** For tests: forget the in-memory copy (a restarted app reads storage again). */
export function _resetForTests(): void {
  tokens = undefined
  refreshing = null
  onExpired = null
  onPasswordChange = null
}

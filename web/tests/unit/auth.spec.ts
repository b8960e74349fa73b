import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { createMemoryHistory, createRouter, type Router } from 'vue-router'
import { api, call } from '@/api/client'
import { ApiError } from '@/api/errors'
import { setLocale } from '@/locales'
import { installSession } from '@/session'
import { useAuthStore } from '@/stores/auth'
import { registerDraft } from '@/utils/drafts'
import { fakeApi, me, membership, pair, unauthorized } from './fakeApi'

function makeRouter(): Router {
  const empty = { template: '<div />' }
  return createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'home', component: empty },
      { path: '/login', name: 'login', component: empty, meta: { public: true } },
      { path: '/change-password', name: 'change-password', component: empty },
      { path: '/accounts', name: 'accounts', component: empty },
    ],
  })
}

let router: Router

beforeEach(async () => {
  setActivePinia(createPinia())
  setLocale('zh-CN')
  router = makeRouter()
  installSession(router)
  await router.push('/accounts?page=2')
})

describe('login', () => {
  it('stores the pair, loads /me/ and chooses the only membership', async () => {
    // given
    const { seen } = fakeApi({
      'POST /api/v1/auth/login/': () => ({ status: 200, body: pair(1) }),
      'GET /api/v1/me/': () => ({ status: 200, body: me([membership('m1')]) }),
    })
    const auth = useAuthStore()

    // when
    const step = await auth.login('hz_admin', 'Demo@2026')

    // then
    expect(step).toBe('ready')
    expect(auth.tokens?.access).toBe('access-1')
    expect(JSON.parse(localStorage.getItem('pap.auth')!).refresh).toBe('refresh-1')
    expect(auth.membershipId).toBe('m1')
    expect(auth.can('accounts.view')).toBe(true)
    expect(auth.can('audit.view')).toBe(false)
    expect(seen[0]!.body).toEqual({ username: 'hz_admin', password: 'Demo@2026', client: 'web' })
    expect(seen[0]!.headers.authorization).toBeUndefined()
    expect(seen[1]!.headers.authorization).toBe('Bearer access-1')
  })

  it('sends the UI language and the chosen organisation with every request', async () => {
    // given
    const { seen } = fakeApi({
      'POST /api/v1/auth/login/': () => ({ status: 200, body: pair(1) }),
      'GET /api/v1/me/': () => ({ status: 200, body: me([membership('m1'), membership('m2', 'hospital_admin')]) }),
      'GET /api/v1/regions/tree/': () => ({ status: 200, body: [] }),
    })
    const auth = useAuthStore()

    // when
    const step = await auth.login('hz_admin', 'Demo@2026')
    auth.chooseMembership('m2')
    setLocale('en')
    await call(api.GET('/api/v1/regions/tree/'))

    // then
    expect(step).toBe('pick-organization')
    const last = seen.at(-1)!
    expect(last.headers['x-organization']).toBe('org-m2')
    expect(last.headers['accept-language']).toBe('en')
    expect(seen[0]!.headers['accept-language']).toBe('zh-Hans')
  })

  it('asks for the password change the login reply demands, with the reason from /me/', async () => {
    // given
    fakeApi({
      'POST /api/v1/auth/login/': () => ({ status: 200, body: pair(1, { must_change_password: true, password_change_reason: 'expired' }) }),
      'GET /api/v1/me/': () => ({
        status: 200,
        body: me([membership('m1')], { must_change_password: true, password_change_reason: 'expired' }),
      }),
    })
    const auth = useAuthStore()

    // when
    const step = await auth.login('hz_admin', 'Demo@2026')

    // then
    expect(step).toBe('change-password')
    expect(auth.passwordChangeReason).toBe('expired')
  })

  it('fails with the API message (the same for a wrong password and a locked account) and keeps no token', async () => {
    // given
    const detail = '用户名或密码错误，或账号已被锁定。'
    fakeApi({
      'POST /api/v1/auth/login/': () => ({
        status: 401,
        body: { type: 'client_error', errors: [{ code: 'login_failed', detail, attr: null }] },
      }),
    })
    const auth = useAuthStore()

    // when
    const error = await auth.login('hz_admin', 'wrong').catch((e: unknown) => e)

    // then
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).code).toBe('login_failed')
    expect((error as ApiError).errors[0]!.detail).toBe(detail)
    expect(auth.isAuthenticated).toBe(false)
    expect(localStorage.getItem('pap.auth')).toBeNull()
  })
})

describe('refresh', () => {
  async function signedIn() {
    const auth = useAuthStore()
    auth.setPair(pair(1))
    auth.me = me([membership('m1')])
    auth.chooseMembership('m1')
    return auth
  }

  it('rotates the pair once on a 401 and retries the request with the new token', async () => {
    // given
    const { seen } = fakeApi({
      'GET /api/v1/jobs/': (req) =>
        req.headers.authorization === 'Bearer access-2' ? { status: 200, body: { count: 0, results: [] } } : unauthorized,
      'POST /api/v1/auth/refresh/': (req) =>
        (req.body as { refresh: string }).refresh === 'refresh-1' ? { status: 200, body: pair(2) } : unauthorized,
    })
    const auth = await signedIn()

    // when: two requests fail at once
    const [a, b] = await Promise.all([call(api.GET('/api/v1/jobs/')), call(api.GET('/api/v1/jobs/'))])

    // then: one refresh with the old refresh token, both retried with the new access token
    expect(a).toEqual({ count: 0, results: [] })
    expect(b).toEqual({ count: 0, results: [] })
    expect(seen.filter((s) => s.path === '/api/v1/auth/refresh/')).toHaveLength(1)
    expect(auth.tokens).toMatchObject({ access: 'access-2', refresh: 'refresh-2' })
    expect(JSON.parse(localStorage.getItem('pap.auth')!).refresh).toBe('refresh-2')
  })

  it('adopts the pair another tab rotated instead of presenting a used refresh token', async () => {
    // given
    const { seen } = fakeApi({
      'GET /api/v1/jobs/': (req) =>
        req.headers.authorization === 'Bearer access-7' ? { status: 200, body: { count: 0, results: [] } } : unauthorized,
    })
    await signedIn()
    localStorage.setItem('pap.auth', JSON.stringify(pair(7)))

    // when
    await call(api.GET('/api/v1/jobs/'))

    // then
    expect(seen.some((s) => s.path === '/api/v1/auth/refresh/')).toBe(false)
  })

  it('ends the session when the refresh fails: keeps open forms, goes to login with the current route', async () => {
    // given
    fakeApi({
      'PATCH /api/v1/accounts/u1/': () => unauthorized,
      'POST /api/v1/auth/refresh/': () => unauthorized,
    })
    const auth = await signedIn()
    const form = { name: '张三', phone: '13800000000' }
    const unregister = registerDraft('accounts.form', () => form)

    // when
    const error = await call(
      api.PATCH('/api/v1/accounts/{user_id}/', { params: { path: { user_id: 'u1' } }, body: { name: '张三' } }),
    ).catch((e: unknown) => e)
    await router.isReady()
    await new Promise((r) => setTimeout(r, 0))

    // then
    expect((error as ApiError).status).toBe(401)
    expect(auth.isAuthenticated).toBe(false)
    expect(auth.sessionExpired).toBe(true)
    expect(router.currentRoute.value.name).toBe('login')
    expect(router.currentRoute.value.query.redirect).toBe('/accounts?page=2')
    const drafts = JSON.parse(sessionStorage.getItem('pap.drafts')!)
    expect(drafts.owner).toBe('user-1')
    expect(drafts.drafts['accounts.form']).toEqual(form)
    unregister()
  })

  it('goes to the password change when the API answers password_change_required', async () => {
    // given
    fakeApi({
      'GET /api/v1/jobs/': () => ({
        status: 403,
        body: { type: 'client_error', errors: [{ code: 'password_change_required', detail: '请先修改密码。', attr: null }] },
      }),
    })
    const auth = await signedIn()

    // when
    await call(api.GET('/api/v1/jobs/')).catch(() => undefined)
    await new Promise((r) => setTimeout(r, 0))

    // then
    expect(auth.mustChangePassword).toBe(true)
    expect(router.currentRoute.value.name).toBe('change-password')
  })
})

describe('forced password change', () => {
  it('changes the password, then signs in again with it (a change revokes every token)', async () => {
    // given
    let changed = false
    const { seen } = fakeApi({
      'POST /api/v1/auth/login/': (req) => {
        const pw = (req.body as { password: string }).password
        return pw === (changed ? 'New@Pass2026' : 'Demo@2026')
          ? { status: 200, body: pair(changed ? 2 : 1, changed ? {} : { must_change_password: true, password_change_reason: 'required' }) }
          : { status: 401, body: { type: 'client_error', errors: [{ code: 'login_failed', detail: 'x', attr: null }] } }
      },
      'GET /api/v1/me/': () => ({
        status: 200,
        body: me([membership('m1')], changed ? {} : { must_change_password: true, password_change_reason: 'required' }),
      }),
      'POST /api/v1/auth/password/': (req) => {
        const body = req.body as { old_password: string; new_password: string }
        if (body.new_password.length < 8) {
          return {
            status: 400,
            body: { type: 'validation_error', errors: [{ code: 'password_policy', detail: '密码太短。', attr: 'new_password' }] },
          }
        }
        changed = true
        return { status: 204 }
      },
    })
    const auth = useAuthStore()
    expect(await auth.login('hz_admin', 'Demo@2026')).toBe('change-password')
    expect(auth.passwordChangeReason).toBe('required')

    // when: a refused password, then a good one
    const refused = await auth.changePassword('Demo@2026', 'short').catch((e: unknown) => e)
    const step = await auth.changePassword('Demo@2026', 'New@Pass2026')

    // then
    expect((refused as ApiError).errors[0]).toMatchObject({ code: 'password_policy', attr: 'new_password' })
    expect(step).toBe('ready')
    expect(auth.mustChangePassword).toBe(false)
    expect(auth.tokens?.access).toBe('access-2')
    expect(seen.filter((s) => s.path === '/api/v1/auth/login/')).toHaveLength(2)
  })
})

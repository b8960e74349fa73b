/** Login: wx.login code -> platform; the first time, bind with the one-time code. */
import * as path from 'path'
import { FakePlatform } from './helpers/platform'
import { err, phone, settle } from './helpers/wx'

type Simulate = typeof import('miniprogram-simulate')
let platform: FakePlatform

function load(page: string) {
  jest.resetModules()
  const simulate = require('miniprogram-simulate') as Simulate
  const id = simulate.load(path.join(__dirname, `../pages/${page}/${page}`), { rootPath: path.join(__dirname, '..') })
  const c = simulate.render(id)
  c.attach(document.createElement('parent-wrapper'))
  return c as unknown as { instance: Record<string, (...a: unknown[]) => Promise<void> | void> & { data: Record<string, unknown> }; querySelector(s: string): { dom: HTMLElement } | null }
}

beforeEach(() => {
  const w = phone()
  w.storage.clear()
  w.calls = []
  w.violations = []
  w.routes = []
  w.ui = []
  w.online = true
  w.loginCount = 0
  platform = new FakePlatform(w).install()
})
afterEach(() => expect(phone().violations).toEqual([]))

test('first login: not bound -> bind page with the ticket -> SMS code -> bound, tokens stored, home', async () => {
  // given
  const login = load('login')
  // when: 微信登录
  await login.instance.login()
  await settle()
  // then: the wx.login code went to the platform, and the bind page opens with the ticket
  expect(phone().apiCalls('POST', '/api/v1/auth/wechat/login/')[0].data).toEqual({ code: 'code-1' })
  expect(phone().uiCalls('navigateTo')).toEqual(['/pages/bind/bind?ticket=ticket-1'])
  expect(phone().storage.has('pap.tokens')).toBe(false)

  // when: on the bind page, the physician asks for the SMS code and enters it
  const bind = load('bind')
  bind.instance.onLoad({ ticket: 'ticket-1' })
  bind.instance.setIdentity({ detail: { value: '110101199001011234' } })
  await bind.instance.sendCode()
  await settle()
  expect(phone().apiCalls('POST', '/api/v1/auth/wechat/bind-code/')[0].data).toEqual({ ticket: 'ticket-1', id_card_number: '110101199001011234' })
  expect(bind.instance.data.info).toContain('10 分钟内有效')
  bind.instance.setCode({ detail: { value: '246810' } })
  await bind.instance.bind()
  await settle()
  bind.instance.onUnload()
  // then
  expect(phone().apiCalls('POST', '/api/v1/auth/wechat/bind/')[0].data).toEqual({ ticket: 'ticket-1', id_card_number: '110101199001011234', code: '246810' })
  expect((phone().storage.get('pap.tokens') as { access: string }).access).toBe('acc-1')
  expect(phone().uiCalls('reLaunch')).toEqual(['/pages/home/home'])
})

test('a wrong code: the platform message is shown, nothing stored', async () => {
  const bind = load('bind')
  bind.instance.onLoad({ ticket: 'ticket-1' })
  bind.instance.setIdKind({ detail: { value: 'licence_number' } })
  bind.instance.setIdentity({ detail: { value: '2101100000001' } })
  bind.instance.setCode({ detail: { value: '000000' } })
  await bind.instance.bind()
  await settle()
  expect(bind.instance.data.message).toBe('验证码错误或已失效。')
  expect(phone().apiCalls('POST', '/api/v1/auth/wechat/bind/')[0].data).toMatchObject({ licence_number: '2101100000001' })
  expect(phone().storage.has('pap.tokens')).toBe(false)
})

test('a bound physician logs in directly; each try uses a fresh wx.login code', async () => {
  platform.bound.add('me')
  const login = load('login')
  await login.instance.login()
  await login.instance.login()
  await settle()
  expect(phone().apiCalls('POST', '/api/v1/auth/wechat/login/').map((c) => (c.data as { code: string }).code)).toEqual(['code-1', 'code-2'])
  expect(phone().uiCalls('reLaunch')).toContain('/pages/home/home')
  expect(phone().storage.has('pap.tokens')).toBe(true)
})

test('no network: the login says so and nothing is stored', async () => {
  phone().online = false
  const login = load('login')
  await login.instance.login()
  await settle()
  expect(login.instance.data.message).toContain('网络连接失败')
  expect(phone().storage.has('pap.tokens')).toBe(false)
})

test('logout revokes on the platform and forgets the tokens', async () => {
  platform.seedSession()
  jest.resetModules()
  const auth = require('../utils/auth') as typeof import('../utils/auth')
  await auth.logout()
  expect(phone().apiCalls('POST', '/api/v1/auth/logout/')).toHaveLength(1)
  expect(phone().storage.has('pap.tokens')).toBe(false)
})

test('a forced password change: the API refuses with password_change_required, the page changes it and logs in again', async () => {
  // given: a bound physician whose password was issued by the institution
  platform.bound.add('me')
  platform.seedSession()
  let changed = false
  phone().on('GET', '/api/v1/me/exams/sittings/', () => (changed ? { status: 200, data: { count: 0, next: null, previous: null, results: [] } } : err(403, 'password_change_required', '请先修改密码。')))
  phone().on('POST', '/api/v1/auth/password/', (req) => {
    const b = req.data as { old_password: string; new_password: string }
    if (b.new_password.length < 8) return { status: 400, data: { type: 'validation_error', errors: [{ code: 'password_policy', detail: '密码至少 8 位。', attr: 'new_password' }] } }
    changed = true
    platform.accessValid.clear()
    return { status: 204 }
  })
  jest.resetModules()
  const request = require('../utils/request') as typeof import('../utils/request')
  let asked = 0
  request.onPasswordChangeRequired(() => asked++)
  // when
  await expect(request.api('get', '/api/v1/me/exams/sittings/')).rejects.toMatchObject({ code: 'password_change_required' })
  expect(asked).toBe(1)
  const page = load('password')
  page.instance.setOld({ detail: { value: 'Issued#2026' } })
  page.instance.setFresh({ detail: { value: 'short' } })
  page.instance.setAgain({ detail: { value: 'short' } })
  await page.instance.save()
  expect(page.instance.data.message).toBe('密码至少 8 位。')
  page.instance.setFresh({ detail: { value: 'Better#2026x' } })
  page.instance.setAgain({ detail: { value: 'Better#2026x' } })
  await page.instance.save()
  await settle()
  // then: logged in again with WeChat and home
  expect(phone().apiCalls('POST', '/api/v1/auth/wechat/login/')).toHaveLength(1)
  expect(phone().uiCalls('reLaunch')).toEqual(['/pages/home/home'])
  const fresh = require('../utils/request') as typeof import('../utils/request')
  await expect(fresh.api('get', '/api/v1/me/exams/sittings/')).resolves.toMatchObject({ count: 0 })
})

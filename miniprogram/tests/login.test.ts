/** Login: wx.login code -> platform; the first time, bind with the one-time code. */
import * as path from 'path'
import { FakePlatform } from './helpers/platform'
import { phone, settle } from './helpers/wx'

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

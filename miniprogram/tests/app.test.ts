/** app.ts: privacy handler, session end -> login, password change -> its page, the outbox drained on onShow. */
import { FakePlatform } from './helpers/platform'
import { phone, settle } from './helpers/wx'

interface AppDef {
  onLaunch(): void
  onShow(): void
}

let platform: FakePlatform
beforeEach(() => {
  const w = phone()
  w.storage.clear()
  w.calls = []
  w.violations = []
  w.routes = []
  w.ui = []
  w.online = true
  w.privacyHandler = null
  platform = new FakePlatform(w).install()
  platform.seedSession()
})
afterEach(() => expect(phone().violations).toEqual([]))

function boot(): AppDef {
  jest.resetModules()
  let def: AppDef | null = null
  ;(globalThis as unknown as { App: (d: AppDef) => void }).App = (d) => (def = d)
  require('../app')
  def!.onLaunch()
  return def!
}

test('coming back to the foreground drains the answers queued while the app was away', async () => {
  // given: an answer queued offline (the app went to the background and its request was cut)
  const app = boot()
  const device = require('../utils/device') as typeof import('../utils/device')
  const queue = require('../utils/answerQueue') as typeof import('../utils/answerQueue')
  platform.device = device.deviceId()
  phone().online = false
  queue.saveAnswer('att-1', 'q1', ['q1a'], false)
  await settle()
  expect(platform.answers.size).toBe(0)
  // when
  phone().online = true
  app.onShow()
  await settle()
  // then
  expect(platform.answers.get('q1')!.options).toEqual(['q1a'])
})

test('the privacy request without a popup on screen is refused (the camera never opens without consent)', () => {
  boot()
  const answers: unknown[] = []
  phone().privacyHandler!((r) => answers.push(r))
  expect(answers).toEqual([{ event: 'disagree' }])
})

test('with the popup on screen, 同意 resolves the request as agreed', () => {
  boot()
  const privacy = require('../utils/privacy') as typeof import('../utils/privacy')
  const shown: boolean[] = []
  const off = privacy.onPrivacyPopup((s) => shown.push(s))
  const answers: unknown[] = []
  phone().privacyHandler!((r) => answers.push(r))
  privacy.privacyAnswer(true, 'privacy-agree')
  off()
  expect(shown).toEqual([true, false])
  expect(answers).toEqual([{ buttonId: 'privacy-agree', event: 'agree' }])
})

test('a session that cannot be refreshed sends the app to login', async () => {
  boot()
  const request = require('../utils/request') as typeof import('../utils/request')
  platform.expireAccess()
  platform.refreshValid.clear()
  await expect(request.api('get', '/api/v1/me/exams/sittings/')).rejects.toMatchObject({ status: 401 })
  expect(phone().uiCalls('reLaunch')).toEqual(['/pages/login/login'])
})

test('the API base URL follows the environment; no secret in the config', () => {
  jest.resetModules()
  const config = require('../config') as typeof import('../config')
  expect(config.apiBase()).toBe('http://127.0.0.1:8000')
  expect(Object.keys(config.API_BASE).sort()).toEqual(['develop', 'release', 'trial'])
  const text = require('fs').readFileSync(require('path').join(__dirname, '../config.ts'), 'utf8') as string
  expect(text).not.toMatch(/(secret|password|token|key)\w*['"]?\s*[:=]\s*['"]/i)
})

test('every page of app.json compiles (WXML, WXSS, JSON) and renders in the simulator', () => {
  const path = require('path') as typeof import('path')
  const pages = (require('../app.json') as { pages: string[]; tabBar: { list: { pagePath: string }[] } })
  for (const tab of pages.tabBar.list) expect(pages.pages).toContain(tab.pagePath)
  for (const page of pages.pages) {
    jest.resetModules()
    const simulate = require('miniprogram-simulate') as typeof import('miniprogram-simulate')
    const id = simulate.load(path.join(__dirname, '..', page), { rootPath: path.join(__dirname, '..') })
    const c = simulate.render(id)
    c.attach(document.createElement('parent-wrapper'))
    expect(c.dom).toBeTruthy()
    c.detach()
  }
}, 180000)

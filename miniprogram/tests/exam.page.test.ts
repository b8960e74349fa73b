/** The exam page in miniprogram-simulate, against the fake platform. */
import * as path from 'path'
import { FakePlatform } from './helpers/platform'
import { phone, settle } from './helpers/wx'

// eslint-disable-next-line @typescript-eslint/no-require-imports
type Simulate = typeof import('miniprogram-simulate')
let simulate: Simulate
let platform: FakePlatform

function load() {
  jest.resetModules()
  simulate = require('miniprogram-simulate') as Simulate
  const id = simulate.load(path.join(__dirname, '../pages/exam/exam'), { rootPath: path.join(__dirname, '..') })
  const page = simulate.render(id)
  page.attach(document.createElement('parent-wrapper'))
  return page
}

type Page = ReturnType<typeof load>
const inst = (p: Page) => p.instance as unknown as Record<string, (...a: unknown[]) => Promise<void> | void> & { data: Record<string, unknown> }

beforeEach(() => {
  const w = phone()
  w.storage.clear()
  w.calls = []
  w.violations = []
  w.routes = []
  w.ui = []
  w.online = true
  w.cameraGranted = true
  w.privacyAgreed = true
  w.platform = 'android'
  platform = new FakePlatform(w).install()
  platform.seedSession()
  platform.consented = true
  platform.nextDueIn = null
})
afterEach(() => expect(phone().violations).toEqual([]))

async function open(): Promise<Page> {
  const page = load()
  await inst(page).onLoad({ sitting: 'sit-1' })
  await settle()
  return page
}

test('the exam starts, shows the countdown from the server clock and the first question', async () => {
  platform.remaining = 1800
  const page = await open()
  const data = inst(page).data
  expect(data.state).toBe('ready')
  expect(data.remaining).toMatch(/^(30:00|29:5\d)$/)
  expect(page.querySelector('#stem')!.dom!.textContent).toBe('单选题一')
  expect(phone().apiCalls('POST', '/api/v1/me/exams/sittings/{sitting_id}/start/')[0].header['X-Device-Id']).toMatch(/^mp-/)
  inst(page).onUnload()
})

test('camera permission refused: the exam does not start and says why', async () => {
  phone().cameraGranted = false
  const page = await open()
  expect(inst(page).data.state).toBe('refused')
  expect(page.querySelector('#refused')!.dom!.textContent).toContain('未获得摄像头权限')
  expect(phone().apiCalls('POST', '/api/v1/me/exams/sittings/{sitting_id}/start/')).toHaveLength(0)
})

test('the privacy guide not agreed: the camera never opens and the exam does not start', async () => {
  phone().privacyAgreed = false
  const page = await open()
  expect(inst(page).data.state).toBe('refused')
  expect(inst(page).data.message).toContain('隐私保护指引')
  expect(phone().apiCalls('POST', '/api/v1/me/exams/sittings/{sitting_id}/start/')).toHaveLength(0)
})

test('no consent to face capture yet: sent to the consent page first', async () => {
  platform.consented = false
  await open()
  expect(phone().uiCalls('redirectTo')).toEqual(['/pages/consent/consent?sitting=sit-1'])
})

test('answers single, multiple and case-group questions; marks; the answer sheet follows', async () => {
  const page = await open()
  const p = inst(page)
  const tap = (q: string, o: string, kind: string) => p.choose({ currentTarget: { dataset: { q, o, kind } } })
  tap('q1', 'q1b', 'single')
  p.next()
  tap('q2', 'q2a', 'multiple')
  tap('q2', 'q2c', 'multiple')
  p.toggleMark({ currentTarget: { dataset: { q: 'q2' } } })
  p.next()
  tap('q3s1', 'q3s1a', 'single')
  await settle(40)
  expect(platform.answers.get('q1')!.options).toEqual(['q1b'])
  expect(platform.answers.get('q2')).toMatchObject({ options: ['q2a', 'q2c'], marked: true })
  expect(platform.answers.get('q3s1')!.options).toEqual(['q3s1a'])
  const sheet = p.data.sheet as { answered: boolean; marked: boolean }[]
  expect(sheet.map((r) => [r.answered, r.marked])).toEqual([
    [true, false],
    [true, true],
    [false, false],
  ])
  expect(p.data.answeredCount).toBe(3)
  // 字体: the size cycles and is remembered on the phone
  const before = p.data.fontSize as number
  p.fontSize()
  expect(p.data.fontSize).toBeGreaterThan(before)
  expect(phone().storage.get('pap.fontSize')).toBe(p.data.fontSize)
  // 答题卡: a tap on a cell jumps to that question
  p.openSheet()
  p.jump({ currentTarget: { dataset: { index: 0 } } })
  expect(p.data.index).toBe(0)
  expect(p.data.sheetOpen).toBe(false)
  const seqs = phone().apiCalls('PUT', '/api/v1/me/exams/attempts/{attempt_id}/answers/').map((c) => (c.data as { seq: number }).seq)
  expect(seqs).toEqual([1, 2, 3, 4, 5])
  p.onUnload()
})

test('resume after the app was killed offline: the unsent answer is shown and then saved', async () => {
  // given: an answer given offline, then the app is killed
  let page = await open()
  phone().online = false
  inst(page).choose({ currentTarget: { dataset: { q: 'q1', o: 'q1a', kind: 'single' } } })
  await settle()
  inst(page).onUnload()
  expect(platform.answers.size).toBe(0)
  // when: the app starts again with the network back
  phone().online = true
  page = await open()
  await settle(40)
  // then
  expect((inst(page).data.current as { options: { selected: boolean }[] }).options[0].selected).toBe(true)
  expect(platform.answers.get('q1')!.options).toEqual(['q1a'])
  inst(page).onUnload()
})

test('leaving the app and coming back are reported', async () => {
  const page = await open()
  inst(page).onHide()
  inst(page).onShow()
  await settle(40)
  expect(platform.events.map((e) => e.kind)).toEqual(['hide', 'show'])
  inst(page).onUnload()
})

test('a photo is taken when the platform schedules it, uploaded as PNG from iOS and registered', async () => {
  phone().platform = 'ios'
  platform.nextDueIn = 0
  const page = await open()
  platform.nextDueIn = null
  await settle(60)
  const grant = phone().apiCalls('POST', '/api/v1/me/proctoring/attempts/{attempt_id}/snapshots/')[0]
  expect((grant.data as { content_type: string }).content_type).toBe('image/png')
  expect([...platform.snapshots.values()][0].registered).toBe(true)
  inst(page).onUnload()
})

test('submitting waits for the outbox, then submits once', async () => {
  const page = await open()
  inst(page).choose({ currentTarget: { dataset: { q: 'q1', o: 'q1a', kind: 'single' } } })
  await inst(page).submitTap()
  await settle()
  expect(platform.submitted).toBe(true)
  expect(platform.answers.get('q1')!.options).toEqual(['q1a'])
  expect(inst(page).data.state).toBe('submitted')
  expect(phone().apiCalls('POST', '/api/v1/me/exams/attempts/{attempt_id}/submit/')).toHaveLength(1)
})

test('the access token expires mid-exam: the answer is saved after a silent refresh', async () => {
  const page = await open()
  platform.expireAccess()
  inst(page).choose({ currentTarget: { dataset: { q: 'q1', o: 'q1b', kind: 'single' } } })
  await settle(40)
  expect(platform.refreshCalls).toBe(1)
  expect(platform.answers.get('q1')!.options).toEqual(['q1b'])
  expect(inst(page).data.unsaved).toBe(0)
  inst(page).onUnload()
})

test('no network when opening the exam: it says so', async () => {
  phone().online = false
  const page = await open()
  expect(inst(page).data.state).toBe('error')
  expect(page.querySelector('#error')!.dom!.textContent).toContain('网络连接失败')
})

test('answers given offline wait on the page (counted as unsaved) and go out when the app returns', async () => {
  const page = await open()
  phone().online = false
  inst(page).choose({ currentTarget: { dataset: { q: 'q1', o: 'q1a', kind: 'single' } } })
  await settle()
  expect(inst(page).data.unsaved).toBe(1)
  expect(page.querySelector('#unsaved')!.dom!.textContent).toContain('1 条答案待保存')
  phone().online = true
  inst(page).onHide()
  inst(page).onShow()
  await settle(60)
  expect(platform.answers.get('q1')!.options).toEqual(['q1a'])
  expect(inst(page).data.unsaved).toBe(0)
  inst(page).onUnload()
})

test('a photo upload that keeps failing is retried, then reported on the page; the exam goes on', async () => {
  // one slot due now, then none
  let slots = 1
  phone().on('GET', '/api/v1/me/proctoring/attempts/{attempt_id}/next-snapshot/', () => ({
    status: 200,
    data: slots-- > 0 ? { index: 0, due_at: new Date().toISOString(), due_in_seconds: 0, window_seconds: 120, remaining: 1 } : { index: null, due_at: null, due_in_seconds: null, window_seconds: 120, remaining: 0 },
  }))
  platform.storeFailures = 100
  const page = load()
  ;(require('../utils/upload') as typeof import('../utils/upload')).uploadDefaults.delayMs = 0
  await inst(page).onLoad({ sitting: 'sit-1' })
  await settle(80)
  expect(phone().apiCalls('PUT', 'store:*')).toHaveLength(6)
  expect(page.querySelector('#photo-note')!.dom!.textContent).toContain('监考照片上传失败')
  expect(phone().uiCalls('toast')).toContainEqual(expect.objectContaining({ title: '监考照片上传失败，请检查网络。' }))
  expect(inst(page).data.state).toBe('ready')
  inst(page).onUnload()
})

test('the attempt is open on another phone: after an explicit confirmation this phone takes it over', async () => {
  platform.device = 'mp-other-phone'
  const page = await open()
  expect(phone().uiCalls('modal')[0]).toMatchObject({ title: '在本机继续考试？' })
  expect(phone().apiCalls('POST', '/api/v1/me/exams/attempts/{attempt_id}/takeover/')).toHaveLength(1)
  expect(inst(page).data.state).toBe('ready')
  inst(page).choose({ currentTarget: { dataset: { q: 'q1', o: 'q1a', kind: 'single' } } })
  await settle(40)
  expect(platform.answers.get('q1')!.options).toEqual(['q1a'])
  inst(page).onUnload()
})

test('declining the takeover leaves the attempt to the other phone', async () => {
  platform.device = 'mp-other-phone'
  phone().modalConfirm = false
  try {
    const page = await open()
    expect(inst(page).data.state).toBe('error')
    expect(phone().apiCalls('POST', '/api/v1/me/exams/attempts/{attempt_id}/takeover/')).toHaveLength(0)
    expect(platform.device).toBe('mp-other-phone')
  } finally {
    phone().modalConfirm = true
  }
})

test('the countdown reaches zero on the server clock: the page submits by itself', async () => {
  platform.remaining = 2
  const page = await open()
  inst(page).choose({ currentTarget: { dataset: { q: 'q1', o: 'q1a', kind: 'single' } } })
  await new Promise((r) => setTimeout(r, 3200))
  await settle()
  expect(platform.submitted).toBe(true)
  expect(platform.answers.get('q1')!.options).toEqual(['q1a'])
  expect(inst(page).data.state).toBe('submitted')
  expect(inst(page).data.message).toBe('考试时间到，已自动交卷。')
})

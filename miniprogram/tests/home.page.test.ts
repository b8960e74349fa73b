/** 首页, 试卷列表 and the consent page. */
import * as path from 'path'
import { FakePlatform } from './helpers/platform'
import { phone, settle } from './helpers/wx'

type Simulate = typeof import('miniprogram-simulate')
type Page = { instance: Record<string, (...a: unknown[]) => Promise<void> | void> & { data: Record<string, unknown> }; querySelector(s: string): { dom: HTMLElement } | null }
let platform: FakePlatform

function load(name: string): Page {
  jest.resetModules()
  const simulate = require('miniprogram-simulate') as Simulate
  const id = simulate.load(path.join(__dirname, `../pages/${name}/${name}`), { rootPath: path.join(__dirname, '..') })
  const c = simulate.render(id)
  c.attach(document.createElement('parent-wrapper'))
  return c as unknown as Page
}

beforeEach(() => {
  const w = phone()
  w.storage.clear()
  w.calls = []
  w.violations = []
  w.routes = []
  w.ui = []
  w.online = true
  platform = new FakePlatform(w).install()
  platform.seedSession()
  w.on('GET', '/api/v1/me/', () => ({ status: 200, data: { id: 'u1', username: 'zhangsan', name: '张三', must_change_password: false, password_change_reason: null, memberships: [] } }))
  w.on('GET', '/api/v1/me/enrolments/', () => ({ status: 200, data: { count: 1, next: null, previous: null, results: [{ id: 'enr-1', cycle_id: 'c', cycle_code: '2026', cycle_name: '2026年度医师定期考核', organization_name: '市第一医院', department_name: '内科', status: 'drafting', status_label: '填报中', procedure: '', procedure_label: '', submitted_at: null, result_level: null, total_score: null }] } }))
  w.on('GET', '/api/v1/me/enrolments/{enrolment_id}/report/', () => ({ status: 200, data: {
    enrolment: { id: 'enr-1', cycle_id: 'c', cycle_code: '2026', cycle_name: '2026年度医师定期考核', organization_name: '市第一医院', department_name: '内科', status: 'drafting', status_label: '填报中', procedure: '', procedure_label: '', submitted_at: null, result_level: null, total_score: null },
    editable: true, required_forms: [], forms: {}, procedure: '', exemption_reason: '', exemption_reasons: [], exemption_attachment_required: false,
    simplified: { eligible: false, reasons: [] }, phase: { opens: '2026-11-01', closes: '2026-12-31', open: true }, attachments: [], last_return: null,
  } }))
  w.on('GET', '/api/v1/notifications/', (req) => {
    expect(req.query.unread).toBe('true')
    return { status: 200, data: { count: 1, next: null, previous: null, results: [{ id: 'n1', kind: 'phase_started', title: '个人填报已开始', body: '请于12月31日前提交。', phase: 'self_report', link: null, read: false, read_at: null, created_at: '2026-11-01T08:00:00Z' }] } }
  })
  w.on('POST', '/api/v1/notifications/{notification_id}/read/', () => ({ status: 200, data: { id: 'n1', kind: 'phase_started', title: '个人填报已开始', body: '', phase: 'self_report', link: null, read: true, read_at: '2026-11-02T08:00:00Z', created_at: '2026-11-01T08:00:00Z' } }))
  w.on('GET', '/api/v1/me/exams/attempts/', () => ({ status: 200, data: { count: 0, next: null, previous: null, results: [] } }))
})
afterEach(() => expect(phone().violations).toEqual([]))

test('home: the current cycle with what is due, open exams with their closing time, unread notifications', async () => {
  const page = load('home')
  await page.instance.onShow()
  await settle()
  expect(page.querySelector('#cycles')!.dom.textContent).toContain('2026年度医师定期考核')
  expect(page.querySelector('#cycles')!.dom.textContent).toContain('请于 2026-12-31 前提交个人填报')
  expect(page.querySelector('#due')!.dom.textContent).toContain('2026年度定期考核业务水平测评')
  expect(page.querySelector('#notifications')!.dom.textContent).toContain('个人填报已开始')
  await page.instance.readNotification({ currentTarget: { dataset: { id: 'n1' } } })
  expect(page.instance.data.notifications).toEqual([])
})

test('home without a session goes to login', async () => {
  phone().storage.clear()
  const page = load('home')
  await page.instance.onShow()
  expect(phone().uiCalls('reLaunch')).toEqual(['/pages/login/login'])
})

test('paper list: a proctored sitting without consent opens the consent page; the consent is explicit and versioned', async () => {
  const list = load('exams')
  await list.instance.onShow()
  await settle()
  await list.instance.enter({ currentTarget: { dataset: { id: 'sit-1' } } })
  expect(phone().uiCalls('navigateTo')).toEqual(['/pages/consent/consent?sitting=sit-1'])

  const consent = load('consent')
  await consent.instance.onLoad({ sitting: 'sit-1' })
  await settle()
  expect(consent.querySelector('#consent-text')!.dom.textContent).toContain('为核验考生身份')
  // not ticked: nothing is sent
  await consent.instance.agree()
  expect(phone().apiCalls('POST', '/api/v1/me/proctoring/sittings/{sitting_id}/consent/')).toHaveLength(0)
  consent.instance.tick({ detail: { value: ['agree'] } })
  await consent.instance.agree()
  await settle()
  expect(phone().apiCalls('POST', '/api/v1/me/proctoring/sittings/{sitting_id}/consent/')[0].data).toEqual({ version: 'v1', agree: true })
  expect(phone().uiCalls('redirectTo')).toEqual(['/pages/exam/exam?sitting=sit-1'])
})

test('consented but no approved reference photo: the reference page comes first', async () => {
  platform.consented = true
  platform.referenceReady = false
  const list = load('exams')
  await list.instance.enter({ currentTarget: { dataset: { id: 'sit-1' } } })
  expect(phone().uiCalls('navigateTo')).toEqual(['/pages/reference/reference?sitting=sit-1'])
})

test('reference photo: the physician proposes one (multipart with the bearer token); it waits for the institution', async () => {
  const refs: { id: string; status: string }[] = []
  const ref = (id: string, status: string) => ({ id, physician: 'p1', physician_name: '张三', status, source: 'physician', content_type: 'image/jpeg', size: 64, sha256: 'x', width: 640, height: 480, comment: '', decided_at: null, created_at: '2026-11-01T08:00:00Z' })
  phone().on('GET', '/api/v1/me/proctoring/references/', () => ({ status: 200, data: { count: refs.length, next: null, previous: null, results: refs.map((r) => ref(r.id, r.status)) } }))
  phone().on('POST', '/api/v1/me/proctoring/references/', (req) => {
    if (!(req.header.Authorization ?? '').startsWith('Bearer acc-')) return { status: 401, data: { type: 'client_error', errors: [{ code: 'not_authenticated', detail: '', attr: null }] } }
    refs.push({ id: 'r1', status: 'pending' })
    return { status: 201, data: ref('r1', 'pending') }
  })
  const page = load('reference')
  await page.instance.onLoad({ sitting: 'sit-1' })
  page.instance.propose()
  await settle(40)
  expect(phone().apiCalls('POST', '/api/v1/me/proctoring/references/')[0].data).toMatchObject({ file: expect.stringMatching(/^file:wxfile:\/\/tmp\/chosen-/) })
  expect(page.instance.data.info).toBe('照片已提交，待所在机构审核。')
  expect(page.instance.data.references).toEqual([{ id: 'r1', created: expect.any(String), statusLabel: '待机构审核' }])
  page.instance.continueExam()
  expect(phone().uiCalls('redirectTo')).toEqual(['/pages/exam/exam?sitting=sit-1'])
})

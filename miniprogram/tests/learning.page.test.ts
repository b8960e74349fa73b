/** 学习 and 考核结果 pages: practice graded at once, favourites, mock test on the server clock, wrong-answer book, certificate. */
import * as path from 'path'
import { FakePlatform } from './helpers/platform'
import { phone, settle } from './helpers/wx'

type Simulate = typeof import('miniprogram-simulate')
type Page = { instance: Record<string, (...a: unknown[]) => Promise<void> | void> & { data: Record<string, unknown> }; querySelector(s: string): { dom: HTMLElement } | null }

function load(name: string): Page {
  jest.resetModules()
  const simulate = require('miniprogram-simulate') as Simulate
  const id = simulate.load(path.join(__dirname, `../pages/${name}/${name}`), { rootPath: path.join(__dirname, '..') })
  const c = simulate.render(id)
  c.attach(document.createElement('parent-wrapper'))
  return c as unknown as Page
}

const session = (mode: string, extra: Record<string, unknown> = {}) => ({
  id: 'ps-1', mode, source: 'bank', filters: {}, sitting: mode === 'mock' ? 'sit-1' : null, status: 'open', started_at: '2026-11-01T08:00:00Z',
  deadline: null, submitted_at: null, question_count: 2, score: null, max_score: '4', pass_mark: null, passed: null, ...extra,
})
const items = [
  { id: 'p1', kind: 'single', stem: '高血压的诊断标准是', options: [{ id: 'p1a', text: '≥140/90' }, { id: 'p1b', text: '≥120/80' }], position: 1, points: '2', question_id: '11111111-1111-1111-1111-111111111111', subs: [] },
  { id: 'p2', kind: 'multiple', stem: '属于抗菌药物的是', options: [{ id: 'p2a', text: '阿莫西林' }, { id: 'p2b', text: '布洛芬' }], position: 2, points: '2', question_id: '22222222-2222-2222-2222-222222222222', subs: [] },
]

beforeEach(() => {
  const w = phone()
  w.storage.clear()
  w.calls = []
  w.violations = []
  w.routes = []
  w.ui = []
  w.online = true
  new FakePlatform(w).install().seedSession()
  w.on('POST', '/api/v1/me/practice/sessions/', (req) => {
    const b = req.data as { mode: string }
    return { status: 201, data: { session: session(b.mode), items, remaining_seconds: b.mode === 'mock' ? 3600 : null } }
  })
  w.on('PUT', '/api/v1/me/practice/sessions/{session_id}/answers/', (req) => {
    const b = req.data as { question: string; options: string[] }
    const key = b.question === 'p1' ? ['p1a'] : ['p2a']
    return { status: 200, data: { question: b.question, options: b.options, answered_at: '', applied: true, correct: JSON.stringify(b.options) === JSON.stringify(key), key, explanation: '见指南。', group_explanation: '' } }
  })
  w.on('POST', '/api/v1/me/practice/favourites/', (req) => ({ status: 201, data: { id: 'fav-1', question: (req.data as { question: string }).question, kind: 'single', specialty: '内科', practice_category: 'clinical', difficulty: 1, created_at: '', content: { kind: 'single', stem: '高血压的诊断标准是', options: [{ key: 'A', text: '≥140/90' }], key: ['A'], explanation: '', chosen: [], subs: [] } } }))
  w.on('DELETE', '/api/v1/me/practice/favourites/{favourite_id}/', () => ({ status: 204 }))
  w.on('POST', '/api/v1/me/practice/sessions/{session_id}/submit/', () => ({ status: 200, data: { session: session('mock', { status: 'submitted', score: '2.00', passed: false }), items: items.map((i) => ({ ...i, key: [i.options[0].id], explanation: '解析', answer: [], correct: false })), remaining_seconds: 0 } }))
})
afterEach(() => expect(phone().violations).toEqual([]))

test('practice by category: a single choice is graded at once with key and explanation; favourites toggle', async () => {
  const page = load('practice')
  await page.instance.onLoad({ mode: 'practice', source: 'bank', specialty: encodeURIComponent('内科') })
  await settle()
  expect(phone().apiCalls('POST', '/api/v1/me/practice/sessions/')[0].data).toEqual({ mode: 'practice', source: 'bank', count: 20, specialty: '内科' })
  await page.instance.choose({ currentTarget: { dataset: { q: 'p1', o: 'p1b', kind: 'single' } } })
  await settle()
  const cur = page.instance.data.current as { correct: boolean; explanation: string; options: { right: boolean }[] }
  expect(cur.correct).toBe(false)
  expect(cur.options.map((o) => o.right)).toEqual([true, false])
  expect(cur.explanation).toBe('见指南。')
  await page.instance.toggleFavourite()
  await page.instance.toggleFavourite()
  expect(phone().apiCalls('POST', '/api/v1/me/practice/favourites/')[0].data).toEqual({ question: '11111111-1111-1111-1111-111111111111' })
  expect(phone().apiCalls('DELETE', '/api/v1/me/practice/favourites/{favourite_id}/')).toHaveLength(1)
  // a multiple choice waits for 确认
  page.instance.next()
  await page.instance.choose({ currentTarget: { dataset: { q: 'p2', o: 'p2a', kind: 'multiple' } } })
  expect(phone().apiCalls('PUT', '/api/v1/me/practice/sessions/{session_id}/answers/')).toHaveLength(1)
  await page.instance.confirmMultiple({ currentTarget: { dataset: { q: 'p2' } } })
  expect((phone().apiCalls('PUT', '/api/v1/me/practice/sessions/{session_id}/answers/')[1].data as { options: string[] }).options).toEqual(['p2a'])
  page.instance.onUnload()
})

test('mock test: the countdown comes from the server, submission shows the score and the keys', async () => {
  const page = load('practice')
  await page.instance.onLoad({ mode: 'mock', sitting: 'sit-1' })
  await new Promise((r) => setTimeout(r, 1100))
  expect(phone().apiCalls('POST', '/api/v1/me/practice/sessions/')[0].data).toEqual({ mode: 'mock', sitting: 'sit-1' })
  expect(page.instance.data.remaining).toMatch(/^(01:00:00|59:5\d)$/)
  await page.instance.submit()
  expect(page.instance.data.state).toBe('done')
  expect(page.instance.data.score).toBe('2.00')
  expect(page.querySelector('#result')!.dom.textContent).toContain('不合格')
  page.instance.onUnload()
})

test('wrong-answer book: open entries with key and chosen answer; 错题重练 starts a wrong_book session', async () => {
  phone().on('GET', '/api/v1/me/practice/wrong-answers/', (req) => {
    expect(req.query.status).toBe('open')
    return { status: 200, data: { count: 1, next: null, previous: null, results: [{ id: 'w1', kind: 'single', specialty: '内科', practice_category: 'clinical', difficulty: 1, question: null, source: 'exam', attempt: 'att-0', wrong_count: 2, last_wrong_at: '', cleared_at: null, content: { kind: 'single', stem: '题干', options: [{ key: 'A', text: '甲' }, { key: 'B', text: '乙' }], key: ['A'], explanation: '因为', chosen: ['B'], subs: [] } }] } }
  })
  const page = load('notebook')
  await page.instance.onLoad({ kind: 'wrong' })
  await settle()
  const e = (page.instance.data.entries as { options: { right: boolean; chosen: boolean }[]; fromExam: boolean; note: string }[])[0]
  expect(e.options).toEqual([{ key: 'A', text: '甲', right: true, chosen: false }, { key: 'B', text: '乙', right: false, chosen: true }])
  expect(e.fromExam).toBe(true)
  expect(e.note).toBe('错 2 次')
  page.instance.practise()
  expect(phone().uiCalls('navigateTo')).toEqual(['/pages/practice/practice?mode=practice&source=wrong_book'])
})

test('results of all cycles; the certificate is fetched through a fresh link and opened with the save menu', async () => {
  phone().on('GET', '/api/v1/me/cycles/', () => ({ status: 200, data: { count: 2, next: null, previous: null, results: [
    { id: 'e2', cycle_id: 'c2', cycle_code: '2026', cycle_name: '2026年度', cycle_status: 'open', organization_id: 'o', organization_name: '市一院', title: '', procedure: 'general', procedure_label: '一般程序', status: 'submitted', status_label: '已提交', test_score: null, makeup_test_score: null, total_score: null, result_level: '', result_label: '', finalized_at: null, certificate_serial: '' },
    { id: 'e1', cycle_id: 'c1', cycle_code: '2024', cycle_name: '2024年度', cycle_status: 'closed', organization_id: 'o', organization_name: '市一院', title: '', procedure: 'general', procedure_label: '一般程序', status: 'passed', status_label: '合格', test_score: '86.00', makeup_test_score: null, total_score: '88.50', result_level: 'pass', result_label: '合格', finalized_at: '2024-12-01T00:00:00Z', certificate_serial: 'ZS-2024-1' },
  ] } }))
  phone().on('GET', '/api/v1/me/certificates/', () => ({ status: 200, data: { count: 1, next: null, previous: null, results: [{ id: 'e1', cycle_id: 'c1', cycle_code: '2024', cycle_name: '2024年度', physician_name: '张三', organization_id: 'o', organization_name: '市一院', department_id: null, result_level: 'pass', certificate_status: 'valid', serial: 'ZS-2024-1', issued_at: '2024-12-02T00:00:00Z', revoked_at: null }] } }))
  phone().on('POST', '/api/v1/me/certificates/{enrolment_id}/download/', () => ({ status: 200, data: { url: 'https://store.test/pap/certificates/e1.pdf?sig=1', file_name: '证书.pdf' } }))
  const page = load('results')
  await page.instance.onShow()
  await settle()
  expect((page.instance.data.cycles as unknown[]).length).toBe(2)
  await page.instance.openCertificate({ currentTarget: { dataset: { id: 'e1' } } })
  await settle()
  expect(phone().uiCalls('downloadFile')).toEqual(['https://store.test/pap/certificates/e1.pdf?sig=1'])
  expect(phone().uiCalls('openDocument')[0]).toMatchObject({ filePath: 'wxfile://tmp/cert.pdf', fileType: 'pdf', showMenu: true })
})

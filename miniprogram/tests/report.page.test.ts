/** 填报信息: drafts, submit, returned comment, exemption photo attachments. */
import * as path from 'path'
import { FakePlatform } from './helpers/platform'
import { err, phone, settle } from './helpers/wx'

type Simulate = typeof import('miniprogram-simulate')

function load() {
  jest.resetModules()
  const simulate = require('miniprogram-simulate') as Simulate
  const id = simulate.load(path.join(__dirname, '../pages/report/report'), { rootPath: path.join(__dirname, '..') })
  const c = simulate.render(id)
  c.attach(document.createElement('parent-wrapper'))
  return c as unknown as { instance: Record<string, (...a: unknown[]) => Promise<void> | void> & { data: Record<string, unknown> }; querySelector(s: string): { dom: HTMLElement } | null }
}

const enrolment = {
  id: 'enr-1', cycle_id: 'cy', cycle_code: '2026', cycle_name: '2026年度医师定期考核', organization_name: '市第一医院', department_name: '内科',
  status: 'returned', status_label: '已退回', procedure: 'general', procedure_label: '一般程序', submitted_at: null, result_level: null, total_score: null,
}
let stored: Record<string, unknown>
function report(extra: Record<string, unknown> = {}) {
  return {
    enrolment, editable: true, required_forms: ['basic', 'practice', 'work_performance', 'ethics'],
    forms: stored, procedure: 'general', exemption_reason: '', exemption_reasons: ['援外医疗'], exemption_attachment_required: true,
    simplified: { eligible: false, reasons: ['近三年未连续合格'] }, phase: { opens: '2026-01-01', closes: '2026-12-31', open: true },
    attachments: [], last_return: { action: 'return', comment: '工作成绩请补充门诊人次。', actor_name: '王科长', created_at: '2026-11-01T08:00:00Z' },
    ...extra,
  }
}

beforeEach(() => {
  const w = phone()
  w.storage.clear()
  w.calls = []
  w.violations = []
  w.routes = []
  w.ui = []
  w.online = true
  const platform = new FakePlatform(w).install()
  platform.seedSession()
  stored = {
    basic: { name: '张三', gender: 'male', birth_date: '1985-03-02', phone: '', education: '本科', specialty: '内科', title: '主治医师' },
    practice: { licence_number: '110000', practice_category: 'clinical', practice_scope: '内科专业', sites: [{ site_name: '市第一医院', is_primary: true, filed_on: null, valid_until: null }] },
    work_performance: { summary: '', outpatient_visits: null },
    ethics: { self_rating: 'good', statement: '遵守职业道德' },
  }
  w.on('GET', '/api/v1/me/enrolments/{enrolment_id}/report/', () => ({ status: 200, data: report() }))
  w.on('PUT', '/api/v1/me/enrolments/{enrolment_id}/report/', (req) => {
    stored = { ...stored, ...((req.data as { forms: Record<string, unknown> }).forms) }
    return { status: 200, data: report() }
  })
  w.on('POST', '/api/v1/me/enrolments/{enrolment_id}/report/submit/', (req) => {
    const forms = (req.data as { forms: Record<string, { summary?: string }> }).forms
    if (!forms.work_performance.summary) return { status: 400, data: { type: 'validation_error', errors: [{ code: 'required', detail: '请填写个人述职。', attr: 'forms.work_performance.summary' }] } }
    return { status: 200, data: report({ editable: false, last_return: null, enrolment: { ...enrolment, status: 'submitted', status_label: '已提交' } }) }
  })
  w.on('POST', '/api/v1/me/enrolments/{enrolment_id}/report/attachments/', (req) => {
    if (!(req.header.Authorization ?? '').startsWith('Bearer ')) return err(401, 'not_authenticated')
    return { status: 201, data: { id: 'att-9', purpose: (req.data as { purpose: string }).purpose, file_name: 'photo.jpg', content_type: 'image/jpeg', size: 64, sha256: 'x', created_at: '2026-11-02T08:00:00Z' } }
  })
})
afterEach(() => expect(phone().violations).toEqual([]))

test('the returned report shows the reviewer comment; a draft sends only the form fields, blanks as null', async () => {
  const page = load()
  await page.instance.onLoad({ enrolment: 'enr-1' })
  await settle()
  expect(page.querySelector('#returned')!.dom.textContent).toContain('工作成绩请补充门诊人次。')
  // when: the physician fills in the summary and saves a draft
  page.instance.edit({ currentTarget: { dataset: { form: 'work_performance', key: 'summary' } }, detail: { value: '完成门诊工作' } })
  page.instance.edit({ currentTarget: { dataset: { form: 'work_performance', key: 'outpatient_visits', type: 'int' } }, detail: { value: '3200' } })
  await page.instance.saveDraft()
  await settle()
  // then
  const put = phone().apiCalls('PUT', '/api/v1/me/enrolments/{enrolment_id}/report/')[0].data as { forms: Record<string, Record<string, unknown>>; procedure: string }
  expect(put.forms.work_performance).toMatchObject({ summary: '完成门诊工作', outpatient_visits: 3200, inpatient_cases: null })
  expect(put.forms.basic).toMatchObject({ name: '张三', birth_date: '1985-03-02' })
  expect(put.forms.basic.phone).toBeUndefined()
  expect(put.forms.practice.sites).toEqual([{ site_name: '市第一医院', is_primary: true, filed_on: null, valid_until: null }])
  expect(put.procedure).toBe('general')
})

test('submit: a refusal shows the platform message; after a fix the report is submitted and read-only', async () => {
  const page = load()
  await page.instance.onLoad({ enrolment: 'enr-1' })
  await settle()
  await page.instance.submit()
  await settle()
  expect(page.instance.data.message).toBe('请填写个人述职。')
  page.instance.edit({ currentTarget: { dataset: { form: 'work_performance', key: 'summary' } }, detail: { value: '述职' } })
  await page.instance.submit()
  await settle()
  expect(page.instance.data.editable).toBe(false)
  expect(page.instance.data.status).toBe('已提交')
})

test('exemption: photos are attached as multipart with purpose=exemption and the bearer token', async () => {
  const page = load()
  await page.instance.onLoad({ enrolment: 'enr-1' })
  await settle()
  page.instance.chooseProcedure({ detail: { value: 'exempt' } })
  page.instance.chooseReason({ detail: { value: 0 } })
  page.instance.addAttachment()
  await settle()
  const up = phone().apiCalls('POST', '/api/v1/me/enrolments/{enrolment_id}/report/attachments/')[0]
  expect(up.data).toMatchObject({ purpose: 'exemption' })
  expect((page.instance.data.attachments as { id: string }[]).map((a) => a.id)).toEqual(['att-9'])
  await page.instance.saveDraft()
  await settle()
  const put = phone().apiCalls('PUT', '/api/v1/me/enrolments/{enrolment_id}/report/')[0].data as Record<string, unknown>
  expect(put).toMatchObject({ procedure: 'exempt', exemption_reason: '援外医疗' })
})

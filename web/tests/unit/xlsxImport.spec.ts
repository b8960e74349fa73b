import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { createPinia } from 'pinia'
import { describe, expect, it } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n } from '@/locales'
import AdverseRecordListView from '@/views/adverse/AdverseRecordListView.vue'
import { useAuthStore } from '@/stores/auth'
import { fakeApi, me, membership } from './fakeApi'

const failedJob = {
  id: 'job-9',
  kind: 'assessment.adverse_import',
  status: 'failed',
  percent: 100,
  done: 3,
  total: 3,
  summary: {},
  errors: [
    { row: 2, attr: 'id_card', code: 'invalid_id_card', detail: '身份证号格式错误。' },
    { row: 3, attr: 'occurred_on', code: 'invalid_date', detail: '日期格式须为 YYYY-MM-DD。' },
  ],
  result_name: '',
  created_at: '2025-01-01T00:00:00Z',
}

const record = {
  id: 'r1',
  name: '张三',
  id_card_masked: '**************1234',
  licence_number: '110',
  physician_id: 'p1',
  organization_id: 'o1',
  organization_name: '第一医院',
  kind: '医疗事故',
  occurred_on: '2025-02-01',
  description: '手术并发症',
  source: '省卫健委',
  created_at: '2025-03-01T00:00:00Z',
}

async function open(codes: string[], query = '') {
  const pinia = createPinia()
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/adverse-records', component: AdverseRecordListView }] })
  await router.push(`/adverse-records${query}`)
  // a signed-in province officer (or another member) with these codes
  const auth = useAuthStore(pinia)
  auth.me = me([membership('m1', 'province_admin', codes)])
  auth.chooseMembership('m1')
  const wrapper = mount(AdverseRecordListView, { global: { plugins: [ElementPlus, i18n, router, pinia] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

describe('adverse records page', { timeout: 20000 }, () => {
  it('queries with the filters of the URL, shows masked ID cards and opens one record', async () => {
    const api = fakeApi({
      'GET /api/v1/adverse-records/': () => ({ status: 200, body: { count: 1, next: null, previous: null, results: [record] } }),
      'GET /api/v1/adverse-records/r1/': () => ({ status: 200, body: record }),
    })
    const page = await open(['assessment.adverse_view'], '?kind=事故&matched=true')

    expect(page.find('[data-test="adverse-table"]').text()).toContain('**************1234')
    const query = api.seen.find((r) => r.path.startsWith('/api/v1/adverse-records/?'))?.path ?? ''
    expect(query).toContain('kind=%E4%BA%8B%E6%95%85')
    expect(query).toContain('matched=true')
    expect(page.find('[data-test="adverse-import-open"]').exists()).toBe(false)

    await page.find('[data-test="adverse-view"]').trigger('click')
    await flushPromises()
    expect(api.seen.some((r) => r.path === '/api/v1/adverse-records/r1/')).toBe(true)
    expect(document.body.querySelector('[data-test="adverse-detail"]')?.textContent).toContain('手术并发症')
    page.unmount()
  })

  it('lets the province import a file and lists every bad row of a failed import', async () => {
    // given an import that fails on two rows
    const api = fakeApi({
      'GET /api/v1/adverse-records/': () => ({ status: 200, body: { count: 0, next: null, previous: null, results: [] } }),
      'POST /api/v1/adverse-records/import/': () => ({ status: 202, body: { id: 'job-9', kind: 'assessment.adverse_import', status: 'queued' } }),
      'GET /api/v1/jobs/job-9/': () => ({ status: 200, body: failedJob }),
    })
    const page = await open(['assessment.adverse_view', 'assessment.adverse_import'])

    // when a file is chosen and the import started
    await page.find('[data-test="adverse-import-open"]').trigger('click')
    await flushPromises()
    const input = document.body.querySelector('[data-test="xlsx-import"] input[type="file"]') as HTMLInputElement
    const file = new File(['xlsx'], 'adverse.xlsx', { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' })
    Object.defineProperty(input, 'files', { value: [file] })
    input.dispatchEvent(new Event('change'))
    await flushPromises()
    ;(document.body.querySelector('[data-test="xlsx-import"] [data-test="import-start"]') as HTMLButtonElement).click()
    await flushPromises()

    // then the file went up as multipart, and every bad row is listed with its problem
    expect(api.seen.some((r) => r.method === 'POST' && r.path === '/api/v1/adverse-records/import/')).toBe(true)
    const report = document.body.querySelector('[data-test="job-row-errors"]')?.textContent ?? ''
    expect(report).toContain('身份证号格式错误。')
    expect(report).toContain('日期格式须为 YYYY-MM-DD。')
    expect(document.body.querySelector('[data-test="import-again"]')).not.toBeNull()
    page.unmount()
  })
})

import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus, { ElMessageBox } from 'element-plus'
import { createPinia } from 'pinia'
import { describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n } from '@/locales'
import CandidateListView from '@/views/enrolments/CandidateListView.vue'
import EnrolmentDetailDrawer from '@/views/enrolments/EnrolmentDetailDrawer.vue'
import { fakeApi } from './fakeApi'

const cycle = {
  id: 'c-active',
  code: '2024-2026',
  name: '2024-2026 周期',
  starts_on: '2024-01-01',
  ends_on: '2026-12-31',
  status: 'active',
  status_label: '进行中',
  settings_id: 's1',
  settings_version: 1,
  created_at: '2024-01-01T00:00:00Z',
  updated_at: '2024-01-01T00:00:00Z',
}

function candidate(id: string, name: string, hasAccount = true) {
  return {
    id,
    name,
    gender: '男',
    id_card_masked: '**************1234',
    phone: '13800000000',
    licence_number: `L-${id}`,
    practice_category: 'clinical',
    title: '主治医师',
    department_id: null,
    department_name: '内科',
    has_account: hasAccount,
  }
}

const page1 = (results: unknown[]) => ({ status: 200, body: { count: results.length, next: null, previous: null, results } })

async function open(query = '') {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/enrolment/candidates', component: CandidateListView }] })
  await router.push(`/enrolment/candidates${query}`)
  const wrapper = mount(CandidateListView, { global: { plugins: [ElementPlus, i18n, router, createPinia()] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

describe('enrolment of the institution (医师管理)', { timeout: 20000 }, () => {
  it('lists the candidates of the cycle in progress and enrols the selected ones in one request', async () => {
    // given two candidates of the active cycle
    const rows = [candidate('p1', '张三'), candidate('p2', '李四'), candidate('p3', '王五')]
    const api = fakeApi({
      'GET /api/v1/cycles/': () => page1([cycle]),
      'GET /api/v1/departments/': () => page1([]),
      'GET /api/v1/cycles/c-active/candidates/': () => page1(rows),
      'POST /api/v1/cycles/c-active/enrolments/bulk/': () => ({ status: 201, body: { enrolled: 2, ids: ['e1', 'e2'] } }),
    })
    vi.spyOn(ElMessageBox, 'confirm').mockResolvedValue('confirm' as never)
    const page = await open('?name=张')
    expect(page.find('[data-test="candidates-table"]').text()).toContain('李四')
    expect(api.seen.find((r) => r.path.startsWith('/api/v1/cycles/c-active/candidates/'))?.path).toContain('name=%E5%BC%A0')

    // when the first and third are selected and enrolled in bulk
    const boxes = page.findAll('.el-table__body tr .el-checkbox input')
    expect(boxes).toHaveLength(3)
    await boxes[0]!.setValue(true)
    await boxes[2]!.setValue(true)
    await flushPromises()
    expect(page.find('[data-test="bulk-enrol"]').text()).toContain('(2)')
    await page.find('[data-test="bulk-enrol"]').trigger('click')
    await flushPromises()

    // then the ids of those two go to the active cycle's bulk endpoint, and the list reloads
    const post = api.seen.find((r) => r.method === 'POST')
    expect(post?.path).toBe('/api/v1/cycles/c-active/enrolments/bulk/')
    expect(post?.body).toEqual({ physicians: ['p1', 'p3'] })
    expect(api.seen.filter((r) => r.path.startsWith('/api/v1/cycles/c-active/candidates/')).length).toBe(2)
    page.unmount()
  })

  it('shows the one-time password of a reset', async () => {
    const api = fakeApi({
      'GET /api/v1/cycles/': () => page1([cycle]),
      'GET /api/v1/departments/': () => page1([]),
      'GET /api/v1/cycles/c-active/candidates/': () => page1([candidate('p1', '张三')]),
      'POST /api/v1/cycles/c-active/candidates/p1/reset-password/': () => ({
        status: 200,
        body: { username: 'doc_zhang', password: 'Xy7-secret-42', account_active: true },
      }),
    })
    vi.spyOn(ElMessageBox, 'confirm').mockResolvedValue('confirm' as never)
    const page = await open()

    await page.find('[data-test="candidate-reset"]').trigger('click')
    await flushPromises()

    expect(api.seen.some((r) => r.method === 'POST' && r.path === '/api/v1/cycles/c-active/candidates/p1/reset-password/')).toBe(true)
    expect(document.body.querySelector('[data-test="one-time-password"]')?.textContent).toContain('Xy7-secret-42')
    page.unmount()
  })

  it('says so when no cycle is in progress and sends no candidate query', async () => {
    const api = fakeApi({
      'GET /api/v1/cycles/': () => page1([{ ...cycle, status: 'closed' }]),
      'GET /api/v1/departments/': () => page1([]),
    })
    const page = await open()
    expect(page.find('[data-test="no-cycle"]').exists()).toBe(true)
    expect(api.seen.some((r) => r.path.includes('/candidates/'))).toBe(false)
    page.unmount()
  })

  it('shows the API error of a refused bulk enrolment in a message, not a blank page', async () => {
    fakeApi({
      'GET /api/v1/cycles/': () => page1([cycle]),
      'GET /api/v1/departments/': () => page1([]),
      'GET /api/v1/cycles/c-active/candidates/': () => ({ status: 503, body: { type: 'server_error', errors: [{ code: 'unavailable', detail: '服务暂不可用。', attr: null }] } }),
    })
    const page = await open()
    expect(page.find('[data-test="error-state"]').text()).toContain('服务暂不可用。')
    page.unmount()
  })
})

describe('enrolment detail', { timeout: 20000 }, () => {
  it('offers withdraw only when the API lists it, and sends the reason', async () => {
    const detail = {
      id: 'e1',
      cycle_id: 'c-active',
      cycle_name: '2024-2026 周期',
      physician: { id: 'p1', name: '张三', gender: '男', id_card_masked: '**1234', phone: '138', licence_number: 'L1', practice_category: 'clinical' },
      organization_id: 'o1',
      organization_name: '第一医院',
      department_id: null,
      department_name: '',
      title: '主治医师',
      assessment_body_id: null,
      assessment_body_name: '',
      procedure: '',
      status: 'enrolled',
      status_label: '已参加',
      settings_id: 's1',
      submitted_at: null,
      created_at: '2025-01-01T00:00:00Z',
      settings_version: 1,
      enrolled_by_name: '医务科',
      total_score: null,
      result_level: '',
      history: [],
      actions: ['withdraw'],
    }
    const api = fakeApi({
      'GET /api/v1/enrolments/e1/': () => ({ status: 200, body: detail }),
      'POST /api/v1/enrolments/e1/withdraw/': () => ({ status: 200, body: { ...detail, status: 'withdrawn', actions: [] } }),
    })
    vi.spyOn(ElMessageBox, 'prompt').mockResolvedValue({ value: '调离本院', action: 'confirm' } as never)
    const page = mount(EnrolmentDetailDrawer, {
      props: { modelValue: true, enrolmentId: 'e1' },
      global: { plugins: [ElementPlus, i18n, createPinia()] },
      attachTo: document.body,
    })
    await flushPromises()

    expect(document.body.querySelector('[data-test="enrolment-delete"]')).toBeNull()
    ;(document.body.querySelector('[data-test="enrolment-withdraw"]') as HTMLButtonElement).click()
    await flushPromises()

    expect(api.seen.find((r) => r.method === 'POST')?.body).toEqual({ comment: '调离本院' })
    expect(page.emitted('changed')).toHaveLength(1)
    expect(document.body.querySelector('[data-test="enrolment-withdraw"]')).toBeNull()
    page.unmount()
  })
})

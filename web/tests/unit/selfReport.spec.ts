import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus, { ElFormItem, ElMessage, ElMessageBox } from 'element-plus'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n } from '@/locales'
import { useAuthStore } from '@/stores/auth'
import MyReportView from '@/views/me/MyReportView.vue'
import { fakeApi, me, membership } from './fakeApi'

const enrolment = {
  id: 'en1',
  cycle_id: 'c1',
  cycle_code: '2025',
  cycle_name: '2025年度定期考核',
  organization_name: '第一人民医院',
  department_name: '普外科',
  status: 'drafting',
  status_label: '填报中',
  procedure: '',
  procedure_label: '',
  submitted_at: null,
  result_level: null,
  total_score: null,
}

function report(extra: Record<string, unknown> = {}) {
  return {
    enrolment,
    editable: true,
    required_forms: ['basic', 'work_performance'],
    forms: {
      basic: { name: '张医生', title: '主治医师', gender: '', phone: '' },
      work_performance: { summary: '' },
    },
    procedure: 'general',
    exemption_reason: '',
    exemption_reasons: ['援外医疗'],
    exemption_attachment_required: true,
    simplified: { eligible: false, reasons: ['执业年限须满 15 年，目前为 6 年。'] },
    phase: { opens: '2025-03-01', closes: '2025-03-31', open: true },
    attachments: [],
    last_return: null,
    ...extra,
  }
}

let pinia: Pinia

beforeEach(() => {
  pinia = createPinia()
  setActivePinia(pinia)
  useAuthStore().me = me([membership('m1', 'doctor', ['self.service'])])
  vi.spyOn(ElMessageBox, 'confirm').mockResolvedValue('confirm' as never)
  vi.spyOn(ElMessage, 'success').mockImplementation(() => ({ close: () => undefined }) as never)
  vi.spyOn(ElMessage, 'info').mockImplementation(() => ({ close: () => undefined }) as never)
})

async function open() {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/me/report', component: MyReportView }] })
  await router.push('/me/report')
  const wrapper = mount(MyReportView, { global: { plugins: [ElementPlus, i18n, router, pinia] } })
  await flushPromises()
  return wrapper
}

function summary(wrapper: Awaited<ReturnType<typeof open>>) {
  return wrapper.find('textarea[data-test="field-work_performance-summary"], [data-test="field-work_performance-summary"] textarea')
}

const routes = (extra: Record<string, Parameters<typeof fakeApi>[0][string]> = {}) => ({
  'GET /api/v1/me/enrolments/': () => ({ status: 200, body: { count: 1, next: null, previous: null, results: [enrolment] } }),
  'GET /api/v1/me/enrolments/en1/report/': () => ({ status: 200, body: report() }),
  ...extra,
})

describe('self-report', () => {
  it('shows the API’s field errors beside the fields on submit and keeps what was typed', async () => {
    // given
    const api = fakeApi(
      routes({
        'POST /api/v1/me/enrolments/en1/report/submit/': () => ({
          status: 400,
          body: {
            type: 'validation_error',
            errors: [
              { code: 'required', detail: '该字段是必填项。', attr: 'forms.basic.title' },
              { code: 'max_length', detail: '请确保这个字段不能超过 5000 个字符。', attr: 'forms.work_performance.summary' },
            ],
          },
        }),
      }),
    )
    const wrapper = await open()
    await summary(wrapper).setValue('本周期完成门诊 3200 人次')

    // when
    await wrapper.find('[data-test="report-submit"]').trigger('click')
    await flushPromises()

    // then: sent with what was typed, errors beside their fields, the text still there
    const post = api.seen.find((r) => r.method === 'POST')
    expect((post?.body as { forms: { work_performance: { summary: string } } }).forms.work_performance.summary).toBe('本周期完成门诊 3200 人次')
    expect((post?.body as { procedure: string }).procedure).toBe('general')
    const errors = wrapper.findAllComponents(ElFormItem).map((i) => i.props('error')).filter(Boolean)
    expect(errors).toEqual(['该字段是必填项。', '请确保这个字段不能超过 5000 个字符。'])
    expect((summary(wrapper).element as HTMLTextAreaElement).value).toBe('本周期完成门诊 3200 人次')
    expect(wrapper.find('[data-test="report-status"]').text()).toBe('填报中')
  })

  it('saves a draft with the forms the cycle requires', async () => {
    const api = fakeApi(
      routes({ 'PUT /api/v1/me/enrolments/en1/report/': (req) => ({ status: 200, body: report({ forms: (req.body as { forms: unknown }).forms }) }) }),
    )
    const wrapper = await open()
    await summary(wrapper).setValue('草稿内容')

    await wrapper.find('[data-test="report-save"]').trigger('click')
    await flushPromises()

    const put = api.seen.find((r) => r.method === 'PUT')?.body as { forms: Record<string, unknown> }
    expect(Object.keys(put.forms).sort()).toEqual(['basic', 'work_performance'])
    expect((put.forms.work_performance as { summary: string; outpatient_visits: unknown }).summary).toBe('草稿内容')
    expect((put.forms.work_performance as { outpatient_visits: unknown }).outpatient_visits).toBeNull()
  })

  it('gives the typed content back after the session expired', async () => {
    // given: typed content when the session ends
    fakeApi(routes())
    const first = await open()
    await summary(first).setValue('未保存的述职内容')
    const auth = useAuthStore()
    auth.expire()
    first.unmount()

    // when: the same physician signs in again and comes back
    auth.me = me([membership('m1', 'doctor', ['self.service'])])
    const second = await open()

    // then: the draft wins over the server's empty copy
    expect((summary(second).element as HTMLTextAreaElement).value).toBe('未保存的述职内容')
    expect(ElMessage.info).toHaveBeenCalled()
  })

  it('shows a returned report with the reviewer’s comment, and offers to submit again', async () => {
    fakeApi(
      routes({
        'GET /api/v1/me/enrolments/en1/report/': () => ({
          status: 200,
          body: report({
            enrolment: { ...enrolment, status: 'returned', status_label: '已退回' },
            last_return: { action: 'institution_return', comment: '请补充门诊工作量', actor_name: '王审核', created_at: '2025-03-10T02:00:00Z' },
          }),
        }),
      }),
    )
    const wrapper = await open()
    const alert = wrapper.find('[data-test="report-returned"]').text()
    expect(alert).toContain('请补充门诊工作量')
    expect(alert).toContain('王审核')
    expect(wrapper.find('[data-test="report-submit"]').text()).toBe('重新提交')
  })

  it('shows why the simplified procedure is not open to the physician', async () => {
    fakeApi(routes())
    const wrapper = await open()
    expect(wrapper.find('[data-test="report-eligibility"]').text()).toContain('执业年限须满 15 年')
    const simplified = wrapper.findAll('[data-test="report-procedure"] input').find((i) => (i.element as HTMLInputElement).value === 'simplified')
    expect((simplified?.element as HTMLInputElement).disabled).toBe(true)
  })
})

import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus, { ElFormItem } from 'element-plus'
import { createPinia } from 'pinia'
import { describe, expect, it } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n } from '@/locales'
import FaqView from '@/views/me/FaqView.vue'
import MyCyclesView from '@/views/me/MyCyclesView.vue'
import MyInfoView from '@/views/me/MyInfoView.vue'
import { fakeApi } from './fakeApi'

async function mountAt(path: string, component: object) {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path, component }] })
  await router.push(path)
  const wrapper = mount(component, { global: { plugins: [ElementPlus, i18n, router, createPinia()] } })
  await flushPromises()
  return wrapper
}

const physician = {
  id: 'p1',
  name: '张医生',
  gender: '男',
  birth_date: '1985-01-01',
  id_card_masked: '**************1234',
  id_card_number: '330102198501011234',
  phone: '13800000000',
  licence_number: '110330100000001',
  practice_category: 'clinical',
  practice_scope: '外科专业',
  title: '主治医师',
  post_type: 'clinical',
  status: 'active',
  organization_id: 'o1',
  organization_name: '第一人民医院',
  department_id: null,
  department_name: null,
  region_path: '33.3301',
  has_account: true,
  qualification_number: '',
  licence_valid_until: null,
  education: '本科',
  specialty: '普外',
  special_roles: [],
  hired_on: null,
  sites: [],
  education_records: [],
  practice_records: [],
  transfers: [],
  updated_at: '2025-01-01T00:00:00Z',
}

describe('the physician’s own pages', () => {
  it('lists the results of every cycle with scores, and the API’s error with a retry when it fails', async () => {
    // given
    let fail = true
    fakeApi({
      'GET /api/v1/me/cycles/': () =>
        fail
          ? { status: 503, body: { type: 'server_error', errors: [{ code: 'unavailable', detail: '服务暂不可用。', attr: null }] } }
          : {
              status: 200,
              body: {
                count: 1,
                next: null,
                previous: null,
                results: [
                  {
                    id: 'en1',
                    cycle_id: 'c1',
                    cycle_code: '2022',
                    cycle_name: '2022年度定期考核',
                    cycle_status: 'closed',
                    organization_id: 'o1',
                    organization_name: '第一人民医院',
                    title: '主治医师',
                    procedure: 'general',
                    procedure_label: '一般程序',
                    status: 'passed',
                    status_label: '合格',
                    test_score: '86.50',
                    makeup_test_score: null,
                    total_score: '88.00',
                    result_level: 'pass',
                    result_label: '合格',
                    finalized_at: '2022-12-01T00:00:00Z',
                    certificate_serial: 'ZJ2022000001',
                  },
                ],
              },
            },
    })

    // when
    const wrapper = await mountAt('/me/cycles', MyCyclesView)

    // then: the error, not a blank page; a retry loads the list
    expect(wrapper.find('[data-test="error-state"]').text()).toContain('服务暂不可用。')
    fail = false
    await wrapper.find('[data-test="error-state"] button').trigger('click')
    await flushPromises()
    const table = wrapper.find('[data-test="my-cycles-table"]').text()
    expect(table).toContain('2022年度定期考核')
    expect(table).toContain('86.50')
    expect(table).toContain('ZJ2022000001')
  })

  it('shows the physician’s whole ID number and saves a corrected phone, with the API’s error beside the field', async () => {
    // given
    const api = fakeApi({
      'GET /api/v1/me/physician/': () => ({ status: 200, body: physician }),
      'PATCH /api/v1/me/physician/': () => ({
        status: 400,
        body: { type: 'validation_error', errors: [{ code: 'invalid', detail: '手机号码格式不正确。', attr: 'phone' }] },
      }),
    })
    const wrapper = await mountAt('/me/info', MyInfoView)
    expect(wrapper.text()).toContain('330102198501011234')

    // when
    await wrapper.find('[data-test="my-info-edit"]').trigger('click')
    await wrapper.find('[data-test="my-info-phone"] input, input[data-test="my-info-phone"]').setValue('12345')
    await wrapper.find('[data-test="my-info-save"]').trigger('click')
    await flushPromises()

    // then
    expect(api.seen.find((r) => r.method === 'PATCH')?.body).toEqual({ phone: '12345', education: '本科', specialty: '普外' })
    expect(wrapper.findAllComponents(ElFormItem).map((i) => i.props('error')).filter(Boolean)).toEqual(['手机号码格式不正确。'])
    expect((wrapper.find('[data-test="my-info-phone"] input, input[data-test="my-info-phone"]').element as HTMLInputElement).value).toBe('12345')
  })

  it('answers the common questions in the UI’s language', async () => {
    const wrapper = await mountAt('/faq', FaqView)
    expect(wrapper.text()).toContain('哪些医师需要参加定期考核')
    i18n.global.locale.value = 'en'
    await flushPromises()
    expect(wrapper.text()).toContain('Who takes the periodic assessment?')
    i18n.global.locale.value = 'zh-CN'
  })
})

import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus, { ElFormItem, ElMessage } from 'element-plus'
import { createPinia, setActivePinia } from 'pinia'
import { describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { Perm } from '@/access/codes'
import { i18n } from '@/locales'
import { useAuthStore } from '@/stores/auth'
import PhysicianListView from '@/views/physicians/PhysicianListView.vue'
import { fakeApi, me, membership } from './fakeApi'

const row = {
  id: 'p1',
  name: '张医生',
  id_card_masked: '**************1234',
  licence_number: '110330100000001',
  practice_category: 'clinical',
  title: '主治医师',
  organization_name: '杭州市第一人民医院',
  department_name: '普外科',
  phone: '138****1111',
}

async function open(query = '') {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/physicians', component: PhysicianListView }] })
  await router.push(`/physicians${query}`)
  const wrapper = mount(PhysicianListView, { global: { plugins: [ElementPlus, i18n, router, createPinia()] } })
  await flushPromises()
  return wrapper
}

describe('physician registry page', () => {
  it('lists the page the API returns, numbers as masked by the API, filters from the URL', async () => {
    // given
    const api = fakeApi({ 'GET /api/v1/physicians/': () => ({ status: 200, body: { count: 1, next: null, previous: null, results: [row] } }) })

    // when
    const page = await open('?name=张&page=1')

    // then
    expect(page.find('[data-test="physicians-table"]').text()).toContain('**************1234')
    expect(api.seen.find((r) => r.path.startsWith('/api/v1/physicians/'))?.path).toContain('name=%E5%BC%A0')
  })

  it('exports with the filters in force as a background job', async () => {
    // given
    const api = fakeApi({
      'GET /api/v1/physicians/': () => ({ status: 200, body: { count: 0, next: null, previous: null, results: [] } }),
      'POST /api/v1/physicians/export/': () => ({ status: 202, body: { id: 'job-1', status: 'queued' } }),
      'GET /api/v1/jobs/job-1/': () => ({ status: 200, body: { id: 'job-1', status: 'running', percent: 10 } }),
    })
    const page = await open('?title=主治医师')

    // when
    await page.find('[data-test="physicians-export"]').trigger('click')
    await flushPromises()

    // then
    const post = api.seen.find((r) => r.method === 'POST')
    expect(post?.body).toEqual({ title: '主治医师' })
  })
})

describe('a hospital keeps its physicians', () => {
  async function openAsHospital(codes: string[]) {
    const pinia = createPinia()
    setActivePinia(pinia)
    const auth = useAuthStore()
    auth.me = me([{ ...membership('m1', 'medical_affairs', codes), organization_kind: 'institution' }])
    auth.membershipId = 'm1'
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/physicians', component: PhysicianListView }] })
    await router.push('/physicians')
    const wrapper = mount(PhysicianListView, { global: { plugins: [ElementPlus, i18n, router, pinia] }, attachTo: document.body })
    await flushPromises()
    return wrapper
  }
  const input = (name: string) =>
    document.querySelector<HTMLInputElement>(`[data-test="physician-form"] input[data-test="${name}"], [data-test="physician-form"] [data-test="${name}"] input`)!
  async function type(name: string, value: string) {
    input(name).value = value
    input(name).dispatchEvent(new Event('input'))
    await flushPromises()
  }

  it('edits a physician without sending the ID-card number unless it was typed; a refusal stays beside its field', async () => {
    // given
    vi.spyOn(ElMessage, 'success').mockImplementation(() => ({ close: () => undefined }) as never)
    let patches = 0
    const api = fakeApi({
      'GET /api/v1/physicians/': () => ({ status: 200, body: { count: 1, next: null, previous: null, results: [row] } }),
      'GET /api/v1/departments/': () => ({ status: 200, body: { count: 0, next: null, previous: null, results: [] } }),
      'GET /api/v1/physicians/p1/': () => ({ status: 200, body: { ...row, status: 'active', phone: '13800001111', department_id: null } }),
      'PATCH /api/v1/physicians/p1/': (req) => {
        patches += 1
        if (patches === 1)
          return { status: 400, body: { type: 'validation_error', errors: [{ code: 'invalid', detail: '手机号格式不正确。', attr: 'phone' }] } }
        return { status: 200, body: { ...row, ...(req.body as object) } }
      },
    })
    const page = await openAsHospital([Perm.PHYSICIAN_VIEW, Perm.PHYSICIAN_MANAGE])

    // when: the phone is changed to something wrong and saved
    await page.find('[data-test="physician-edit"]').trigger('click')
    await flushPromises()
    await type('physician-phone', '139')
    document.querySelector<HTMLButtonElement>('[data-test="physician-save"]')!.click()
    await flushPromises()

    // then: the reason is beside the phone, what was typed stays, the ID card was not sent
    expect(page.findAllComponents(ElFormItem).map((i) => i.props('error')).filter(Boolean)).toEqual(['手机号格式不正确。'])
    expect(input('physician-phone').value).toBe('139')
    const first = api.seen.find((r) => r.method === 'PATCH')?.body as Record<string, unknown>
    expect(first).toMatchObject({ phone: '139', name: '张医生', status: 'active' })
    expect(first).not.toHaveProperty('id_card_number')

    // when: corrected
    await type('physician-phone', '13900002222')
    document.querySelector<HTMLButtonElement>('[data-test="physician-save"]')!.click()
    await flushPromises()

    // then: saved and the list reloaded
    expect(api.seen.filter((r) => r.method === 'PATCH')).toHaveLength(2)
    expect(api.seen.filter((r) => r.method === 'GET' && r.path.startsWith('/api/v1/physicians/?'))).toHaveLength(2)
    page.unmount()
  }, 20000)

  it('shows no add, edit or import to a member who may only look', async () => {
    fakeApi({ 'GET /api/v1/physicians/': () => ({ status: 200, body: { count: 1, next: null, previous: null, results: [row] } }) })
    const page = await openAsHospital([Perm.PHYSICIAN_VIEW])
    expect(page.find('[data-test="physician-create"]').exists()).toBe(false)
    expect(page.find('[data-test="physician-import-open"]').exists()).toBe(false)
    expect(page.find('[data-test="physician-edit"]').exists()).toBe(false)
    page.unmount()
  })
})

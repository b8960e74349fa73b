import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus, { ElFormItem, ElMessage, ElMessageBox } from 'element-plus'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { Perm } from '@/access/codes'
import { i18n } from '@/locales'
import { useAuthStore } from '@/stores/auth'
import DepartmentTreeView from '@/views/departments/DepartmentTreeView.vue'
import { fakeApi, me, membership } from './fakeApi'

const node = (id: string, name: string, extra: Record<string, unknown> = {}) => ({
  id,
  parent_id: null,
  name,
  code: id.toUpperCase(),
  sort_order: 0,
  is_active: true,
  children: [],
  ...extra,
})

const tree = [node('d1', '内科', { children: [node('d2', '心血管内科', { parent_id: 'd1' })] }), node('d3', '外科')]

async function mountPage(codes: string[] = [Perm.DEPARTMENT_MANAGE, Perm.ORG_VIEW]) {
  const pinia = createPinia()
  setActivePinia(pinia)
  const auth = useAuthStore()
  auth.me = me([membership('m1', 'hospital_admin', codes)])
  auth.membershipId = 'm1'
  const wrapper = mount(DepartmentTreeView, { global: { plugins: [ElementPlus, i18n, pinia] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

beforeEach(() => {
  vi.spyOn(ElMessageBox, 'confirm').mockResolvedValue('confirm' as never)
  vi.spyOn(ElMessage, 'success').mockImplementation(() => ({ close: () => undefined }) as never)
})

describe('departments', () => {
  it('shows the tree with its sub-departments and filters it by name, keeping the branch to a match', async () => {
    // given
    fakeApi({ 'GET /api/v1/departments/tree/': () => ({ status: 200, body: tree }) })
    const wrapper = await mountPage()
    const table = () => wrapper.find('[data-test="departments-table"]').text()
    expect(table()).toContain('心血管内科')
    expect(table()).toContain('外科')
    expect(wrapper.find('[data-test="departments-counts"]').text()).toContain('3')

    // when
    await wrapper.find('input[data-test="departments-search"]').setValue('心血管')
    await flushPromises()

    // then: the parent stays (the way to the match), the other branch goes
    expect(table()).toContain('内科')
    expect(table()).toContain('心血管内科')
    expect(table()).not.toContain('外科')
    wrapper.unmount()
  })

  it('a refused save shows the reason beside the field and keeps what was typed; the retry creates it', async () => {
    // given: the first save is refused for a duplicate name
    let posts = 0
    const api = fakeApi({
      'GET /api/v1/departments/tree/': () => ({ status: 200, body: tree }),
      'POST /api/v1/departments/': (req) => {
        posts += 1
        if (posts === 1)
          return {
            status: 400,
            body: { type: 'validation_error', errors: [{ code: 'duplicate', detail: '本机构已有同名科室。', attr: 'name' }] },
          }
        return { status: 201, body: { ...node('d9', (req.body as { name: string }).name), organization_id: 'o1', parent_name: '内科', created_at: '', updated_at: '' } }
      },
    })
    const wrapper = await mountPage()

    // when: a sub-department of 内科 is typed and saved
    await wrapper.findAll('[data-test="department-add-child"]')[0]!.trigger('click')
    await flushPromises()
    const name = document.querySelector<HTMLInputElement>('[data-test="department-form"] input[data-test="department-name"], [data-test="department-form"] [data-test="department-name"] input')!
    name.value = '内科'
    name.dispatchEvent(new Event('input'))
    await flushPromises()
    document.querySelector<HTMLButtonElement>('[data-test="department-save"]')!.click()
    await flushPromises()

    // then
    const errors = wrapper.findAllComponents(ElFormItem).map((i) => i.props('error')).filter(Boolean)
    expect(errors).toEqual(['本机构已有同名科室。'])
    expect(name.value).toBe('内科')
    expect(api.seen.find((r) => r.method === 'POST')?.body).toMatchObject({ name: '内科', parent_id: 'd1' })

    // when: corrected and saved again
    name.value = '消化内科'
    name.dispatchEvent(new Event('input'))
    await flushPromises()
    document.querySelector<HTMLButtonElement>('[data-test="department-save"]')!.click()
    await flushPromises()

    // then: created, the tree reloaded
    expect(api.seen.filter((r) => r.method === 'POST').at(-1)?.body).toMatchObject({ name: '消化内科', parent_id: 'd1' })
    expect(api.seen.filter((r) => r.path.startsWith('/api/v1/departments/tree/'))).toHaveLength(2)
    wrapper.unmount()
  }, 20000)

  it('disabling says why the API refused and leaves the tree as it was', async () => {
    // given
    const error = vi.spyOn(ElMessage, 'error').mockImplementation(() => ({ close: () => undefined }) as never)
    fakeApi({
      'GET /api/v1/departments/tree/': () => ({ status: 200, body: tree }),
      'POST /api/v1/departments/d1/disable/': () => ({
        status: 409,
        body: { type: 'client_error', errors: [{ code: 'has_active_children', detail: '请先停用其下级科室。', attr: null }] },
      }),
    })
    const wrapper = await mountPage()

    // when
    await wrapper.findAll('[data-test="department-toggle"]')[0]!.trigger('click')
    await flushPromises()

    // then
    expect(error).toHaveBeenCalledWith('请先停用其下级科室。')
    expect(wrapper.find('[data-test="departments-table"]').text()).toContain('心血管内科')
    wrapper.unmount()
  })

  it('a failed load shows the error with a retry, not a blank page', async () => {
    // given
    let calls = 0
    fakeApi({
      'GET /api/v1/departments/tree/': () => {
        calls += 1
        return calls === 1
          ? { status: 503, body: { type: 'server_error', errors: [{ code: 'unavailable', detail: '服务暂不可用。', attr: null }] } }
          : { status: 200, body: tree }
      },
    })
    const wrapper = await mountPage()
    expect(wrapper.find('[data-test="error-state"]').text()).toContain('服务暂不可用。')

    // when
    await wrapper.find('[data-test="error-state"] button').trigger('click')
    await flushPromises()

    // then
    expect(wrapper.find('[data-test="departments-table"]').text()).toContain('外科')
    wrapper.unmount()
  })

  it('a member who may only look sees no buttons', async () => {
    fakeApi({ 'GET /api/v1/departments/tree/': () => ({ status: 200, body: tree }) })
    const wrapper = await mountPage([Perm.ORG_VIEW])
    expect(wrapper.find('[data-test="department-create"]').exists()).toBe(false)
    expect(wrapper.find('[data-test="department-edit"]').exists()).toBe(false)
    wrapper.unmount()
  })
})

describe('departments form across a session expiry', () => {
  it('keeps what was typed in the open dialog and reopens it when the same user is back', async () => {
    // given: a department being typed when the session ends
    vi.spyOn(ElMessage, 'info').mockImplementation(() => ({ close: () => undefined }) as never)
    fakeApi({ 'GET /api/v1/departments/tree/': () => ({ status: 200, body: tree }) })
    const first = await mountPage()
    await first.find('[data-test="department-create"]').trigger('click')
    await flushPromises()
    const name = () => document.querySelector<HTMLInputElement>('[data-test="department-form"] input[data-test="department-name"]')!
    name().value = '日间手术中心'
    name().dispatchEvent(new Event('input'))
    await flushPromises()
    useAuthStore().expire()
    first.unmount()
    document.body.innerHTML = ''

    // when: the same user signs in again and comes back to the page
    const auth = useAuthStore()
    auth.me = me([membership('m1', 'hospital_admin', [Perm.DEPARTMENT_MANAGE, Perm.ORG_VIEW])])
    auth.membershipId = 'm1'
    const second = mount(DepartmentTreeView, { global: { plugins: [ElementPlus, i18n] }, attachTo: document.body })
    await flushPromises()

    // then: the dialog is open again with the typed name
    expect(name().value).toBe('日间手术中心')
    second.unmount()
  }, 20000)
})

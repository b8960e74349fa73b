import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { createPinia, setActivePinia } from 'pinia'
import { describe, expect, it } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { Perm } from '@/access/codes'
import { i18n } from '@/locales'
import { useAuthStore } from '@/stores/auth'
import ArchiveListView from '@/views/archives/ArchiveListView.vue'
import { fakeApi, me, membership } from './fakeApi'

const archive = {
  id: 'a1',
  physician_id: 'p1',
  physician_name: '王伟',
  department_id: 'd1',
  employee_number: 'E001',
  title: '主治医师',
  joined_on: '2015-07-01',
  phone: '139****0001',
  created_at: '2026-01-01T08:00:00Z',
}
const empty = { count: 0, next: null, previous: null, results: [] }

async function open(tenantSlug: string | null, query = '') {
  const pinia = createPinia()
  setActivePinia(pinia)
  const auth = useAuthStore()
  auth.me = me([{ ...membership('m1', 'medical_affairs', [Perm.ARCHIVE_VIEW, Perm.ARCHIVE_MANAGE]), organization_kind: 'institution', tenant_slug: tenantSlug }])
  auth.membershipId = 'm1'
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/archives', component: ArchiveListView }] })
  await router.push(`/archives${query}`)
  const wrapper = mount(ArchiveListView, { global: { plugins: [ElementPlus, i18n, router, pinia] } })
  await flushPromises()
  return wrapper
}

describe('technical archives', () => {
  it("lists the hospital's archives through its tenant API, with the search from the URL and department names", async () => {
    // given
    const api = fakeApi({
      'GET /h/hz-sdyrmyy/api/v1/archives/': () => ({ status: 200, body: { ...empty, count: 1, results: [archive] } }),
      'GET /api/v1/departments/': () => ({ status: 200, body: { ...empty, count: 1, results: [{ id: 'd1', name: '普外科' }] } }),
    })

    // when
    const page = await open('hz-sdyrmyy', '?search=王')

    // then
    const table = page.find('[data-test="archives-table"]').text()
    expect(table).toContain('王伟')
    expect(table).toContain('普外科')
    expect(api.seen.find((r) => r.path.startsWith('/h/'))?.path).toContain('search=%E7%8E%8B')
  })

  it('says so, instead of an empty list, when the institution has no hospital system', async () => {
    const api = fakeApi({ 'GET /api/v1/departments/': () => ({ status: 200, body: empty }) })
    const page = await open(null)
    expect(page.find('[data-test="archives-no-tenant"]').exists()).toBe(true)
    expect(api.seen.some((r) => r.path.startsWith('/h/'))).toBe(false)
  })
})

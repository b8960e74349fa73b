import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { createPinia } from 'pinia'
import { describe, expect, it } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n } from '@/locales'
import PhysicianListView from '@/views/physicians/PhysicianListView.vue'
import { fakeApi } from './fakeApi'

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

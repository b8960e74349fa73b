import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { createPinia } from 'pinia'
import { describe, expect, it } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n } from '@/locales'
import { useAuthStore } from '@/stores/auth'
import CycleDetailView from '@/views/cycles/CycleDetailView.vue'
import EnrolmentListView from '@/views/enrolments/EnrolmentListView.vue'
import { fakeApi, me, membership } from './fakeApi'

const settings = (version: number, inForce: boolean) => ({
  id: `s${version}`,
  cycle_id: 'c1',
  version,
  in_force: inForce,
  phases: {},
  department_rating: true,
  body_review: true,
  components: [{ component: 'competence_test', weight: 100, procedures: ['general'] }],
  result_levels: { pass: 60 },
  simplified_rules: {},
  exemption_rules: {},
  forms: {},
  exam_blueprint_id: null,
  publicity_days: 7,
  makeup_allowed: true,
  note: `版本说明${version}`,
  created_by_name: '省卫健委',
  created_at: '2025-01-01T00:00:00Z',
})

const cycle = {
  id: 'c1',
  code: '2024-2026',
  name: '2024-2026 周期',
  starts_on: '2024-01-01',
  ends_on: '2026-12-31',
  status: 'active',
  status_label: '进行中',
  settings_id: 's2',
  settings_version: 2,
  created_at: '2024-01-01T00:00:00Z',
  updated_at: '2024-01-01T00:00:00Z',
  settings: settings(2, true),
}

function routes() {
  return fakeApi({
    'GET /api/v1/cycles/c1/': () => ({ status: 200, body: cycle }),
    'GET /api/v1/cycles/c1/settings/versions/': () => ({
      status: 200,
      body: { count: 2, next: null, previous: null, results: [settings(2, true), settings(1, false)] },
    }),
    'GET /api/v1/cycles/': () => ({ status: 200, body: { count: 1, next: null, previous: null, results: [cycle] } }),
    'GET /api/v1/enrolments/': () => ({ status: 200, body: { count: 0, next: null, previous: null, results: [] } }),
    'GET /api/v1/departments/': () => ({ status: 200, body: { count: 0, next: null, previous: null, results: [] } }),
    'POST /api/v1/enrolments/export/': () => ({ status: 202, body: { id: 'job-1', kind: 'export', status: 'queued' } }),
    'GET /api/v1/jobs/job-1/': () => ({ status: 200, body: { id: 'job-1', status: 'running', percent: 10 } }),
  })
}

async function mountAs(component: object, codes: string[], props: Record<string, unknown> = {}, path = '/x') {
  const pinia = createPinia()
  const auth = useAuthStore(pinia)
  auth.me = me([membership('m1', 'province_admin', codes)])
  auth.chooseMembership('m1')
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/x', component: component as never },
      { path: '/cycles', name: 'cycles', component: { template: '<div />' } },
    ],
  })
  await router.push(path)
  const wrapper = mount(component as never, { props: props as never, global: { plugins: [ElementPlus, i18n, router, pinia] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

describe('cycle page', { timeout: 20000 }, () => {
  it('shows the settings in force read only to a member without the settings code', async () => {
    routes()
    const page = await mountAs(CycleDetailView, ['assessment.enrolment_view'], { id: 'c1' })
    expect(page.find('[data-test="settings-summary"]').text()).toContain('版本说明2')
    expect(page.find('[data-test="settings-edit"]').exists()).toBe(false)
    expect(page.find('[data-test="cycle-close"]').exists()).toBe(false)
    expect(page.find('[data-test="versions-table"]').text()).toContain('版本说明1')
    page.unmount()
  })

  it('lets the province open the settings form, filled from the version in force', async () => {
    routes()
    const page = await mountAs(CycleDetailView, ['assessment.settings'], { id: 'c1' })
    await page.find('[data-test="settings-edit"]').trigger('click')
    await flushPromises()
    expect(page.find('[data-test="settings-form"]').exists()).toBe(true)
    expect(page.find('[data-test="components-total"]').text()).toContain('100')
    page.unmount()
  }, 20000)
})

describe('enrolled list', { timeout: 20000 }, () => {
  it('exports with the filters in force as a job', async () => {
    const api = routes()
    const page = await mountAs(EnrolmentListView, ['assessment.enrolment_view'], {}, '/x?status=submitted&procedure=general&cycle=c1')
    expect(api.seen.find((r) => r.path.startsWith('/api/v1/enrolments/?'))?.path).toContain('status=submitted')

    await page.find('[data-test="enrolments-export"]').trigger('click')
    await flushPromises()

    expect(api.seen.find((r) => r.method === 'POST')?.body).toEqual({ cycle: 'c1', status: 'submitted', procedure: 'general' })
    page.unmount()
  })
})

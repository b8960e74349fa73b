import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n } from '@/locales'
import { useAuthStore } from '@/stores/auth'
import CertificateListView from '@/views/certificates/CertificateListView.vue'
import MyCertificatesView from '@/views/me/MyCertificatesView.vue'
import { fakeApi, me, membership } from './fakeApi'

const entry = {
  id: 'en1',
  cycle_id: 'c1',
  cycle_code: '2025',
  cycle_name: '2025年度定期考核',
  physician_name: '张医生',
  organization_id: 'o1',
  organization_name: '第一人民医院',
  department_id: null,
  department_name: null,
  result_level: 'pass',
  certificate_status: 'not_issued',
  serial: null,
  issued_at: null,
  revoked_at: null,
}
const page = (results: unknown[]) => ({ status: 200, body: { count: results.length, next: null, previous: null, results } })
const cycle = { id: 'c1', code: '2025', name: '2025年度定期考核', starts_on: '2025-01-01', ends_on: '2025-12-31', status: 'active' }

let pinia: Pinia
beforeEach(() => {
  pinia = createPinia()
  setActivePinia(pinia)
})

async function mountAt(path: string, component: object, query = '') {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path, component }] })
  await router.push(path + query)
  const wrapper = mount(component, { global: { plugins: [ElementPlus, i18n, router, pinia] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

describe('certificates', () => {
  it('starts a batch generation for the chosen cycle and follows the job', async () => {
    // given: a commission officer who may issue certificates
    const auth = useAuthStore()
    auth.me = me([membership('m1', 'city_admin', ['assessment.certificate_view', 'assessment.certificate_issue'])])
    auth.membershipId = 'm1'
    const api = fakeApi({
      'GET /api/v1/certificates/': () => page([entry]),
      'GET /api/v1/cycles/': () => page([cycle]),
      'POST /api/v1/certificates/batches/': () => ({ status: 202, body: { id: 'job-1', kind: 'certificate_batch', status: 'queued' } }),
      'GET /api/v1/jobs/job-1/': () => ({ status: 200, body: { id: 'job-1', status: 'running', percent: 40 } }),
    })
    const wrapper = await mountAt('/certificates', CertificateListView, '?cycle=c1')
    expect(api.seen.find((r) => r.path.startsWith('/api/v1/certificates/?'))?.path).toContain('cycle=c1')

    // when
    await wrapper.find('[data-test="certificate-batch"]').trigger('click')
    await flushPromises()
    ;(document.body.querySelector('[data-test="batch-start"]') as HTMLButtonElement).click()
    await flushPromises()

    // then
    expect(api.seen.find((r) => r.method === 'POST')?.body).toEqual({ cycle: 'c1', organization: null })
    expect(api.seen.some((r) => r.path === '/api/v1/jobs/job-1/')).toBe(true)
    wrapper.unmount()
  })

  it('prints the physician’s own certificate through the link the API gives', async () => {
    // given
    const api = fakeApi({
      'GET /api/v1/me/certificates/': () => page([entry]),
      'POST /api/v1/me/certificates/en1/download/': () => ({ status: 200, body: { url: 'https://files.example/c.pdf', file_name: 'c.pdf' } }),
    })
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined)
    const wrapper = await mountAt('/me/certificates', MyCertificatesView)

    // when
    await wrapper.find('[data-test="my-certificate-print-en1"]').trigger('click')
    await flushPromises()

    // then
    expect(api.seen.some((r) => r.method === 'POST' && r.path === '/api/v1/me/certificates/en1/download/')).toBe(true)
    expect((click.mock.contexts[0] as HTMLAnchorElement).href).toBe('https://files.example/c.pdf')
    wrapper.unmount()
  })
})

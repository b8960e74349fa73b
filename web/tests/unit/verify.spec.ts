import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { createPinia } from 'pinia'
import { describe, expect, it } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n } from '@/locales'
import VerifyView from '@/views/verify/VerifyView.vue'
import { fakeApi } from './fakeApi'

async function open(token: string) {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/verify/:token', component: VerifyView }] })
  await router.push(`/verify/${token}`)
  const wrapper = mount(VerifyView, { global: { plugins: [ElementPlus, i18n, router, createPinia()] } })
  await flushPromises()
  return wrapper
}

describe('certificate verification page', () => {
  it('shows validity and the masked numbers the API returns, without signing in', async () => {
    // given a certificate the API knows
    const api = fakeApi({
      'GET /api/v1/certificates/verify/tok-1/': () => ({
        status: 200,
        body: {
          valid: true,
          status: 'valid',
          serial: '2024-2026-330100-0000001',
          name: '张医生',
          id_card_masked: '**************1234',
          licence_number_masked: '***********0001',
          institution: '杭州市第一人民医院',
          cycle_name: '2024—2026年度医师定期考核',
          result: '合格',
          issued_on: '2026-11-20',
          revoked_on: null,
        },
      }),
    })

    // when the QR code's link is opened
    const page = await open('tok-1')

    // then
    expect(page.find('[data-test="verify-status"]').text()).toContain('证书有效')
    expect(page.text()).toContain('2024-2026-330100-0000001')
    expect(page.text()).toContain('**************1234')
    expect(api.seen[0].headers.authorization).toBeUndefined()
  })

  it('says a forged token matches no certificate', async () => {
    fakeApi({})

    const page = await open('forged')

    expect(page.find('[data-test="verify-failure"]').text()).toContain('未找到该证书')
  })
})

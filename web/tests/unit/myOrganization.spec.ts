import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { createPinia } from 'pinia'
import { describe, expect, it } from 'vitest'
import { i18n } from '@/locales'
import MyOrganizationView from '@/views/organizations/MyOrganizationView.vue'
import { fakeApi } from './fakeApi'

const commission = {
  id: 'o1',
  name: '杭州市卫生健康委员会',
  kind: 'commission',
  region_code: '330100',
  region_name: '杭州市',
  status: 'active',
  unified_social_credit_code: '',
  committee_name: '杭州市医师定期考核管理委员会',
  office_name: '',
}

/** The text box of a field (Element Plus puts the attribute on the input or on its wrapper). */
function box(page: ReturnType<typeof mount>, field: string) {
  const el = page.find(`[data-test="mine-${field}"]`)
  return el.element.tagName === 'INPUT' ? el : el.find('input')
}

describe('my organisation page', () => {
  it('lets a commission edit its committee and office, and shows an API field error beside its field', async () => {
    // given a commission whose save is refused once for a bad credit code
    let saves = 0
    const api = fakeApi({
      'GET /api/v1/organizations/mine/': () => ({ status: 200, body: commission }),
      'PATCH /api/v1/organizations/mine/': (req) => {
        saves += 1
        if (saves === 1)
          return {
            status: 400,
            body: { type: 'validation_error', errors: [{ code: 'invalid_uscc', detail: '统一社会信用代码格式错误。', attr: 'unified_social_credit_code' }] },
          }
        return { status: 200, body: { ...commission, ...(req.body as object) } }
      },
    })
    const page = mount(MyOrganizationView, { global: { plugins: [ElementPlus, i18n, createPinia()] } })
    await flushPromises()

    // when the office name is typed and saved twice
    await box(page, 'office_name').setValue('杭州市医师定期考核办公室')
    await page.find('form').trigger('submit')
    await flushPromises()
    await page.vm.$nextTick()

    // then the first refusal keeps what was typed and names the field
    const items = page.findAllComponents({ name: 'ElFormItem' })
    expect(items.map((i) => i.props('error')).filter(Boolean)).toEqual(['统一社会信用代码格式错误。'])
    expect((box(page, 'office_name').element as HTMLInputElement).value).toBe('杭州市医师定期考核办公室')

    await page.find('form').trigger('submit')
    await flushPromises()
    const patch = api.seen.filter((r) => r.method === 'PATCH').at(-1)
    expect(patch?.body).toMatchObject({ office_name: '杭州市医师定期考核办公室', committee_name: '杭州市医师定期考核管理委员会' })
  })
})

import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus, { ElMessage } from 'element-plus'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, reactive } from 'vue'
import { useFormDraft } from '@/composables/useFormDraft'
import { i18n } from '@/locales'
import { useAuthStore } from '@/stores/auth'
import { registerDraft, saveAllDrafts, takeDraft } from '@/utils/drafts'
import { me, membership } from './fakeApi'

beforeEach(() => {
  setActivePinia(createPinia())
  vi.spyOn(ElMessage, 'info').mockImplementation(() => ({ close: () => undefined }) as never)
})

describe('drafts', () => {
  it('saves the registered forms that hold something, for one user only', () => {
    // given
    const off = registerDraft('a', () => ({ x: 1 }))
    const off2 = registerDraft('b', () => undefined)

    // when
    const kept = saveAllDrafts('user-1')

    // then
    expect(kept).toBe(1)
    expect(takeDraft('a', 'user-2')).toBeUndefined()
    expect(sessionStorage.getItem('pap.drafts')).toBeNull()
    off()
    off2()
  })

  it('gives a form its content back after the session expired (same user, same page)', async () => {
    // given: a form with typed content when the session ends
    const auth = useAuthStore()
    auth.me = me([membership('m1')])
    let restored: unknown = null
    const Form = defineComponent({
      setup() {
        const form = reactive({ name: '', note: '' })
        useFormDraft('test.form', form, { onRestore: (v) => (restored = v) })
        return { form }
      },
      render() {
        return h('div', this.form.name)
      },
    })
    const first = mount(Form, { global: { plugins: [ElementPlus, i18n] } })
    ;(first.vm as unknown as { form: { name: string; note: string } }).form.name = '第一人民医院'
    auth.expire()
    first.unmount()

    // when: the same user comes back
    auth.me = me([membership('m1')])
    const second = mount(Form, { global: { plugins: [ElementPlus, i18n] } })
    await flushPromises()

    // then
    expect(second.text()).toBe('第一人民医院')
    expect(restored).toEqual({ name: '第一人民医院', note: '' })
    expect(sessionStorage.getItem('pap.drafts')).toBeNull()
  })
})

import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus, { ElMessage } from 'element-plus'
import { createPinia, setActivePinia } from 'pinia'
import { describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { createMemoryHistory, createRouter, RouterView, type RouteRecordRaw } from 'vue-router'
import { Perm } from '@/access/codes'
import ErrorBoundary from '@/components/ErrorBoundary.vue'
import { i18n } from '@/locales'
import { routes } from '@/router'
import { useAuthStore } from '@/stores/auth'
import { fakeApi, me, membership } from './fakeApi'

/**
 * "No page shows a blank screen on an API error": every page of the layout, opened while the API answers every
 * request with an error, still shows something and tells the user (the page's error with a retry, the error
 * boundary, or a message) — no page throws past the boundary.
 */
const UNAVAILABLE = { type: 'server_error', errors: [{ code: 'service_unavailable', detail: '服务暂不可用，请稍后重试。', attr: null }] }
const ID = '00000000-0000-4000-8000-000000000001'

/** The layout's pages as top-level routes (the layout itself is not under test), and each one's concrete path. */
const layout = routes.find((r) => r.path === '/')!
const flat = (layout.children ?? []).map((r) => ({ ...r, path: `/${r.path}` }) as RouteRecordRaw)
function pages(): { name: string; path: string }[] {
  return flat
    .filter((r) => !String(r.path).includes('pathMatch'))
    .map((r) => ({ name: String(r.name), path: String(r.path).replace(/:[a-zA-Z_]+/g, ID) }))
}

const Shell = defineComponent({ setup: () => () => h(ErrorBoundary, null, { default: () => h(RouterView) }) })

/** jsdom has no ResizeObserver (the charts use it); the setup file undoes stubs after each test. */
function stubResizeObserver(): void {
  vi.stubGlobal(
    'ResizeObserver',
    class {
      observe() {}
      unobserve() {}
      disconnect() {}
    },
  )
}

describe('no blank page on an API error', () => {
  const all = pages()

  it('covers the pages of the menu', () => {
    expect(all.map((p) => p.name)).toEqual(expect.arrayContaining(['accounts', 'physicians', 'departments', 'enrolments', 'reviews-institution']))
  })

  for (const page of all) {
    it(`${page.name} (${page.path}) shows the error, not a blank screen`, async () => {
      // given: a member who may do everything, and an API that fails every request
      const pinia = createPinia()
      setActivePinia(pinia)
      const auth = useAuthStore()
      auth.me = me([{ ...membership('m1', 'hospital_admin', Object.values(Perm)), organization_kind: 'institution', tenant_slug: 'hz-sdyrmyy' }])
      auth.membershipId = 'm1'
      const api = fakeApi({})
      api.fetchMock.mockImplementation(async () => new Response(JSON.stringify(UNAVAILABLE), { status: 503, headers: { 'Content-Type': 'application/json' } }))
      const unhandled: unknown[] = []
      const router = createRouter({ history: createMemoryHistory(), routes: flat })
      stubResizeObserver()
      const messages = vi.spyOn(ElMessage, 'error').mockImplementation(() => ({ close: () => undefined }) as never)

      // when
      await router.push(page.path)
      const wrapper = mount(Shell, {
        // AppChart is stubbed: jsdom has no canvas, and a chart drawn after the page settled throws outside the test
        global: { plugins: [ElementPlus, i18n, router, pinia], stubs: { AppChart: true }, config: { errorHandler: (err) => void unhandled.push(err) } },
        attachTo: document.body,
      })
      await flushPromises()
      await new Promise((resolve) => setTimeout(resolve, 20))
      await flushPromises()

      // then
      const text = wrapper.text().trim()
      expect(text.length, 'the page shows something').toBeGreaterThan(0)
      expect(unhandled).toEqual([])
      const asked = api.fetchMock.mock.calls.length > 0
      if (asked) {
        const told =
          wrapper.find('[data-test="error-state"]').exists() ||
          wrapper.find('[data-test="error-boundary"]').exists() ||
          messages.mock.calls.length > 0 ||
          text.includes('服务暂不可用')
        expect(told, 'the user is told the API failed').toBe(true)
      }
      wrapper.unmount()
    }, 20000)
  }
})

describe('error boundary', () => {
  it('shows what a page threw, with a retry that renders the page again', async () => {
    // given: a page that throws while rendering the first time only
    let renders = 0
    const Flaky = defineComponent({
      setup: () => () => {
        renders += 1
        if (renders === 1) throw new Error('页面渲染失败')
        return h('p', { 'data-test': 'flaky' }, '已恢复')
      },
    })
    vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', name: 'home', component: Flaky }] })
    await router.push('/')

    // when
    const wrapper = mount(Shell, { global: { plugins: [ElementPlus, i18n, router, createPinia()] } })
    await flushPromises()

    // then
    expect(wrapper.find('[data-test="error-boundary"]').text()).toContain('页面渲染失败')
    await wrapper.find('[data-test="error-boundary"] button').trigger('click')
    await flushPromises()
    expect(wrapper.find('[data-test="flaky"]').text()).toBe('已恢复')
  })
})

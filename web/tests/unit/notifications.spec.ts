import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus, { ElMessage } from 'element-plus'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n } from '@/locales'
import { NOTIFICATION_POLL_MS, useNotificationsStore } from '@/stores/notifications'
import NotificationBell from '@/views/notifications/NotificationBell.vue'
import NotificationListView from '@/views/notifications/NotificationListView.vue'
import { notificationTarget } from '@/views/notifications/notificationApi'
import { fakeApi } from './fakeApi'

function note(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    kind: 'result_published',
    title: `考核结果公示 ${id}`,
    body: '您的考核结果已公示。',
    phase: '',
    link: { type: 'my_enrolment', id: `enr-${id}` },
    read: false,
    read_at: null,
    created_at: '2026-11-20T08:00:00Z',
    ...extra,
  }
}

const page = (results: unknown[], count = results.length) => ({ status: 200, body: { count, next: null, previous: null, results } })
const Blank = { template: '<div />' }

let pinia: Pinia
beforeEach(() => {
  pinia = createPinia()
  setActivePinia(pinia)
  vi.spyOn(ElMessage, 'success').mockImplementation(() => ({ close: () => undefined }) as never)
  document.body.innerHTML = '' // popovers of earlier tests are teleported here
})

function setVisibility(state: 'visible' | 'hidden') {
  Object.defineProperty(document, 'visibilityState', { value: state, configurable: true })
  document.dispatchEvent(new Event('visibilitychange'))
}

afterEach(() => {
  vi.useRealTimers()
  Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true })
})

function makeRouter() {
  return createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'home', component: Blank },
      { path: '/notifications', name: 'notifications', component: NotificationListView },
      { path: '/me/cycles', name: 'my-cycles', component: Blank },
      { path: '/me/report', name: 'my-report', component: Blank },
      { path: '/reviews/body', name: 'reviews-body', component: Blank },
    ],
  })
}

async function mountBell() {
  const router = makeRouter()
  await router.push('/')
  const wrapper = mount(NotificationBell, { global: { plugins: [ElementPlus, i18n, router, pinia] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}

/** Click the bell; the popover opens after Element Plus's (zero) show delay, a timer. */
async function openDropdown(wrapper: ReturnType<typeof mount>) {
  await wrapper.find('[data-test="notification-bell"]').trigger('click')
  await new Promise((r) => setTimeout(r, 20))
  await flushPromises()
}

const badge = (wrapper: ReturnType<typeof mount>) => wrapper.find('[data-test="notification-count"] .el-badge__content')
const countCalls = (seen: { path: string }[]) => seen.filter((r) => r.path === '/api/v1/notifications/unread-count/').length

describe('notification bell', () => {
  it('shows the unread count, asks again every 60 s while the tab is visible and not while it is hidden', async () => {
    // given: three unread notifications
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true })
    let unread = 3
    const api = fakeApi({ 'GET /api/v1/notifications/unread-count/': () => ({ status: 200, body: { count: unread } }) })

    // when
    const { wrapper } = await mountBell()

    // then: the badge shows 3 at once
    expect(badge(wrapper).text()).toBe('3')
    expect(countCalls(api.seen)).toBe(1)

    // when: a minute passes and a new one arrives
    unread = 4
    vi.advanceTimersByTime(NOTIFICATION_POLL_MS)
    await flushPromises()
    expect(countCalls(api.seen)).toBe(2)
    expect(badge(wrapper).text()).toBe('4')

    // when: the tab is hidden for three minutes, nothing is asked
    setVisibility('hidden')
    vi.advanceTimersByTime(3 * NOTIFICATION_POLL_MS)
    await flushPromises()
    expect(countCalls(api.seen)).toBe(2)

    // when: the tab comes back, the count is asked at once and polling resumes
    unread = 5
    setVisibility('visible')
    await flushPromises()
    expect(countCalls(api.seen)).toBe(3)
    expect(badge(wrapper).text()).toBe('5')
    vi.advanceTimersByTime(NOTIFICATION_POLL_MS)
    await flushPromises()
    expect(countCalls(api.seen)).toBe(4)

    // when: the layout goes away, so does the polling
    wrapper.unmount()
    vi.advanceTimersByTime(2 * NOTIFICATION_POLL_MS)
    await flushPromises()
    expect(countCalls(api.seen)).toBe(4)
  })

  it('lists the latest when opened, marks all read and clears the count', async () => {
    // given
    const api = fakeApi({
      'GET /api/v1/notifications/unread-count/': () => ({ status: 200, body: { count: 2 } }),
      'GET /api/v1/notifications/': () => page([note('n1'), note('n2')]),
      'POST /api/v1/notifications/read-all/': () => ({ status: 200, body: { marked: 2 } }),
    })
    const { wrapper } = await mountBell()
    expect(badge(wrapper).text()).toBe('2')

    // when: the bell is opened
    await openDropdown(wrapper)

    // then: the latest are listed, unread
    const dropdown = () => document.body.querySelector('[data-test="notification-dropdown"]')!
    expect(dropdown().textContent).toContain('考核结果公示 n1')
    expect(dropdown().querySelectorAll('.is-unread')).toHaveLength(2)

    // when: mark all read
    ;(dropdown().querySelector('[data-test="notification-read-all"]') as HTMLButtonElement).click()
    await flushPromises()

    // then: one call, the badge gone, the items shown read
    expect(api.seen.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual(['/api/v1/notifications/read-all/'])
    expect(useNotificationsStore().unread).toBe(0)
    expect(badge(wrapper).exists() && badge(wrapper).isVisible()).toBe(false)
    expect(dropdown().querySelectorAll('.is-unread')).toHaveLength(0)
    wrapper.unmount()
  })

  it('marks a clicked notification read and opens its target', async () => {
    // given
    const api = fakeApi({
      'GET /api/v1/notifications/unread-count/': () => ({ status: 200, body: { count: 1 } }),
      'GET /api/v1/notifications/': () => page([note('n1')]),
      'POST /api/v1/notifications/n1/read/': () => ({ status: 200, body: note('n1', { read: true, read_at: '2026-11-21T00:00:00Z' }) }),
    })
    const { wrapper, router } = await mountBell()
    await openDropdown(wrapper)

    // when
    ;(document.body.querySelector('[data-test="notification-n1"]') as HTMLButtonElement).click()
    await flushPromises()

    // then: marked read, the count down, the physician's result of that cycle opened
    expect(api.seen.some((r) => r.method === 'POST' && r.path === '/api/v1/notifications/n1/read/')).toBe(true)
    expect(useNotificationsStore().unread).toBe(0)
    expect(router.currentRoute.value.name).toBe('my-cycles')
    expect(router.currentRoute.value.query).toEqual({ enrolment: 'enr-n1' })
    wrapper.unmount()
  })
})

describe('notification targets', () => {
  it('opens a published result, a returned report and a staff review queue', () => {
    expect(notificationTarget({ kind: 'result_published', link: { type: 'my_enrolment', id: 'e1' } })).toEqual({ name: 'my-cycles', query: { enrolment: 'e1' } })
    expect(notificationTarget({ kind: 'submission_returned', link: { type: 'my_enrolment', id: 'e1' } })).toEqual({ name: 'my-report' })
    expect(notificationTarget({ kind: 'deadline_approaching', link: { type: 'review_body', id: null } })).toEqual({ name: 'reviews-body' })
    expect(notificationTarget({ kind: 'phase_started', link: null })).toBeNull()
  })
})

describe('notifications page', () => {
  it('pages through every notification, marks one read and lowers the bell’s count', async () => {
    // given: 25 notifications, 3 unread
    const api = fakeApi({
      'GET /api/v1/notifications/unread-count/': () => ({ status: 200, body: { count: 3 } }),
      'GET /api/v1/notifications/': (req) =>
        req.path.includes('page=2') ? page([note('n21'), note('n22', { read: true })], 22) : page([note('n1'), note('n2', { read: true })], 22),
      'POST /api/v1/notifications/n21/read/': () => ({ status: 200, body: note('n21', { read: true, read_at: '2026-11-21T00:00:00Z' }) }),
    })
    const router = makeRouter()
    await router.push('/notifications')
    const wrapper = mount(NotificationListView, { global: { plugins: [ElementPlus, i18n, router, pinia] } })
    await flushPromises()
    expect(wrapper.text()).toContain('3 条未读')

    // when: page 2
    await wrapper.find('.el-pager li:nth-child(2)').trigger('click')
    await flushPromises()

    // then: the second page asked for and shown
    expect(api.seen.some((r) => r.path.startsWith('/api/v1/notifications/?') && r.path.includes('page=2'))).toBe(true)
    expect(wrapper.text()).toContain('考核结果公示 n21')

    // when: one marked read
    await wrapper.find('[data-test="notification-read-n21"]').trigger('click')
    await flushPromises()

    // then
    expect(api.seen.some((r) => r.method === 'POST' && r.path === '/api/v1/notifications/n21/read/')).toBe(true)
    expect(wrapper.find('[data-test="notification-read-n21"]').exists()).toBe(false)
    expect(wrapper.text()).toContain('2 条未读')
  })

  it('shows the API’s error with a retry instead of a blank page', async () => {
    fakeApi({
      'GET /api/v1/notifications/unread-count/': () => ({ status: 200, body: { count: 0 } }),
      'GET /api/v1/notifications/': () => ({ status: 503, body: { type: 'server_error', errors: [{ code: 'unavailable', detail: '服务暂不可用。', attr: null }] } }),
    })
    const router = makeRouter()
    await router.push('/notifications')
    const wrapper = mount(NotificationListView, { global: { plugins: [ElementPlus, i18n, router, pinia] } })
    await flushPromises()
    expect(wrapper.find('[data-test="error-state"]').text()).toContain('服务暂不可用。')
  })
})

import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import JobProgress from '@/components/JobProgress.vue'
import { useJob } from '@/composables/useJob'
import { i18n } from '@/locales'
import { fakeApi } from './fakeApi'

function job(status: string, extra: Record<string, unknown> = {}) {
  return {
    id: 'job-1',
    kind: 'accounts.import',
    status,
    done: 0,
    total: 0,
    percent: 0,
    errors: [],
    summary: {},
    input_name: 'accounts.xlsx',
    result_name: '',
    created_at: '2026-01-01T00:00:00Z',
    finished_at: null,
    ...extra,
  }
}

beforeEach(() => {
  setActivePinia(createPinia())
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('useJob', () => {
  it('polls until the job ends and keeps its row errors', async () => {
    // given
    const answers = [
      job('queued'),
      job('running', { done: 50, total: 100, percent: 50 }),
      job('failed', { done: 100, total: 100, percent: 100, errors: [{ row: 3, attr: 'username', code: 'duplicate', detail: '用户名重复' }] }),
    ]
    const { seen } = fakeApi({ 'GET /api/v1/jobs/job-1/': () => ({ status: 200, body: answers.shift() ?? job('failed') }) })
    const j = useJob({ interval: 100, maxInterval: 200 })

    // when
    const done = j.watchJob('job-1')
    await vi.runAllTimersAsync()
    const finished = await done

    // then
    expect(finished.status).toBe('failed')
    expect(j.finished.value).toBe(true)
    expect(j.rowErrors.value).toEqual([{ row: 3, attr: 'username', code: 'duplicate', detail: '用户名重复' }])
    expect(seen.filter((s) => s.path === '/api/v1/jobs/job-1/')).toHaveLength(3)
  })

  it('keeps polling through a failed poll, and downloads the result through a presigned URL', async () => {
    // given
    const answers = [
      { status: 503, body: { type: 'server_error', errors: [{ code: 'service_unavailable', detail: 'down', attr: null }] } },
      { status: 200, body: job('succeeded', { result_name: 'accounts.xlsx', percent: 100 }) },
    ]
    fakeApi({
      'GET /api/v1/jobs/job-1/': () => answers.shift()!,
      'POST /api/v1/jobs/job-1/download/': () => ({ status: 200, body: { url: 'http://127.0.0.1:9/bucket/x.xlsx?sig=1', file_name: 'accounts.xlsx' } }),
    })
    const clicked: string[] = []
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.href)
    })
    const j = useJob({ interval: 100 })

    // when
    const done = j.watchJob('job-1')
    await vi.runAllTimersAsync()
    await done
    await j.download()

    // then
    expect(j.job.value?.status).toBe('succeeded')
    expect(j.error.value).toBeNull()
    expect(clicked).toEqual(['http://127.0.0.1:9/bucket/x.xlsx?sig=1'])
  })
})

describe('JobProgress', () => {
  it('shows the progress and a table of the bad rows', async () => {
    // when
    const wrapper = mount(JobProgress, {
      props: {
        job: job('failed', { done: 4, total: 4, percent: 100 }) as never,
        rowErrors: [
          { row: 2, attr: 'phone', code: 'invalid', detail: '手机号格式不正确' },
          { row: 5, attr: null, code: 'x', detail: '机构不存在' },
        ],
      },
      global: { plugins: [ElementPlus, i18n] },
    })
    await flushPromises()

    // then
    const text = wrapper.text()
    expect(text).toContain('失败')
    expect(text).toContain('4 / 4')
    expect(text).toContain('共 2 处错误')
    expect(text).toContain('手机号格式不正确')
    expect(text).toContain('机构不存在')
  })
})

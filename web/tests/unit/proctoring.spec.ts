import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { createPinia } from 'pinia'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, ref } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n } from '@/locales'
import { useAuthStore } from '@/stores/auth'
import { canAppeal, canSecondReview, checkPhoto, presignedExpiry, refreshDelay, reviewQuery, verdictProblems, type StaffVerdict } from '@/views/proctoring/model'
import ProctoringAppealListView from '@/views/proctoring/ProctoringAppealListView.vue'
import ProctoringAttemptView from '@/views/proctoring/ProctoringAttemptView.vue'
import ProctoringReviewListView from '@/views/proctoring/ProctoringReviewListView.vue'
import { usePresignedRefresh } from '@/views/proctoring/usePresignedRefresh'
import { fakeApi, me, membership } from './fakeApi'

const REVIEW = ['proctoring.review', 'exams.view']

/** A presigned GET as boto3 signs it (SigV4 query parameters), signed at `at` for `seconds`. */
function signed(at: Date, seconds: number, key = 'proctoring/snapshots/s/a/0-x.jpg'): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')
  return `http://127.0.0.1:48333/platform/${key}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=k%2F20261206%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=${stamp}&X-Amz-Expires=${seconds}&X-Amz-SignedHeaders=host&X-Amz-Signature=abc`
}

function verdict(extra: Partial<StaffVerdict> = {}): StaffVerdict {
  return {
    id: 'v1',
    kind: 'cheating',
    status: 'pending',
    reason: '第2张照片与底照不符',
    confirmed_at: null,
    appeal_until: null,
    created_at: '2026-12-06T10:00:00Z',
    appeal: null,
    created_by: 'user-author',
    confirmed_by: null,
    confirm_comment: '',
    ...extra,
  }
}

const session = {
  attempt: 'a1',
  sitting: 's1',
  sitting_name: '三基三严考试',
  physician: 'p1',
  physician_name: '王磊',
  attempt_status: 'submitted',
  started_at: '2026-12-06T09:00:00Z',
  risk: 91,
  flagged_count: 3,
  missing_count: 1,
  repeated_count: 0,
  leave_count: 3,
  min_match_score: 0.18,
  scheduled: 5,
  voided_at: null,
  makeup_outcome: '',
}

function detail(verdicts: StaffVerdict[] = []) {
  const now = new Date()
  const photo = (index: number, flags: string[], url: string | null, status = 'analysed') => ({
    id: `ph${index}`,
    index,
    due_at: '2026-12-06T09:05:00Z',
    status,
    sha256: 'ab'.repeat(32),
    registered_at: url ? '2026-12-06T09:05:03Z' : null,
    analysed_at: url ? '2026-12-06T09:05:05Z' : null,
    flags,
    face_count: url ? 1 : null,
    match_score: flags.includes('not_matched') ? 0.18 : 0.91,
    matched: !flags.includes('not_matched'),
    deleted_at: null,
    url,
  })
  return {
    ...session,
    reference: { id: 'r1', sha256: 'cd'.repeat(32), source: 'institution', url: signed(now, 120, 'ref.jpg') },
    photos: [photo(0, [], signed(now, 120)), photo(1, ['not_matched'], signed(now, 120)), photo(2, ['missing'], null, 'missing')],
    verdicts,
  }
}

async function mountAs(component: unknown, path: string, routes: { path: string; name?: string; component: unknown }[], userId = 'user-reviewer') {
  const pinia = createPinia()
  const auth = useAuthStore(pinia)
  auth.me = me([membership('m1', 'hospital_admin', REVIEW)], { id: userId })
  auth.chooseMembership('m1')
  const router = createRouter({ history: createMemoryHistory(), routes: routes as never })
  await router.push(path)
  const wrapper = mount(component as never, { global: { plugins: [ElementPlus, i18n, router, pinia] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}

afterEach(() => {
  vi.useRealTimers()
  document.body.innerHTML = ''
})

describe('proctoring rules', () => {
  it('reads the expiry of a presigned link and refreshes a margin before the earliest one', () => {
    // given
    const at = new Date('2026-12-06T10:00:00Z')
    const short = signed(at, 120)
    const long = signed(at, 600)

    // then
    expect(presignedExpiry(short)).toBe(at.getTime() + 120_000)
    expect(presignedExpiry('http://x/plain.jpg')).toBeNull()
    expect(refreshDelay([long, short, null], at.getTime(), 15_000)).toBe(105_000)
    expect(refreshDelay([short], at.getTime() + 200_000, 15_000)).toBe(0) // expired: at once
    expect(refreshDelay(['http://x/plain.jpg'], 0)).toBeNull()
    expect(refreshDelay(['http://x/plain.jpg'], 0, 15_000, 120_000)).toBe(105_000)
  })

  it('refuses cheating without a reason, and a second verdict while one stands', () => {
    expect(verdictProblems({ kind: '', reason: '' }, [])).toEqual({ kind: 'required' })
    expect(verdictProblems({ kind: 'cheating', reason: '  ' }, [])).toEqual({ reason: 'required' })
    expect(verdictProblems({ kind: 'warning', reason: '' }, [])).toEqual({})
    expect(verdictProblems({ kind: 'cheating', reason: '照片与底照不符' }, [])).toEqual({})
    expect(verdictProblems({ kind: 'warning', reason: '' }, [verdict({ kind: 'warning', status: 'final' })])).toEqual({ kind: 'standing' })
    expect(verdictProblems({ kind: 'warning', reason: '' }, [verdict({ status: 'dismissed' })])).toEqual({})
    expect(verdictProblems({ kind: 'cheating', reason: 'x'.repeat(501) }, []).reason).toBe('tooLong')
  })

  it('lets only another reviewer confirm a pending cheating verdict', () => {
    expect(canSecondReview(verdict(), 'user-other')).toBe(true)
    expect(canSecondReview(verdict(), 'user-author')).toBe(false)
    expect(canSecondReview(verdict({ status: 'confirmed' }), 'user-other')).toBe(false)
    expect(canSecondReview(verdict({ kind: 'warning', status: 'final' }), 'user-other')).toBe(false)
  })

  it('lets the physician appeal a verdict in force once, within its window', () => {
    const now = Date.parse('2026-12-10T00:00:00Z')
    const until = '2026-12-21T00:00:00Z'
    expect(canAppeal({ status: 'confirmed', appeal: null, appeal_until: until }, now)).toBe(true)
    expect(canAppeal({ status: 'final', appeal: null, appeal_until: until }, now)).toBe(true)
    expect(canAppeal({ status: 'confirmed', appeal: null, appeal_until: '2026-12-09T00:00:00Z' }, now)).toBe(false)
    expect(canAppeal({ status: 'confirmed', appeal: { status: 'pending' }, appeal_until: until }, now)).toBe(false)
    expect(canAppeal({ status: 'overturned', appeal: null, appeal_until: until }, now)).toBe(false)
  })

  it('takes only JPEG or PNG reference photos up to 2 MB', () => {
    expect(checkPhoto({ type: 'image/jpeg', name: 'a.jpg', size: 300_000 })).toBeNull()
    expect(checkPhoto({ type: '', name: 'IMG_0001.PNG', size: 300_000 })).toBeNull()
    expect(checkPhoto({ type: 'image/heic', name: 'a.heic', size: 300_000 })).toBe('type')
    expect(checkPhoto({ type: 'image/png', name: 'a.png', size: 2 * 1024 * 1024 + 1 })).toBe('size')
    expect(checkPhoto(null)).toBe('type')
  })

  it('turns the list filters into the API query', () => {
    expect(reviewQuery({ sitting: '', flagged: 'true', verdict: 'none' })).toEqual({ flagged: true, verdict: 'none' })
    expect(reviewQuery({ sitting: 's1', flagged: 'false', verdict: '' })).toEqual({ sitting: 's1', flagged: false })
    expect(reviewQuery({ sitting: '', flagged: '', verdict: '' })).toEqual({})
  })
})

describe('presigned link refresh', () => {
  it('fetches new links before they expire, and after a failed image at most once per gap', async () => {
    // given: links valid 120 s from now
    vi.useFakeTimers()
    vi.setSystemTime(new Date('2026-12-06T10:00:00Z'))
    const reload = vi.fn(async () => {})
    const urls = ref([signed(new Date(), 120)])
    let api: ReturnType<typeof usePresignedRefresh> | undefined
    mount(defineComponent({ setup: () => ((api = usePresignedRefresh(() => urls.value, reload)), () => h('div')) }))

    // when: 104 s pass, nothing yet; at 105 s (15 s before expiry) a reload
    await vi.advanceTimersByTimeAsync(104_000)
    expect(reload).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1_000)
    expect(reload).toHaveBeenCalledTimes(1)

    // when: an image fails right after, it is not fetched again; 10 s later it is
    api!.onImageError()
    expect(reload).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(10_000)
    api!.onImageError()
    expect(reload).toHaveBeenCalledTimes(2)
  })
})

describe('risk-ranked review list', () => {
  it('asks the API with the URL filters and shows the attempts in its order, riskiest first', async () => {
    // given
    const api = fakeApi({
      'GET /api/v1/proctoring/attempts/': () => ({
        status: 200,
        body: { count: 2, next: null, previous: null, results: [session, { ...session, attempt: 'a2', physician_name: '许英英', risk: 18, flagged_count: 1, missing_count: 0 }] },
      }),
      'GET /api/v1/exams/sittings/': () => ({ status: 200, body: { count: 0, next: null, previous: null, results: [] } }),
    })

    // when
    const { wrapper, router } = await mountAs(ProctoringReviewListView, '/proctoring/attempts?flagged=true&verdict=none', [
      { path: '/proctoring/attempts', name: 'proctoring-review', component: ProctoringReviewListView },
      { path: '/proctoring/attempts/:attemptId', name: 'proctoring-attempt', component: { render: () => null } },
    ])

    // then
    const call = api.seen.find((r) => r.path.startsWith('/api/v1/proctoring/attempts/'))!
    expect(call.path).toContain('flagged=true')
    expect(call.path).toContain('verdict=none')
    expect(wrapper.findAll('[data-test="proctoring-risk"]').map((t) => t.text())).toEqual(['91', '18'])
    expect(wrapper.find('[data-test="proctoring-table"]').text()).toContain('1 / 5')

    // when: a row is opened
    await wrapper.find('.el-table__body [data-test="proctoring-open"]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.params.attemptId).toBe('a1')
  })
})

describe('one attempt under review', () => {
  const routes = [
    { path: '/proctoring/attempts', name: 'proctoring-review', component: { render: () => null } },
    { path: '/proctoring/attempts/:attemptId', name: 'proctoring-attempt', component: ProctoringAttemptView },
  ]

  it('shows the photos beside the reference with their flags, and records cheating only with a reason', async () => {
    // given
    let verdicts: StaffVerdict[] = []
    const api = fakeApi({
      'GET /api/v1/proctoring/attempts/a1/': () => ({ status: 200, body: detail(verdicts) }),
      'POST /api/v1/proctoring/attempts/a1/verdicts/': (req) => {
        verdicts = [verdict({ reason: (req.body as { reason: string }).reason, created_by: 'user-reviewer' })]
        return { status: 201, body: verdicts[0] }
      },
    })
    const { wrapper } = await mountAs(ProctoringAttemptView, '/proctoring/attempts/a1', routes)

    // then: photos, the gap of the missing one, flags, the reference
    expect(wrapper.findAll('[data-test="proctoring-photo"]')).toHaveLength(3)
    expect(wrapper.findAll('[data-test="proctoring-photo-missing"]')).toHaveLength(1)
    expect(wrapper.findAll('[data-test="proctoring-flag"]').map((f) => f.text())).toEqual(['与底照不符', '未按时抓拍'])
    expect(wrapper.find('[data-test="proctoring-reference"]').text()).toContain('机构上传')

    // when: cheating without a reason
    await wrapper.find('[data-test="verdict-cheating"]').trigger('click')
    await flushPromises()
    const save = document.querySelector('[data-test="verdict-save"]') as HTMLButtonElement
    save.click()
    await flushPromises()

    // then: refused in the form, nothing sent
    const errors = wrapper.findAllComponents({ name: 'ElFormItem' }).map((i) => i.props('error')).filter(Boolean)
    expect(errors).toEqual(['标记作弊须填写理由'])
    expect(api.seen.filter((r) => r.method === 'POST')).toHaveLength(0)

    // when: with a reason
    const reason = document.querySelector('textarea[data-test="verdict-reason"]') as HTMLTextAreaElement
    reason.value = '第2张照片与底照不符'
    reason.dispatchEvent(new Event('input'))
    await flushPromises()
    save.click()
    await flushPromises()

    // then: sent, the page shows it pending, and its author gets no confirm button
    expect(api.seen.find((r) => r.method === 'POST')?.body).toEqual({ kind: 'cheating', reason: '第2张照片与底照不符' })
    expect(wrapper.find('[data-test="verdict-status"]').text()).toBe('待第二人确认')
    expect(wrapper.find('[data-test="verdict-confirm-open"]').exists()).toBe(false)
    expect(wrapper.find('[data-test="verdict-awaiting"]').exists()).toBe(true)
  })

  it('lets a second reviewer confirm a pending cheating verdict', async () => {
    // given
    let verdicts = [verdict()]
    const api = fakeApi({
      'GET /api/v1/proctoring/attempts/a1/': () => ({ status: 200, body: detail(verdicts) }),
      'POST /api/v1/proctoring/verdicts/v1/confirm/': () => {
        verdicts = [verdict({ status: 'confirmed', confirmed_by: 'user-second', confirmed_at: '2026-12-06T11:00:00Z' })]
        return { status: 200, body: verdicts[0] }
      },
    })
    const { wrapper } = await mountAs(ProctoringAttemptView, '/proctoring/attempts/a1', routes, 'user-second')

    // when
    await wrapper.find('.el-table__body [data-test="verdict-confirm-open"]').trigger('click')
    await flushPromises()
    ;(document.querySelector('[data-test="confirm-confirm"]') as HTMLButtonElement).click()
    await flushPromises()

    // then
    expect(api.seen.find((r) => r.method === 'POST')?.body).toEqual({ confirm: true, comment: '' })
    expect(wrapper.find('[data-test="verdict-status"]').text()).toBe('已确认')
  })
})

describe('appeals', () => {
  it('lists pending appeals and sends the decision with its comment', async () => {
    // given
    const appeal = { id: 'ap1', verdict: 'v1', reason: '照片是本人，光线原因', status: 'pending', decided_at: null, decision_comment: '', created_at: '2026-12-06T12:00:00Z', attempt: 'a1', verdict_kind: 'cheating' }
    const api = fakeApi({
      'GET /api/v1/proctoring/appeals/': () => ({ status: 200, body: { count: 1, next: null, previous: null, results: [appeal] } }),
      'POST /api/v1/proctoring/appeals/ap1/decide/': () => ({ status: 200, body: { ...appeal, status: 'overturned' } }),
    })
    const { wrapper } = await mountAs(ProctoringAppealListView, '/proctoring/appeals', [
      { path: '/proctoring/appeals', name: 'proctoring-appeals', component: ProctoringAppealListView },
      { path: '/proctoring/attempts/:attemptId', name: 'proctoring-attempt', component: { render: () => null } },
    ])
    expect(api.seen[0].path).toContain('status=pending')
    expect(wrapper.find('[data-test="appeals-table"]').text()).toContain('照片是本人')

    // when: decided without choosing, then overturned
    await wrapper.find('.el-table__body [data-test="appeal-decide"]').trigger('click')
    await flushPromises()
    const confirm = [...document.querySelectorAll('[data-test="appeal-dialog"] .el-dialog__footer button')].at(-1) as HTMLButtonElement
    confirm.click()
    await flushPromises()
    expect(api.seen.filter((r) => r.method === 'POST')).toHaveLength(0)
    ;(document.querySelectorAll('[data-test="appeal-dialog"] .el-radio')[1] as HTMLElement).click()
    await flushPromises()
    confirm.click()
    await flushPromises()

    // then
    expect(api.seen.find((r) => r.method === 'POST')?.body).toEqual({ decision: 'overturned', comment: '' })
  })
})

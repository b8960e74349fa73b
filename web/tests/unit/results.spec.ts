import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus, { ElFormItem, ElMessage, ElMessageBox } from 'element-plus'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { Perm } from '@/access/codes'
import { menuRoutes } from '@/access/menu'
import { i18n } from '@/locales'
import { useAuthStore } from '@/stores/auth'
import ResultDrawer from '@/views/results/ResultDrawer.vue'
import ResultQueue from '@/views/results/ResultQueue.vue'
import type { Action } from '@/views/results/resultApi'
import { fakeApi, me, membership } from './fakeApi'

function item(id: string, status: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    cycle_id: 'c1',
    cycle_name: '2024—2026年度',
    physician_id: `p-${id}`,
    physician_name: `医生${id}`,
    id_card_masked: '**************1234',
    licence_number: '110330100000001',
    title: '主治医师',
    organization_id: 'o1',
    organization_name: '第一人民医院',
    department_name: '普外科',
    assessment_body_name: null,
    procedure: 'general',
    procedure_label: '一般程序',
    status,
    status_label: status,
    total_score: '82.00',
    result_level: 'pass',
    result_level_label: '合格',
    publicity_ends_on: null,
    finalized_at: null,
    ...extra,
  }
}

function detail(status: string, extra: Record<string, unknown> = {}) {
  return {
    ...item('e1', status),
    result_settings_version: 1,
    required_components: [
      { component: 'competence_test', component_label: '业务水平测评', weight: 60 },
      { component: 'work_performance', component_label: '工作成绩', weight: 20 },
      { component: 'ethics', component_label: '职业道德', weight: 20 },
    ],
    missing_components: ['ethics'],
    scores: [],
    attachments: [],
    history: [],
    publicity_over: false,
    ...extra,
  }
}

const page = (results: unknown[]) => ({ status: 200, body: { count: results.length, next: null, previous: null, results } })

let pinia: Pinia
beforeEach(() => {
  pinia = createPinia()
  setActivePinia(pinia)
  vi.spyOn(ElMessageBox, 'confirm').mockResolvedValue('confirm' as never)
  vi.spyOn(ElMessage, 'success').mockImplementation(() => ({ close: () => undefined }) as never)
})

function actAs(role: Parameters<typeof membership>[1], codes: string[]) {
  const auth = useAuthStore()
  auth.me = me([membership('m1', role, codes)])
  auth.membershipId = 'm1'
}

async function openQueue(queue: 'body' | 'committee' | 'makeup', query = '') {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/results', component: ResultQueue }] })
  await router.push(`/results${query}`)
  const wrapper = mount(ResultQueue, { props: { queue }, global: { plugins: [ElementPlus, i18n, router, pinia] } })
  await flushPromises()
  return wrapper
}

describe('results queues', () => {
  it('confirms in bulk only the selected enrolments whose scores are in, and says how many moved', async () => {
    // given: the body's queue with one scored enrolment and one already confirmed
    actAs('assessment_reviewer', [Perm.SCORE_CONFIRM])
    const api = fakeApi({
      'GET /api/v1/cycles/': () => page([]),
      'GET /api/v1/results/body/': () => page([item('e1', 'scored'), item('e2', 'score_confirmed')]),
      'POST /api/v1/results/body/bulk-confirm/': () => ({ status: 200, body: { count: 1 } }),
    })
    const wrapper = await openQueue('body')
    for (const box of wrapper.findAll('tbody input[type="checkbox"]')) await box.setValue(true)
    await flushPromises()

    // when
    await wrapper.find('[data-test="bulk-confirm"]').trigger('click')
    await flushPromises()

    // then: the confirmed one is left out (the API would refuse the whole batch with it)
    const post = api.seen.find((r) => r.method === 'POST')
    expect(post?.path).toBe('/api/v1/results/body/bulk-confirm/')
    expect((post?.body as { ids: string[] }).ids).toEqual(['e1'])
    expect(wrapper.find('[data-test="bulk-result"]').text()).toContain('已处理 1 人')
  })

  it('shows the committee what its bulk confirmation decided', async () => {
    actAs('city_admin', [Perm.RESULT_CONFIRM])
    fakeApi({
      'GET /api/v1/cycles/': () => page([]),
      'GET /api/v1/results/committee/': () => page([item('e1', 'publicized'), item('e2', 'publicized', { result_level: 'fail' })]),
      'POST /api/v1/results/committee/bulk-confirm/': () => ({ status: 200, body: { passed: 1, makeup_pending: 1, failed: 0 } }),
    })
    const wrapper = await openQueue('committee', '?publicity_over=true')
    for (const box of wrapper.findAll('tbody input[type="checkbox"]')) await box.setValue(true)
    await wrapper.find('[data-test="bulk-confirm"]').trigger('click')
    await flushPromises()
    expect(wrapper.find('[data-test="bulk-result"]').text()).toContain('合格 1 人，进入补考 1 人')
  })

  it('offers the make-up decision only to the province and exports the list with the filters in force', async () => {
    // given: a hospital sees the make-up list, without the decision
    actAs('hospital_admin', [Perm.ENROLMENT_VIEW])
    const api = fakeApi({
      'GET /api/v1/cycles/': () => page([]),
      'GET /api/v1/results/makeup/': () => page([item('e1', 'makeup_pending', { result_level: 'fail' })]),
      'POST /api/v1/results/makeup/export/': () => ({ status: 202, body: { id: 'job-1', kind: 'results_makeup_export', status: 'queued' } }),
      'GET /api/v1/jobs/job-1/': () => ({ status: 200, body: { id: 'job-1', status: 'running', percent: 10 } }),
    })
    const wrapper = await openQueue('makeup', '?procedure=general')
    expect(wrapper.find('[data-test="bulk-allow"]').exists()).toBe(false)

    // when
    await wrapper.find('[data-test="results-export"]').trigger('click')
    await flushPromises()

    // then
    const post = api.seen.find((r) => r.method === 'POST')
    expect(post?.body).toEqual({ procedure: 'general' })
  })
})

describe('result drawer', () => {
  async function openDrawer(queue: 'scoring' | 'committee', actions: Action[] = []) {
    const wrapper = mount(ResultDrawer, {
      props: { queue, enrolmentId: 'e1', actions, modelValue: true },
      global: { plugins: [ElementPlus, i18n, pinia] },
      attachTo: document.body,
    })
    await flushPromises()
    return wrapper
  }

  it('keeps a typed score and shows the API’s reason beside the field when it is refused', async () => {
    // given: an expert scoring an enrolment that still misses its ethics score
    actAs('expert', [Perm.SCORE_ENTER])
    const api = fakeApi({
      'GET /api/v1/results/scoring/e1/': () => ({ status: 200, body: detail('body_approved') }),
      'POST /api/v1/results/scoring/e1/scores/': () => ({
        status: 400,
        body: { type: 'validation_error', errors: [{ code: 'score_out_of_range', detail: '分数须在 0 到 100 之间。', attr: 'score' }] },
      }),
    })
    const wrapper = await openDrawer('scoring')
    const drawer = () => document.body.querySelector('[data-test="result-drawer"]')!
    expect(drawer().textContent).toContain('尚缺 1 项')
    // the competence test is the exam engine's: the expert is offered the other required components only
    const state = (wrapper.vm as unknown as { $: { setupState: { score: { component: string; score: number | null; comment: string }; scorable: { component: string }[] } } }).$.setupState
    expect(state.scorable.map((c) => c.component)).toEqual(['work_performance', 'ethics'])

    // when: the expert picks ethics, types 88 and saves
    Object.assign(state.score, { component: 'ethics', score: 88, comment: '医德良好' })
    await flushPromises()
    ;(drawer().querySelector('[data-test="score-save"]') as HTMLButtonElement).click()
    await flushPromises()
    await new Promise((r) => setTimeout(r, 50))

    // then: sent as typed, refused beside the score field, the typed values kept
    const post = api.seen.find((r) => r.method === 'POST')
    expect(post?.body).toEqual({ component: 'ethics', sitting: 'main', score: 88, comment: '医德良好' })
    const errors = wrapper.findAllComponents(ElFormItem).map((i) => i.props('error')).filter(Boolean)
    expect(errors).toEqual(['分数须在 0 到 100 之间。'])
    expect(state.score).toEqual({ component: 'ethics', score: 88, comment: '医德良好' })
    wrapper.unmount()
  })

  it('says why the committee cannot confirm before the publicity period ends', async () => {
    actAs('city_admin', [Perm.RESULT_CONFIRM])
    const error = vi.spyOn(ElMessage, 'error').mockImplementation(() => ({ close: () => undefined }) as never)
    fakeApi({
      'GET /api/v1/results/committee/e1/': () => ({ status: 200, body: detail('publicized', { missing_components: [], publicity_ends_on: '2026-12-01' }) }),
      'POST /api/v1/results/committee/e1/confirm/': () => ({
        status: 409,
        body: { type: 'client_error', errors: [{ code: 'publicity_not_over', detail: '公示期至 2026-12-01 结束，结束后才能确认结果。', attr: null }] },
      }),
    })
    const wrapper = await openDrawer('committee', ['confirm'])
    ;(document.body.querySelector('[data-test="result-confirm"]') as HTMLButtonElement).click()
    await flushPromises()
    expect(error).toHaveBeenCalledWith(expect.stringContaining('公示期至 2026-12-01 结束'))
    wrapper.unmount()
  })
})

describe('results menu', () => {
  it('gives experts the scoring queue, the province the make-up list and committee, a hospital the final results', () => {
    expect(menuRoutes('expert', new Set([Perm.SCORE_ENTER]))).toContain('results-scoring')
    const province = menuRoutes('province_admin', new Set([Perm.RESULT_CONFIRM, Perm.SCORE_CONFIRM, Perm.MAKEUP_DECIDE, Perm.ENROLMENT_VIEW]))
    expect(province).toEqual(expect.arrayContaining(['results-body', 'results-committee', 'results-makeup', 'results-final']))
    const hospital = menuRoutes('hospital_admin', new Set([Perm.ENROLMENT_VIEW]))
    expect(hospital).toEqual(expect.arrayContaining(['results-makeup', 'results-final']))
    expect(hospital).not.toContain('results-committee')
  })
})

import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus, { ElFormItem, ElMessage } from 'element-plus'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { Perm } from '@/access/codes'
import { i18n } from '@/locales'
import { useAuthStore } from '@/stores/auth'
import MyCyclesView from '@/views/me/MyCyclesView.vue'
import ResultDrawer from '@/views/results/ResultDrawer.vue'
import ResultQueue from '@/views/results/ResultQueue.vue'
import { fakeApi, me, membership } from './fakeApi'

const page = (results: unknown[]) => ({ status: 200, body: { count: results.length, next: null, previous: null, results } })

function cycleRow(id: string) {
  return {
    id,
    cycle_id: 'c1',
    cycle_code: '2024',
    cycle_name: '2024—2026年度',
    cycle_status: 'active',
    organization_id: 'o1',
    organization_name: '第一人民医院',
    title: '主治医师',
    procedure: 'general',
    procedure_label: '一般程序',
    status: 'publicized',
    status_label: '公示中',
    test_score: '80.00',
    makeup_test_score: null,
    total_score: '84.00',
    result_level: 'pass',
    result_label: '合格',
    finalized_at: null,
    certificate_serial: '',
  }
}

function myResult(extra: Record<string, unknown> = {}) {
  return {
    id: 'e1',
    cycle_id: 'c1',
    cycle_name: '2024—2026年度',
    status: 'publicized',
    status_label: '公示中',
    procedure: 'general',
    published: true,
    final: false,
    total_score: '84.00',
    result_level: 'pass',
    result_level_label: '合格',
    publicity_ends_on: '2026-12-01',
    finalized_at: null,
    scores: [
      { component: 'competence_test', component_label: '业务水平测评', sitting: 'main', score: '80.00', passed: true, weight: 60 },
      { component: 'work_performance', component_label: '工作成绩', sitting: 'main', score: '90.00', passed: null, weight: 40 },
    ],
    ...extra,
  }
}

let pinia: Pinia
beforeEach(() => {
  pinia = createPinia()
  setActivePinia(pinia)
  document.body.innerHTML = ''
  vi.spyOn(ElMessage, 'success').mockImplementation(() => ({ close: () => undefined }) as never)
})

async function openMyCycles(path: string) {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/me/cycles', component: MyCyclesView }] })
  await router.push(path)
  const wrapper = mount(MyCyclesView, { global: { plugins: [ElementPlus, i18n, router, pinia] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

const drawerText = () => document.body.querySelector('[data-test="my-result-drawer"]')?.textContent ?? ''

describe('the physician’s result of a cycle', () => {
  it('shows each component’s score and the level once published, opened from a row', async () => {
    // given
    const api = fakeApi({
      'GET /api/v1/me/cycles/': () => page([cycleRow('e1')]),
      'GET /api/v1/me/enrolments/e1/result/': () => ({ status: 200, body: myResult() }),
    })
    const wrapper = await openMyCycles('/me/cycles')

    // when
    await wrapper.find('[data-test="my-result-e1"]').trigger('click')
    await flushPromises()

    // then
    expect(api.seen.some((r) => r.path === '/api/v1/me/enrolments/e1/result/')).toBe(true)
    const text = drawerText()
    expect(text).toContain('业务水平测评')
    expect(text).toContain('90.00')
    expect(document.body.querySelector('[data-test="my-result-level"]')?.textContent).toContain('合格')
    expect(document.body.querySelector('[data-test="my-result-total"]')?.textContent).toBe('84.00')
    expect(document.body.querySelector('[data-test="my-result-note"]')?.textContent).toContain('公示期至 2026-12-01')
    wrapper.unmount()
  })

  it('says the result is not published yet and shows no scores before publication (opened from a notification link)', async () => {
    fakeApi({
      'GET /api/v1/me/cycles/': () => page([cycleRow('e1')]),
      'GET /api/v1/me/enrolments/e1/result/': () => ({
        status: 200,
        body: myResult({ published: false, status: 'scored', status_label: '已评分', total_score: null, result_level: null, result_level_label: null, publicity_ends_on: null, scores: [] }),
      }),
    })
    const wrapper = await openMyCycles('/me/cycles?enrolment=e1')
    expect(document.body.querySelector('[data-test="my-result-pending"]')?.textContent).toContain('尚未公示（当前状态：已评分）')
    expect(document.body.querySelector('[data-test="my-result-scores"]')).toBeNull()
    wrapper.unmount()
  })
})

function scoringDetail(attachments: unknown[] = []) {
  return {
    id: 'e1',
    cycle_id: 'c1',
    cycle_name: '2024—2026年度',
    physician_id: 'p1',
    physician_name: '医生1',
    id_card_masked: '**************1234',
    licence_number: '1',
    title: '主治医师',
    organization_id: 'o1',
    organization_name: '第一人民医院',
    department_name: '普外科',
    assessment_body_name: null,
    procedure: 'general',
    procedure_label: '一般程序',
    status: 'body_approved',
    status_label: '复核通过',
    total_score: null,
    result_level: null,
    result_level_label: null,
    publicity_ends_on: null,
    finalized_at: null,
    result_settings_version: 1,
    required_components: [
      { component: 'competence_test', component_label: '业务水平测评', weight: 50 },
      { component: 'skills', component_label: '技能操作', weight: 30 },
      { component: 'case_review', component_label: '病历评审', weight: 20 },
    ],
    missing_components: ['skills', 'case_review'],
    scores: [],
    attachments,
    history: [],
    publicity_over: false,
  }
}

describe('scoring material', () => {
  it('asks which component a file is for, then uploads it and lists it', async () => {
    // given: an expert on an enrolment whose cycle includes skills and case review
    const auth = useAuthStore()
    auth.me = me([membership('m1', 'expert', [Perm.SCORE_ENTER])])
    auth.membershipId = 'm1'
    const api = fakeApi({
      'GET /api/v1/results/scoring/e1/': () => ({ status: 200, body: scoringDetail() }),
      'POST /api/v1/results/scoring/e1/attachments/': () => ({
        status: 201,
        body: { id: 'a1', purpose: 'skills', file_name: '操作评分表.pdf', content_type: 'application/pdf', size: 2048, uploaded_at: '2026-11-20T08:00:00Z' },
      }),
    })
    const wrapper = mount(ResultDrawer, {
      props: { queue: 'scoring', enrolmentId: 'e1', actions: [], modelValue: true },
      global: { plugins: [ElementPlus, i18n, pinia] },
      attachTo: document.body,
    })
    await flushPromises()
    const input = () => document.body.querySelector('[data-test="result-drawer"] input[type="file"]') as HTMLInputElement
    const choose = async (file: File) => {
      Object.defineProperty(input(), 'files', { value: [file], configurable: true })
      input().dispatchEvent(new Event('change'))
      await flushPromises()
    }
    const file = new File(['%PDF-1.4'], '操作评分表.pdf', { type: 'application/pdf' })

    // when: a file chosen without saying what it is for
    await choose(file)

    // then: nothing sent, the reason beside the kind
    expect(api.seen.filter((r) => r.method === 'POST')).toHaveLength(0)
    expect(wrapper.findAllComponents(ElFormItem).map((i) => i.props('error')).filter(Boolean)).toEqual(['必填'])

    // when: skills picked, the file chosen again
    const state = (wrapper.vm as unknown as { $: { setupState: { upload: { purpose: string } } } }).$.setupState
    state.upload.purpose = 'skills'
    await flushPromises()
    await choose(file)
    await new Promise((r) => setTimeout(r, 20))
    await flushPromises()

    // then: sent as multipart with its purpose, and listed
    const post = api.seen.find((r) => r.method === 'POST')
    expect(post?.path).toBe('/api/v1/results/scoring/e1/attachments/')
    expect(String(post?.body)).toMatch(/name="purpose"\r\n\r\nskills/)
    expect(document.body.querySelector('[data-test="result-attachments"]')?.textContent).toContain('操作评分表.pdf')
    wrapper.unmount()
  })
})

describe('a score being typed when the session expires', () => {
  it('is given back on the same enrolment after signing in again', async () => {
    // given: an expert typing a case-review score for e1
    vi.spyOn(ElMessage, 'info').mockImplementation(() => ({ close: () => undefined }) as never)
    const auth = useAuthStore()
    const signIn = () => {
      auth.me = me([membership('m1', 'expert', [Perm.SCORE_ENTER])])
      auth.membershipId = 'm1'
    }
    signIn()
    const item = { ...scoringDetail(), required_components: undefined }
    const api = fakeApi({
      'GET /api/v1/cycles/': () => page([]),
      'GET /api/v1/results/scoring/': () => page([item]),
      'GET /api/v1/results/scoring/e1/': () => ({ status: 200, body: scoringDetail() }),
    })
    const mountQueue = async () => {
      const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/results/scoring', component: ResultQueue }] })
      await router.push('/results/scoring')
      const wrapper = mount(ResultQueue, { props: { queue: 'scoring' }, global: { plugins: [ElementPlus, i18n, router, pinia] }, attachTo: document.body })
      await flushPromises()
      return wrapper
    }
    const drawerState = (wrapper: ReturnType<typeof mount>) =>
      (wrapper.findComponent(ResultDrawer).vm as unknown as { $: { setupState: { score: { component: string; score: number | null; comment: string } } } }).$.setupState
    const first = await mountQueue()
    await first.find('[data-test="result-view-e1"]').trigger('click')
    await flushPromises()
    Object.assign(drawerState(first).score, { component: 'case_review', score: 76.5, comment: '病历书写规范' })
    await flushPromises()

    // when: the session ends, and the same user signs in and comes back
    auth.expire()
    first.unmount()
    signIn()
    const second = await mountQueue()

    // then: the drawer is open on e1 with what was typed
    expect(second.findComponent(ResultDrawer).props('enrolmentId')).toBe('e1')
    expect(second.findComponent(ResultDrawer).props('modelValue')).toBe(true)
    expect(drawerState(second).score).toEqual({ component: 'case_review', score: 76.5, comment: '病历书写规范' })
    expect(api.seen.filter((r) => r.path === '/api/v1/results/scoring/e1/').length).toBe(2)
    second.unmount()
  })
})

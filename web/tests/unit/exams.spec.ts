import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { createPinia } from 'pinia'
import { afterEach, describe, expect, it } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n } from '@/locales'
import { useAuthStore } from '@/stores/auth'
import ExamBankListView from '@/views/exams/ExamBankListView.vue'
import ExamBlueprintListView from '@/views/exams/ExamBlueprintListView.vue'
import { blueprintProblems, emptyRule, sittingState, totalPoints } from '@/views/exams/model'
import { fakeApi, me, membership } from './fakeApi'

const MANAGE = ['exams.view', 'exams.manage']
const page = (results: unknown[]) => ({ status: 200, body: { count: results.length, next: null, previous: null, results } })
const bank = { id: 'b1', name: '三基三严考试题库', purpose: 'exam', description: '', question_count: 12, created_at: '2026-12-01T00:00:00Z' }

async function mountAs(component: unknown, path: string, tenantSlug: string | null) {
  const pinia = createPinia()
  const auth = useAuthStore(pinia)
  const m = { ...membership('m1', tenantSlug ? 'hospital_admin' : 'province_admin', MANAGE), tenant_slug: tenantSlug }
  auth.me = me([m])
  auth.chooseMembership('m1')
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/exams/banks', name: 'exam-banks', component: ExamBankListView },
      { path: '/exams/blueprints', name: 'exam-blueprints', component: ExamBlueprintListView },
      { path: '/exams/questions', name: 'exam-questions', component: { render: () => null } },
    ],
  })
  await router.push(path)
  const wrapper = mount(component as never, { global: { plugins: [ElementPlus, i18n, router, pinia] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

afterEach(() => {
  document.body.innerHTML = ''
})

describe('exam rules', () => {
  it('totals a blueprint and refuses a pass mark above the total, a rule without questions, no rules', () => {
    const rules = [
      { ...emptyRule(), count: 10, points: 6 },
      { ...emptyRule(), kind: 'multiple' as const, count: 4, points: 10 },
    ]
    expect(totalPoints(rules)).toBe(100)
    const draft = { name: '方案', bank: 'b1', rules, time_limit_minutes: 60, pass_mark: 60 }
    expect(blueprintProblems(draft)).toEqual({})
    expect(blueprintProblems({ ...draft, pass_mark: 120 })).toEqual({ pass_mark: 'aboveTotal' })
    expect(blueprintProblems({ ...draft, rules: [] })).toMatchObject({ rules: 'noRules' })
    expect(blueprintProblems({ ...draft, rules: [{ ...emptyRule(), count: 0 }] })).toMatchObject({ rules: 'badRule' })
    expect(blueprintProblems({ ...draft, name: ' ', bank: '' })).toMatchObject({ name: 'required', bank: 'required' })
  })

  it('tells upcoming, open and closed sittings apart', () => {
    const s = { opens_at: '2026-12-01T00:00:00Z', closes_at: '2026-12-10T00:00:00Z' }
    expect(sittingState(s, Date.parse('2026-11-30T00:00:00Z'))).toBe('upcoming')
    expect(sittingState(s, Date.parse('2026-12-05T00:00:00Z'))).toBe('open')
    expect(sittingState(s, Date.parse('2026-12-10T00:00:00Z'))).toBe('closed')
  })
})

describe('question banks', () => {
  it('reaches a hospital’s own exams through its tenant API, with the URL filters', async () => {
    // given
    const api = fakeApi({ 'GET /h/hz1/api/v1/exams/banks/': () => page([bank]) })

    // when
    const wrapper = await mountAs(ExamBankListView, '/exams/banks?purpose=exam', 'hz1')

    // then
    const call = api.seen.find((r) => r.path.includes('/exams/banks/'))!
    expect(call.path.startsWith('/h/hz1/api/v1/exams/banks/')).toBe(true)
    expect(call.path).toContain('purpose=exam')
    expect(wrapper.find('[data-test="banks-table"]').text()).toContain('三基三严考试题库')
  })

  it('exports the province’s bank on the public API as a job and follows it', async () => {
    // given
    const api = fakeApi({
      'GET /api/v1/exams/banks/': () => page([bank]),
      'POST /api/v1/exams/banks/b1/export/': () => ({ status: 202, body: { id: 'job-1', kind: 'exams.questions_export', status: 'queued' } }),
      'GET /api/v1/jobs/job-1/': () => ({ status: 200, body: { id: 'job-1', status: 'running', percent: 40 } }),
    })
    const wrapper = await mountAs(ExamBankListView, '/exams/banks', null)

    // when
    await wrapper.find('.el-table__body [data-test="bank-export"]').trigger('click')
    await flushPromises()

    // then
    expect(api.seen.some((r) => r.method === 'POST' && r.path === '/api/v1/exams/banks/b1/export/')).toBe(true)
    expect(api.seen.some((r) => r.path.startsWith('/api/v1/jobs/job-1/'))).toBe(true)
  })
})

describe('blueprints', () => {
  it('refuses a pass mark above the paper total before sending, and sends the rules as the API takes them', async () => {
    // given
    const api = fakeApi({
      'GET /api/v1/exams/blueprints/': () => page([]),
      'GET /api/v1/exams/banks/': () => page([bank]),
      'POST /api/v1/exams/blueprints/': (req) => ({ status: 201, body: { id: 'bp1', ...(req.body as object) } }),
    })
    const wrapper = await mountAs(ExamBlueprintListView, '/exams/blueprints', null)
    const create = wrapper.findAll('button').find((b) => b.text() === '新建组卷方案')!
    await create.trigger('click')
    await flushPromises()
    const inputs = () => wrapper.findAllComponents({ name: 'ElInput' })
    await inputs()[0].find('input').setValue('业务水平测评方案')
    // one rule: 10 single choice x 1 point = 10; the default pass mark 60 is above it
    const save = [...document.querySelectorAll('.el-dialog__footer button')].find((b) => b.textContent?.trim() === '保存') as HTMLButtonElement

    // when
    save.click()
    await flushPromises()

    // then
    const errors = wrapper.findAllComponents({ name: 'ElFormItem' }).map((i) => i.props('error')).filter(Boolean)
    expect(errors).toEqual(['及格分不能高于试卷总分（10）'])
    expect(api.seen.filter((r) => r.method === 'POST')).toHaveLength(0)

    // when: a pass mark within the total
    const passMark = wrapper.findAllComponents({ name: 'ElInputNumber' }).at(-1)!
    await passMark.find('input').setValue('6')
    await passMark.find('input').trigger('blur')
    await flushPromises()
    save.click()
    await flushPromises()

    // then
    const post = api.seen.find((r) => r.method === 'POST')
    expect(post?.body).toMatchObject({
      bank: 'b1',
      name: '业务水平测评方案',
      pass_mark: '6',
      rules: [{ kind: 'single', count: 10, points: '1', specialty: '', difficulty: null }],
    })
  })
})

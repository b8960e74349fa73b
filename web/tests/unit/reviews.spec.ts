import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus, { ElFormItem, ElMessage, ElMessageBox } from 'element-plus'
import { createPinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n } from '@/locales'
import ReviewDrawer from '@/views/reviews/ReviewDrawer.vue'
import ReviewQueue from '@/views/reviews/ReviewQueue.vue'
import { fakeApi } from './fakeApi'

function item(id: string, name: string) {
  return {
    id,
    cycle_id: 'c1',
    cycle_name: '2025年度',
    physician_id: `p-${id}`,
    physician_name: name,
    id_card_masked: '**************1234',
    licence_number: '110330100000001',
    title: '主治医师',
    organization_id: 'o1',
    organization_name: '第一人民医院',
    department_id: 'd1',
    department_name: '普外科',
    procedure: 'general',
    procedure_label: '一般程序',
    status: 'department_rated',
    status_label: '科室已评定',
    submitted_at: '2025-03-01T08:00:00Z',
  }
}

function detail(extra: Record<string, unknown> = {}) {
  return {
    ...item('e1', '张医生'),
    forms: { work_performance: { summary: '全年门诊工作' } },
    exemption_reason: '',
    department_rating: null,
    attachments: [],
    history: [
      {
        id: 'h1',
        action: 'submit',
        action_label: '提交',
        from_state: 'drafting',
        to_state: 'submitted',
        actor_name: '张医生',
        comment: '',
        created_at: '2025-03-01T08:00:00Z',
      },
    ],
    actions: ['approve', 'return'],
    ...extra,
  }
}

const page = (results: unknown[]) => ({ status: 200, body: { count: results.length, next: null, previous: null, results } })

async function openQueue(stage: 'institution' | 'body' = 'institution') {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/reviews', component: ReviewQueue }] })
  await router.push('/reviews')
  const wrapper = mount(ReviewQueue, { props: { stage }, global: { plugins: [ElementPlus, i18n, router, createPinia()] } })
  await flushPromises()
  return wrapper
}

async function selectAll(wrapper: Awaited<ReturnType<typeof openQueue>>) {
  for (const box of wrapper.findAll('tbody input[type="checkbox"]')) await box.setValue(true)
  await flushPromises()
}

beforeEach(() => {
  vi.spyOn(ElMessageBox, 'confirm').mockResolvedValue('confirm' as never)
  vi.spyOn(ElMessage, 'success').mockImplementation(() => ({ close: () => undefined }) as never)
})

describe('review queue', () => {
  it('bulk approves the selected submissions and says how many moved', async () => {
    // given
    let approved = false
    const api = fakeApi({
      'GET /api/v1/reviews/institution/': () => page(approved ? [] : [item('e1', '张医生'), item('e2', '李医生')]),
      'POST /api/v1/reviews/institution/bulk-approve/': () => {
        approved = true
        return { status: 200, body: { approved: 2 } }
      },
    })
    const wrapper = await openQueue()
    await selectAll(wrapper)

    // when
    await wrapper.find('[data-test="bulk-approve"]').trigger('click')
    await flushPromises()

    // then
    const post = api.seen.find((r) => r.method === 'POST')
    expect(post?.path).toBe('/api/v1/reviews/institution/bulk-approve/')
    expect((post?.body as { ids: string[] }).ids.sort()).toEqual(['e1', 'e2'])
    expect(wrapper.find('[data-test="bulk-result"]').text()).toContain('已通过 2 份')
    expect(api.seen.filter((r) => r.method === 'GET' && r.path.startsWith('/api/v1/reviews/institution/')).length).toBe(2)
  })

  it('reports why a bulk approval failed, in the API’s words, and changes nothing on screen', async () => {
    // given: the API refuses the whole batch (one was not rated by its department)
    const api = fakeApi({
      'GET /api/v1/reviews/body/': () => page([item('e1', '张医生'), item('e2', '李医生')]),
      'POST /api/v1/reviews/body/bulk-approve/': () => ({
        status: 409,
        body: {
          type: 'client_error',
          errors: [{ code: 'illegal_transition', detail: '有 1 条记录的状态为“已提交”，不能执行“复核通过”操作。', attr: null }],
        },
      }),
    })
    const wrapper = await openQueue('body')
    await selectAll(wrapper)

    // when
    await wrapper.find('[data-test="bulk-approve"]').trigger('click')
    await flushPromises()

    // then
    const result = wrapper.find('[data-test="bulk-result"]').text()
    expect(result).toContain('所选 2 份均未通过')
    expect(result).toContain('不能执行“复核通过”操作')
    expect(wrapper.find('[data-test="reviews-table"]').text()).toContain('李医生')
    expect(api.seen.filter((r) => r.method === 'POST')).toHaveLength(1)
  })

  it('sends the filters as query parameters', async () => {
    const api = fakeApi({ 'GET /api/v1/reviews/institution/': () => page([]) })
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/reviews', component: ReviewQueue }] })
    await router.push('/reviews?procedure=exempt&name=张')
    mount(ReviewQueue, { props: { stage: 'institution' }, global: { plugins: [ElementPlus, i18n, router, createPinia()] } })
    await flushPromises()
    const get = api.seen.find((r) => r.path.startsWith('/api/v1/reviews/institution/'))
    expect(get?.path).toContain('procedure=exempt')
    expect(get?.path).toContain('name=%E5%BC%A0')
  })
})

async function openDrawer(stage: 'department' | 'institution' = 'institution') {
  const wrapper = mount(ReviewDrawer, {
    props: { stage, enrolmentId: 'e1', modelValue: true },
    global: { plugins: [ElementPlus, i18n, createPinia()] },
    attachTo: document.body,
  })
  await flushPromises()
  return wrapper
}

function inBody(selector: string): HTMLElement {
  const el = document.body.querySelector(selector)
  if (!el) throw new Error(`not found: ${selector}`)
  return el as HTMLElement
}

describe('review drawer', () => {
  it('shows the submission: procedure, forms as submitted and the history', async () => {
    fakeApi({ 'GET /api/v1/reviews/institution/e1/': () => ({ status: 200, body: detail() }) })
    const wrapper = await openDrawer()
    expect(inBody('[data-test="review-procedure"]').textContent).toContain('一般程序')
    expect(inBody('[data-test="report-forms"]').textContent).toContain('全年门诊工作')
    expect(inBody('[data-test="review-history"]').textContent).toContain('已提交')
    wrapper.unmount()
  })

  it('does not return without a comment, and sends the comment when there is one', async () => {
    // given
    const api = fakeApi({
      'GET /api/v1/reviews/institution/e1/': () => ({ status: 200, body: detail() }),
      'POST /api/v1/reviews/institution/e1/return/': () => ({ status: 200, body: detail({ status: 'returned', actions: [] }) }),
    })
    const wrapper = await openDrawer()

    // when: return with an empty comment
    inBody('[data-test="review-return"]').click()
    await flushPromises()

    // then: nothing sent, the reason beside the comment
    expect(api.seen.filter((r) => r.method === 'POST')).toHaveLength(0)
    const errors = wrapper.findAllComponents(ElFormItem).map((i) => i.props('error')).filter(Boolean)
    expect(errors).toEqual(['退回须填写意见。'])

    // when: with a comment
    const textarea = inBody('textarea[data-test="review-comment"], [data-test="review-comment"] textarea') as HTMLTextAreaElement
    textarea.value = '请补充工作量数据'
    textarea.dispatchEvent(new Event('input'))
    await flushPromises()
    inBody('[data-test="review-return"]').click()
    await flushPromises()

    // then
    const post = api.seen.find((r) => r.method === 'POST')
    expect(post?.path).toBe('/api/v1/reviews/institution/e1/return/')
    expect(post?.body).toEqual({ comment: '请补充工作量数据' })
    expect(wrapper.emitted('changed')).toHaveLength(1)
    wrapper.unmount()
  })

  it('shows the API’s error when a move is no longer legal', async () => {
    // given
    const error = vi.spyOn(ElMessage, 'error').mockImplementation(() => ({ close: () => undefined }) as never)
    fakeApi({
      'GET /api/v1/reviews/institution/e1/': () => ({ status: 200, body: detail() }),
      'POST /api/v1/reviews/institution/e1/approve/': () => ({
        status: 409,
        body: { type: 'client_error', errors: [{ code: 'illegal_transition', detail: '当前状态为“已退回”，不能执行“审核通过”操作。', attr: null }] },
      }),
    })
    const wrapper = await openDrawer()

    // when
    inBody('[data-test="review-approve"]').click()
    await flushPromises()

    // then
    expect(error).toHaveBeenCalledWith('当前状态为“已退回”，不能执行“审核通过”操作。')
    expect(wrapper.emitted('changed')).toBeUndefined()
    wrapper.unmount()
  })

  it('rates a submission at the department stage with both levels', async () => {
    const api = fakeApi({
      'GET /api/v1/reviews/department/e1/': () => ({ status: 200, body: detail({ actions: ['rate', 'return'] }) }),
      'POST /api/v1/reviews/department/e1/rate/': () => ({ status: 200, body: detail({ actions: [] }) }),
    })
    const wrapper = await openDrawer('department')

    inBody('[data-test="review-rate"]').click()
    await flushPromises()
    expect(api.seen.filter((r) => r.method === 'POST')).toHaveLength(0)

    ;(document.body.querySelectorAll('[data-test="rate-work"] input')[1] as HTMLInputElement).click()
    ;(document.body.querySelectorAll('[data-test="rate-ethics"] input')[0] as HTMLInputElement).click()
    await flushPromises()
    inBody('[data-test="review-rate"]').click()
    await flushPromises()

    expect(api.seen.find((r) => r.method === 'POST')?.body).toEqual({ work_performance: 'good', ethics: 'excellent', comment: '' })
    wrapper.unmount()
  })
})

import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { createMemoryHistory, createRouter, type Router } from 'vue-router'
import { Perm } from '@/access/codes'
import { menuFor } from '@/access/menu'
import { i18n } from '@/locales'
import { useAuthStore } from '@/stores/auth'
import PhysicianListView from '@/views/physicians/PhysicianListView.vue'
import PhysicianProgressView from '@/views/stats/PhysicianProgressView.vue'
import ProgressDashboardView from '@/views/stats/ProgressDashboardView.vue'
import ResultStatsView from '@/views/stats/ResultStatsView.vue'
import {
  countChartOption,
  drillDown,
  groupOptions,
  groupQuery,
  rateChartOption,
  regionTrail,
  resultStackOption,
  stageChartOption,
  type GroupFilters,
  type ProgressChart,
  type ProgressRow,
} from '@/views/stats/statsModel'
import { fakeApi, me, membership } from './fakeApi'

// --- API answers ------------------------------------------------------------------------------------------------

const cycle = {
  id: 'c1',
  code: '2025',
  name: '2025年度定期考核',
  starts_on: '2025-01-01',
  ends_on: '2025-12-31',
  status: 'active',
  status_label: '进行中',
  settings_id: 's1',
  settings_version: 1,
  created_at: '2025-01-01T00:00:00Z',
  updated_at: '2025-01-01T00:00:00Z',
}
const oldCycle = { ...cycle, id: 'c0', code: '2022', name: '2022年度定期考核', status: 'closed', status_label: '已结束' }

const chart: ProgressChart = {
  by: 'region',
  labels: ['杭州市', '宁波市', '浙江省（本级）'],
  keys: ['330100', '330200', ''],
  series: [
    { key: 'enrolled', unit: 'count', data: [100, 40, 5] },
    { key: 'submitted', unit: 'count', data: [90, 30, 0] },
    { key: 'finalized', unit: 'count', data: [80, 20, 0] },
    { key: 'passed', unit: 'count', data: [70, 18, 0] },
    { key: 'excellent', unit: 'count', data: [10, 2, 0] },
    { key: 'failed', unit: 'count', data: [10, 2, 0] },
    { key: 'makeup_listed', unit: 'count', data: [3, 1, 0] },
    { key: 'submission_rate', unit: 'rate', data: [0.9, 0.75, 0] },
    { key: 'completion_rate', unit: 'rate', data: [0.8, 0.5, 0] },
    { key: 'pass_rate', unit: 'rate', data: [0.875, 0.9, null] },
    { key: 'excellent_rate', unit: 'rate', data: [0.125, 0.1, null] },
    { key: 'makeup_pass_rate', unit: 'rate', data: [0.6667, null, null] },
  ],
}

function row(key: string, label: string, enrolled: number): ProgressRow {
  const zero = 0
  return {
    key,
    label,
    enrolled,
    statuses: {
      enrolled: zero, drafting: zero, submitted: zero, returned: zero, department_rated: zero, institution_approved: zero,
      body_approved: zero, scored: zero, score_confirmed: zero, publicized: zero, passed: enrolled, makeup_pending: zero,
      makeup: zero, makeup_scored: zero, failed: zero, withdrawn: zero,
    },
    withdrawn: 0,
    not_submitted: 0,
    submitted: enrolled,
    institution_approved: enrolled,
    body_approved: enrolled,
    scored: enrolled,
    published: enrolled,
    finalized: enrolled,
    pending: 0,
    passed: enrolled,
    excellent: 0,
    failed: 0,
    in_makeup: 0,
    submission_rate: 1,
    completion_rate: 1,
    pass_rate: 1,
    excellent_rate: 0,
  }
}

const progressPage = (rows: ProgressRow[], by = 'region') => ({
  status: 200,
  body: { by, totals: row('', '', rows.reduce((n, r) => n + r.enrolled, 0)), count: rows.length, next: null, previous: null, results: rows },
})
const list = (results: unknown[]) => ({ status: 200, body: { count: results.length, next: null, previous: null, results } })
const job = { status: 202, body: { id: 'job-9', kind: 'stats_export', status: 'queued' } }
const running = { status: 200, body: { id: 'job-9', kind: 'stats_export', status: 'running', percent: 10, errors: [] } }

// --- pure logic -------------------------------------------------------------------------------------------------

const label = (k: string) => `L:${k}`

describe('chart options from the API’s chart answer', () => {
  it('draws every count series as bars over the group labels, and leaves the rates out', () => {
    const option = countChartOption(chart, label)
    expect((option.xAxis as { data: string[] }).data).toEqual(['杭州市', '宁波市', '浙江省（本级）'])
    const series = option.series as { name: string; type: string; data: unknown[] }[]
    expect(series.map((s) => s.name)).toEqual(['L:enrolled', 'L:submitted', 'L:finalized', 'L:passed', 'L:excellent', 'L:failed', 'L:makeup_listed'])
    expect(series.every((s) => s.type === 'bar')).toBe(true)
    expect(series[0]!.data).toEqual([100, 40, 5])
  })

  it('stacks disjoint parts that add up to each group’s enrolled', () => {
    const option = resultStackOption(chart, label)
    const series = option.series as { name: string; stack: string; data: number[] }[]
    expect(series.map((s) => s.name)).toEqual(['L:excellent', 'L:passed_only', 'L:failed', 'L:unfinished'])
    expect(series.every((s) => s.stack === 'results')).toBe(true)
    // 杭州市: 10 excellent + 60 passed only + 10 failed + 20 not final = 100 enrolled
    expect(series.map((s) => s.data[0])).toEqual([10, 60, 10, 20])
    for (let i = 0; i < chart.labels.length; i++) {
      expect(series.reduce((n, s) => n + s.data[i]!, 0)).toBe(chart.series[0]!.data[i])
    }
  })

  it('shows rates as percentages on a 0-100 axis, a rate with nothing to divide by as a gap', () => {
    const option = rateChartOption(chart, label)
    const series = option.series as { name: string; data: (number | null)[] }[]
    expect(series.map((s) => s.name)).toEqual(['L:submission_rate', 'L:completion_rate', 'L:pass_rate', 'L:excellent_rate', 'L:makeup_pass_rate'])
    expect(series.find((s) => s.name === 'L:pass_rate')!.data).toEqual([87.5, 90, null])
    expect(series.find((s) => s.name === 'L:makeup_pass_rate')!.data).toEqual([66.7, null, null])
    expect(option.yAxis).toMatchObject({ min: 0, max: 100 })
    expect(rateChartOption(chart, label, ['pass_rate']).series).toHaveLength(1)
  })

  it('draws the stages reached from the totals, in the order of the workflow', () => {
    const totals = { ...row('', '', 50), submitted: 40, finalized: 10 }
    const option = stageChartOption(totals, label)
    expect((option.xAxis as { data: string[] }).data[0]).toBe('L:enrolled')
    expect((option.series as { data: number[] }[])[0]!.data).toEqual([50, 40, 50, 50, 50, 50, 10])
  })
})

describe('grouping and drill-down', () => {
  const base: GroupFilters = { cycle: 'c1', by: 'region', region: '', organization_id: '', department_id: '', title: '', procedure: '' }

  it('sends the grouping and only the filters that are set, never the cycle', () => {
    expect(groupQuery({ ...base, title: '主治医师' })).toEqual({ by: 'region', title: '主治医师' })
    expect(groupQuery({ ...base, by: 'nonsense' }, 'department')).toEqual({ by: 'department' })
  })

  it('leads a region to its children, an institution to its departments, the own level nowhere', () => {
    expect(drillDown(base, 'region', '330100')).toMatchObject({ by: 'region', region: '330100' })
    expect(drillDown(base, 'organization', 'org-1')).toMatchObject({ by: 'department', organization_id: 'org-1' })
    expect(drillDown(base, 'region', '')).toBeNull()
    expect(drillDown(base, 'title', '主治医师')).toBeNull()
  })

  it('offers each kind of organisation its groupings, the default first', () => {
    expect(groupOptions('commission')[0]).toBe('region')
    expect(groupOptions('institution')).toEqual(['department', 'title', 'procedure'])
    expect(groupOptions('commission', true)).toContain('department')
  })

  it('finds the breadcrumb of a region in the visible tree', () => {
    const tree = [{ code: '330000', name: '浙江省', children: [{ code: '330100', name: '杭州市', children: [{ code: '330102', name: '上城区', children: [] }] }] }]
    expect(regionTrail(tree, '330102').map((n) => n.name)).toEqual(['浙江省', '杭州市', '上城区'])
    expect(regionTrail(tree, '999999')).toEqual([])
  })
})

// --- pages ------------------------------------------------------------------------------------------------------

let pinia: Pinia
beforeEach(() => {
  pinia = createPinia()
  setActivePinia(pinia)
})

function signIn(kind: 'commission' | 'institution' = 'commission') {
  const auth = useAuthStore()
  const role = kind === 'commission' ? 'city_admin' : 'hospital_admin'
  auth.me = me([{ ...membership('m1', role, [Perm.STATS_VIEW, Perm.PHYSICIAN_VIEW]), organization_kind: kind }])
  auth.membershipId = 'm1'
}

async function mountAt(path: string, component: object, query = ''): Promise<{ wrapper: ReturnType<typeof mount>; router: Router }> {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path, name: 'page', component }] })
  await router.push(path + query)
  const wrapper = mount(component, { global: { plugins: [ElementPlus, i18n, router, pinia], stubs: { AppChart: true } }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}

const gets = (seen: { method: string; path: string }[], prefix: string) => seen.filter((r) => r.method === 'GET' && r.path.startsWith(prefix)).map((r) => r.path)

describe('progress dashboard (考核进度)', { timeout: 20000 }, () => {
  function routes(extra: Record<string, Parameters<typeof fakeApi>[0][string]> = {}) {
    return fakeApi({
      'GET /api/v1/cycles/': () => list([cycle, oldCycle]),
      'GET /api/v1/regions/tree/': () => ({ status: 200, body: [] }),
      'GET /api/v1/cycles/c1/progress/': (req) =>
        req.path.includes('by=organization') ? progressPage([row('org-1', '第一医院', 30)], 'organization') : progressPage([row('330100', '杭州市', 100), row('', '浙江省（本级）', 5)]),
      'GET /api/v1/cycles/c1/progress/chart/': () => ({ status: 200, body: chart }),
      ...extra,
    })
  }

  it('loads the table and the chart of the cycle in progress, grouped by region, and draws the chart from the answer', async () => {
    signIn()
    const api = routes()
    const { wrapper } = await mountAt('/stats/progress', ProgressDashboardView)

    expect(gets(api.seen, '/api/v1/cycles/c1/progress/?')[0]).toContain('by=region')
    expect(gets(api.seen, '/api/v1/cycles/c1/progress/chart/')[0]).toContain('by=region')
    expect(wrapper.find('[data-test="stats-progress-table"]').text()).toContain('杭州市')
    // the totals over every group are the summary row
    expect(wrapper.find('[data-test="stats-progress-table"]').text()).toContain('合计')
    const charts = wrapper.findAllComponents({ name: 'AppChart' })
    const grouped = charts.map((c) => c.props('option') as { xAxis?: { data?: string[] } }).find((o) => o.xAxis?.data?.includes('宁波市'))
    expect(grouped).toBeDefined()
    wrapper.unmount()
  })

  it('asks again grouped by institution when the switch changes, from page 1, and keeps it in the URL', async () => {
    signIn()
    const api = routes()
    const { wrapper, router } = await mountAt('/stats/progress', ProgressDashboardView, '?page=2')

    await wrapper.find('[data-test="group-organization"] input').setValue(true)
    await flushPromises()

    const last = gets(api.seen, '/api/v1/cycles/c1/progress/?').at(-1)!
    expect(last).toContain('by=organization')
    expect(last).toContain('page=1')
    expect(gets(api.seen, '/api/v1/cycles/c1/progress/chart/').at(-1)).toContain('by=organization')
    expect(router.currentRoute.value.query.by).toBe('organization')
    expect(wrapper.find('[data-test="stats-progress-table"]').text()).toContain('第一医院')
    wrapper.unmount()
  })

  it('drills from a region to its child regions, and the own level is no link', async () => {
    signIn()
    const api = routes()
    const { wrapper, router } = await mountAt('/stats/progress', ProgressDashboardView)
    const links = wrapper.findAll('[data-test="stats-drill"]')
    expect(links).toHaveLength(1)

    await links[0]!.trigger('click')
    await flushPromises()

    const last = gets(api.seen, '/api/v1/cycles/c1/progress/?').at(-1)!
    expect(last).toContain('region=330100')
    expect(last).toContain('by=region')
    expect(gets(api.seen, '/api/v1/cycles/c1/progress/chart/').at(-1)).toContain('region=330100')
    expect(router.currentRoute.value.query.region).toBe('330100')
    // and back up to the whole jurisdiction
    await wrapper.find('[data-test="trail-top"]').trigger('click')
    await flushPromises()
    expect(gets(api.seen, '/api/v1/cycles/c1/progress/?').at(-1)).not.toContain('region=')
    wrapper.unmount()
  })

  it('exports the table as shown (grouping and filters) as a job and follows its progress', async () => {
    signIn()
    const api = routes({
      'POST /api/v1/cycles/c1/progress/export/': () => job,
      'GET /api/v1/jobs/job-9/': () => running,
    })
    const { wrapper } = await mountAt('/stats/progress', ProgressDashboardView, '?region=330100&title=主治医师')

    await wrapper.find('[data-test="stats-export"]').trigger('click')
    await flushPromises()

    const post = api.seen.find((r) => r.method === 'POST')!
    expect(post.path).toBe('/api/v1/cycles/c1/progress/export/')
    expect(post.body).toEqual({ table: 'progress', by: 'region', region: '330100', organization_id: null, department_id: null, title: '主治医师', procedure: '' })
    expect(api.seen.some((r) => r.path === '/api/v1/jobs/job-9/')).toBe(true)
    wrapper.unmount()
  })

  it('reads the cycle the user picks', async () => {
    signIn()
    const api = routes({ 'GET /api/v1/cycles/c0/progress/': () => progressPage([]), 'GET /api/v1/cycles/c0/progress/chart/': () => ({ status: 200, body: { ...chart, labels: [], keys: [], series: [] } }) })
    const { wrapper, router } = await mountAt('/stats/progress', ProgressDashboardView, '?cycle=c0')
    expect(gets(api.seen, '/api/v1/cycles/c0/progress/?')).toHaveLength(1)
    expect(gets(api.seen, '/api/v1/cycles/c1/progress/')).toHaveLength(0)
    expect(router.currentRoute.value.query.cycle).toBe('c0')
    wrapper.unmount()
  })

  it('shows the API’s error with a retry instead of a blank table', async () => {
    signIn()
    routes({ 'GET /api/v1/cycles/c1/progress/': () => ({ status: 400, body: { type: 'validation_error', errors: [{ code: 'unknown_region', detail: '未知的行政区划代码：1。', attr: 'region' }] } }) })
    const { wrapper } = await mountAt('/stats/progress', ProgressDashboardView, '?region=1')
    expect(wrapper.find('[data-test="error-state"]').text()).toContain('未知的行政区划代码')
    wrapper.unmount()
  })
})

describe('result statistics (补考 / 最终考核结果统计)', { timeout: 20000 }, () => {
  it('shows the final results, switches to the make-up table and exports that one', async () => {
    signIn('institution')
    const final = { key: 'd1', label: '内科', enrolled: 10, finalized: 8, pending: 2, passed: 7, excellent: 1, failed: 1, passed_after_makeup: 1, completion_rate: 0.8, pass_rate: 0.875, excellent_rate: 0.125 }
    const makeup = { key: 'd1', label: '内科', enrolled: 10, makeup_listed: 2, makeup_awaiting: 0, makeup_refused: 0, makeup_sitting: 0, makeup_passed: 1, makeup_failed: 1, makeup_pass_rate: 0.5 }
    const api = fakeApi({
      'GET /api/v1/cycles/': () => list([cycle]),
      'GET /api/v1/cycles/c1/progress/final/': () => ({ status: 200, body: { by: 'department', totals: final, count: 1, next: null, previous: null, results: [final] } }),
      'GET /api/v1/cycles/c1/progress/makeup/': () => ({ status: 200, body: { by: 'department', totals: makeup, count: 1, next: null, previous: null, results: [makeup] } }),
      'POST /api/v1/cycles/c1/progress/export/': () => job,
      'GET /api/v1/jobs/job-9/': () => running,
    })
    const { wrapper } = await mountAt('/stats/results', ResultStatsView)
    expect(gets(api.seen, '/api/v1/cycles/c1/progress/final/')[0]).toContain('by=department')
    expect(wrapper.find('[data-test="stats-results-table"]').text()).toContain('87.5%')

    await wrapper.find('[data-test="table-makeup"] input').setValue(true)
    await flushPromises()
    expect(gets(api.seen, '/api/v1/cycles/c1/progress/makeup/')).toHaveLength(1)
    expect(wrapper.find('[data-test="stats-results-table"]').text()).toContain('补考合格率')

    await wrapper.find('[data-test="stats-export"]').trigger('click')
    await flushPromises()
    expect(api.seen.find((r) => r.method === 'POST')?.body).toMatchObject({ table: 'makeup', by: 'department' })
    expect(api.seen.some((r) => r.path === '/api/v1/jobs/job-9/')).toBe(true)
    wrapper.unmount()
  })
})

describe('physician progress (医师考核进度)', { timeout: 20000 }, () => {
  it('lists the physicians with masked ID cards and exports with the filters shown', async () => {
    signIn()
    const person = {
      id: 'e1', physician_id: 'p1', name: '张三', id_card_masked: '3301**********1234', licence_number: 'L1', organization_id: 'o1', organization_name: '第一医院',
      department_id: null, department_name: '', title: '主治医师', procedure: 'general', procedure_label: '一般程序', status: 'passed', status_label: '考核合格',
      submitted_at: null, test_score: '88.00', makeup_test_score: null, total_score: '90.00', result_level: 'pass', finalized_at: null,
    }
    const api = fakeApi({
      'GET /api/v1/cycles/': () => list([cycle]),
      'GET /api/v1/regions/tree/': () => ({ status: 200, body: [] }),
      'GET /api/v1/cycles/c1/progress/physicians/': () => list([person]),
      'POST /api/v1/cycles/c1/progress/physicians/export/': () => job,
      'GET /api/v1/jobs/job-9/': () => running,
    })
    const { wrapper } = await mountAt('/stats/physicians', PhysicianProgressView, '?status=passed&name=张')

    expect(gets(api.seen, '/api/v1/cycles/c1/progress/physicians/')[0]).toContain('status=passed')
    const table = wrapper.find('[data-test="stats-physicians-table"]').text()
    expect(table).toContain('3301**********1234')
    expect(table).toContain('88.00')

    await wrapper.find('[data-test="stats-physicians-export"]').trigger('click')
    await flushPromises()
    expect(api.seen.find((r) => r.method === 'POST')?.body).toEqual({
      name: '张', status: 'passed', procedure: '', result_level: '', department_id: null, title: '', region: '',
    })
    expect(api.seen.some((r) => r.path === '/api/v1/jobs/job-9/')).toBe(true)
    wrapper.unmount()
  })
})

describe('a physician’s cycle history from the registry', { timeout: 20000 }, () => {
  it('opens the physician’s cycles from the registry row', async () => {
    signIn()
    const physician = {
      id: 'p1', name: '张三', gender: '男', id_card_masked: '**1234', phone: '138****0000', licence_number: 'L1', practice_category: 'clinical',
      title: '主治医师', organization_id: 'o1', organization_name: '第一医院', department_id: null, department_name: '', status: 'active',
    }
    const history = {
      id: 'e0', cycle_id: 'c0', cycle_code: '2022', cycle_name: '2022年度定期考核', cycle_status: 'closed', organization_id: 'o1', organization_name: '第一医院',
      title: '主治医师', procedure: 'general', procedure_label: '一般程序', status: 'passed', status_label: '考核合格', test_score: '80.00',
      makeup_test_score: null, total_score: '85.00', result_level: 'pass', result_label: '合格', finalized_at: '2022-12-01T00:00:00Z', certificate_serial: 'ZJ-2022-1',
    }
    const api = fakeApi({
      'GET /api/v1/physicians/': () => list([physician]),
      'GET /api/v1/regions/tree/': () => ({ status: 200, body: [] }),
      'GET /api/v1/physicians/p1/cycles/': () => list([history]),
    })
    const { wrapper } = await mountAt('/physicians', PhysicianListView)

    await wrapper.find('[data-test="physician-cycles"]').trigger('click')
    await flushPromises()

    expect(gets(api.seen, '/api/v1/physicians/p1/cycles/')).toHaveLength(1)
    const drawer = document.body.querySelector('[data-test="physician-cycles-table"]')
    expect(drawer?.textContent).toContain('2022年度定期考核')
    expect(drawer?.textContent).toContain('ZJ-2022-1')
    wrapper.unmount()
  })
})

describe('statistics menu', () => {
  it('shows the statistics pages to a member with stats_view, and not without it', () => {
    const section = (codes: string[]) => menuFor('city_admin', new Set(codes)).find((s) => s.key === 'statistics')?.items.map((i) => i.route)
    expect(section([Perm.STATS_VIEW])).toEqual(['stats-progress', 'stats-results', 'stats-physicians'])
    expect(section([Perm.ACCOUNT_VIEW])).toBeUndefined()
    expect(menuFor('department_head', new Set([Perm.STATS_VIEW])).some((s) => s.key === 'statistics')).toBe(true)
  })
})

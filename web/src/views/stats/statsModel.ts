import type { Schemas } from '@/api/types'
import type { ChartOption } from '@/components/AppChart.vue'

/**
 * Progress and statistics (进度管理, 考核统计; backend/assessment_stats): the API's types, which groupings each
 * kind of organisation gets, the query of a grouped table, drill-down, and the ECharts options built from the
 * API's answers. Pure functions: the views bind them, the unit tests call them.
 */

export type GroupBy = Schemas['ByEnum']
export type StatsTable = Schemas['TableEnum']
export type ProgressRow = Schemas['ProgressRowOutput']
export type ProgressPage = Schemas['ProgressPageOutput']
export type MakeupRow = Schemas['MakeupResultRowOutput']
export type FinalRow = Schemas['FinalResultRowOutput']
export type ProgressChart = Schemas['ProgressChartOutput']
export type ProgressPhysician = Schemas['ProgressPhysicianOutput']
export type StatsJob = Schemas['StatsJobOutput']
export type ProgressExportInput = Schemas['ProgressExportInputRequest']
export type PhysicianProgressFilterInput = Schemas['ProgressPhysicianFilterInputRequest']

export const GROUP_BYS = ['region', 'organization', 'department', 'title', 'procedure'] as const satisfies readonly GroupBy[]
export const RESULT_TABLES = ['final', 'makeup'] as const satisfies readonly StatsTable[]
export const RESULT_LEVELS = ['excellent', 'pass', 'fail'] as const

type Exhaustive<All, Listed> = [All] extends [Listed] ? ([Listed] extends [All] ? true : never) : never
export const statsEnumChecks: [Exhaustive<GroupBy, (typeof GROUP_BYS)[number]>] = [true]

/**
 * The groupings that make sense for the kind of organisation the user acts for, the first being the default:
 * a commission by its child regions, an institution by its departments, an assessment body by the institutions
 * assigned to it. Everyone can group by title and procedure.
 */
export function groupOptions(kind: string | null | undefined, oneInstitution = false): GroupBy[] {
  // Within one institution (drilled down from its row) its departments make sense for everyone.
  if (kind === 'commission') return oneInstitution ? ['region', 'organization', 'department', 'title', 'procedure'] : ['region', 'organization', 'title', 'procedure']
  if (kind === 'institution') return ['department', 'title', 'procedure']
  if (kind === 'industry_org') return ['organization', 'department', 'title', 'procedure']
  return ['title', 'procedure']
}

/** The filters of a grouped table as they sit in the URL (`cycle` goes in the path, the rest in the query). */
export interface GroupFilters {
  cycle: string
  by: string
  region: string
  organization_id: string
  department_id: string
  title: string
  procedure: string
}

export type GroupQuery = {
  by: GroupBy
  region?: string
  organization_id?: string
  department_id?: string
  title?: string
  procedure?: 'general' | 'simplified' | 'exempt'
}

/** The API query of a grouped table or chart: the grouping plus the non-empty filters (never the cycle). */
export function groupQuery(filters: Partial<GroupFilters>, fallbackBy: GroupBy = 'region'): GroupQuery {
  const by = (GROUP_BYS as readonly string[]).includes(filters.by ?? '') ? (filters.by as GroupBy) : fallbackBy
  const query: GroupQuery = { by }
  if (filters.region) query.region = filters.region
  if (filters.organization_id) query.organization_id = filters.organization_id
  if (filters.department_id) query.department_id = filters.department_id
  if (filters.title) query.title = filters.title
  if (filters.procedure) query.procedure = filters.procedure as GroupQuery['procedure']
  return query
}

/**
 * Where a click on a group's row leads: a region to its child regions (the key is its division code; the ""
 * group is the enrolments directly at the current level and has no children), an institution to its
 * departments. null: the row leads nowhere.
 */
export function drillDown(filters: GroupFilters, by: string, key: string): GroupFilters | null {
  if (!key) return null
  if (by === 'region') return { ...filters, by: 'region', region: key }
  if (by === 'organization') return { ...filters, by: 'department', organization_id: key, department_id: '' }
  return null
}

/** A node of the region tree the user may see (stores/regions). */
export interface RegionNode {
  code: string
  name: string
  children?: RegionNode[] | null
}

/** The regions from the top of the visible tree down to `code` (the drill-down's breadcrumb); [] when not found. */
export function regionTrail(tree: readonly RegionNode[], code: string): RegionNode[] {
  if (!code) return []
  for (const node of tree) {
    if (node.code === code) return [node]
    const below = regionTrail(node.children ?? [], code)
    if (below.length) return [node, ...below]
  }
  return []
}

/** The stages a group reaches, in order (a funnel: a later stage counts as having reached the earlier ones). */
export const STAGES = ['enrolled', 'submitted', 'institution_approved', 'body_approved', 'scored', 'published', 'finalized'] as const
export type Stage = (typeof STAGES)[number]

/** A rate 0..1 as a percentage with one decimal; null stays null (nothing to divide by). */
export function percent(rate: number | null | undefined): number | null {
  return rate === null || rate === undefined ? null : Math.round(rate * 1000) / 10
}

export function formatRate(rate: number | null | undefined): string {
  const p = percent(rate)
  return p === null ? '—' : `${p}%`
}

type Label = (key: string) => string

function categoryAxis(labels: string[]) {
  return {
    type: 'category' as const,
    data: labels,
    axisLabel: { interval: 0, rotate: labels.length > 6 ? 30 : 0 },
  }
}

const GRID = { left: 48, right: 24, top: 48, bottom: 72, containLabel: true }

/** Counts per stage over every group (the table's totals) as a bar chart. */
export function stageChartOption(totals: ProgressRow | null | undefined, label: Label): ChartOption {
  return {
    tooltip: { trigger: 'axis' },
    grid: GRID,
    xAxis: categoryAxis(STAGES.map((s) => label(s))),
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'bar', name: label('count'), data: STAGES.map((s) => (totals ? totals[s] : 0)), barMaxWidth: 48 }],
  }
}

function seriesData(chart: ProgressChart, key: string): (number | null)[] {
  return chart.series.find((s) => s.key === key)?.data ?? chart.labels.map(() => null)
}

/** Every count series of the chart answer (unit "count") as grouped bars, one bar per group and figure. */
export function countChartOption(chart: ProgressChart, label: Label): ChartOption {
  const counts = chart.series.filter((s) => s.unit === 'count')
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0, type: 'scroll' },
    grid: GRID,
    xAxis: categoryAxis(chart.labels),
    yAxis: { type: 'value', minInterval: 1 },
    series: counts.map((s) => ({ type: 'bar' as const, name: label(s.key), data: s.data, barMaxWidth: 24 })),
  }
}

/** The parts of the stacked chart: disjoint, so each group's stack adds up to its enrolled. */
export const RESULT_PARTS = ['excellent', 'passed_only', 'failed', 'unfinished'] as const

/**
 * Each group's enrolled split into excellent, passed (not excellent), failed and not final yet, stacked: the
 * parts come from the chart's count series (excellent is a part of passed; finalized = passed + failed).
 */
export function resultStackOption(chart: ProgressChart, label: Label): ChartOption {
  const num = (v: number | null | undefined) => v ?? 0
  const enrolled = seriesData(chart, 'enrolled')
  const finalized = seriesData(chart, 'finalized')
  const passed = seriesData(chart, 'passed')
  const excellent = seriesData(chart, 'excellent')
  const failed = seriesData(chart, 'failed')
  const parts: Record<(typeof RESULT_PARTS)[number], number[]> = {
    excellent: chart.labels.map((_, i) => num(excellent[i])),
    passed_only: chart.labels.map((_, i) => Math.max(0, num(passed[i]) - num(excellent[i]))),
    failed: chart.labels.map((_, i) => num(failed[i])),
    unfinished: chart.labels.map((_, i) => Math.max(0, num(enrolled[i]) - num(finalized[i]))),
  }
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid: GRID,
    xAxis: categoryAxis(chart.labels),
    yAxis: { type: 'value', minInterval: 1 },
    series: RESULT_PARTS.map((part) => ({ type: 'bar' as const, stack: 'results', name: label(part), data: parts[part], barMaxWidth: 40 })),
  }
}

/** The rate series of the chart answer (unit "rate", 0..1) as percentages; a rate with nothing to divide by is a gap. */
export function rateChartOption(chart: ProgressChart, label: Label, keys?: readonly string[]): ChartOption {
  const rates = chart.series.filter((s) => s.unit === 'rate' && (!keys || keys.includes(s.key)))
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v) => (v === null || v === undefined || v === '-' ? '—' : `${String(v)}%`) },
    legend: { top: 0, type: 'scroll' },
    grid: GRID,
    xAxis: categoryAxis(chart.labels),
    yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
    series: rates.map((s) => ({ type: 'bar' as const, name: label(s.key), data: s.data.map(percent), barMaxWidth: 24 })),
  }
}

/** The filters of the per-physician progress list (医师考核进度) as they sit in the URL. */
export interface PhysicianProgressFilters {
  cycle?: string
  name: string
  status: string
  procedure: string
  result_level: string
  department_id: string
  title: string
  region: string
}

type PhysicianQuery = {
  name?: string
  status?: string
  procedure?: 'general' | 'simplified' | 'exempt'
  result_level?: 'excellent' | 'pass' | 'fail'
  department_id?: string
  title?: string
  region?: string
}

/** The list's API query: the non-empty filters (the cycle goes in the path). */
export function physicianProgressQuery(f: PhysicianProgressFilters): PhysicianQuery {
  const q: PhysicianQuery = {}
  if (f.name) q.name = f.name
  if (f.status) q.status = f.status
  if (f.procedure) q.procedure = f.procedure as PhysicianQuery['procedure']
  if (f.result_level) q.result_level = f.result_level as PhysicianQuery['result_level']
  if (f.department_id) q.department_id = f.department_id
  if (f.title) q.title = f.title
  if (f.region) q.region = f.region
  return q
}

/** The export's body: the same filters as the rows shown. */
export function physicianProgressBody(f: PhysicianProgressFilters): PhysicianProgressFilterInput {
  return {
    name: f.name,
    status: f.status as PhysicianProgressFilterInput['status'],
    procedure: f.procedure as PhysicianProgressFilterInput['procedure'],
    result_level: f.result_level as PhysicianProgressFilterInput['result_level'],
    department_id: f.department_id || null,
    title: f.title,
    region: f.region,
  }
}

import type { ChartOption } from '@/components/AppChart.vue'
import type { Schemas } from '@/api/types'

export const OPERATION_FLAGS = ['out_of_privilege', 'over_grade', 'lead_mismatch', 'preop_discussion_issue', 'death_discussion_issue', 'unreported_major'] as const
export type DepartmentStat = Schemas['DepartmentStatOutput']

/** A stacked bar per department: each problem flag (only those present in the figures) above the department's name. */
export function departmentChart(
  stats: DepartmentStat[],
  flags: readonly string[],
  departmentName: (id: string | null) => string,
  flagLabel: (flag: string) => string,
): ChartOption {
  const shown = flags.filter((f) => stats.some((s) => typeof (s as Record<string, unknown>)[f] === 'number'))
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 40, right: 16, top: 40, bottom: 40 },
    xAxis: { type: 'category', data: stats.map((s) => departmentName(s.department_id)) },
    yAxis: { type: 'value', minInterval: 1 },
    series: shown.map((f) => ({
      type: 'bar' as const,
      stack: 'flags',
      name: flagLabel(f),
      data: stats.map((s) => Number((s as Record<string, unknown>)[f] ?? 0)),
    })),
  } as ChartOption
}

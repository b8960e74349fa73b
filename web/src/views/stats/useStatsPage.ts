import { ElMessage } from 'element-plus'
import { computed, ref, shallowRef } from 'vue'
import { api, call } from '@/api/client'
import { errorMessage } from '@/api/errors'
import { useListPage } from '@/composables/useListPage'
import { useAuthStore } from '@/stores/auth'
import { useCycles } from '../cycles/useCycles'
import {
  drillDown,
  groupOptions,
  groupQuery,
  type GroupBy,
  type GroupFilters,
  type ProgressExportInput,
  type ProgressRow,
  type StatsTable,
} from './statsModel'

/** One page of a grouped table: the rows, the totals over every group and the grouping the API used. */
export interface GroupPage<R> {
  by: GroupBy
  totals: R
  count: number
  results: R[]
}

export type Fetcher<R> = (cycleId: string, query: ReturnType<typeof groupQuery> & { page: number; page_size: number }) => Promise<GroupPage<R>>

export const fetchProgress: Fetcher<ProgressRow> = async (cycleId, query) =>
  call(api.GET('/api/v1/cycles/{cycle_id}/progress/', { params: { path: { cycle_id: cycleId }, query } }))

/**
 * A grouped statistics page (progress, make-up results, final results): the cycle (the one in progress unless
 * the URL names another), the grouping and filters in the URL through useListPage, drill-down, and the export of
 * what the table shows as a background job. `onLoaded` runs after each load with the cycle and the query (the
 * dashboard loads its charts there).
 */
export function useStatsPage<R extends { key: string; label: string }, X extends Record<string, string> = Record<string, never>>(options: {
  table: (extra: X) => StatsTable
  fetch: (extra: X) => Fetcher<R>
  extra?: X
  onLoaded?: (cycleId: string, query: ReturnType<typeof groupQuery>) => void
}) {
  const auth = useAuthStore()
  const cycles = useCycles()
  const defaultBy = groupOptions(auth.membership?.organization_kind)[0]!
  const totals = shallowRef<R | null>(null)
  /** the cycle the rows are of (the URL's, else the one in progress, else the newest) */
  const cycleId = ref('')
  /** the grouping the rows are in (the API's answer) */
  const shownBy = ref<GroupBy>(defaultBy)

  const base: GroupFilters = { cycle: '', by: defaultBy, region: '', organization_id: '', department_id: '', title: '', procedure: '' }
  const list = useListPage({
    filters: { ...base, ...(options.extra ?? ({} as X)) },
    fetch: async (_params, state) => {
      await cycles.settled()
      const f = state.filters
      const id = f.cycle || cycles.active.value?.id || cycles.cycles.value[0]?.id || ''
      cycleId.value = id
      if (!id) {
        totals.value = null
        return { count: 0, results: [] }
      }
      const query = groupQuery(f, defaultBy)
      const page = await options.fetch(f as unknown as X)(id, { ...query, page: state.page, page_size: state.pageSize })
      totals.value = page.totals
      shownBy.value = page.by
      options.onLoaded?.(id, query)
      return { count: page.count, results: page.results }
    },
  })

  const groups = computed(() => groupOptions(auth.membership?.organization_kind, !!list.filters.organization_id))

  /** Apply the form (a new grouping or filter starts at page 1). */
  function search(): Promise<void> {
    return list.search()
  }

  /** Follow a group's row down (a region to its children, an institution to its departments). */
  async function drill(row: { key: string }): Promise<boolean> {
    const next = drillDown({ ...list.filters } as GroupFilters, shownBy.value, row.key)
    if (!next) return false
    Object.assign(list.filters, next)
    await list.search()
    return true
  }

  function canDrill(row: { key: string }): boolean {
    return !!drillDown({ ...base }, shownBy.value, row.key)
  }

  /** Go back up to a region of the breadcrumb ('' = the whole reach). */
  async function toRegion(code: string): Promise<void> {
    Object.assign(list.filters, { by: 'region', region: code, organization_id: '', department_id: '' })
    await list.search()
  }

  const exportOpen = ref(false)
  const exportJob = ref<string | null>(null)

  /** The body of the export: the table with the grouping and filters the rows show. */
  function exportBody(): ProgressExportInput {
    const f = list.applied().filters
    const q = groupQuery(f, defaultBy)
    return {
      table: options.table(f as unknown as X),
      by: q.by,
      region: q.region ?? '',
      organization_id: q.organization_id ?? null,
      department_id: q.department_id ?? null,
      title: q.title ?? '',
      procedure: q.procedure ?? '',
    }
  }

  async function startExport(): Promise<void> {
    if (!cycleId.value) return
    try {
      const started = await call(api.POST('/api/v1/cycles/{cycle_id}/progress/export/', { params: { path: { cycle_id: cycleId.value } }, body: exportBody() }))
      exportJob.value = started.id
      exportOpen.value = true
    } catch (err) {
      ElMessage.error(errorMessage(err))
    }
  }

  return { list, cycles, groups, totals, cycleId, shownBy, search, drill, canDrill, toRegion, exportOpen, exportJob, exportBody, startExport }
}

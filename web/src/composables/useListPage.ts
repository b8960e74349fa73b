import { onMounted, reactive, ref, shallowRef, watch, type Ref } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import type { ApiError } from '@/api/errors'
import { toApiError } from '@/api/errors'
import type { Page } from '@/api/pagination'
import { apiParams, buildQuery, DEFAULT_PAGE_SIZE, parseQuery, sameQuery, type Filters, type ListState } from '@/utils/query'

export interface ListPageOptions<F extends Filters, T> {
  /** the filters and their defaults (which give each filter its type) */
  filters: F
  /** load one page; params are the API's query parameters (non-empty filters, page, page_size) */
  fetch: (params: Record<string, string | number | boolean | string[]>, state: ListState<F>) => Promise<Page<T>>
  pageSize?: number
}

export interface ListPage<F extends Filters, T> {
  /** the filter form (edit freely; `search()` applies it) */
  filters: F
  rows: Ref<T[]>
  count: Ref<number>
  page: Ref<number>
  pageSize: Ref<number>
  loading: Ref<boolean>
  /** the last load's error: the page shows it with a retry, never a blank table */
  error: Ref<ApiError | null>
  search: () => Promise<void>
  reset: () => Promise<void>
  reload: () => Promise<void>
  setPage: (page: number) => Promise<void>
  setPageSize: (size: number) => Promise<void>
  /** the applied state (what the rows show): for exports */
  applied: () => ListState<F>
}

/**
 * A list page: filters and pagination in the URL query (utils/query.ts), loaded whenever the query changes
 * (search, page change, back button), with loading and error state. Views bind `filters` to their filter form,
 * `rows` to the table, `count`/`page`/`pageSize` to el-pagination.
 */
export function useListPage<F extends Filters, T>(options: ListPageOptions<F, T>): ListPage<F, T> {
  const route = useRoute()
  const router = useRouter()
  const defaults = { ...options.filters }
  const defaultPageSize = options.pageSize ?? DEFAULT_PAGE_SIZE
  const initial = parseQuery(route.query, defaults, defaultPageSize)
  const routeName = route.name

  const filters = reactive({ ...initial.filters }) as F
  const rows = shallowRef<T[]>([]) as Ref<T[]>
  const count = ref(0)
  const page = ref(initial.page)
  const pageSize = ref(initial.pageSize)
  const loading = ref(false)
  const error = ref<ApiError | null>(null) as Ref<ApiError | null>
  let state: ListState<F> = initial
  let seq = 0

  async function load(): Promise<void> {
    const mine = ++seq
    loading.value = true
    error.value = null
    try {
      const result = await options.fetch(apiParams(state), state)
      if (mine !== seq) return
      rows.value = result.results
      count.value = result.count
      // A page past the end (rows deleted meanwhile): go to the last page that exists.
      const last = Math.max(1, Math.ceil(result.count / state.pageSize))
      if (state.page > last && result.results.length === 0 && result.count > 0) {
        await navigate({ ...state, page: last })
      }
    } catch (err) {
      if (mine !== seq) return
      rows.value = []
      error.value = (err as ApiError)?.errors ? (err as ApiError) : toApiError(0, null)
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  async function navigate(next: ListState<F>): Promise<void> {
    const query = buildQuery(next, defaults, defaultPageSize)
    if (sameQuery(query, route.query)) {
      state = next
      await load()
      return
    }
    await router.replace({ query })
  }

  // Every change of the URL (ours, or back/forward) loads the list it describes.
  watch(
    () => route.query,
    (query) => {
      // Leaving the page changes the query too: only this page's own URL counts.
      if (route.name !== routeName) return
      state = parseQuery(query, defaults, defaultPageSize)
      Object.assign(filters, state.filters)
      page.value = state.page
      pageSize.value = state.pageSize
      void load()
    },
  )

  onMounted(() => {
    void load()
  })

  return {
    filters,
    rows,
    count,
    page,
    pageSize,
    loading,
    error,
    search: () => navigate({ filters: { ...filters }, page: 1, pageSize: pageSize.value }),
    reset: () => {
      Object.assign(filters, defaults)
      return navigate({ filters: { ...defaults }, page: 1, pageSize: pageSize.value })
    },
    reload: load,
    setPage: (p: number) => navigate({ ...state, page: p }),
    setPageSize: (size: number) => navigate({ ...state, page: 1, pageSize: size }),
    applied: () => state,
  }
}

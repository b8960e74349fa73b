import type { LocationQuery, LocationQueryRaw } from 'vue-router'

/**
 * Filters and pagination of a list page live in the URL query, so a list can be bookmarked, reloaded and shared,
 * and the browser's back button restores it. Each filter's type is its default's: string, number, boolean or
 * string[]. A value equal to its default is left out of the URL; page 1 and the default page size too.
 */

export type FilterValue = string | number | boolean | string[]
export type Filters = Record<string, FilterValue>

export interface ListState<F extends Filters> {
  filters: F
  page: number
  pageSize: number
}

export const PAGE_SIZES = [10, 20, 50, 100] as const
export const DEFAULT_PAGE_SIZE = 20

function first(v: LocationQuery[string] | undefined): string | undefined {
  if (Array.isArray(v)) return v[0] ?? undefined
  return v ?? undefined
}

function positiveInt(v: string | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = v === undefined ? NaN : Number.parseInt(v, 10)
  return Number.isFinite(n) && n >= 1 ? Math.min(n, max) : fallback
}

export function parseQuery<F extends Filters>(query: LocationQuery, defaults: F, defaultPageSize = DEFAULT_PAGE_SIZE): ListState<F> {
  const filters = { ...defaults } as Record<string, FilterValue>
  for (const [key, def] of Object.entries(defaults)) {
    const raw = query[key]
    if (raw === undefined || raw === null) continue
    if (Array.isArray(def)) {
      const list = (Array.isArray(raw) ? raw : [raw]).filter((x): x is string => typeof x === 'string' && x !== '')
      filters[key] = list
    } else if (typeof def === 'number') {
      const n = Number(first(raw))
      if (Number.isFinite(n)) filters[key] = n
    } else if (typeof def === 'boolean') {
      const v = first(raw)
      filters[key] = v === 'true' || v === '1'
    } else {
      filters[key] = first(raw) ?? def
    }
  }
  return {
    filters: filters as F,
    page: positiveInt(first(query.page), 1),
    pageSize: positiveInt(first(query.page_size), defaultPageSize, 100),
  }
}

function same(a: FilterValue, b: FilterValue): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i])
  return a === b
}

export function buildQuery<F extends Filters>(state: ListState<F>, defaults: F, defaultPageSize = DEFAULT_PAGE_SIZE): LocationQueryRaw {
  const query: LocationQueryRaw = {}
  for (const [key, value] of Object.entries(state.filters)) {
    const def = defaults[key]
    if (def !== undefined && same(value, def)) continue
    if (Array.isArray(value)) {
      if (value.length) query[key] = [...value]
    } else if (value === '' || value === null || value === undefined) {
      // cleared, but the default is not empty: say so, or the default comes back on reload
      if (def !== undefined && def !== '') query[key] = ''
    } else {
      query[key] = String(value)
    }
  }
  if (state.page > 1) query.page = String(state.page)
  if (state.pageSize !== defaultPageSize) query.page_size = String(state.pageSize)
  return query
}

/** The API's query parameters for a list: empty filters left out, page and page_size added. */
export function apiParams<F extends Filters>(state: ListState<F>): Record<string, string | number | boolean | string[]> {
  const params: Record<string, string | number | boolean | string[]> = {}
  for (const [key, value] of Object.entries(state.filters)) {
    if (value === '' || value === null || value === undefined || (Array.isArray(value) && value.length === 0)) continue
    params[key] = value
  }
  params.page = state.page
  params.page_size = state.pageSize
  return params
}

/** Whether two queries mean the same list (order of keys ignored). */
export function sameQuery(a: LocationQueryRaw | LocationQuery, b: LocationQueryRaw | LocationQuery): boolean {
  const norm = (q: LocationQueryRaw | LocationQuery) =>
    JSON.stringify(
      Object.keys(q)
        .filter((k) => q[k] !== undefined)
        .sort()
        .map((k) => [k, Array.isArray(q[k]) ? (q[k] as unknown[]).map(String) : String(q[k])]),
    )
  return norm(a) === norm(b)
}

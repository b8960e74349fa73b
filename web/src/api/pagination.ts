/**
 * Lists are paginated by the API (`page`, `page_size` <= 100) and answer `{count, next, previous, results}`.
 * The OpenAPI file describes these pages (Paginated...List); reading the envelope here keeps one place that
 * also accepts the few unpaginated arrays (trees).
 */
export interface Page<T> {
  count: number
  results: T[]
}

export const MAX_PAGE_SIZE = 100

export function asPage<T>(data: unknown): Page<T> {
  if (Array.isArray(data)) return { count: data.length, results: data as T[] }
  if (data && typeof data === 'object' && Array.isArray((data as Page<T>).results)) {
    const page = data as Page<T>
    return { count: typeof page.count === 'number' ? page.count : page.results.length, results: page.results }
  }
  return { count: 0, results: [] }
}

/**
 * Query parameters built at run time (list pages: filters from the URL plus `page` and `page_size`) for a
 * typed call. The API validates them and answers errors in its shape.
 */
export function listQuery(params: Record<string, unknown>): never {
  return params as never
}

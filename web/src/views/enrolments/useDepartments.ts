import { onMounted, shallowRef } from 'vue'
import { api, call } from '@/api/client'
import { asPage, MAX_PAGE_SIZE } from '@/api/pagination'
import type { Department } from '@/api/types'

/** The caller's institution's active departments for a filter (none when the API refuses: the filter just stays
 * empty, the page works without it). */
export function useDepartments(enabled: () => boolean) {
  const departments = shallowRef<Department[]>([])
  onMounted(async () => {
    if (!enabled()) return
    try {
      const data = await call(api.GET('/api/v1/departments/', { params: { query: { is_active: true, page_size: MAX_PAGE_SIZE } } }))
      departments.value = asPage<Department>(data).results
    } catch {
      departments.value = []
    }
  })
  return departments
}

import { onMounted, shallowRef } from 'vue'
import { api, call } from '@/api/client'
import { asPage, MAX_PAGE_SIZE } from '@/api/pagination'
import type { Cycle } from '@/api/types'

/** The cycles (newest first) for a filter or a choice; empty when the API refuses (the page works without it). */
export function useCycleOptions() {
  const cycles = shallowRef<Cycle[]>([])
  onMounted(async () => {
    try {
      cycles.value = asPage<Cycle>(await call(api.GET('/api/v1/cycles/', { params: { query: { page_size: MAX_PAGE_SIZE } } }))).results
    } catch {
      cycles.value = []
    }
  })
  return cycles
}

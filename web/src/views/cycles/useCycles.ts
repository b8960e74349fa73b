import { computed, ref, shallowRef } from 'vue'
import { api, call } from '@/api/client'
import type { ApiError } from '@/api/errors'
import { toApiError } from '@/api/errors'
import { asPage, MAX_PAGE_SIZE } from '@/api/pagination'
import type { Cycle } from '@/api/types'

/** The cycles (newest first, any member may read them) and the one in progress, for cycle pickers; loads at once. */
export function useCycles() {
  const cycles = shallowRef<Cycle[]>([])
  const loading = ref(false)
  const error = ref<ApiError | null>(null)
  const active = computed(() => cycles.value.find((c) => c.status === 'active') ?? null)

  async function load(): Promise<void> {
    loading.value = true
    error.value = null
    try {
      const data = await call(api.GET('/api/v1/cycles/', { params: { query: { page_size: MAX_PAGE_SIZE } } }))
      cycles.value = asPage<Cycle>(data).results
    } catch (err) {
      error.value = (err as ApiError)?.errors ? (err as ApiError) : toApiError(0, null)
    } finally {
      loading.value = false
    }
  }

  /** settles when the first load has finished (lists that need a cycle wait for it) */
  const ready = load()

  let waited = false
  /**
   * For a list that needs the cycles: waits for them and throws when they failed to load, so the list shows the
   * error with a retry (not "no cycle"); the retry loads them again.
   */
  async function settled(): Promise<void> {
    await ready
    if (error.value && waited) await load()
    waited = true
    if (error.value) throw error.value
  }
  return { cycles, active, loading, error, load, ready, settled }
}

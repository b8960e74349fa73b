import { defineStore } from 'pinia'
import { ref } from 'vue'
import { api, call } from '@/api/client'
import type { RegionTree } from '@/api/types'

/** The region tree the user may see (province > city > county), loaded once per membership and shared. */
export const useRegionsStore = defineStore('regions', () => {
  const tree = ref<RegionTree[]>([])
  const loadedFor = ref<string | null>(null)
  let pending: Promise<RegionTree[]> | null = null

  function load(key: string, force = false): Promise<RegionTree[]> {
    if (!force && loadedFor.value === key) return Promise.resolve(tree.value)
    if (pending && !force) return pending
    pending = call(api.GET('/api/v1/regions/tree/'))
      .then((data) => {
        tree.value = data as unknown as RegionTree[]
        loadedFor.value = key
        return tree.value
      })
      .finally(() => {
        pending = null
      })
    return pending
  }

  return { tree, loadedFor, load }
})

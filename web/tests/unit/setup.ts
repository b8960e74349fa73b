import { afterEach, vi } from 'vitest'
import { bindSession } from '@/api/transport'

afterEach(() => {
  localStorage.clear()
  sessionStorage.clear()
  bindSession(null)
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

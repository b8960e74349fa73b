import { computed, getCurrentInstance, onBeforeUnmount, ref, shallowRef } from 'vue'
import { api, call } from '@/api/client'
import { downloadUrl } from '@/api/download'
import type { ApiError } from '@/api/errors'
import type { Job, JobRowError } from '@/api/types'

const FINISHED = new Set(['succeeded', 'failed'])

/**
 * Follow a background job (imports, exports, certificate batches): poll GET /api/v1/jobs/<id>/ until it has
 * succeeded or failed (1 s, slowing to 3 s), and fetch its file through POST /api/v1/jobs/<id>/download/ (a
 * short-lived presigned URL). A poll that fails is retried; the error is exposed for the view.
 */
export function useJob(options: { interval?: number; maxInterval?: number } = {}) {
  const job = shallowRef<Job | null>(null)
  const error = ref<ApiError | null>(null)
  const interval = options.interval ?? 1000
  const maxInterval = options.maxInterval ?? 3000
  let timer: ReturnType<typeof setTimeout> | null = null
  let current: string | null = null
  let delay = interval
  let settle: ((job: Job) => void) | null = null

  const finished = computed(() => !!job.value && FINISHED.has(job.value.status))
  const rowErrors = computed<JobRowError[]>(() => (job.value?.errors ?? []) as JobRowError[])

  function stop(): void {
    if (timer) clearTimeout(timer)
    timer = null
  }

  async function poll(): Promise<void> {
    const id = current
    if (!id) return
    try {
      const data = await call(api.GET('/api/v1/jobs/{job_id}/', { params: { path: { job_id: id } } }))
      if (id !== current) return
      job.value = data
      error.value = null
      if (FINISHED.has(data.status)) {
        settle?.(data)
        settle = null
        return
      }
    } catch (err) {
      if (id !== current) return
      error.value = err as ApiError
    }
    delay = Math.min(Math.round(delay * 1.5), maxInterval)
    timer = setTimeout(() => void poll(), delay)
  }

  /** Start following a job; resolves when it has finished. */
  function watchJob(id: string): Promise<Job> {
    stop()
    current = id
    job.value = null
    error.value = null
    delay = interval
    const done = new Promise<Job>((resolve) => {
      settle = resolve
    })
    void poll()
    return done
  }

  async function download(): Promise<void> {
    if (!job.value) return
    const file = await call(api.POST('/api/v1/jobs/{job_id}/download/', { params: { path: { job_id: job.value.id } } }))
    downloadUrl(file.url, file.file_name)
  }

  function reset(): void {
    stop()
    current = null
    job.value = null
    error.value = null
  }

  if (getCurrentInstance()) onBeforeUnmount(reset)

  return { job, error, finished, rowErrors, watchJob, download, reset, stop }
}

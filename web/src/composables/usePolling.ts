import { getCurrentInstance, onBeforeUnmount, onMounted } from 'vue'

/**
 * Call `fn` now and every `ms` while the tab is visible: a hidden tab stops polling (no requests from a
 * background tab), and coming back calls `fn` at once and resumes. Stops when the component unmounts.
 */
export function usePolling(fn: () => unknown, ms: number) {
  let timer: ReturnType<typeof setInterval> | null = null

  function stop(): void {
    if (timer) clearInterval(timer)
    timer = null
  }

  function start(): void {
    stop()
    if (document.visibilityState === 'hidden') return
    void fn()
    timer = setInterval(() => void fn(), ms)
  }

  const onVisibility = () => (document.visibilityState === 'hidden' ? stop() : start())

  function dispose(): void {
    stop()
    document.removeEventListener('visibilitychange', onVisibility)
  }

  function begin(): void {
    document.addEventListener('visibilitychange', onVisibility)
    start()
  }

  if (getCurrentInstance()) {
    onMounted(begin)
    onBeforeUnmount(dispose)
  } else {
    begin()
  }
  return { stop: dispose, restart: start }
}

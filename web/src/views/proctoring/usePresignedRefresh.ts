import { onBeforeUnmount, watch } from 'vue'
import { refreshDelay } from './model'

/**
 * Keeps short-lived presigned links usable on a page that stays open: `reload` (which fetches the page's data
 * again, so the API signs new links and audits the view) runs shortly before the earliest link expires, and
 * when an image fails to load (an expired link, a clock off by more than the margin), at most once per
 * `minGapMs`. The links come from `urls()`, re-read whenever they change.
 */
export function usePresignedRefresh(
  urls: () => readonly (string | null | undefined)[],
  reload: () => Promise<unknown>,
  options: { marginMs?: number; minGapMs?: number; fallbackMs?: number; now?: () => number } = {},
) {
  const margin = options.marginMs ?? 15_000
  const minGap = options.minGapMs ?? 10_000
  const now = options.now ?? (() => Date.now())
  let timer: ReturnType<typeof setTimeout> | null = null
  let lastReload = 0
  let stopped = false

  function clear(): void {
    if (timer !== null) clearTimeout(timer)
    timer = null
  }

  async function refresh(): Promise<void> {
    if (stopped) return
    lastReload = now()
    clear()
    await reload()
  }

  function schedule(list: readonly (string | null | undefined)[]): void {
    clear()
    if (stopped) return
    const delay = refreshDelay(list, now(), margin, options.fallbackMs)
    if (delay === null) return
    timer = setTimeout(() => void refresh(), Math.max(delay, 1000))
  }

  /** An <img> failed: fetch fresh links unless that was just done. */
  function onImageError(): void {
    if (now() - lastReload < minGap) return
    void refresh()
  }

  const stop = watch(urls, (list) => schedule(list), { immediate: true, deep: true })
  onBeforeUnmount(() => {
    stopped = true
    stop()
    clear()
  })
  return { refresh, onImageError }
}

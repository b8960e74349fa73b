import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { AppNotification } from '@/api/types'
import {
  notificationList,
  notificationMarkAllRead,
  notificationMarkRead,
  notificationUnreadCount,
} from '@/views/notifications/notificationApi'

/** How often the bell asks for the unread count (while the tab is visible). */
export const NOTIFICATION_POLL_MS = 60_000
/** How many of the latest the bell's dropdown shows. */
export const LATEST_COUNT = 6

/**
 * The signed-in user's notifications as the bell shows them: the unread count and the latest few. The full
 * page marks through here too, so the bell's count follows.
 */
export const useNotificationsStore = defineStore('notifications', () => {
  const unread = ref(0)
  const latest = shallowRef<AppNotification[]>([])
  const latestError = ref<unknown>(null)
  const loadingLatest = ref(false)

  /** A failed poll keeps the last count (the bell never shows an error of its own). */
  async function refreshCount(): Promise<void> {
    try {
      unread.value = await notificationUnreadCount()
    } catch {
      /* keep the last count; the next poll tries again */
    }
  }

  async function loadLatest(): Promise<void> {
    loadingLatest.value = true
    latestError.value = null
    try {
      const page = await notificationList({ page: 1, page_size: LATEST_COUNT })
      latest.value = page.results
    } catch (err) {
      latestError.value = err
    } finally {
      loadingLatest.value = false
    }
  }

  function replace(done: AppNotification): void {
    latest.value = latest.value.map((n) => (n.id === done.id ? done : n))
  }

  /** Mark one read (nothing to do when it already is); answers the notification as the API now has it. */
  async function markRead(n: AppNotification): Promise<AppNotification> {
    if (n.read) return n
    const done = await notificationMarkRead(n.id)
    unread.value = Math.max(0, unread.value - 1)
    replace(done)
    return done
  }

  async function markAllRead(): Promise<number> {
    const marked = await notificationMarkAllRead()
    unread.value = 0
    const now = new Date().toISOString()
    latest.value = latest.value.map((n) => (n.read ? n : { ...n, read: true, read_at: now }))
    return marked
  }

  function reset(): void {
    unread.value = 0
    latest.value = []
    latestError.value = null
  }

  return { unread, latest, latestError, loadingLatest, refreshCount, loadLatest, markRead, markAllRead, reset }
})

import type { RouteLocationRaw } from 'vue-router'
import { api, call } from '@/api/client'
import { asPage, listQuery, type Page } from '@/api/pagination'
import type { AppNotification } from '@/api/types'

/**
 * The caller's in-app notifications (backend/notifications/api): newest first, an unread count for the bell,
 * mark one read, mark all read. Open to every signed-in account (no permission code).
 */

export async function notificationList(params: Record<string, unknown>): Promise<Page<AppNotification>> {
  return asPage<AppNotification>(await call(api.GET('/api/v1/notifications/', { params: { query: listQuery(params) } })))
}

export async function notificationUnreadCount(): Promise<number> {
  return (await call(api.GET('/api/v1/notifications/unread-count/'))).count
}

export function notificationMarkRead(id: string): Promise<AppNotification> {
  return call(api.POST('/api/v1/notifications/{notification_id}/read/', { params: { path: { notification_id: id } } }))
}

export async function notificationMarkAllRead(): Promise<number> {
  return (await call(api.POST('/api/v1/notifications/read-all/'))).marked
}

/**
 * Where a notification opens (its link, as backend/notifications/enums.py LinkType): a published result opens
 * the physician's result of that cycle, anything else about their enrolment their self-report; staff
 * notifications open the review queue of their stage. None: the notification has nowhere to go.
 */
export function notificationTarget(n: Pick<AppNotification, 'kind' | 'link'>): RouteLocationRaw | null {
  const link = n.link
  if (!link) return null
  switch (link.type) {
    case 'my_enrolment':
      return n.kind === 'result_published' && link.id ? { name: 'my-cycles', query: { enrolment: link.id } } : { name: 'my-report' }
    case 'review_department':
      return { name: 'reviews-department' }
    case 'review_institution':
      return { name: 'reviews-institution' }
    case 'review_body':
      return { name: 'reviews-body' }
    default:
      return null
  }
}

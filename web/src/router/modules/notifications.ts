import type { RouteRecordRaw } from 'vue-router'

/** The signed-in user's notifications (通知): every role, no code (the bell in the header leads here). */
export default [
  {
    path: 'notifications',
    name: 'notifications',
    component: () => import('@/views/notifications/NotificationListView.vue'),
    meta: { title: 'notifications.title' },
  },
] satisfies RouteRecordRaw[]

import type { RouteRecordRaw } from 'vue-router'
import { Perm } from '@/access/codes'

/** A hospital's technical archives of its physicians (技术档案, through the tenant API). */
export default [
  {
    path: 'archives',
    name: 'archives',
    component: () => import('@/views/archives/ArchiveListView.vue'),
    meta: { title: 'menu.archives', codes: [Perm.ARCHIVE_VIEW] },
  },
] satisfies RouteRecordRaw[]

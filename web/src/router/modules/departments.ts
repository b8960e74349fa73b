import type { RouteRecordRaw } from 'vue-router'
import { Perm } from '@/access/codes'

/** A hospital's departments (科室管理). */
export default [
  {
    path: 'departments',
    name: 'departments',
    component: () => import('@/views/departments/DepartmentTreeView.vue'),
    meta: { title: 'menu.departments', codes: [Perm.DEPARTMENT_MANAGE] },
  },
] satisfies RouteRecordRaw[]

import type { BodyApplicationStatus } from '@/api/types'

export const STATUS_TAG: Record<BodyApplicationStatus, 'info' | 'warning' | 'success' | 'danger' | 'primary'> = {
  draft: 'info',
  submitted: 'warning',
  returned: 'primary',
  approved: 'success',
  rejected: 'danger',
  withdrawn: 'info',
}

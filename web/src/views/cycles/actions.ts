import { ElMessage, ElMessageBox } from 'element-plus'
import { api, call } from '@/api/client'
import { errorMessage } from '@/api/errors'
import type { Cycle, CycleDetail } from '@/api/types'
import { i18n } from '@/locales'

/** Publish (activate) or close a cycle after a confirmation; resolves to the cycle as it is now, or null. */
export async function cycleTransition(cycle: Cycle, action: 'activate' | 'close'): Promise<CycleDetail | null> {
  const t = i18n.global.t
  try {
    await ElMessageBox.confirm(
      t(action === 'activate' ? 'cycles.activateConfirm' : 'cycles.closeConfirm', { name: cycle.name }),
      t(action === 'activate' ? 'cycles.activate' : 'cycles.close'),
      { type: 'warning' },
    )
    const path = { cycle_id: cycle.id }
    const out =
      action === 'activate'
        ? await call(api.POST('/api/v1/cycles/{cycle_id}/activate/', { params: { path } }))
        : await call(api.POST('/api/v1/cycles/{cycle_id}/close/', { params: { path } }))
    ElMessage.success(t(action === 'activate' ? 'cycles.activated' : 'cycles.closed', { name: cycle.name }))
    return out
  } catch (err) {
    if (err !== 'cancel' && err !== 'close') ElMessage.error(errorMessage(err))
    return null
  }
}

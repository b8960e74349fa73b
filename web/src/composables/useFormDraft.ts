import { ElMessage } from 'element-plus'
import { onBeforeUnmount, onMounted } from 'vue'
import { i18n } from '@/locales'
import { useAuthStore } from '@/stores/auth'
import { registerDraft, takeDraft } from '@/utils/drafts'

export interface FormDraftOptions<T> {
  /** whether the form holds work worth keeping now (for a dialog: while it is open) */
  active?: () => boolean
  /** called with the restored content after it was copied into the form (to reopen a dialog, say) */
  onRestore?: (value: T) => void
}

/**
 * Keep a form's content across a session expiry: registered while mounted, written to sessionStorage when the
 * session ends (stores/auth.ts `expire`), put back when the same user comes back to the same page.
 */
export function useFormDraft<T extends object>(key: string, form: T, options: FormDraftOptions<T> = {}): void {
  const auth = useAuthStore()
  let unregister: (() => void) | null = null

  onMounted(() => {
    unregister = registerDraft(key, () => (options.active && !options.active() ? undefined : form))
    const owner = auth.me?.id
    if (!owner) return
    const value = takeDraft<T>(key, owner)
    if (value !== undefined) {
      Object.assign(form, value)
      options.onRestore?.(value)
      ElMessage.info(i18n.global.t('common.draftRestored'))
    }
  })
  onBeforeUnmount(() => unregister?.())
}

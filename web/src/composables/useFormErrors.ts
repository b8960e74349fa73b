import { ElMessage } from 'element-plus'
import { reactive } from 'vue'
import { ApiError, errorMessage, mapErrorsToFields } from '@/api/errors'

/**
 * Errors of one form: `errors[field]` for `<el-form-item :error="errors.field">`, the rest in a message.
 * `run(fn)` clears, runs the save and maps a failure; the form keeps what was typed either way.
 *
 *   const fe = useFormErrors(['username', 'name', 'organization.name'])
 *   await fe.run(() => call(api.POST(...)))
 */
export function useFormErrors(fields?: readonly string[]) {
  const errors = reactive<Record<string, string>>({})

  function clear(): void {
    for (const key of Object.keys(errors)) delete errors[key]
  }

  /** Show an error: field errors beside their fields, the rest (and non-API errors) in a message. */
  function apply(err: unknown): void {
    clear()
    if (!(err instanceof ApiError)) {
      ElMessage.error(errorMessage(err))
      return
    }
    const mapped = mapErrorsToFields(err.errors, fields)
    Object.assign(errors, mapped.fields)
    if (mapped.general.length) ElMessage.error(mapped.general.join(' '))
  }

  /** Run a save: resolves to its result, or to undefined after showing why it failed. */
  async function run<T>(fn: () => Promise<T>): Promise<T | undefined> {
    clear()
    try {
      return await fn()
    } catch (err) {
      apply(err)
      return undefined
    }
  }

  return { errors, clear, apply, run }
}

import { i18n } from '@/locales'
import type { ApiErrorBody, ApiErrorItem } from './types'

/** An error answer of the API (or a failure to reach it), in the API's one shape. */
export class ApiError extends Error {
  readonly status: number
  readonly type: string
  readonly errors: ApiErrorItem[]

  constructor(status: number, body: ApiErrorBody) {
    super(body.errors.map((e) => e.detail).join(' ') || `HTTP ${status}`)
    this.name = 'ApiError'
    this.status = status
    this.type = body.type
    this.errors = body.errors
  }

  /** The first error's stable code: clients branch on codes, never on text. */
  get code(): string {
    return this.errors[0]?.code ?? 'error'
  }

  hasCode(code: string): boolean {
    return this.errors.some((e) => e.code === code)
  }
}

export function isApiErrorBody(body: unknown): body is ApiErrorBody {
  if (!body || typeof body !== 'object') return false
  const b = body as Record<string, unknown>
  return (
    typeof b.type === 'string' &&
    Array.isArray(b.errors) &&
    b.errors.every((e) => e && typeof e === 'object' && typeof (e as ApiErrorItem).code === 'string')
  )
}

/** Any answer to an ApiError: the API's own body when it has one, else a message in the UI's language. */
export function toApiError(status: number, body: unknown): ApiError {
  if (isApiErrorBody(body)) {
    return new ApiError(status, {
      type: body.type,
      errors: body.errors.map((e) => ({
        code: e.code,
        detail: e.detail ?? '',
        attr: e.attr ?? null,
      })),
    })
  }
  const t = i18n.global.t
  const code = status === 0 ? 'network_error' : `http_${status}`
  const detail = status === 0 ? t('errors.network') : status >= 500 ? t('errors.server', { status }) : t('errors.http', { status })
  return new ApiError(status, { type: status >= 500 || status === 0 ? 'server_error' : 'client_error', errors: [{ code, detail, attr: null }] })
}

export function networkError(): ApiError {
  return toApiError(0, null)
}

export interface MappedErrors {
  /** detail by form field (several errors on one field are joined) */
  fields: Record<string, string>
  /** errors that belong to no field of the form: shown in a message */
  general: string[]
}

/**
 * Split API errors between form fields and a general message. `attr` names the field ("name",
 * "organization.name", "ids.0"); with `fields` given, an error goes to the longest known field that is the attr
 * itself or a dotted prefix of it, and errors for unknown fields (or none, or non_field_errors) are general.
 */
export function mapErrorsToFields(errors: readonly ApiErrorItem[], fields?: readonly string[]): MappedErrors {
  const out: MappedErrors = { fields: {}, general: [] }
  for (const err of errors) {
    const field = err.attr && err.attr !== 'non_field_errors' ? matchField(err.attr, fields) : null
    if (field === null) {
      out.general.push(err.detail)
    } else {
      out.fields[field] = out.fields[field] ? `${out.fields[field]} ${err.detail}` : err.detail
    }
  }
  return out
}

function matchField(attr: string, fields?: readonly string[]): string | null {
  if (!fields) return attr
  let best: string | null = null
  for (const f of fields) {
    if ((attr === f || attr.startsWith(`${f}.`)) && (best === null || f.length > best.length)) best = f
  }
  return best
}

/** The text to show for any thrown value. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.errors.map((e) => e.detail).join(' ') || err.message
  if (err instanceof Error) return err.message
  return String(err)
}

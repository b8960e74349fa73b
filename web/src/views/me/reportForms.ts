import type { SelfReportForms } from '@/api/types'

/**
 * The forms of the self-report (backend assessment/services/reports.py FORMS), field by field: what the editor
 * renders, what the review drawer shows, and the field names API errors are mapped to (`forms.<form>.<field>`).
 * Labels are `selfReport.fields.<field>`, form titles `selfReport.forms.<form>`.
 */
export type FormName = keyof SelfReportForms
export type FieldKind = 'text' | 'textarea' | 'date' | 'number' | 'decimal' | 'bool' | 'rating' | 'category'

export interface FieldSpec {
  key: string
  kind: FieldKind
  required?: boolean
}

export interface ListSpec {
  key: string
  list: readonly FieldSpec[]
  required?: boolean
}

export type Spec = FieldSpec | ListSpec

export const FORM_NAMES = ['basic', 'practice', 'experience', 'work_performance', 'ethics'] as const satisfies readonly FormName[]

const f = (key: string, kind: FieldKind = 'text', required = false): FieldSpec => ({ key, kind, required })

export const REPORT_FORMS: Record<FormName, readonly Spec[]> = {
  basic: [
    f('name', 'text', true),
    f('gender'),
    f('birth_date', 'date'),
    f('phone'),
    f('education'),
    f('specialty'),
    f('title', 'text', true),
  ],
  practice: [
    f('licence_number', 'text', true),
    f('qualification_number'),
    f('practice_category', 'category', true),
    f('practice_scope', 'text', true),
    f('licence_valid_until', 'date'),
    f('organization_name'),
    f('department_name'),
    f('hired_on', 'date'),
    { key: 'sites', list: [f('site_name', 'text', true), f('is_primary', 'bool'), f('filed_on', 'date'), f('valid_until', 'date')] },
  ],
  experience: [
    {
      key: 'practice_records',
      required: true,
      list: [f('organization_name', 'text', true), f('department_name'), f('title'), f('started_on', 'date'), f('finished_on', 'date')],
    },
    { key: 'education_records', list: [f('school', 'text', true), f('major'), f('degree'), f('started_on', 'date'), f('finished_on', 'date')] },
  ],
  work_performance: [
    f('summary', 'textarea', true),
    f('outpatient_visits', 'number'),
    f('inpatient_cases', 'number'),
    f('operations', 'number'),
    f('continuing_education_credits', 'decimal'),
    f('teaching_and_research', 'textarea'),
    f('awards', 'textarea'),
  ],
  ethics: [f('self_rating', 'rating', true), f('statement', 'textarea', true), f('complaints_or_disputes', 'bool'), f('note', 'textarea')],
}

export function isList(spec: Spec): spec is ListSpec {
  return 'list' in spec
}

/** Every field an API error can be shown beside: each form, its fields and its lists. */
export function reportErrorFields(): string[] {
  const out: string[] = ['procedure', 'exemption_reason', 'comment']
  for (const name of FORM_NAMES) {
    out.push(`forms.${name}`)
    for (const spec of REPORT_FORMS[name]) out.push(`forms.${name}.${spec.key}`)
  }
  return out
}

/** An empty row of a list (new education or practice record, filing). */
export function emptyRow(spec: ListSpec): Record<string, unknown> {
  return Object.fromEntries(spec.list.map((s) => [s.key, s.kind === 'bool' ? false : s.kind === 'text' || s.kind === 'textarea' ? '' : null]))
}

/** The forms of a report as editable objects (every form an object, every list an array). */
export function normalizeForms(forms: unknown): Record<FormName, Record<string, unknown>> {
  const src = (forms && typeof forms === 'object' ? forms : {}) as Record<string, unknown>
  const out = {} as Record<FormName, Record<string, unknown>>
  for (const name of FORM_NAMES) {
    const form = { ...((src[name] && typeof src[name] === 'object' ? src[name] : {}) as Record<string, unknown>) }
    for (const spec of REPORT_FORMS[name]) {
      if (isList(spec)) {
        form[spec.key] = Array.isArray(form[spec.key]) ? (form[spec.key] as unknown[]).map((r) => ({ ...(r as object) })) : []
      } else if (!(spec.key in form)) {
        form[spec.key] = spec.kind === 'bool' ? false : spec.kind === 'text' || spec.kind === 'textarea' ? '' : null
      }
    }
    out[name] = form
  }
  return out
}

/** What is sent: empty numbers and dates as null (the API's types), text as typed. */
export function formsForApi(forms: Record<FormName, Record<string, unknown>>, names: readonly FormName[]): SelfReportForms {
  const out: Record<string, unknown> = {}
  for (const name of names) {
    const form: Record<string, unknown> = { ...forms[name] }
    for (const spec of REPORT_FORMS[name]) {
      if (isList(spec)) {
        form[spec.key] = ((form[spec.key] as Record<string, unknown>[]) ?? []).map((row) => clean(row, spec.list))
      }
    }
    out[name] = clean(form, REPORT_FORMS[name].filter((s): s is FieldSpec => !isList(s)))
  }
  return out as SelfReportForms
}

function clean(row: Record<string, unknown>, specs: readonly FieldSpec[]): Record<string, unknown> {
  const out = { ...row }
  for (const s of specs) {
    const empty = out[s.key] === '' || out[s.key] === undefined || out[s.key] === null
    // choices are never null in the API: an unchosen one is left out (a draft may lack it, a submission says so)
    if (empty && (s.kind === 'rating' || s.kind === 'category')) delete out[s.key]
    else if (empty && (s.kind === 'date' || s.kind === 'number' || s.kind === 'decimal')) out[s.key] = null
    if (s.kind === 'decimal' && typeof out[s.key] === 'number') out[s.key] = String(out[s.key])
  }
  return out
}

import type { CycleSettings, CycleSettingsInput, CycleStatus, EnrolmentStatus, Procedure } from '@/api/types'

/**
 * Run-time lists of the assessment enums (backend/assessment/enums.py) and the settings form's logic: a form
 * filled from the version in force, and the complete new version (CycleSettingsInput) it posts.
 */
type Exhaustive<All, Listed> = [All] extends [Listed] ? ([Listed] extends [All] ? true : never) : never

export const CYCLE_STATUSES = ['draft', 'active', 'closed'] as const satisfies readonly CycleStatus[]
export const PROCEDURES = ['general', 'simplified', 'exempt'] as const satisfies readonly Procedure[]
export const ENROLMENT_STATUSES = [
  'enrolled',
  'drafting',
  'submitted',
  'returned',
  'department_rated',
  'institution_approved',
  'body_approved',
  'scored',
  'score_confirmed',
  'publicized',
  'passed',
  'makeup_pending',
  'makeup',
  'makeup_scored',
  'failed',
  'withdrawn',
] as const satisfies readonly EnrolmentStatus[]

export const assessmentEnumChecks: [
  Exhaustive<CycleStatus, (typeof CYCLE_STATUSES)[number]>,
  Exhaustive<Procedure, (typeof PROCEDURES)[number]>,
  Exhaustive<EnrolmentStatus, (typeof ENROLMENT_STATUSES)[number]>,
] = [true, true, true]

/** The phases of a cycle in their order (enums.Phase); each may have a window in the settings. */
export const PHASES = [
  'self_report',
  'department_rating',
  'institution_review',
  'body_review',
  'competence_test',
  'makeup',
  'confirmation',
] as const
export type Phase = (typeof PHASES)[number]

/** The scored components (enums.Component); a version weighs some of them, the weights adding up to 100. */
export const COMPONENTS = ['competence_test', 'skills', 'case_review', 'work_performance', 'ethics'] as const
export type ComponentKey = (typeof COMPONENTS)[number]

/** The procedures a component can apply to (the exempt are not scored). */
export const SCORED_PROCEDURES = ['general', 'simplified'] as const

export const TITLES = ['主任医师', '副主任医师', '主治医师', '医师']

export const CYCLE_STATUS_TAG: Record<CycleStatus, 'info' | 'success' | 'warning'> = {
  draft: 'warning',
  active: 'success',
  closed: 'info',
}

export interface ComponentRow {
  component: string
  weight: number | null
  procedures: string[]
}

export interface SettingsForm {
  note: string
  /** each phase's [opens, closes] (YYYY-MM-DD), or [] when the phase has no window */
  phases: Record<Phase, string[]>
  department_rating: boolean
  body_review: boolean
  components: ComponentRow[]
  pass: number | null
  excellent: number | null
  simplified: { enabled: boolean; min_practice_years: number | null; max_adverse_records: number | null; titles: string[] }
  exemption: { enabled: boolean; reasons: string[]; attachment_required: boolean }
  publicity_days: number
  makeup_allowed: boolean
  /** not edited here: carried over from the version in force */
  forms: Record<string, unknown>
  exam_blueprint_id: string | null
}

/** The fields of the form an API error can name (its `attr`); longer attrs go to the closest one. */
export const SETTINGS_FIELDS = [
  'note',
  'phases',
  ...PHASES.map((p) => `phases.${p}`),
  'department_rating',
  'body_review',
  'components',
  ...COMPONENTS.map((_, i) => `components.${i}`),
  'result_levels',
  'result_levels.pass',
  'result_levels.excellent',
  'simplified_rules',
  'simplified_rules.enabled',
  'simplified_rules.min_practice_years',
  'simplified_rules.max_adverse_records',
  'simplified_rules.titles',
  'exemption_rules',
  'exemption_rules.enabled',
  'exemption_rules.reasons',
  'exemption_rules.attachment_required',
  'forms',
  'exam_blueprint_id',
  'publicity_days',
  'makeup_allowed',
] as const

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}

/** A form for a first version: the usual components and levels, no windows yet. */
export function emptySettingsForm(): SettingsForm {
  return {
    note: '',
    phases: Object.fromEntries(PHASES.map((p) => [p, [] as string[]])) as Record<Phase, string[]>,
    department_rating: true,
    body_review: true,
    components: [
      { component: 'competence_test', weight: 60, procedures: ['general'] },
      { component: 'work_performance', weight: 20, procedures: ['general', 'simplified'] },
      { component: 'ethics', weight: 20, procedures: ['general', 'simplified'] },
    ],
    pass: 60,
    excellent: 90,
    simplified: { enabled: true, min_practice_years: null, max_adverse_records: 0, titles: [] },
    exemption: { enabled: false, reasons: [], attachment_required: true },
    publicity_days: 7,
    makeup_allowed: true,
    forms: {},
    exam_blueprint_id: null,
  }
}

/** The form for a new version, starting from the version in force (or the defaults before the first). The note
 * is always new: it says why this version is made. */
export function settingsForm(base: CycleSettings | null | undefined): SettingsForm {
  if (!base) return emptySettingsForm()
  const form = emptySettingsForm()
  for (const p of PHASES) {
    const w = base.phases?.[p]
    form.phases[p] = w ? [w.opens, w.closes] : []
  }
  form.department_rating = base.department_rating
  form.body_review = base.body_review
  form.components = (base.components ?? []).map((c) => ({
    component: c.component,
    weight: c.weight,
    procedures: c.procedures?.length ? [...c.procedures] : ['general'],
  }))
  form.pass = numberOrNull(base.result_levels?.pass)
  form.excellent = numberOrNull(base.result_levels?.excellent)
  const s = record(base.simplified_rules)
  form.simplified = {
    enabled: s.enabled !== false, // the API reads a missing switch as on
    min_practice_years: numberOrNull(s.min_practice_years),
    max_adverse_records: numberOrNull(s.max_adverse_records),
    titles: strings(s.titles),
  }
  const e = record(base.exemption_rules)
  form.exemption = {
    enabled: e.enabled !== false,
    reasons: strings(e.reasons),
    attachment_required: e.attachment_required !== false,
  }
  form.publicity_days = base.publicity_days
  form.makeup_allowed = base.makeup_allowed
  form.forms = { ...record(base.forms) }
  form.exam_blueprint_id = base.exam_blueprint_id ?? null
  return form
}

/** The phases the form shows: a phase switched off (department rating, body re-review, make-up) has no window. */
export function visiblePhases(form: Pick<SettingsForm, 'department_rating' | 'body_review' | 'makeup_allowed'>): Phase[] {
  return PHASES.filter(
    (p) =>
      (p !== 'department_rating' || form.department_rating) &&
      (p !== 'body_review' || form.body_review) &&
      (p !== 'makeup' || form.makeup_allowed),
  )
}

/** The sum of the weights (the API wants 100). */
export function weightTotal(rows: readonly ComponentRow[]): number {
  return Math.round(rows.reduce((sum, r) => sum + (typeof r.weight === 'number' ? r.weight : 0), 0) * 100) / 100
}

/** The complete new version the form describes (POST /api/v1/cycles/{id}/settings/). */
export function settingsBody(form: SettingsForm): CycleSettingsInput {
  const phases: Record<string, { opens: string; closes: string }> = {}
  for (const p of visiblePhases(form)) {
    const [opens, closes] = form.phases[p] ?? []
    if (opens && closes) phases[p] = { opens, closes }
  }
  const result_levels: Record<string, number | null> = { pass: form.pass }
  if (form.excellent !== null && form.excellent !== undefined) result_levels.excellent = form.excellent
  const simplified_rules: Record<string, unknown> = { enabled: form.simplified.enabled }
  if (form.simplified.enabled) {
    if (form.simplified.min_practice_years !== null) simplified_rules.min_practice_years = form.simplified.min_practice_years
    if (form.simplified.max_adverse_records !== null) simplified_rules.max_adverse_records = form.simplified.max_adverse_records
    if (form.simplified.titles.length) simplified_rules.titles = [...form.simplified.titles]
  }
  const exemption_rules: Record<string, unknown> = { enabled: form.exemption.enabled }
  if (form.exemption.enabled) {
    exemption_rules.reasons = [...form.exemption.reasons]
    exemption_rules.attachment_required = form.exemption.attachment_required
  }
  return {
    note: form.note.trim(),
    phases,
    department_rating: form.department_rating,
    body_review: form.body_review,
    components: form.components.map((c) => ({ component: c.component, weight: c.weight, procedures: [...c.procedures] })),
    result_levels,
    simplified_rules,
    exemption_rules,
    forms: { ...form.forms },
    exam_blueprint_id: form.exam_blueprint_id,
    publicity_days: form.publicity_days,
    makeup_allowed: form.makeup_allowed,
  }
}

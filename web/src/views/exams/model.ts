import type { components } from '@/api/schema'

/** Exams administration: the API's shapes, and the rules the forms apply before asking the API. */
type Schemas = components['schemas']
export type ExamBank = Schemas['ExamBankOutput']
export type ExamBankPurpose = Schemas['ExamBankPurposeEnum']
export type ExamQuestion = Schemas['ExamQuestionOutput']
export type ExamQuestionVersion = Schemas['ExamQuestionVersionOutput']
export type ExamQuestionKind = Schemas['ExamQuestionKindEnum']
export type ExamBlueprint = Schemas['ExamBlueprintOutput']
export type BlueprintRule = Schemas['ExamBlueprintRuleSchema']
export type ExamSitting = Schemas['ExamSittingOutput']
export type ExamAttempt = Schemas['ExamAttemptOutput']
export type ProctoringSettings = Schemas['ProctoringSettingsOutput']

export const KINDS: readonly ExamQuestionKind[] = ['single', 'multiple', 'case']
export const DIFFICULTIES = [1, 2, 3] as const

/** A rule being edited: numbers as the inputs hold them. */
export interface RuleDraft {
  kind: ExamQuestionKind
  count: number
  points: number
  specialty: string
  difficulty: number | null
}

export function emptyRule(): RuleDraft {
  return { kind: 'single', count: 10, points: 1, specialty: '', difficulty: null }
}

export function ruleFromApi(rule: BlueprintRule): RuleDraft {
  return { kind: rule.kind, count: rule.count, points: Number(rule.points), specialty: rule.specialty ?? '', difficulty: rule.difficulty ?? null }
}

export function ruleToApi(rule: RuleDraft): BlueprintRule {
  return { kind: rule.kind, count: rule.count, points: String(rule.points), specialty: rule.specialty.trim(), difficulty: rule.difficulty }
}

/** The paper's total: every rule's count x points (a case group's points are shared by its sub-questions). */
export function totalPoints(rules: readonly RuleDraft[]): number {
  return Math.round(rules.reduce((sum, r) => sum + (r.count || 0) * (r.points || 0), 0) * 100) / 100
}

export interface BlueprintDraft {
  name: string
  bank: string
  rules: RuleDraft[]
  time_limit_minutes: number
  pass_mark: number
}

/** What the blueprint form refuses before sending (the API checks the same and the pool sizes). */
export function blueprintProblems(d: BlueprintDraft): Record<string, string> {
  const out: Record<string, string> = {}
  if (!d.name.trim()) out.name = 'required'
  if (!d.bank) out.bank = 'required'
  if (!d.rules.length) out.rules = 'noRules'
  else if (d.rules.some((r) => !(r.count >= 1) || !(r.points > 0))) out.rules = 'badRule'
  if (!(d.time_limit_minutes >= 1)) out.time_limit_minutes = 'required'
  const total = totalPoints(d.rules)
  if (!(d.pass_mark >= 0)) out.pass_mark = 'required'
  else if (d.rules.length && d.pass_mark > total) out.pass_mark = 'aboveTotal'
  return out
}

export type SittingState = 'upcoming' | 'open' | 'closed'

export function sittingState(s: Pick<ExamSitting, 'opens_at' | 'closes_at'>, now = Date.now()): SittingState {
  if (now < Date.parse(s.opens_at)) return 'upcoming'
  if (now < Date.parse(s.closes_at)) return 'open'
  return 'closed'
}

/** Option letters of a question version as "A. text" lines, the key marked. */
export function optionLines(v: Pick<ExamQuestionVersion, 'options' | 'answer'>): { key: string; text: string; correct: boolean }[] {
  return v.options.map((o) => ({ key: o.key, text: o.text, correct: v.answer.includes(o.key) }))
}

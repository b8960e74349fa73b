import type { Schemas } from '@/api/types'

export type ApproverKind = Schemas['ApproverKindEnum']
export type StepMode = Schemas['ApprovalStepModeEnum']
export type StepInput = Schemas['ApprovalStepInputRequest']
export type StepOutput = Schemas['ApprovalStepOutput']

/** Roles of a hospital that a step may name (institution roles). */
export const STEP_ROLES = ['hospital_admin', 'medical_affairs', 'department_head', 'doctor'] as const
export const MAX_STEPS = 10
export const MAX_DUE_HOURS = 24 * 90

/** One step being edited: the rule is typed as JSON text, the due time may be empty. */
export interface StepDraft {
  name: string
  approver_kind: ApproverKind
  role: string
  user_ids: string[]
  mode: StepMode
  rule: string
  due_hours: number | null
}

export function emptyStep(): StepDraft {
  return { name: '', approver_kind: 'role', role: 'medical_affairs', user_ids: [], mode: 'any', rule: '', due_hours: null }
}

export function draftFromStep(step: StepOutput): StepDraft {
  const rule = step.auto_rule && typeof step.auto_rule === 'object' && Object.keys(step.auto_rule).length ? JSON.stringify(step.auto_rule, null, 2) : ''
  return {
    name: step.name,
    approver_kind: step.approver_kind,
    role: step.role ?? '',
    user_ids: [...(step.user_ids ?? [])],
    mode: step.mode,
    rule,
    due_hours: step.due_hours ?? null,
  }
}

/** A problem of the draft: which field (the API's attr form, `steps.<i>.<field>`) and the i18n key of the message. */
export interface DraftProblem {
  attr: string
  message: string
}

function parseRule(text: string): { ok: true; value: unknown } | { ok: false } {
  if (!text.trim()) return { ok: true, value: null }
  try {
    const value = JSON.parse(text)
    if (!value || typeof value !== 'object' || Array.isArray(value)) return { ok: false }
    return { ok: true, value }
  } catch {
    return { ok: false }
  }
}

/**
 * What the chain editor checks before saving (the API checks the same and more, e.g. that named users are members
 * and that a rule reads only the type's facts). Empty list: ready to save.
 */
export function validateChain(steps: StepDraft[]): DraftProblem[] {
  const problems: DraftProblem[] = []
  if (!steps.length) problems.push({ attr: 'steps', message: 'approvals.chain.errors.noStep' })
  if (steps.length > MAX_STEPS) problems.push({ attr: 'steps', message: 'approvals.chain.errors.tooMany' })
  steps.forEach((step, i) => {
    const at = (field: string) => `steps.${i}.${field}`
    if (!step.name.trim()) problems.push({ attr: at('name'), message: 'approvals.chain.errors.name' })
    if (step.approver_kind === 'role' && !step.role) problems.push({ attr: at('role'), message: 'approvals.chain.errors.role' })
    if (step.approver_kind === 'users' && !step.user_ids.length) problems.push({ attr: at('user_ids'), message: 'approvals.chain.errors.users' })
    if (step.approver_kind === 'users' && step.mode === 'all' && step.user_ids.length < 2)
      problems.push({ attr: at('user_ids'), message: 'approvals.chain.errors.countersign' })
    if (step.due_hours !== null && (!Number.isInteger(step.due_hours) || step.due_hours < 1 || step.due_hours > MAX_DUE_HOURS))
      problems.push({ attr: at('due_hours'), message: 'approvals.chain.errors.dueHours' })
    if (!parseRule(step.rule).ok) problems.push({ attr: at('auto_rule'), message: 'approvals.chain.errors.rule' })
  })
  return problems
}

/** The API body of a validated draft (fields that do not apply to the approver kind are left out). */
export function stepsToInput(steps: StepDraft[]): StepInput[] {
  return steps.map((s) => {
    const rule = parseRule(s.rule)
    return {
      name: s.name.trim(),
      approver_kind: s.approver_kind,
      role: s.approver_kind === 'role' ? s.role : '',
      user_ids: s.approver_kind === 'users' ? [...s.user_ids] : [],
      mode: s.mode,
      auto_rule: rule.ok ? rule.value : null,
      due_hours: s.due_hours,
    }
  })
}

/** Move a step up (-1) or down (+1); out of range does nothing. */
export function moveStep(steps: StepDraft[], index: number, delta: -1 | 1): StepDraft[] {
  const to = index + delta
  if (index < 0 || index >= steps.length || to < 0 || to >= steps.length) return steps
  const copy = [...steps]
  const [step] = copy.splice(index, 1)
  copy.splice(to, 0, step!)
  return copy
}

// --- auto-approval rules (approvals/rules.py): a flat list of conditions joined by all/any is edited as rows;
// anything deeper stays JSON text.
export const RULE_OPS = ['eq', 'ne', 'in', 'not_in', 'gt', 'gte', 'lt', 'lte', 'is_true', 'is_false'] as const
export type RuleOp = (typeof RULE_OPS)[number]
const NO_VALUE: readonly string[] = ['is_true', 'is_false']
const LIST: readonly string[] = ['in', 'not_in']

export interface RuleRow {
  fact: string
  op: RuleOp
  /** as typed: numbers and true/false are read as such; a list op takes comma-separated values */
  value: string
}
export interface FlatRule {
  join: 'all' | 'any'
  rows: RuleRow[]
}

function shown(value: unknown): string {
  return Array.isArray(value) ? value.map((v) => String(v)).join(', ') : value === undefined || value === null ? '' : String(value)
}

/** The rows of a rule text, or null when the rule is not a flat all/any list (edit it as JSON then). */
export function parseFlatRule(text: string): FlatRule | null {
  if (!text.trim()) return { join: 'all', rows: [] }
  let node: unknown
  try {
    node = JSON.parse(text)
  } catch {
    return null
  }
  if (!node || typeof node !== 'object' || Array.isArray(node)) return null
  const keys = Object.keys(node)
  if (keys.length !== 1 || (keys[0] !== 'all' && keys[0] !== 'any')) return null
  const join = keys[0] as 'all' | 'any'
  const list = (node as Record<string, unknown>)[join]
  if (!Array.isArray(list)) return null
  const rows: RuleRow[] = []
  for (const c of list) {
    if (!c || typeof c !== 'object' || !('fact' in c) || !('op' in c)) return null
    const { fact, op, value } = c as { fact: unknown; op: unknown; value?: unknown }
    if (typeof fact !== 'string' || !RULE_OPS.includes(op as RuleOp)) return null
    rows.push({ fact, op: op as RuleOp, value: shown(value) })
  }
  return { join, rows }
}

function scalar(text: string): string | number | boolean {
  const s = text.trim()
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s)
  if (s === 'true') return true
  if (s === 'false') return false
  return s
}

/** The rule text of rows ('' when there is no row: no automatic approval). */
export function flatRuleText(rule: FlatRule): string {
  const rows = rule.rows.filter((r) => r.fact)
  if (!rows.length) return ''
  const conditions = rows.map((r) => {
    if (NO_VALUE.includes(r.op)) return { fact: r.fact, op: r.op }
    if (LIST.includes(r.op)) return { fact: r.fact, op: r.op, value: r.value.split(/[,，]/).map((v) => v.trim()).filter(Boolean).map(scalar) }
    return { fact: r.fact, op: r.op, value: scalar(r.value) }
  })
  return JSON.stringify({ [rule.join]: conditions })
}

export function ruleNeedsValue(op: RuleOp): boolean {
  return !NO_VALUE.includes(op)
}

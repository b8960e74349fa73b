import { describe, expect, it } from 'vitest'
import { Perm } from '@/access/codes'
import { menuFor } from '@/access/menu'
import { emptyStep, moveStep, stepsToInput, validateChain, type StepDraft } from '@/views/approvals/chainModel'
import { commentRequired, stepStates, type ApprovalDetail } from '@/views/approvals/requestModel'
import { applyBody, applyProblems, emptyApply, formKey } from '@/views/credentialing/credModel'
import { departmentChart } from '@/views/credentialing/violationModel'

const step = (over: Partial<StepDraft> = {}): StepDraft => ({ ...emptyStep(), name: '医务部审核', ...over })

describe('approval chain editor', () => {
  it('accepts a two-step chain with a countersign of two named users', () => {
    // given a department-head step and a countersign by two users with a rule and a due time
    const steps = [
      step({ name: '科室主任审核', approver_kind: 'department_head', role: '', due_hours: 48 }),
      step({ name: '医务部会签', approver_kind: 'users', user_ids: ['u1', 'u2'], mode: 'all', rule: '{"all": [{"fact": "surgical_grade", "op": "lte", "value": 2}]}' }),
    ]
    // when validated and turned into the API body
    // then there is no problem and the body carries only what each approver kind uses
    expect(validateChain(steps)).toEqual([])
    expect(stepsToInput(steps)).toEqual([
      { name: '科室主任审核', approver_kind: 'department_head', role: '', user_ids: [], mode: 'any', auto_rule: null, due_hours: 48 },
      { name: '医务部会签', approver_kind: 'users', role: '', user_ids: ['u1', 'u2'], mode: 'all', auto_rule: { all: [{ fact: 'surgical_grade', op: 'lte', value: 2 }] }, due_hours: null },
    ])
  })

  it('names the field of every problem the way the API does', () => {
    const steps = [
      step({ name: ' ', approver_kind: 'role', role: '' }),
      step({ approver_kind: 'users', user_ids: ['u1'], mode: 'all', due_hours: 0, rule: '[1, 2]' }),
      step({ approver_kind: 'users', user_ids: [], rule: '{not json' }),
    ]
    const attrs = validateChain(steps).map((p) => `${p.attr}:${p.message.split('.').pop()}`)
    expect(attrs).toEqual([
      'steps.0.name:name',
      'steps.0.role:role',
      'steps.1.user_ids:countersign',
      'steps.1.due_hours:dueHours',
      'steps.1.auto_rule:rule',
      'steps.2.user_ids:users',
      'steps.2.auto_rule:rule',
    ])
    expect(validateChain([]).map((p) => p.attr)).toEqual(['steps'])
  })

  it('moves steps within bounds only', () => {
    const [a, b, c] = [step({ name: 'a' }), step({ name: 'b' }), step({ name: 'c' })]
    expect(moveStep([a, b, c], 2, -1).map((s) => s.name)).toEqual(['a', 'c', 'b'])
    expect(moveStep([a, b, c], 0, -1).map((s) => s.name)).toEqual(['a', 'b', 'c'])
  })
})

describe('approval queue actions', () => {
  it('needs a comment to reject or return, not to approve', () => {
    expect(commentRequired('approve')).toBe(false)
    expect(commentRequired('reject')).toBe(true)
    expect(commentRequired('return')).toBe(true)
  })

  it('shows a countersign step as current until both have decided', () => {
    // given step 1 approved and step 2 (countersign) with one of two approvals
    const detail = {
      status: 'pending',
      round: 1,
      current_step: 1,
      steps: [
        { position: 0, name: '科室主任审核', approver_kind: 'department_head', role: '', user_ids: [], mode: 'any', auto_rule: null, due_hours: null },
        { position: 1, name: '医务部会签', approver_kind: 'users', role: '', user_ids: ['a', 'b'], mode: 'all', auto_rule: null, due_hours: null },
      ],
      tasks: [
        { round: 1, position: 0, user_id: 'h', user_name: '主任', decision: 'approve', comment: '', decided_at: '2026-01-01T00:00:00Z' },
        { round: 1, position: 1, user_id: 'a', user_name: '医务', decision: 'approve', comment: '', decided_at: '2026-01-02T00:00:00Z' },
        { round: 1, position: 1, user_id: 'b', user_name: '院长', decision: '', comment: '', decided_at: null },
      ],
      history: [],
    } as unknown as ApprovalDetail
    // when the steps are laid out
    const states = stepStates(detail)
    // then step 1 is done, step 2 current with one decision out of two
    expect(states.map((s) => s.state)).toEqual(['done', 'current'])
    expect(states[1]!.decided).toBe(1)
    expect(states[1]!.tasks).toHaveLength(2)
  })

  it('marks a step passed by its rule', () => {
    const detail = {
      status: 'approved',
      round: 1,
      current_step: null,
      steps: [{ position: 0, name: 's', approver_kind: 'role', role: 'medical_affairs', user_ids: [], mode: 'any', auto_rule: {}, due_hours: null }],
      tasks: [],
      history: [{ round: 1, position: 0, action: 'auto_approve' }],
    } as unknown as ApprovalDetail
    expect(stepStates(detail).map((s) => s.state)).toEqual(['auto'])
  })
})

describe('privilege application form', () => {
  it('asks for an item, the form fields and sensible years before sending', () => {
    const d = { ...emptyApply(), valid_years: 11 }
    const def = { key: 'surgical', kind: 'surgical', label: '', fields: ['reason'], levels: [] }
    expect(Object.keys(applyProblems(d, def)).sort()).toEqual(['form.reason', 'item_id', 'valid_years'])
    const ok = { ...emptyApply(), item_id: 'i1', form: { reason: '完成 30 例' } }
    expect(applyProblems(ok, def)).toEqual({})
    expect(applyBody(ok)).toMatchObject({ kind: 'surgical', item_id: 'i1', drug_class: '', level: '', anaesthesia_grade: null, form: { reason: '完成 30 例' } })
  })

  it('sends prescribing by class and level, anaesthesia by grade, without an item', () => {
    const p = { ...emptyApply(), kind: 'prescribing' as const, drug_class: 'antimicrobial' as const, level: 'restricted', item_id: 'stale' }
    expect(formKey('prescribing', 'antimicrobial')).toBe('prescribing:antimicrobial')
    expect(applyBody(p)).toMatchObject({ item_id: null, drug_class: 'antimicrobial', level: 'restricted' })
    const a = { ...emptyApply(), kind: 'anaesthesia' as const, anaesthesia_by: 'grade' as const, anaesthesia_grade: 3, item_id: 'stale' }
    expect(applyBody(a)).toMatchObject({ item_id: null, anaesthesia_grade: 3 })
    expect(applyProblems({ ...a, anaesthesia_grade: 5 }, undefined)).toHaveProperty('anaesthesia_grade')
  })
})

describe('violations by department', () => {
  it('stacks only the flags present in the figures', () => {
    const chart = departmentChart(
      [
        { department_id: 'd1', total: 10, out_of_privilege: 2, over_grade: 1 },
        { department_id: null, total: 3, out_of_privilege: 0, over_grade: 0 },
      ],
      ['out_of_privilege', 'over_grade', 'lead_mismatch'],
      (id) => (id ? '普外科' : '未知'),
      (f) => f,
    ) as { xAxis: { data: string[] }; series: { name: string; data: number[] }[] }
    expect(chart.xAxis.data).toEqual(['普外科', '未知'])
    expect(chart.series.map((s) => [s.name, s.data])).toEqual([
      ['out_of_privilege', [2, 0]],
      ['over_grade', [1, 0]],
    ])
  })
})

describe('menu of the hospital modules', () => {
  it('gives a doctor the queue, applications and archive; medical affairs the chains and grants', () => {
    const routes = (role: Parameters<typeof menuFor>[0], codes: string[]) =>
      menuFor(role, new Set(codes)).filter((s) => s.key === 'approvals' || s.key === 'credentialing').flatMap((s) => s.items.map((i) => i.route))
    expect(routes('doctor', [Perm.SELF_SERVICE, Perm.APPROVAL_USE, Perm.CRED_APPLY])).toEqual(['approval-queue', 'cred-applications', 'cred-archive'])
    const affairs = routes('medical_affairs', [Perm.APPROVAL_USE, Perm.APPROVAL_CONFIGURE, Perm.CRED_VIEW, Perm.CRED_MANAGE])
    expect(affairs).toEqual(expect.arrayContaining(['approval-chains', 'cred-grants', 'cred-catalogue', 'cred-reassessments', 'cred-violations']))
    expect(affairs).not.toContain('cred-api-keys')
  })
})

describe('auto-approval rule rows', () => {
  it('round-trips a flat rule and reads numbers, booleans and lists', async () => {
    const { flatRuleText, parseFlatRule } = await import('@/views/approvals/chainModel')
    const text = flatRuleText({
      join: 'all',
      rows: [
        { fact: 'applicant_title', op: 'in', value: '主任医师，副主任医师' },
        { fact: 'surgical_grade', op: 'lte', value: '2' },
        { fact: 'passed_exam', op: 'is_true', value: 'ignored' },
        { fact: '', op: 'eq', value: 'dropped' },
      ],
    })
    expect(JSON.parse(text)).toEqual({
      all: [
        { fact: 'applicant_title', op: 'in', value: ['主任医师', '副主任医师'] },
        { fact: 'surgical_grade', op: 'lte', value: 2 },
        { fact: 'passed_exam', op: 'is_true' },
      ],
    })
    expect(parseFlatRule(text)?.rows.map((r) => r.value)).toEqual(['主任医师, 副主任医师', '2', ''])
    expect(flatRuleText({ join: 'any', rows: [] })).toBe('')
  })

  it('leaves nested rules to the JSON editor', async () => {
    const { parseFlatRule } = await import('@/views/approvals/chainModel')
    expect(parseFlatRule('{"all": [{"any": [{"fact": "x", "op": "is_true"}]}]}')).toBeNull()
    expect(parseFlatRule('not json')).toBeNull()
    expect(parseFlatRule('')).toEqual({ join: 'all', rows: [] })
  })
})

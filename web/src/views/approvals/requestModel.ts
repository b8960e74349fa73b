import type { Schemas } from '@/api/types'

export type ApprovalRequest = Schemas['ApprovalRequestOutput']
export type ApprovalDetail = Schemas['ApprovalRequestDetailOutput']
export type Decision = Schemas['ApprovalDecisionEnum']

/** Reject and return need a comment (the API refuses them without one: approval_comment_required). */
export function commentRequired(decision: Decision): boolean {
  return decision !== 'approve'
}

export const STATUS_TAG: Record<string, 'primary' | 'success' | 'warning' | 'danger' | 'info'> = {
  pending: 'primary',
  returned: 'warning',
  approved: 'success',
  rejected: 'danger',
  withdrawn: 'info',
}

export type StepState = 'done' | 'current' | 'waiting' | 'auto'

/** Each step of a request's chain in the current round: its state and who decided/must decide, for the timeline. */
export function stepStates(detail: Pick<ApprovalDetail, 'steps' | 'tasks' | 'history' | 'round' | 'current_step' | 'status'>) {
  return detail.steps.map((step) => {
    const tasks = detail.tasks.filter((t) => t.round === detail.round && t.position === step.position)
    const auto = detail.history.some((h) => h.round === detail.round && h.position === step.position && h.action === 'auto_approve')
    let state: StepState
    if (auto) state = 'auto'
    else if (detail.current_step === step.position && detail.status === 'pending') state = 'current'
    else if (detail.status === 'approved' || (detail.current_step !== null && step.position < detail.current_step)) state = 'done'
    else state = 'waiting'
    return { step, tasks, state, decided: tasks.filter((t) => t.decision).length }
  })
}

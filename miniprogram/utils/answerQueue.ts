/**
 * The exam outbox: every answer (and every leave/return event) is written to wx storage BEFORE it is sent, and
 * sent strictly in order, one at a time, until the platform acknowledges it.
 *
 * - An answer carries the install's (epoch, seq) (utils/device.ts), fixed when it is queued: a retry resends
 *   the same pair, so the server keeps the newest answer whatever the order of arrival, and a reinstalled app
 *   (new, higher epoch) is not ignored.
 * - No reply (offline, timeout, the app sent to the background: WeChat cuts requests 5 s after onHide) or a 5xx:
 *   the item stays at the head, the drain stops and retries later (backoff 1 s .. 30 s), and again on onShow.
 * - A 4xx that retrying cannot fix (attempt closed, deadline passed, not an option): the item is dropped and
 *   reported to the listeners. A 409 `device_conflict` stops the drain (the exam page offers a takeover).
 * - A 401 is handled by utils/request.ts (silent refresh, then the same request again), so an expired access
 *   token mid-exam never loses the answer.
 * - The app killed and opened again: the outbox is read back from storage and drained in the same order.
 */
import { nextEventSeq, nextSeq, epoch, deviceId } from './device'
import { KEYS, read, write } from './storage'
import { ApiError, api, isNetworkError } from './request'

export interface AnswerItem {
  kind: 'answer'
  id: string
  attempt: string
  question: string
  options: string[]
  marked: boolean
  client_epoch: number
  seq: number
  queued_at: number
}

export interface EventItem {
  kind: 'event'
  id: string
  attempt: string
  event: 'hide' | 'show'
  seq: number
  at: string
}

export type OutboxItem = AnswerItem | EventItem

export type QueueState = 'idle' | 'sending' | 'waiting' | 'blocked'

export interface QueueListener {
  /** An answer the platform acknowledged (applied or not: the server keeps the newest). */
  acked?(item: OutboxItem, reply: unknown): void
  /** An item dropped because the platform refused it for good (message in zh-CN). */
  rejected?(item: OutboxItem, error: ApiError): void
  /** The number of unsent items or the state changed. */
  changed?(pending: number, state: QueueState): void
  /** A 409 device_conflict: another device holds the attempt. */
  conflict?(attempt: string, error: ApiError): void
}

const RETRY_MIN_MS = 1000
const RETRY_MAX_MS = 30000
/** Refusals a retry cannot change: drop the item. */
const FINAL_CODES = new Set([
  'attempt_closed',
  'deadline_passed',
  'not_an_option',
  'unknown_question',
  'single_choice_one_option',
  'not_found',
])

let items: OutboxItem[] | null = null
let state: QueueState = 'idle'
let draining: Promise<void> | null = null
let retryTimer: ReturnType<typeof setTimeout> | null = null
let backoff = RETRY_MIN_MS
const listeners = new Set<QueueListener>()

function load(): OutboxItem[] {
  if (items === null) items = read<OutboxItem[]>(KEYS.outbox) ?? []
  return items
}

function persist(): void {
  write(KEYS.outbox, load())
}

function setState(s: QueueState): void {
  state = s
  const n = load().length
  listeners.forEach((l) => l.changed && l.changed(n, s))
}

export function subscribe(l: QueueListener): () => void {
  listeners.add(l)
  return () => listeners.delete(l)
}

export function pending(attempt?: string): OutboxItem[] {
  return load().filter((i) => !attempt || i.attempt === attempt)
}

/** The newest unsent answer per question of an attempt (to show over the server's copy after a resume). */
export function pendingAnswers(attempt: string): Record<string, AnswerItem> {
  const out: Record<string, AnswerItem> = {}
  for (const i of load()) if (i.kind === 'answer' && i.attempt === attempt) out[i.question] = i
  return out
}

export function queueState(): QueueState {
  return state
}

/** Queue an answer (persisted at once) and start sending. */
export function saveAnswer(attempt: string, question: string, options: string[], marked: boolean): AnswerItem {
  const seq = nextSeq()
  const item: AnswerItem = {
    kind: 'answer',
    id: `a${seq}`,
    attempt,
    question,
    options: options.slice(),
    marked,
    client_epoch: epoch(),
    seq,
    queued_at: Date.now(),
  }
  load().push(item)
  persist()
  void drain()
  return item
}

/** Queue a leave (onHide) or return (onShow) event of an exam. */
export function reportEvent(attempt: string, event: 'hide' | 'show'): EventItem {
  const seq = nextEventSeq()
  const item: EventItem = { kind: 'event', id: `e${seq}`, attempt, event, seq, at: new Date().toISOString() }
  load().push(item)
  persist()
  void drain()
  return item
}

function send(item: OutboxItem): Promise<unknown> {
  if (item.kind === 'answer') {
    return api('put', '/api/v1/me/exams/attempts/{attempt_id}/answers/', {
      path: { attempt_id: item.attempt },
      deviceId: deviceId(),
      body: {
        question: item.question,
        options: item.options,
        marked: item.marked,
        client_epoch: item.client_epoch,
        seq: item.seq,
      },
    })
  }
  return api('post', '/api/v1/me/proctoring/attempts/{attempt_id}/events/', {
    path: { attempt_id: item.attempt },
    body: { kind: item.event, seq: item.seq, at: item.at },
  })
}

function scheduleRetry(): void {
  if (retryTimer) return
  retryTimer = setTimeout(() => {
    retryTimer = null
    void drain()
  }, backoff)
  backoff = Math.min(backoff * 2, RETRY_MAX_MS)
}

/** Send what is queued, in order. Resolves when the outbox is empty or sending has to wait. */
export function drain(): Promise<void> {
  if (draining) return draining
  if (retryTimer) {
    clearTimeout(retryTimer)
    retryTimer = null
  }
  // (the reset runs in .finally, i.e. after the assignment, even when the run finishes synchronously)
  draining = (async () => {
    {
      while (load().length) {
        const item = load()[0]
        setState('sending')
        try {
          const reply = await send(item)
          remove(item)
          backoff = RETRY_MIN_MS
          listeners.forEach((l) => l.acked && l.acked(item, reply))
        } catch (e) {
          if (isNetworkError(e) || (e instanceof ApiError && (e.status >= 500 || e.status === 429))) {
            setState('waiting')
            scheduleRetry()
            return
          }
          if (e instanceof ApiError && e.code === 'device_conflict') {
            setState('blocked')
            listeners.forEach((l) => l.conflict && l.conflict(item.attempt, e))
            return
          }
          if (e instanceof ApiError && e.status === 401) {
            // The session could not be refreshed: keep everything for after the next login.
            setState('blocked')
            return
          }
          if (e instanceof ApiError && (FINAL_CODES.has(e.code) || (e.status >= 400 && e.status < 500))) {
            remove(item)
            listeners.forEach((l) => l.rejected && l.rejected(item, e))
            continue
          }
          setState('waiting')
          scheduleRetry()
          return
        }
      }
      setState('idle')
    }
  })().finally(() => {
    draining = null
  })
  return draining
}

function remove(item: OutboxItem): void {
  const list = load()
  const at = list.findIndex((i) => i.id === item.id)
  if (at >= 0) list.splice(at, 1)
  persist()
}

/** Drop an attempt's queued items (after it was taken over elsewhere or submitted and confirmed). */
export function forgetAttempt(attempt: string): void {
  items = load().filter((i) => i.attempt !== attempt)
  persist()
}

/** For tests: forget the in-memory state as a killed app would. */
export function _resetForTests(): void {
  items = null
  state = 'idle'
  draining = null
  if (retryTimer) clearTimeout(retryTimer)
  retryTimer = null
  backoff = RETRY_MIN_MS
  listeners.clear()
}

import type { components } from '@/api/schema'

/** Proctoring review (监考审核): the API's shapes and the rules the screens apply before asking the API. */
export type Schemas = components['schemas']
export type ProctoringSession = Schemas['ProctoringSessionOutput']
export type ProctoringDetail = Schemas['ProctoringSessionDetailOutput']
export type ProctoringPhoto = Schemas['ProctoringPhotoOutput']
export type StaffVerdict = Schemas['ProctoringStaffVerdictOutput']
export type StaffAppeal = Schemas['ProctoringStaffAppealOutput']
export type ReferencePhoto = Schemas['ProctoringReferenceOutput']
export type VerdictKind = Schemas['ProctoringVerdictInputKindEnum']

/** The reference photo beside the snapshots (the API types it as a loose object). */
export interface ReferenceView {
  id: string
  sha256: string
  source: string
  url: string
}

export function referenceOf(detail: ProctoringDetail | null): ReferenceView | null {
  const ref = detail?.reference as Partial<ReferenceView> | null | undefined
  if (!ref || typeof ref.url !== 'string') return null
  return { id: String(ref.id ?? ''), sha256: String(ref.sha256 ?? ''), source: String(ref.source ?? ''), url: ref.url }
}

export const FLAGS = [
  'no_face',
  'multiple_faces',
  'not_matched',
  'no_reference',
  'repeated_hash',
  'missing',
  'bad_type',
  'too_large',
  'too_many_pixels',
  'decode_error',
] as const

/** Flags that point at another person or a replayed photo (red); the rest ask for a look (orange). */
const SEVERE = new Set(['not_matched', 'multiple_faces', 'repeated_hash'])

export function flagType(flag: string): 'danger' | 'warning' {
  return SEVERE.has(flag) ? 'danger' : 'warning'
}

/** Risk bands for the list's colour: the API's score (decisions/0016: 30 per not-matched photo, ...). */
export function riskLevel(risk: number): 'high' | 'medium' | 'low' | 'none' {
  if (risk >= 40) return 'high'
  if (risk >= 15) return 'medium'
  if (risk > 0) return 'low'
  return 'none'
}

export const VERDICT_FILTERS = ['none', 'pending', 'final', 'confirmed', 'dismissed', 'overturned'] as const

/** The list's filters as the API takes them: empty ones dropped, `flagged` as a boolean. */
export function reviewQuery(filters: { sitting: string; flagged: string; verdict: string }): Record<string, string | boolean> {
  const q: Record<string, string | boolean> = {}
  if (filters.sitting) q.sitting = filters.sitting
  if (filters.flagged === 'true' || filters.flagged === 'false') q.flagged = filters.flagged === 'true'
  if (filters.verdict) q.verdict = filters.verdict
  return q
}

export const REASON_MAX = 500

/**
 * What the verdict form refuses before sending (the API checks the same): cheating needs a reason of a few
 * words; one standing verdict per attempt, so none while one stands.
 */
export function verdictProblems(
  form: { kind: VerdictKind | ''; reason: string },
  verdicts: readonly StaffVerdict[],
): { kind?: 'required' | 'standing'; reason?: 'required' | 'tooLong' } {
  const out: { kind?: 'required' | 'standing'; reason?: 'required' | 'tooLong' } = {}
  if (!form.kind) out.kind = 'required'
  else if (standingVerdict(verdicts)) out.kind = 'standing'
  const reason = form.reason.trim()
  if (form.kind === 'cheating' && reason.length < 2) out.reason = 'required'
  if (reason.length > REASON_MAX) out.reason = 'tooLong'
  return out
}

const STANDING = new Set(['final', 'pending', 'confirmed'])

export function standingVerdict(verdicts: readonly StaffVerdict[]): StaffVerdict | null {
  return verdicts.find((v) => STANDING.has(v.status)) ?? null
}

/** A pending cheating verdict may be confirmed (or dismissed) by a reviewer other than its author. */
export function canSecondReview(verdict: StaffVerdict, userId: string | null | undefined): boolean {
  return verdict.kind === 'cheating' && verdict.status === 'pending' && !!userId && verdict.created_by !== userId
}

/**
 * When a presigned GET (AWS signature v4: X-Amz-Date + X-Amz-Expires) stops working, in ms since the epoch;
 * null when the URL does not say.
 */
export function presignedExpiry(url: string | null | undefined): number | null {
  if (!url) return null
  let params: URLSearchParams
  try {
    params = new URL(url, 'http://x').searchParams
  } catch {
    return null
  }
  const date = params.get('X-Amz-Date')
  const expires = Number(params.get('X-Amz-Expires'))
  const m = date?.match(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/)
  if (!m || !Number.isFinite(expires) || expires <= 0) return null
  const signed = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])
  return signed + expires * 1000
}

/**
 * When to fetch fresh links: a margin before the earliest expiry of the given URLs (at once when one has
 * expired), null when none expires. `fallbackMs` applies to URLs that do not state their expiry.
 */
export function refreshDelay(urls: readonly (string | null | undefined)[], now: number, marginMs = 15_000, fallbackMs?: number): number | null {
  let earliest: number | null = null
  for (const url of urls) {
    if (!url) continue
    const at = presignedExpiry(url) ?? (fallbackMs !== undefined ? now + fallbackMs : null)
    if (at !== null && (earliest === null || at < earliest)) earliest = at
  }
  if (earliest === null) return null
  return Math.max(0, earliest - marginMs - now)
}

export const PHOTO_MAX_BYTES = 2 * 1024 * 1024

/** What a reference upload refuses before sending (the API checks the bytes again: JPEG/PNG magic, 2 MB, 12 MP). */
export function checkPhoto(file: Pick<File, 'type' | 'name' | 'size'> | null): 'type' | 'size' | null {
  if (!file) return 'type'
  if (!/^image\/(jpeg|png)$/.test(file.type) && !/\.(jpe?g|png)$/i.test(file.name)) return 'type'
  if (file.size > PHOTO_MAX_BYTES) return 'size'
  return null
}

export type MyVerdict = Schemas['ProctoringVerdictOutput']
export type Evidence = Schemas['ProctoringEvidenceOutput']

/**
 * A physician may appeal a verdict in force (a warning, or confirmed cheating) once, until its `appeal_until`
 * (decisions/0016); the API refuses anything else with 409.
 */
export function canAppeal(v: Pick<MyVerdict, 'status' | 'appeal' | 'appeal_until'>, now = Date.now()): boolean {
  if (v.status !== 'final' && v.status !== 'confirmed') return false
  if (v.appeal) return false
  return !!v.appeal_until && Date.parse(v.appeal_until) > now
}

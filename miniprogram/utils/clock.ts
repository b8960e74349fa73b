/**
 * The exam countdown follows the platform's clock: every reply of the attempt carries `remaining_seconds`, and
 * the local deadline is the time the request was SENT plus that figure (never later than the server's; the
 * phone's own date and time do not matter, only the elapsed time since the sync). Re-synced on every reply
 * (answer sheet, resume, onShow).
 */
export class ServerClock {
  private deadlineAt = 0
  private synced = false

  /** `sentAt`: Date.now() just before the request whose reply said `remainingSeconds`. */
  sync(remainingSeconds: number, sentAt: number): void {
    this.deadlineAt = sentAt + Math.max(0, remainingSeconds) * 1000
    this.synced = true
  }

  isSynced(): boolean {
    return this.synced
  }

  /** Whole seconds left (rounded down), never negative. */
  remaining(now: number = Date.now()): number {
    return Math.max(0, Math.floor((this.deadlineAt - now) / 1000))
  }

  expired(now: number = Date.now()): boolean {
    return this.synced && this.remaining(now) <= 0
  }
}

/** 01:05:09 / 05:09 */
export function formatSeconds(total: number): string {
  const s = Math.max(0, Math.floor(total))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = s % 60
  const two = (n: number) => String(n).padStart(2, '0')
  return h > 0 ? `${two(h)}:${two(m)}:${two(sec)}` : `${two(m)}:${two(sec)}`
}

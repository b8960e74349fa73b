/**
 * The install's identity for the exam engine:
 * - `deviceId`: random, made on first use and kept in storage (X-Device-Id; one device per attempt);
 * - `epoch`: the install's answer epoch, the time in ms of the first run. It survives restarts (storage) and a
 *   reinstall (storage wiped) gets a new, higher epoch, so the server's (epoch, seq) order accepts the new
 *   install's answers even though its sequence restarts at 1.
 * - `nextSeq()`: the answer sequence number, persisted before the answer is queued.
 */
import { KEYS, read, write } from './storage'

function randomHex(bytes: number): string {
  let s = ''
  for (let i = 0; i < bytes; i++) s += Math.floor(Math.random() * 256).toString(16).padStart(2, '0')
  return s
}

export function deviceId(): string {
  let id = read<string>(KEYS.device)
  if (!id) {
    id = `mp-${randomHex(16)}`
    write(KEYS.device, id)
  }
  return id
}

export function epoch(): number {
  let e = read<number>(KEYS.epoch)
  if (!e) {
    e = Date.now()
    write(KEYS.epoch, e)
  }
  return e
}

export function nextSeq(): number {
  const seq = (read<number>(KEYS.seq) ?? 0) + 1
  write(KEYS.seq, seq)
  return seq
}

/** Sequence for leave/return events: unique and increasing across reinstalls (ms clock, never repeating). */
export function nextEventSeq(): number {
  const last = read<number>(KEYS.eventSeq) ?? 0
  const seq = Math.max(last + 1, Date.now())
  write(KEYS.eventSeq, seq)
  return seq
}

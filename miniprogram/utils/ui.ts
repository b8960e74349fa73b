/** Small UI helpers shared by the pages. */
import { errorMessage } from './request'

export function toast(title: string): void {
  wx.showToast({ title, icon: 'none', duration: 2500 })
}

export function fail(e: unknown): void {
  toast(errorMessage(e))
}

export function confirm(title: string, content: string, confirmText = '确定'): Promise<boolean> {
  return new Promise((resolve) => {
    wx.showModal({ title, content, confirmText, success: (r) => resolve(!!r.confirm), fail: () => resolve(false) })
  })
}

/** A page written with Component(): `this` with our own per-page state `s`. */
export interface PageSelf<D, S> {
  data: D
  s: S
  setData(d: Partial<D> | Record<string, unknown>, cb?: () => void): void
}

export function dateText(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`
}

export const KIND_LABEL: Record<string, string> = { single: '单选题', multiple: '多选题', case: '组合题' }

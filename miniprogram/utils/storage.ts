/** Keys of everything the app keeps in wx storage (cleared by WeChat when the mini-program is removed). */
export const KEYS = {
  tokens: 'pap.tokens',
  device: 'pap.device',
  epoch: 'pap.epoch',
  seq: 'pap.seq',
  outbox: 'pap.outbox',
  fontSize: 'pap.fontSize',
  eventSeq: 'pap.eventSeq',
} as const

export function read<T>(key: string): T | null {
  try {
    const v = wx.getStorageSync(key) as T | '' | undefined
    return v === '' || v === undefined ? null : (v as T)
  } catch {
    return null
  }
}

export function write(key: string, value: unknown): void {
  wx.setStorageSync(key, value)
}

export function remove(key: string): void {
  try {
    wx.removeStorageSync(key)
  } catch {
    /* nothing stored */
  }
}

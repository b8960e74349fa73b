import { currentLocale } from '@/locales'

/** A date-time from the API in the UI's language and the user's time zone; '—' for none. */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '—'
  const d = new Date(value)
  if (Number.isNaN(d.getTime())) return value
  return d.toLocaleString(currentLocale() === 'en' ? 'en-GB' : 'zh-CN', { hour12: false })
}

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`
  return `${(size / 1024 / 1024).toFixed(1)} MB`
}

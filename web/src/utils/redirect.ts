import type { LocationQuery } from 'vue-router'

/** The in-app path to return to after login (`?redirect=`); anything else (another site, the login page) is home. */
export function safeRedirect(query: LocationQuery): string {
  const raw = Array.isArray(query.redirect) ? query.redirect[0] : query.redirect
  if (typeof raw !== 'string' || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return '/'
  if (/^\/(login|change-password|organization)(\/|\?|$)/.test(raw)) return '/'
  return raw
}

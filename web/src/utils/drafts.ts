/**
 * Unsaved form content that must survive the end of a session: when the token can no longer be refreshed the app
 * goes to the login page, and every open form registered here is written to sessionStorage first. After the login,
 * the same user returning to the same form gets it back (useFormDraft). Drafts of another user are dropped.
 */

const STORAGE_KEY = 'pap.drafts'

type Snapshot = () => unknown

const registry = new Map<string, Snapshot>()

interface Stored {
  owner: string
  savedAt: string
  drafts: Record<string, unknown>
}

/** Register a form; the snapshot returns undefined when there is nothing worth keeping. Returns the unregister. */
export function registerDraft(key: string, snapshot: Snapshot): () => void {
  registry.set(key, snapshot)
  return () => {
    if (registry.get(key) === snapshot) registry.delete(key)
  }
}

function read(): Stored | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY)
    return raw ? (JSON.parse(raw) as Stored) : null
  } catch {
    return null
  }
}

/** Write every registered form's content for `owner` (the user id). Returns the number of drafts kept. */
export function saveAllDrafts(owner: string): number {
  const stored = read()
  const drafts: Record<string, unknown> = stored && stored.owner === owner ? { ...stored.drafts } : {}
  for (const [key, snapshot] of registry) {
    const value = snapshot()
    if (value !== undefined) drafts[key] = JSON.parse(JSON.stringify(value))
  }
  const count = Object.keys(drafts).length
  try {
    if (count) sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ owner, savedAt: new Date().toISOString(), drafts }))
  } catch {
    return 0
  }
  return count
}

/** Take (and forget) the draft saved for `key` by `owner`; another owner's drafts are all discarded. */
export function takeDraft<T = unknown>(key: string, owner: string): T | undefined {
  const stored = read()
  if (!stored) return undefined
  if (stored.owner !== owner) {
    sessionStorage.removeItem(STORAGE_KEY)
    return undefined
  }
  if (!(key in stored.drafts)) return undefined
  const value = stored.drafts[key] as T
  delete stored.drafts[key]
  if (Object.keys(stored.drafts).length) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(stored))
  else sessionStorage.removeItem(STORAGE_KEY)
  return value
}

export function hasDraft(key: string, owner: string): boolean {
  const stored = read()
  return !!stored && stored.owner === owner && key in stored.drafts
}

export function clearDrafts(): void {
  sessionStorage.removeItem(STORAGE_KEY)
}

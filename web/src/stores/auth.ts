import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, call } from '@/api/client'
import type { Me, Membership, PasswordChangeReason, Role, TokenPair } from '@/api/types'
import { saveAllDrafts } from '@/utils/drafts'

/**
 * The signed-in user: the token pair (access 30 min, rotating refresh 14 days; docs/decisions/0003-auth-tokens.md),
 * /me/ (memberships with their permission codes), the membership the user acts for, and the forced password change.
 * Tokens live in localStorage so every tab shares one pair (a rotated refresh token presented twice revokes the
 * whole family, so tabs must never refresh with a stale copy); the chosen membership too.
 */

const TOKENS_KEY = 'pap.auth'
const MEMBERSHIP_KEY = 'pap.membership'

export interface StoredTokens {
  access: string
  refresh: string
  access_expires_at: string
  refresh_expires_at: string
}

export type NextStep = 'change-password' | 'pick-organization' | 'ready'

function readTokens(): StoredTokens | null {
  try {
    const raw = localStorage.getItem(TOKENS_KEY)
    const t = raw ? (JSON.parse(raw) as StoredTokens) : null
    return t && t.access && t.refresh ? t : null
  } catch {
    return null
  }
}

function writeTokens(t: StoredTokens | null): void {
  if (t) localStorage.setItem(TOKENS_KEY, JSON.stringify(t))
  else localStorage.removeItem(TOKENS_KEY)
}

export const useAuthStore = defineStore('auth', () => {
  const tokens = ref<StoredTokens | null>(readTokens())
  const me = ref<Me | null>(null)
  const membershipId = ref<string | null>(localStorage.getItem(MEMBERSHIP_KEY))
  const mustChangePassword = ref(false)
  const passwordChangeReason = ref<PasswordChangeReason | null>(null)
  /** set when the session ended by itself (shown on the login page) */
  const sessionExpired = ref(false)
  let refreshing: Promise<boolean> | null = null

  const isAuthenticated = computed(() => !!tokens.value)
  const memberships = computed<Membership[]>(() => me.value?.memberships ?? [])
  const membership = computed<Membership | null>(
    () => memberships.value.find((m) => m.id === membershipId.value) ?? null,
  )
  const role = computed<Role | null>(() => membership.value?.role ?? null)
  const codes = computed(() => new Set(membership.value?.codes ?? []))
  const needsOrganization = computed(() => !!me.value && !membership.value)

  /** Whether the current membership holds the code (any of them, for a list); no code means yes. */
  function can(code?: string | readonly string[] | null): boolean {
    if (!code || (Array.isArray(code) && code.length === 0)) return true
    const list: readonly string[] = typeof code === 'string' ? [code] : code
    return list.some((c) => codes.value.has(c))
  }

  function setPair(pair: TokenPair): void {
    tokens.value = {
      access: pair.access,
      refresh: pair.refresh,
      access_expires_at: pair.access_expires_at,
      refresh_expires_at: pair.refresh_expires_at,
    }
    writeTokens(tokens.value)
    mustChangePassword.value = pair.must_change_password
    passwordChangeReason.value = pair.password_change_reason ?? null
    sessionExpired.value = false
  }

  function chooseMembership(id: string | null): void {
    membershipId.value = id
    if (id) localStorage.setItem(MEMBERSHIP_KEY, id)
    else localStorage.removeItem(MEMBERSHIP_KEY)
  }

  async function loadMe(): Promise<Me> {
    const data = await call(api.GET('/api/v1/me/'))
    me.value = data
    mustChangePassword.value = data.must_change_password
    passwordChangeReason.value = data.password_change_reason ?? null
    const ids = data.memberships.map((m) => m.id)
    if (!membershipId.value || !ids.includes(membershipId.value)) {
      chooseMembership(ids.length === 1 ? ids[0]! : null)
    }
    return data
  }

  function nextStep(): NextStep {
    if (mustChangePassword.value) return 'change-password'
    if (needsOrganization.value && memberships.value.length > 1) return 'pick-organization'
    return 'ready'
  }

  async function login(username: string, password: string): Promise<NextStep> {
    const pair = await call(api.POST('/api/v1/auth/login/', { body: { username, password, client: 'web' } }))
    if (me.value && me.value.username !== username) {
      me.value = null
      chooseMembership(null)
    }
    setPair(pair)
    await loadMe()
    return nextStep()
  }

  /**
   * Rotate the pair once for all callers (concurrent 401s share one refresh). When another tab has rotated
   * already, its newer pair (in localStorage) is adopted instead of presenting a used refresh token.
   */
  function refresh(usedAccess: string | null = null): Promise<boolean> {
    if (refreshing) return refreshing
    refreshing = (async () => {
      const stored = readTokens()
      if (stored && usedAccess && stored.access !== usedAccess) {
        tokens.value = stored
        return true
      }
      const current = stored ?? tokens.value
      if (!current) return false
      try {
        const pair = await call(api.POST('/api/v1/auth/refresh/', { body: { refresh: current.refresh } }))
        setPair(pair)
        return true
      } catch {
        return false
      }
    })().finally(() => {
      refreshing = null
    })
    return refreshing
  }

  /** A password change revokes every token: sign in again with the new password. */
  async function changePassword(oldPassword: string, newPassword: string): Promise<NextStep> {
    await call(api.POST('/api/v1/auth/password/', { body: { old_password: oldPassword, new_password: newPassword } }))
    const username = me.value?.username
    if (!username) {
      clear()
      return 'ready'
    }
    return login(username, newPassword)
  }

  function clear(): void {
    tokens.value = null
    writeTokens(null)
    mustChangePassword.value = false
    passwordChangeReason.value = null
  }

  async function logout(): Promise<void> {
    if (tokens.value) {
      try {
        await call(api.POST('/api/v1/auth/logout/'))
      } catch {
        /* the tokens are dropped here whatever the server says */
      }
    }
    clear()
    me.value = null
    chooseMembership(null)
  }

  /** The session could not be refreshed: keep open forms' content for this user, then drop the tokens. */
  function expire(): number {
    const kept = me.value ? saveAllDrafts(me.value.id) : 0
    clear()
    sessionExpired.value = true
    return kept
  }

  /** Another tab signed in, rotated or signed out. */
  function syncFromStorage(): void {
    tokens.value = readTokens()
    membershipId.value = localStorage.getItem(MEMBERSHIP_KEY)
  }

  return {
    tokens,
    me,
    membershipId,
    mustChangePassword,
    passwordChangeReason,
    sessionExpired,
    isAuthenticated,
    memberships,
    membership,
    role,
    codes,
    needsOrganization,
    can,
    setPair,
    chooseMembership,
    loadMe,
    nextStep,
    login,
    refresh,
    changePassword,
    clear,
    logout,
    expire,
    syncFromStorage,
  }
})

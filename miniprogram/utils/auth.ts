/**
 * WeChat login (decision 0008): `wx.login` code (valid 5 min, once) -> POST /auth/wechat/login/. A bound
 * account gets a token pair; the first time, the platform answers `not_bound` with a bind ticket (10 min), and
 * the physician binds with the ID-card or licence number and a one-time code (SMS to the phone on file via
 * /auth/wechat/bind-code/, or a code the institution issued).
 */
import { api, setTokens, TokenPair } from './request'
import { forgetAttempt } from './answerQueue'

export type LoginOutcome = { status: 'logged_in'; mustChangePassword: boolean } | { status: 'not_bound'; ticket: string; ticketExpiresAt: string | null }

export function wxLoginCode(): Promise<string> {
  return new Promise((resolve, reject) => {
    wx.login({
      success: (res) => (res.code ? resolve(res.code) : reject(new Error('微信登录失败，请重试'))),
      fail: () => reject(new Error('微信登录失败，请检查网络后重试')),
    })
  })
}

export async function loginWithWeChat(): Promise<LoginOutcome> {
  const code = await wxLoginCode()
  const r = await api('post', '/api/v1/auth/wechat/login/', { body: { code } })
  if (r.status === 'logged_in' && r.access && r.refresh && r.access_expires_at && r.refresh_expires_at) {
    setTokens({
      access: r.access,
      refresh: r.refresh,
      access_expires_at: r.access_expires_at,
      refresh_expires_at: r.refresh_expires_at,
      must_change_password: r.must_change_password,
    })
    return { status: 'logged_in', mustChangePassword: r.must_change_password }
  }
  return { status: 'not_bound', ticket: r.bind_ticket ?? '', ticketExpiresAt: r.bind_ticket_expires_at }
}

export interface Identity {
  id_card_number?: string
  licence_number?: string
}

export async function requestBindCode(ticket: string, who: Identity, phone?: string): Promise<number> {
  const r = await api('post', '/api/v1/auth/wechat/bind-code/', {
    body: { ticket, ...who, ...(phone ? { phone } : {}) },
  })
  return r.code_expires_in
}

export async function bind(ticket: string, who: Identity, code: string): Promise<TokenPair> {
  const pair = await api('post', '/api/v1/auth/wechat/bind/', { body: { ticket, ...who, code } })
  setTokens(pair)
  return pair
}

export async function logout(): Promise<void> {
  try {
    await api('post', '/api/v1/auth/logout/')
  } catch {
    /* the tokens are dropped here anyway */
  } finally {
    setTokens(null)
  }
}

export { forgetAttempt }

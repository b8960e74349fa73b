/**
 * The API base URL per mini-program environment (开发版 / 体验版 / 正式版), chosen at run time from
 * `wx.getAccountInfoSync().miniProgram.envVersion`. No secret lives in the package: the AppSecret stays on the
 * platform (it calls jscode2session), the app only holds the user's own tokens in its storage.
 * Every domain here must also be listed in the mini-program's 服务器域名 (request, uploadFile, downloadFile),
 * together with the object store's domain that the signed photo uploads go to.
 */
export type EnvVersion = 'develop' | 'trial' | 'release'

export const API_BASE: Record<EnvVersion, string> = {
  develop: 'http://127.0.0.1:8000',
  trial: 'https://trial.pap.example.cn',
  release: 'https://pap.example.cn',
}

export function envVersion(): EnvVersion {
  try {
    const v = wx.getAccountInfoSync().miniProgram.envVersion
    return v === 'trial' || v === 'release' ? v : 'develop'
  } catch {
    return 'develop'
  }
}

export function apiBase(): string {
  return API_BASE[envVersion()]
}

/** The UI is Chinese; the API answers errors in the language asked for. */
export const ACCEPT_LANGUAGE = 'zh-CN'

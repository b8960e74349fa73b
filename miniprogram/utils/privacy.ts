/**
 * Platform rules before the camera opens:
 * 1. the privacy guide (隐私保护指引, declared in the admin console: 摄像头 for proctoring photos) must be agreed:
 *    app.json sets `__usePrivacyCheck__`; `wx.requirePrivacyAuthorize` asks, and `wx.onNeedPrivacyAuthorization`
 *    (registered by app.ts) shows our <privacy-popup>, whose 同意 button has open-type="agreePrivacyAuthorization";
 * 2. the camera permission (scope.camera) must be granted. Refused: the exam cannot start, and says why.
 */
export type PrivacyResolve = (result: { buttonId?: string; event: 'agree' | 'disagree' | 'exposureAuthorization' }) => void

let pendingResolve: PrivacyResolve | null = null
const popupListeners = new Set<(show: boolean) => void>()

/** app.ts: route WeChat's request for privacy consent to the popup of the page on screen. */
export function installPrivacyHandler(): void {
  if (typeof wx.onNeedPrivacyAuthorization !== 'function') return
  wx.onNeedPrivacyAuthorization((r) => {
    const resolve = r as unknown as PrivacyResolve
    pendingResolve = resolve
    if (popupListeners.size === 0) {
      // No popup on this page: refuse rather than use the camera without consent.
      resolve({ event: 'disagree' })
      pendingResolve = null
      return
    }
    popupListeners.forEach((l) => l(true))
  })
}

export function onPrivacyPopup(listener: (show: boolean) => void): () => void {
  popupListeners.add(listener)
  return () => popupListeners.delete(listener)
}

/** The popup's buttons. Agreement itself is recorded by WeChat through the open-type button. */
export function privacyAnswer(agree: boolean, buttonId?: string): void {
  if (pendingResolve) pendingResolve(agree ? { buttonId, event: 'agree' } : { event: 'disagree' })
  pendingResolve = null
  popupListeners.forEach((l) => l(false))
}

export class CameraRefused extends Error {
  constructor(
    message: string,
    public reason: 'privacy' | 'permission',
  ) {
    super(message)
    this.name = 'CameraRefused'
  }
}

export const PRIVACY_REFUSED = '您未同意《隐私保护指引》中摄像头的使用，考试需要监考拍照，无法开始考试。'
export const CAMERA_REFUSED = '未获得摄像头权限：本场考试需要在答题期间拍照监考，无法开始考试。请在设置中允许使用摄像头后重试。'

function requirePrivacy(): Promise<void> {
  return new Promise((resolve, reject) => {
    if (typeof wx.requirePrivacyAuthorize !== 'function') return resolve()
    wx.requirePrivacyAuthorize({
      success: () => resolve(),
      fail: () => reject(new CameraRefused(PRIVACY_REFUSED, 'privacy')),
    })
  })
}

function authorizeCamera(): Promise<void> {
  return new Promise((resolve, reject) => {
    wx.authorize({
      scope: 'scope.camera',
      success: () => resolve(),
      fail: () => reject(new CameraRefused(CAMERA_REFUSED, 'permission')),
    })
  })
}

/** Both steps, in order; rejects with CameraRefused (message in zh-CN). */
export async function ensureCamera(): Promise<void> {
  await requirePrivacy()
  await authorizeCamera()
}

/** Open the settings page so the physician can grant the camera; resolves true when granted now. */
export function openCameraSetting(): Promise<boolean> {
  return new Promise((resolve) => {
    wx.openSetting({
      success: (res) => resolve(!!res.authSetting['scope.camera']),
      fail: () => resolve(false),
    })
  })
}

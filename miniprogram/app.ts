/**
 * The app: routes WeChat's privacy-consent request to the page's popup, sends a lost session back to login
 * (queued answers stay) and a required password change to its page, and drains the answer outbox whenever the app comes back to the foreground (requests
 * still running 5 s after onHide fail, so nothing is lost by leaving).
 */
import { drain } from './utils/answerQueue'
import { installPrivacyHandler } from './utils/privacy'
import { onPasswordChangeRequired, onSessionExpired } from './utils/request'

App({
  onLaunch() {
    installPrivacyHandler()
    onSessionExpired(() => {
      wx.showToast({ title: '登录已失效，请重新登录', icon: 'none' })
      wx.reLaunch({ url: '/pages/login/login' })
    })
    onPasswordChangeRequired(() => wx.redirectTo({ url: '/pages/password/password' }))
  },
  onShow() {
    void drain()
  },
})

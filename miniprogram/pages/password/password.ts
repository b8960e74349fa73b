/**
 * 修改密码 (forced): the platform refuses everything with 403 `password_change_required` until the password
 * issued by the institution (or reset) is changed. A change revokes every token of the account, so the app
 * logs in again with WeChat (the account is bound) and goes home.
 */
import { loginWithWeChat } from '../../utils/auth'
import { api, errorMessage, setTokens } from '../../utils/request'
import { PageSelf } from '../../utils/ui'

interface Data {
  old: string
  fresh: string
  again: string
  busy: boolean
  message: string
}
type Self = PageSelf<Data, null>

Component({
  data: { old: '', fresh: '', again: '', busy: false, message: '' } as Data,
  methods: {
    setOld(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      ;(this as unknown as Self).setData({ old: e.detail.value })
    },
    setFresh(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      ;(this as unknown as Self).setData({ fresh: e.detail.value })
    },
    setAgain(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      ;(this as unknown as Self).setData({ again: e.detail.value })
    },
    async save() {
      const self = this as unknown as Self
      const d = self.data
      if (!d.old || !d.fresh) return self.setData({ message: '请填写当前密码和新密码' })
      if (d.fresh !== d.again) return self.setData({ message: '两次输入的新密码不一致' })
      self.setData({ busy: true, message: '' })
      try {
        await api('post', '/api/v1/auth/password/', { body: { old_password: d.old, new_password: d.fresh } })
      } catch (e) {
        self.setData({ busy: false, message: errorMessage(e) })
        return
      }
      // every token was revoked by the change: log in again with WeChat
      setTokens(null)
      try {
        const r = await loginWithWeChat()
        wx.reLaunch({ url: r.status === 'logged_in' ? '/pages/home/home' : '/pages/login/login' })
      } catch {
        wx.reLaunch({ url: '/pages/login/login' })
      } finally {
        self.setData({ busy: false })
      }
    },
  },
})

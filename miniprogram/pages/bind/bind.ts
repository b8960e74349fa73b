/**
 * 绑定: the bind ticket from the login reply (10 min) + ID-card or licence number + the one-time code (SMS to the
 * phone on file, or a code issued by the institution). The SMS reply is the same whether or not the account
 * exists (the platform says so); an expired ticket sends the physician back to login for a fresh one.
 */
import { bind, requestBindCode } from '../../utils/auth'
import { ApiError, errorMessage } from '../../utils/request'
import { PageSelf } from '../../utils/ui'

interface Data {
  ticket: string
  idKind: 'id_card_number' | 'licence_number'
  identity: string
  phone: string
  code: string
  countdown: number
  busy: boolean
  info: string
  message: string
}
type Self = PageSelf<Data, { timer: ReturnType<typeof setInterval> | null }>

function who(d: Data) {
  return d.idKind === 'id_card_number' ? { id_card_number: d.identity.trim() } : { licence_number: d.identity.trim() }
}

Component({
  data: { ticket: '', idKind: 'id_card_number', identity: '', phone: '', code: '', countdown: 0, busy: false, info: '', message: '' } as Data,
  methods: {
    onLoad(q: Record<string, string | undefined>) {
      const self = this as unknown as Self
      self.s = { timer: null }
      self.setData({ ticket: decodeURIComponent(q.ticket ?? '') })
    },
    onUnload() {
      const self = this as unknown as Self
      if (self.s && self.s.timer) clearInterval(self.s.timer)
    },
    setIdKind(e: WechatMiniprogram.CustomEvent<{ value: Data['idKind'] }>) {
      ;(this as unknown as Self).setData({ idKind: e.detail.value })
    },
    setIdentity(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      ;(this as unknown as Self).setData({ identity: e.detail.value })
    },
    setPhone(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      ;(this as unknown as Self).setData({ phone: e.detail.value })
    },
    setCode(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      ;(this as unknown as Self).setData({ code: e.detail.value })
    },
    async sendCode() {
      const self = this as unknown as Self
      if (!self.data.identity.trim()) return self.setData({ message: '请先填写身份证号或执业证书编码' })
      self.setData({ busy: true, message: '' })
      try {
        const ttl = await requestBindCode(self.data.ticket, who(self.data), self.data.phone.trim() || undefined)
        self.setData({ info: `如信息无误，验证码已发送到平台登记的手机，${Math.round(ttl / 60)} 分钟内有效。`, countdown: 60 })
        self.s.timer = setInterval(() => {
          const left = self.data.countdown - 1
          self.setData({ countdown: Math.max(0, left) })
          if (left <= 0 && self.s.timer) clearInterval(self.s.timer)
        }, 1000)
      } catch (e) {
        (this as unknown as { handle(e: unknown): void }).handle(e)
      } finally {
        self.setData({ busy: false })
      }
    },
    async bind() {
      const self = this as unknown as Self
      const d = self.data
      if (!d.identity.trim() || !d.code.trim()) return self.setData({ message: '请填写证件号码和验证码' })
      self.setData({ busy: true, message: '' })
      try {
        const pair = await bind(d.ticket, who(d), d.code.trim())
        wx.reLaunch({ url: pair.must_change_password ? '/pages/password/password' : '/pages/home/home' })
      } catch (e) {
        (this as unknown as { handle(e: unknown): void }).handle(e)
      } finally {
        self.setData({ busy: false })
      }
    },
    handle(e: unknown) {
      const self = this as unknown as Self
      if (e instanceof ApiError && /ticket/.test(e.code)) {
        self.setData({ message: '绑定已超时，请返回重新登录。' })
        return
      }
      self.setData({ message: errorMessage(e) })
    },
  },
})

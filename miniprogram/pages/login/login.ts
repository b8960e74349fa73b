/** 登录: wx.login -> platform; bound: home; first time: the bind page with the platform's ticket. */
import { loginWithWeChat } from '../../utils/auth'
import { errorMessage, isLoggedIn } from '../../utils/request'
import { PageSelf } from '../../utils/ui'

interface Data {
  busy: boolean
  message: string
}

Component({
  data: { busy: false, message: '' } as Data,
  methods: {
    onLoad() {
      if (isLoggedIn()) wx.reLaunch({ url: '/pages/home/home' })
    },
    async login() {
      const self = this as unknown as PageSelf<Data, null>
      if (self.data.busy) return
      self.setData({ busy: true, message: '' })
      try {
        // a wx.login code is valid 5 minutes and once: a fresh one for every try
        const r = await loginWithWeChat()
        if (r.status === 'logged_in') {
          wx.reLaunch({ url: r.mustChangePassword ? '/pages/password/password' : '/pages/home/home' })
        } else {
          wx.navigateTo({ url: `/pages/bind/bind?ticket=${encodeURIComponent(r.ticket)}` })
        }
      } catch (e) {
        self.setData({ message: errorMessage(e) })
      } finally {
        self.setData({ busy: false })
      }
    },
  },
})

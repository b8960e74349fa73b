/** 首页: the current cycle (status, what is due: the self-report, exams and their closing time), unread notifications. */
import type { Schemas } from '../../utils/api'
import { pending } from '../../utils/answerQueue'
import { logout } from '../../utils/auth'
import { api, errorMessage, isLoggedIn } from '../../utils/request'
import { PageSelf, dateText } from '../../utils/ui'

interface Data {
  name: string
  enrolments: (Schemas['MyEnrolmentOutput'] & { submittedText: string })[]
  sittings: (Schemas['MyExamSittingOutput'] & { closesText: string })[]
  notifications: Schemas['NotificationOutput'][]
  unsaved: number
  message: string
}
type Self = PageSelf<Data, null> & { load(): Promise<void> }

Component({
  data: { name: '', enrolments: [], sittings: [], notifications: [], unsaved: 0, message: '' } as Data,
  methods: {
    onShow() {
      if (!isLoggedIn()) {
        wx.reLaunch({ url: '/pages/login/login' })
        return
      }
      return (this as unknown as Self).load()
    },
    async onPullDownRefresh() {
      await (this as unknown as Self).load()
      wx.stopPullDownRefresh()
    },
    async load() {
      const self = this as unknown as Self
      self.setData({ unsaved: pending().filter((i) => i.kind === 'answer').length, message: '' })
      try {
        const [me, enrolments, sittings, notes] = await Promise.all([
          api('get', '/api/v1/me/'),
          api('get', '/api/v1/me/enrolments/', { query: { page_size: 20 } }),
          api('get', '/api/v1/me/exams/sittings/', { query: { page_size: 20 } }),
          api('get', '/api/v1/notifications/', { query: { unread: true, page_size: 10 } }),
        ])
        const now = Date.now()
        self.setData({
          name: me.name,
          enrolments: enrolments.results.map((e) => ({ ...e, submittedText: dateText(e.submitted_at) })),
          sittings: sittings.results
            .filter((x) => Date.parse(x.closes_at) > now)
            .map((x) => ({ ...x, closesText: dateText(x.closes_at) })),
          notifications: notes.results,
        })
      } catch (e) {
        self.setData({ message: errorMessage(e) })
      }
    },
    openReport(e: WechatMiniprogram.BaseEvent) {
      wx.navigateTo({ url: `/pages/report/report?enrolment=${(e.currentTarget.dataset as { id: string }).id}` })
    },
    openExams() {
      wx.switchTab({ url: '/pages/exams/exams' })
    },
    async readNotification(e: WechatMiniprogram.BaseEvent) {
      const self = this as unknown as Self
      const id = (e.currentTarget.dataset as { id: string }).id
      try {
        await api('post', '/api/v1/notifications/{notification_id}/read/', { path: { notification_id: id } })
        self.setData({ notifications: self.data.notifications.filter((n) => n.id !== id) })
      } catch (err) {
        self.setData({ message: errorMessage(err) })
      }
    },
    async logout() {
      await logout()
      wx.reLaunch({ url: '/pages/login/login' })
    },
  },
})

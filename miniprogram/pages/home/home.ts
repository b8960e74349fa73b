/** 首页: the current cycle (status, what is due: the self-report, exams and their closing time), unread notifications. */
import type { Schemas } from '../../utils/api'
import { pending } from '../../utils/answerQueue'
import { logout } from '../../utils/auth'
import { api, errorMessage, isLoggedIn } from '../../utils/request'
import { PageSelf, dateText } from '../../utils/ui'

interface Data {
  name: string
  enrolments: (Schemas['MyEnrolmentOutput'] & { submittedText: string; dueText: string })[]
  sittings: (Schemas['MyExamSittingOutput'] & { closesText: string })[]
  notifications: Schemas['NotificationOutput'][]
  unsaved: number
  message: string
}
type Self = PageSelf<Data, null> & { load(): Promise<void> }

/** Enrolment statuses in which the physician still has to submit the self-report. */
const OPEN_REPORT = ['enrolled', 'drafting', 'returned']

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
        // what is due and by when: the self-report's closing date for the reports still to be (re)submitted
        const due = await Promise.all(
          enrolments.results.map(async (e) => {
            if (!OPEN_REPORT.includes(e.status)) return ''
            try {
              const r = await api('get', '/api/v1/me/enrolments/{enrolment_id}/report/', { path: { enrolment_id: e.id } })
              if (!r.editable) return ''
              return r.phase.closes ? `请于 ${r.phase.closes} 前提交个人填报` : '请提交个人填报'
            } catch {
              return ''
            }
          }),
        )
        self.setData({
          name: me.name,
          enrolments: enrolments.results.map((e, i) => ({ ...e, submittedText: dateText(e.submitted_at), dueText: due[i] })),
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

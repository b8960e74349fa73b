/**
 * 试卷列表: the sittings the physician may take. Entering a proctored sitting goes through the face-capture
 * consent (platform text, explicit agree) and, without an approved reference photo, the reference page.
 */
import type { Schemas } from '../../utils/api'
import { api, errorMessage } from '../../utils/request'
import { PageSelf, dateText } from '../../utils/ui'

type Sitting = Schemas['MyExamSittingOutput'] & { opensText: string; closesText: string; open: boolean; stateLabel: string }
interface Data {
  sittings: Sitting[]
  attempts: Schemas['MyExamAttemptOutput'][]
  message: string
}
type Self = PageSelf<Data, null> & { load(): Promise<void> }

Component({
  data: { sittings: [], attempts: [], message: '' } as Data,
  methods: {
    onShow() {
      return (this as unknown as Self).load()
    },
    async onPullDownRefresh() {
      await (this as unknown as Self).load()
      wx.stopPullDownRefresh()
    },
    async load() {
      const self = this as unknown as Self
      try {
        const [sittings, attempts] = await Promise.all([
          api('get', '/api/v1/me/exams/sittings/', { query: { page_size: 50 } }),
          api('get', '/api/v1/me/exams/attempts/', { query: { page_size: 50 } }),
        ])
        const now = Date.now()
        self.setData({
          message: '',
          attempts: attempts.results,
          sittings: sittings.results.map((x) => {
            const open = Date.parse(x.opens_at) <= now && now < Date.parse(x.closes_at)
            const stateLabel = open ? '进行中' : Date.parse(x.opens_at) > now ? '未开始' : '已结束'
            return { ...x, open, stateLabel, opensText: dateText(x.opens_at), closesText: dateText(x.closes_at) }
          }),
        })
      } catch (e) {
        self.setData({ message: errorMessage(e) })
      }
    },
    async enter(e: WechatMiniprogram.BaseEvent) {
      const self = this as unknown as Self
      const sitting = (e.currentTarget.dataset as { id: string }).id
      try {
        const status = await api('get', '/api/v1/me/proctoring/sittings/{sitting_id}/consent/', { path: { sitting_id: sitting } })
        if (status.proctored && !status.consented) wx.navigateTo({ url: `/pages/consent/consent?sitting=${sitting}` })
        else if (status.proctored && !status.reference_ready) wx.navigateTo({ url: `/pages/reference/reference?sitting=${sitting}` })
        else wx.navigateTo({ url: `/pages/exam/exam?sitting=${sitting}` })
      } catch (err) {
        self.setData({ message: errorMessage(err) })
      }
    },
  },
})

/**
 * 人脸信息采集授权: the platform's consent text (its version) and an explicit agree (a ticked box and a button);
 * the platform records version, text hash and time. Declining: the proctored exam cannot be taken.
 */
import { api, errorMessage } from '../../utils/request'
import { PageSelf } from '../../utils/ui'

interface Data {
  sitting: string
  version: string
  text: string
  ticked: boolean
  busy: boolean
  message: string
}
type Self = PageSelf<Data, null>

Component({
  data: { sitting: '', version: '', text: '', ticked: false, busy: false, message: '' } as Data,
  methods: {
    async onLoad(q: Record<string, string | undefined>) {
      const self = this as unknown as Self
      self.setData({ sitting: q.sitting ?? '' })
      try {
        const t = await api('get', '/api/v1/me/proctoring/consent-text/')
        const texts = t.texts as Record<string, string>
        const text = texts['zh-CN'] ?? texts['zh-hans'] ?? Object.values(texts)[0] ?? ''
        self.setData({ version: t.version, text })
      } catch (e) {
        self.setData({ message: errorMessage(e) })
      }
    },
    tick(e: WechatMiniprogram.CustomEvent<{ value: string[] }>) {
      ;(this as unknown as Self).setData({ ticked: e.detail.value.includes('agree') })
    },
    async agree() {
      const self = this as unknown as Self
      if (!self.data.ticked) return
      self.setData({ busy: true, message: '' })
      try {
        await api('post', '/api/v1/me/proctoring/sittings/{sitting_id}/consent/', {
          path: { sitting_id: self.data.sitting },
          body: { version: self.data.version, agree: true },
        })
        const status = await api('get', '/api/v1/me/proctoring/sittings/{sitting_id}/consent/', { path: { sitting_id: self.data.sitting } })
        const next = status.reference_ready ? 'exam/exam' : 'reference/reference'
        wx.redirectTo({ url: `/pages/${next}?sitting=${self.data.sitting}` })
      } catch (e) {
        self.setData({ message: errorMessage(e) })
      } finally {
        self.setData({ busy: false })
      }
    },
    decline() {
      const self = this as unknown as Self
      self.setData({ message: '未同意人脸信息采集，无法参加需要监考拍照的考试。' })
    },
  },
})

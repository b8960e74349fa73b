/**
 * 人脸比对照片: the physician proposes a reference photo (multipart POST to the platform, `pending`); only a
 * photo the institution approved or uploaded is used for comparison. The exam may start without one (the
 * platform flags `no_reference` for a person to look at).
 */
import { apiBase } from '../../config'
import { NetworkError, api, authHeader, errorMessage, refreshTokens, toApiError } from '../../utils/request'
import { PageSelf, dateText } from '../../utils/ui'

const STATUS: Record<string, string> = { pending: '待机构审核', approved: '已通过', rejected: '未通过', superseded: '已替换' }

interface Data {
  sitting: string
  references: { id: string; created: string; statusLabel: string }[]
  busy: boolean
  message: string
  info: string
}
type Self = PageSelf<Data, null> & { load(): Promise<void> }

function postPhoto(filePath: string): Promise<{ status: number; data: unknown }> {
  return new Promise((resolve, reject) => {
    wx.uploadFile({
      url: apiBase() + '/api/v1/me/proctoring/references/',
      filePath,
      name: 'file',
      header: authHeader(),
      success: (r) => {
        let data: unknown = r.data
        try {
          data = JSON.parse(r.data)
        } catch {
          /* not JSON */
        }
        resolve({ status: r.statusCode, data })
      },
      fail: () => reject(new NetworkError()),
    })
  })
}

Component({
  data: { sitting: '', references: [], busy: false, message: '', info: '' } as Data,
  methods: {
    onLoad(q: Record<string, string | undefined>) {
      const self = this as unknown as Self
      self.setData({ sitting: q.sitting ?? '' })
      return self.load()
    },
    async load() {
      const self = this as unknown as Self
      try {
        const r = await api('get', '/api/v1/me/proctoring/references/')
        self.setData({ references: r.results.map((x) => ({ id: x.id, created: dateText(x.created_at), statusLabel: STATUS[x.status] ?? x.status })) })
      } catch (e) {
        self.setData({ message: errorMessage(e) })
      }
    },
    propose() {
      const self = this as unknown as Self
      wx.chooseMedia({
        count: 1,
        mediaType: ['image'],
        sourceType: ['camera', 'album'],
        camera: 'front',
        sizeType: ['compressed'],
        success: async (res) => {
          self.setData({ busy: true, message: '', info: '' })
          try {
            let r = await postPhoto(res.tempFiles[0].tempFilePath)
            if (r.status === 401 && (await refreshTokens())) r = await postPhoto(res.tempFiles[0].tempFilePath)
            if (r.status !== 201) throw toApiError(r.status, r.data)
            self.setData({ info: '照片已提交，待所在机构审核。' })
            await self.load()
          } catch (e) {
            self.setData({ message: errorMessage(e) })
          } finally {
            self.setData({ busy: false })
          }
        },
      })
    },
    continueExam() {
      wx.redirectTo({ url: `/pages/exam/exam?sitting=${(this as unknown as Self).data.sitting}` })
    },
  },
})

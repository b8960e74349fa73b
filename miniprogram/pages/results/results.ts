/**
 * 考核结果: every cycle's result (test scores, total, level) and the pass certificate: view (the PDF opens in
 * WeChat's viewer, whose menu saves or forwards it). The download URL is short-lived and comes from the
 * platform per request; its domain must be a downloadFile domain of the mini-program.
 */
import type { Schemas } from '../../utils/api'
import { api, errorMessage } from '../../utils/request'
import { PageSelf, dateText } from '../../utils/ui'

interface Data {
  cycles: (Schemas['CycleHistoryOutput'] & { finalized: string })[]
  certificates: (Schemas['CertificateEntryOutput'] & { issued: string })[]
  busy: boolean
  message: string
}
type Self = PageSelf<Data, null> & { load(): Promise<void> }

function download(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    wx.downloadFile({
      url,
      success: (r) => (r.statusCode === 200 ? resolve(r.tempFilePath) : reject(new Error(`证书下载失败（${r.statusCode}）`))),
      fail: () => reject(new Error('证书下载失败，请检查网络后重试')),
    })
  })
}

Component({
  data: { cycles: [], certificates: [], busy: false, message: '' } as Data,
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
        const [cycles, certificates] = await Promise.all([
          api('get', '/api/v1/me/cycles/', { query: { page_size: 50 } }),
          api('get', '/api/v1/me/certificates/', { query: { page_size: 50 } }),
        ])
        self.setData({
          message: '',
          cycles: cycles.results.map((c) => ({ ...c, finalized: dateText(c.finalized_at) })),
          certificates: certificates.results.map((c) => ({ ...c, issued: dateText(c.issued_at) })),
        })
      } catch (e) {
        self.setData({ message: errorMessage(e) })
      }
    },
    async openCertificate(e: WechatMiniprogram.BaseEvent) {
      const self = this as unknown as Self
      const id = (e.currentTarget.dataset as { id: string }).id
      self.setData({ busy: true, message: '' })
      try {
        const link = await api('post', '/api/v1/me/certificates/{enrolment_id}/download/', { path: { enrolment_id: id } })
        const file = await download(link.url)
        await new Promise<void>((resolve, reject) =>
          wx.openDocument({ filePath: file, fileType: 'pdf', showMenu: true, success: () => resolve(), fail: () => reject(new Error('无法打开证书文件')) }),
        )
      } catch (err) {
        self.setData({ message: err instanceof Error && !('status' in err) ? err.message : errorMessage(err) })
      } finally {
        self.setData({ busy: false })
      }
    },
  },
})

/** 学习: practice by category (题库练习), mock tests with a real sitting's blueprint (模拟自测), wrong-answer book, favourites. */
import type { Schemas } from '../../utils/api'
import { api, errorMessage } from '../../utils/request'
import { PageSelf } from '../../utils/ui'

interface Data {
  banks: Schemas['MyPracticeBankOutput'][]
  bank: string
  bankName: string
  categories: Schemas['MyPracticeCategoryOutput'][]
  sittings: Schemas['MyExamSittingOutput'][]
  message: string
}
type Self = PageSelf<Data, null> & { load(): Promise<void>; loadCategories(): Promise<void> }

Component({
  data: { banks: [], bank: '', bankName: '全部题库', categories: [], sittings: [], message: '' } as Data,
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
        const [banks, sittings] = await Promise.all([
          api('get', '/api/v1/me/practice/banks/', { query: { page_size: 50 } }),
          api('get', '/api/v1/me/exams/sittings/', { query: { page_size: 50 } }),
        ])
        self.setData({ banks: banks.results, sittings: sittings.results, message: '' })
        await self.loadCategories()
      } catch (e) {
        self.setData({ message: errorMessage(e) })
      }
    },
    async loadCategories() {
      const self = this as unknown as Self
      const r = await api('get', '/api/v1/me/practice/categories/', { query: { page_size: 100, ...(self.data.bank ? { bank: self.data.bank } : {}) } })
      self.setData({ categories: r.results })
    },
    async chooseBank(e: WechatMiniprogram.CustomEvent<{ value: number }>) {
      const self = this as unknown as Self
      const b = self.data.banks[Number(e.detail.value)]
      self.setData({ bank: b ? b.id : '', bankName: b ? b.name : '全部题库' })
      try {
        await self.loadCategories()
      } catch (err) {
        self.setData({ message: errorMessage(err) })
      }
    },
    practise(e: WechatMiniprogram.BaseEvent) {
      const self = this as unknown as Self
      const specialty = (e.currentTarget.dataset as { specialty: string }).specialty ?? ''
      const bank = self.data.bank ? `&bank=${self.data.bank}` : ''
      wx.navigateTo({ url: `/pages/practice/practice?mode=practice&source=bank&specialty=${encodeURIComponent(specialty)}${bank}` })
    },
    mock(e: WechatMiniprogram.BaseEvent) {
      wx.navigateTo({ url: `/pages/practice/practice?mode=mock&sitting=${(e.currentTarget.dataset as { id: string }).id}` })
    },
    openWrong() {
      wx.navigateTo({ url: '/pages/notebook/notebook?kind=wrong' })
    },
    openFavourites() {
      wx.navigateTo({ url: '/pages/notebook/notebook?kind=favourites' })
    },
  },
})

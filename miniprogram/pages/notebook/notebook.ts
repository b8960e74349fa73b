/** 错题集 / 收藏夹: the entries with the question, the key and the explanation; practise them again; remove. */
import type { Schemas } from '../../utils/api'
import { api, errorMessage } from '../../utils/request'
import { KIND_LABEL, PageSelf } from '../../utils/ui'

type Revealed = Schemas['MyPracticeRevealedQuestionOutput']
interface Entry {
  id: string
  kindLabel: string
  specialty: string
  stem: string
  options: { key: string; text: string; right: boolean; chosen: boolean }[]
  explanation: string
  note: string
  fromExam: boolean
}
interface Data {
  kind: 'wrong' | 'favourites'
  entries: Entry[]
  count: number
  page: number
  more: boolean
  message: string
}
type Self = PageSelf<Data, null> & { load(page: number): Promise<void> }

function entry(id: string, kind: string, specialty: string, c: Revealed | null | undefined, note: string, fromExam: boolean): Entry {
  return {
    id,
    kindLabel: KIND_LABEL[kind] ?? kind,
    specialty,
    stem: c ? c.stem : '',
    options: c ? c.options.map((o) => ({ key: o.key, text: o.text, right: c.key.includes(o.key), chosen: c.chosen.includes(o.key) })) : [],
    explanation: c ? c.explanation : '',
    note,
    fromExam,
  }
}

Component({
  data: { kind: 'wrong', entries: [], count: 0, page: 1, more: false, message: '' } as Data,
  methods: {
    onLoad(q: Record<string, string | undefined>) {
      const self = this as unknown as Self
      const kind = q.kind === 'favourites' ? 'favourites' : 'wrong'
      self.setData({ kind })
      wx.setNavigationBarTitle({ title: kind === 'wrong' ? '错题集' : '收藏夹' })
      return self.load(1)
    },
    async load(page: number) {
      const self = this as unknown as Self
      try {
        let entries: Entry[]
        let count: number
        let next: string | null | undefined
        if (self.data.kind === 'wrong') {
          const r = await api('get', '/api/v1/me/practice/wrong-answers/', { query: { status: 'open', page, page_size: 20 } })
          entries = r.results.map((w) => entry(w.id, w.kind, w.specialty, w.content as Revealed, `错 ${w.wrong_count} 次`, w.source === 'exam'))
          count = r.count
          next = r.next
        } else {
          const r = await api('get', '/api/v1/me/practice/favourites/', { query: { page, page_size: 20 } })
          entries = r.results.map((f) => entry(f.id, f.kind, f.specialty, f.content as Revealed, '', false))
          count = r.count
          next = r.next
        }
        self.setData({ entries: page === 1 ? entries : [...self.data.entries, ...entries], count, page, more: !!next, message: '' })
      } catch (e) {
        self.setData({ message: errorMessage(e) })
      }
    },
    onReachBottom() {
      const self = this as unknown as Self
      return self.data.more ? self.load(self.data.page + 1) : Promise.resolve()
    },
    practise() {
      const self = this as unknown as Self
      wx.navigateTo({ url: `/pages/practice/practice?mode=practice&source=${self.data.kind === 'wrong' ? 'wrong_book' : 'favourites'}` })
    },
    async remove(e: WechatMiniprogram.BaseEvent) {
      const self = this as unknown as Self
      const id = (e.currentTarget.dataset as { id: string }).id
      try {
        if (self.data.kind === 'wrong') await api('delete', '/api/v1/me/practice/wrong-answers/{wrong_id}/', { path: { wrong_id: id } })
        else await api('delete', '/api/v1/me/practice/favourites/{favourite_id}/', { path: { favourite_id: id } })
        self.setData({ entries: self.data.entries.filter((x) => x.id !== id), count: self.data.count - 1 })
      } catch (err) {
        self.setData({ message: errorMessage(err) })
      }
    },
  },
})

/**
 * A practice session (题库练习, 错题重练, 收藏练习) or a mock test (模拟自测). Practice: each answer is graded at
 * once and the reply shows the key and explanation. Mock test: the real blueprint and time limit, the server's
 * clock, graded on submission. Questions can be added to the favourites.
 */
import type { Schemas } from '../../utils/api'
import { ServerClock, formatSeconds } from '../../utils/clock'
import { api, errorMessage } from '../../utils/request'
import { KEYS, read } from '../../utils/storage'
import { KIND_LABEL, PageSelf, confirm, toast } from '../../utils/ui'

type Paper = Schemas['MyPracticePaperOutput']
type Q = Schemas['MyPracticeQuestionOutput']
const LETTERS = 'ABCDEFGH'

interface OptionView {
  id: string
  text: string
  letter: string
  selected: boolean
  right: boolean
}
interface View {
  id: string
  kind: string
  kindLabel: string
  stem: string
  options: OptionView[]
  correct: boolean | null
  explanation: string
  subs: View[]
  pending: string[]
}

interface Data {
  mode: string
  state: 'loading' | 'ready' | 'done' | 'error'
  message: string
  index: number
  total: number
  current: View | null
  remaining: string
  fontSize: number
  favourite: boolean
  score: string
  passed: boolean | null
}
interface State {
  session: string
  items: Q[]
  chosen: Record<string, string[]>
  results: Record<string, { correct: boolean | null; key: string[]; explanation: string }>
  favourites: Record<string, string>
  clock: ServerClock | null
  tick: ReturnType<typeof setInterval> | null
}
type Self = PageSelf<Data, State> & { render(): void; finish(p: Paper): void }

function view(q: { id: string; kind: string; stem: string; options?: { id: string; text: string }[] }, s: State, subs: View[] = []): View {
  const chosen = s.chosen[q.id] ?? []
  const res = s.results[q.id]
  return {
    id: q.id,
    kind: q.kind,
    kindLabel: KIND_LABEL[q.kind] ?? q.kind,
    stem: q.stem,
    options: (q.options ?? []).map((o, i) => ({ id: o.id, text: o.text, letter: LETTERS[i] ?? '', selected: chosen.includes(o.id), right: !!res && res.key.includes(o.id) })),
    correct: res ? res.correct : null,
    explanation: res ? res.explanation : '',
    subs,
    pending: chosen,
  }
}

Component({
  data: { mode: 'practice', state: 'loading', message: '', index: 0, total: 0, current: null, remaining: '', fontSize: 32, favourite: false, score: '', passed: null } as Data,
  methods: {
    async onLoad(q: Record<string, string | undefined>) {
      const self = this as unknown as Self
      self.s = { session: '', items: [], chosen: {}, results: {}, favourites: {}, clock: null, tick: null }
      const mode = q.mode === 'mock' ? 'mock' : 'practice'
      self.setData({ mode, fontSize: read<number>(KEYS.fontSize) ?? 32 })
      try {
        const sentAt = Date.now()
        const body =
          mode === 'mock'
            ? { mode: 'mock' as const, sitting: q.sitting ?? '' }
            : {
                mode: 'practice' as const,
                source: (q.source ?? 'bank') as 'bank' | 'wrong_book' | 'favourites',
                count: 20,
                ...(q.specialty ? { specialty: decodeURIComponent(q.specialty) } : {}),
                ...(q.bank ? { bank: q.bank } : {}),
              }
        const paper = await api('post', '/api/v1/me/practice/sessions/', { body })
        self.s.session = paper.session.id
        self.s.items = paper.items
        if (paper.remaining_seconds !== null && paper.remaining_seconds !== undefined) {
          self.s.clock = new ServerClock()
          self.s.clock.sync(paper.remaining_seconds, sentAt)
          self.s.tick = setInterval(() => {
            const c = self.s.clock!
            self.setData({ remaining: formatSeconds(c.remaining()) })
            if (c.expired() && self.data.state === 'ready') void (self as unknown as { submit(): Promise<void> }).submit()
          }, 1000)
        }
        self.setData({ state: 'ready', total: paper.items.length, index: 0 })
        self.render()
      } catch (e) {
        self.setData({ state: 'error', message: errorMessage(e) })
      }
    },
    onUnload() {
      const self = this as unknown as Self
      if (self.s && self.s.tick) clearInterval(self.s.tick)
    },
    render() {
      const self = this as unknown as Self
      const q = self.s.items[self.data.index]
      if (!q) return
      const subs = (q.subs ?? []).map((sub) => view(sub, self.s))
      self.setData({ current: view(q, self.s, subs), favourite: !!self.s.favourites[q.question_id] })
    },
    /** Practice: single choice is sent at once; multiple choice on 确认. Mock: kept until submission, saved as given. */
    async choose(e: WechatMiniprogram.BaseEvent) {
      const self = this as unknown as Self & { send(q: string): Promise<void> }
      const { q, o, kind } = e.currentTarget.dataset as { q: string; o: string; kind: string }
      if (self.data.mode === 'practice' && self.s.results[q]) return
      const cur = self.s.chosen[q] ?? []
      self.s.chosen[q] = kind === 'multiple' ? (cur.includes(o) ? cur.filter((x) => x !== o) : [...cur, o]) : [o]
      self.render()
      if (kind !== 'multiple' || self.data.mode === 'mock') await self.send(q)
    },
    async confirmMultiple(e: WechatMiniprogram.BaseEvent) {
      const self = this as unknown as Self & { send(q: string): Promise<void> }
      await self.send((e.currentTarget.dataset as { q: string }).q)
    },
    async send(q: string) {
      const self = this as unknown as Self
      const options = self.s.chosen[q] ?? []
      if (!options.length) return
      try {
        const r = await api('put', '/api/v1/me/practice/sessions/{session_id}/answers/', { path: { session_id: self.s.session }, body: { question: q, options } })
        if (r.correct !== null && r.correct !== undefined) {
          self.s.results[q] = { correct: r.correct, key: r.key ?? [], explanation: [r.explanation, r.group_explanation].filter(Boolean).join('\n') }
          self.s.chosen[q] = r.options
        }
        self.render()
      } catch (e) {
        toast(errorMessage(e))
      }
    },
    async toggleFavourite() {
      const self = this as unknown as Self
      const q = self.s.items[self.data.index]
      if (!q) return
      try {
        const have = self.s.favourites[q.question_id]
        if (have) {
          await api('delete', '/api/v1/me/practice/favourites/{favourite_id}/', { path: { favourite_id: have } })
          delete self.s.favourites[q.question_id]
        } else {
          const f = await api('post', '/api/v1/me/practice/favourites/', { body: { question: q.question_id } })
          self.s.favourites[q.question_id] = f.id
        }
        self.setData({ favourite: !have })
      } catch (e) {
        toast(errorMessage(e))
      }
    },
    prev() {
      const self = this as unknown as Self
      if (self.data.index > 0) {
        self.setData({ index: self.data.index - 1 })
        self.render()
      }
    },
    next() {
      const self = this as unknown as Self
      if (self.data.index + 1 < self.s.items.length) {
        self.setData({ index: self.data.index + 1 })
        self.render()
      }
    },
    async submitTap() {
      if (await confirm('结束练习', '确定交卷并查看结果吗？', '交卷')) await (this as unknown as { submit(): Promise<void> }).submit()
    },
    async submit() {
      const self = this as unknown as Self
      try {
        const p = await api('post', '/api/v1/me/practice/sessions/{session_id}/submit/', { path: { session_id: self.s.session } })
        self.finish(p)
      } catch (e) {
        toast(errorMessage(e))
      }
    },
    finish(p: Paper) {
      const self = this as unknown as Self
      if (self.s.tick) clearInterval(self.s.tick)
      self.s.tick = null
      for (const it of p.items) {
        const all = [it, ...(it.subs ?? [])] as { id: string; correct?: boolean | null; key?: string[]; explanation?: string; answer?: string[] }[]
        for (const x of all) {
          if (x.key) self.s.results[x.id] = { correct: x.correct ?? null, key: x.key, explanation: x.explanation ?? '' }
          if (x.answer) self.s.chosen[x.id] = x.answer
        }
      }
      self.s.items = p.items
      self.setData({ state: 'done', score: p.session.score ?? '', passed: p.session.passed ?? null, mode: 'review' })
      self.render()
    },
  },
})

/**
 * The exam (参加测评): camera photos on the platform's schedule, single / multiple / case-group questions,
 * answer sheet, mark for review, font size, countdown from the server's clock, previous / next.
 *
 * Order at the start of a proctored sitting: consent to face capture (else the consent page), the privacy
 * guide agreed and the camera permission granted (else the exam does not start and says why), then the
 * attempt is started (idempotent: a resume after the app was killed gets the same attempt with its saved
 * answers; answers still in the outbox are shown over them and drained).
 * Every answer goes to utils/answerQueue (persisted, retried with its (epoch, seq)); leaving the app (onHide)
 * and returning (onShow) are reported to the platform.
 */
import type { Schemas } from '../../utils/api'
import { drain, forgetAttempt, pending, pendingAnswers, reportEvent, saveAnswer, subscribe } from '../../utils/answerQueue'
import { ServerClock, formatSeconds } from '../../utils/clock'
import { deviceId } from '../../utils/device'
import { CameraRefused, ensureCamera, openCameraSetting } from '../../utils/privacy'
import { ApiError, api, errorMessage } from '../../utils/request'
import { KEYS, read, write } from '../../utils/storage'
import { KIND_LABEL, PageSelf, confirm, toast } from '../../utils/ui'
import { readFile, uploadSnapshot } from '../../utils/upload'

type Paper = Schemas['MyExamPaperOutput']
type Answer = { options: string[]; marked: boolean }

interface OptionView {
  id: string
  text: string
  letter: string
  selected: boolean
}
interface QuestionView {
  id: string
  kind: string
  kindLabel: string
  stem: string
  options: OptionView[]
  marked: boolean
  subs: QuestionView[]
}
interface SheetRow {
  index: number
  position: number
  answered: boolean
  marked: boolean
}

interface Data {
  state: 'loading' | 'refused' | 'ready' | 'submitted' | 'error'
  message: string
  canOpenSetting: boolean
  title: string
  proctored: boolean
  index: number
  total: number
  current: QuestionView | null
  remaining: string
  remainingSeconds: number
  fontSize: number
  sheetOpen: boolean
  sheet: SheetRow[]
  answeredCount: number
  markedCount: number
  unsaved: number
  photoNote: string
  score: string
}

interface State {
  sitting: string
  attempt: string
  items: Paper['items']
  answers: Record<string, Answer>
  clock: ServerClock
  tick: ReturnType<typeof setInterval> | null
  photoTimer: ReturnType<typeof setTimeout> | null
  unsubscribe: (() => void) | null
  submitting: boolean
  hidden: boolean
}

type Self = PageSelf<Data, State>

const FONT_SIZES = [28, 32, 38, 44]
const LETTERS = 'ABCDEFGH'

function freshState(): State {
  return {
    sitting: '',
    attempt: '',
    items: [],
    answers: {},
    clock: new ServerClock(),
    tick: null,
    photoTimer: null,
    unsubscribe: null,
    submitting: false,
    hidden: false,
  }
}

function optionViews(options: { id: string; text: string }[] | undefined, chosen: string[]): OptionView[] {
  return (options ?? []).map((o, i) => ({ id: o.id, text: o.text, letter: LETTERS[i] ?? '', selected: chosen.includes(o.id) }))
}

/** Every answerable question id (a case group's sub-questions, not the group). */
function answerables(items: Paper['items']): { id: string; index: number }[] {
  const out: { id: string; index: number }[] = []
  items.forEach((it, index) => {
    if (it.kind === 'case') it.subs.forEach((s) => out.push({ id: s.id, index }))
    else out.push({ id: it.id, index })
  })
  return out
}

Component({
  data: {
    state: 'loading',
    message: '正在准备考试……',
    canOpenSetting: false,
    title: '',
    proctored: false,
    index: 0,
    total: 0,
    current: null,
    remaining: '--:--',
    remainingSeconds: 0,
    fontSize: 32,
    sheetOpen: false,
    sheet: [],
    answeredCount: 0,
    markedCount: 0,
    unsaved: 0,
    photoNote: '',
    score: '',
  } as Data,

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const self = this as unknown as Self
      self.s = freshState()
      self.s.sitting = query.sitting ?? ''
      self.setData({ fontSize: read<number>(KEYS.fontSize) ?? 32 })
      return (this as unknown as { begin(): Promise<void> }).begin()
    },

    async begin(): Promise<void> {
      const self = this as unknown as Self & { render(): void; startTimers(): void }
      const s = self.s
      try {
        const status = await api('get', '/api/v1/me/proctoring/sittings/{sitting_id}/consent/', { path: { sitting_id: s.sitting } })
        if (status.proctored && !status.consented) {
          wx.redirectTo({ url: `/pages/consent/consent?sitting=${s.sitting}` })
          return
        }
        self.setData({ proctored: status.proctored })
        if (status.proctored) await ensureCamera()
        const sentAt = Date.now()
        let paper: Paper
        try {
          paper = await api('post', '/api/v1/me/exams/sittings/{sitting_id}/start/', { path: { sitting_id: s.sitting }, deviceId: deviceId() })
        } catch (e) {
          if (!(e instanceof ApiError) || e.code !== 'device_conflict') throw e
          const ok = await confirm('在本机继续考试？', '本场考试已在另一台设备上开始。在本机继续后，另一台设备将不能再作答。', '在本机继续')
          if (!ok) {
            self.setData({ state: 'error', message: '本场考试正在另一台设备上进行。' })
            return
          }
          // the attempt id is not known without the paper: the start reply of the other device names it
          const list = await api('get', '/api/v1/me/exams/attempts/')
          const open = list.results.find((a) => a.sitting === s.sitting && a.status === 'in_progress')
          if (!open) throw e
          paper = await api('post', '/api/v1/me/exams/attempts/{attempt_id}/takeover/', { path: { attempt_id: open.id }, deviceId: deviceId() })
        }
        if (paper.attempt.status !== 'in_progress') {
          self.setData({ state: 'submitted', title: paper.attempt.sitting_name, score: paper.attempt.score ?? '', message: '本场考试已交卷。' })
          return
        }
        s.attempt = paper.attempt.id
        s.items = paper.items
        s.clock.sync(paper.remaining_seconds, sentAt)
        // the server's answers, then what this phone still has to send (newer) on top
        for (const it of paper.items) {
          if (it.kind === 'case') for (const sub of it.subs) s.answers[sub.id] = { options: sub.answer ?? [], marked: !!sub.marked }
          else s.answers[it.id] = { options: it.answer ?? [], marked: !!it.marked }
        }
        const queued = pendingAnswers(s.attempt)
        for (const q of Object.keys(queued)) s.answers[q] = { options: queued[q].options, marked: queued[q].marked }
        s.unsubscribe = subscribe({
          changed: () => self.setData({ unsaved: pending(s.attempt).length }),
          rejected: (_item, err) => toast(err.message),
          conflict: () => toast('本场考试已在另一台设备上继续，本机的答案未能保存。'),
        })
        self.setData({ state: 'ready', title: paper.attempt.sitting_name, total: paper.items.length, index: 0 })
        self.render()
        self.startTimers()
        void drain()
        wx.setKeepScreenOn({ keepScreenOn: true })
      } catch (e) {
        if (e instanceof CameraRefused) {
          self.setData({ state: 'refused', message: e.message, canOpenSetting: e.reason === 'permission' })
          return
        }
        if (e instanceof ApiError && e.code === 'face_consent_required') {
          wx.redirectTo({ url: `/pages/consent/consent?sitting=${s.sitting}` })
          return
        }
        self.setData({ state: 'error', message: errorMessage(e) })
      }
    },

    startTimers() {
      const self = this as unknown as Self & { tickOnce(): void; schedulePhoto(): Promise<void>; syncClock(): Promise<void> }
      self.tickOnce()
      self.s.tick = setInterval(() => self.tickOnce(), 1000)
      if (self.data.proctored) void self.schedulePhoto()
    },

    tickOnce() {
      const self = this as unknown as Self & { submit(auto: boolean): Promise<void> }
      const left = self.s.clock.remaining()
      self.setData({ remaining: formatSeconds(left), remainingSeconds: left })
      if (self.s.clock.expired() && !self.s.submitting && self.data.state === 'ready') void self.submit(true)
    },

    async syncClock() {
      const self = this as unknown as Self
      if (!self.s.attempt) return
      const sentAt = Date.now()
      try {
        const sheet = await api('get', '/api/v1/me/exams/attempts/{attempt_id}/sheet/', { path: { attempt_id: self.s.attempt } })
        self.s.clock.sync(sheet.remaining_seconds, sentAt)
      } catch {
        /* offline: keep counting from the last sync */
      }
    },

    async schedulePhoto() {
      const self = this as unknown as Self & { takePhoto(): Promise<void>; schedulePhoto(): Promise<void> }
      if (!self.s.attempt || self.data.state !== 'ready') return
      try {
        const next = await api('get', '/api/v1/me/proctoring/attempts/{attempt_id}/next-snapshot/', { path: { attempt_id: self.s.attempt } })
        if (next.index === null || next.due_in_seconds === null) return
        self.s.photoTimer = setTimeout(() => void self.takePhoto(), Math.max(0, next.due_in_seconds) * 1000)
      } catch {
        self.s.photoTimer = setTimeout(() => void self.schedulePhoto(), 15000)
      }
    },

    takePhoto(): Promise<void> {
      const self = this as unknown as Self & { schedulePhoto(): Promise<void> }
      return new Promise<void>((resolve) => {
        const camera = wx.createCameraContext()
        camera.takePhoto({
          quality: 'normal',
          success: async (res) => {
            try {
              const bytes = await readFile(res.tempImagePath)
              await uploadSnapshot(self.s.attempt, bytes)
              self.setData({ photoNote: '' })
            } catch (e) {
              const msg = e instanceof Error ? e.message : '监考照片上传失败'
              self.setData({ photoNote: msg })
              toast(msg)
            }
            void self.schedulePhoto()
            resolve()
          },
          fail: () => {
            self.setData({ photoNote: '拍照失败，请保持摄像头可用。' })
            void self.schedulePhoto()
            resolve()
          },
        })
      })
    },

    render() {
      const self = this as unknown as Self
      const s = self.s
      const it = s.items[self.data.index]
      if (!it) return
      const ans = (id: string) => s.answers[id] ?? { options: [], marked: false }
      const view: QuestionView = {
        id: it.id,
        kind: it.kind,
        kindLabel: KIND_LABEL[it.kind] ?? it.kind,
        stem: it.stem,
        options: optionViews(it.options, ans(it.id).options),
        marked: ans(it.id).marked,
        subs: it.subs.map((sub) => ({
          id: sub.id,
          kind: sub.kind,
          kindLabel: KIND_LABEL[sub.kind] ?? sub.kind,
          stem: sub.stem,
          options: optionViews(sub.options, ans(sub.id).options),
          marked: ans(sub.id).marked,
          subs: [],
        })),
      }
      const rows: SheetRow[] = s.items.map((item, index) => {
        const ids = item.kind === 'case' ? item.subs.map((x) => x.id) : [item.id]
        return {
          index,
          position: item.position,
          answered: ids.every((id) => ans(id).options.length > 0),
          marked: ids.some((id) => ans(id).marked),
        }
      })
      const all = answerables(s.items)
      self.setData({
        current: view,
        sheet: rows,
        answeredCount: all.filter((a) => ans(a.id).options.length > 0).length,
        markedCount: all.filter((a) => ans(a.id).marked).length,
        unsaved: pending(s.attempt).length,
      })
    },

    /** Tap on an option: data-q (question or sub-question id), data-o (option id), data-kind. */
    choose(e: WechatMiniprogram.BaseEvent) {
      const self = this as unknown as Self & { render(): void }
      if (self.data.state !== 'ready') return
      const { q, o, kind } = e.currentTarget.dataset as { q: string; o: string; kind: string }
      const cur = self.s.answers[q] ?? { options: [], marked: false }
      let options: string[]
      if (kind === 'multiple') options = cur.options.includes(o) ? cur.options.filter((x) => x !== o) : [...cur.options, o]
      else options = [o]
      self.s.answers[q] = { options, marked: cur.marked }
      saveAnswer(self.s.attempt, q, options, cur.marked)
      self.render()
    },

    /** 标记: mark a question (or a case group's sub-question) for review; saved like an answer. */
    toggleMark(e: WechatMiniprogram.BaseEvent) {
      const self = this as unknown as Self & { render(): void }
      const { q } = e.currentTarget.dataset as { q: string }
      const cur = self.s.answers[q] ?? { options: [], marked: false }
      self.s.answers[q] = { options: cur.options, marked: !cur.marked }
      saveAnswer(self.s.attempt, q, cur.options, !cur.marked)
      self.render()
    },

    go(to: number) {
      const self = this as unknown as Self & { render(): void }
      if (to < 0 || to >= self.s.items.length) return
      self.setData({ index: to, sheetOpen: false })
      self.render()
    },
    prev() {
      const self = this as unknown as Self & { go(i: number): void }
      self.go(self.data.index - 1)
    },
    next() {
      const self = this as unknown as Self & { go(i: number): void }
      self.go(self.data.index + 1)
    },
    jump(e: WechatMiniprogram.BaseEvent) {
      const self = this as unknown as Self & { go(i: number): void }
      self.go(Number((e.currentTarget.dataset as { index: number }).index))
    },
    openSheet() {
      ;(this as unknown as Self).setData({ sheetOpen: true })
    },
    closeSheet() {
      ;(this as unknown as Self).setData({ sheetOpen: false })
    },
    /** 字体: cycle through four sizes, remembered on the phone. */
    fontSize() {
      const self = this as unknown as Self
      const at = FONT_SIZES.indexOf(self.data.fontSize)
      const size = FONT_SIZES[(at + 1) % FONT_SIZES.length]
      write(KEYS.fontSize, size)
      self.setData({ fontSize: size })
    },

    async submitTap() {
      const self = this as unknown as Self & { submit(auto: boolean): Promise<void> }
      const left = answerables(self.s.items).filter((a) => !(self.s.answers[a.id]?.options.length)).length
      const ok = await confirm('确认交卷', left ? `还有 ${left} 道题未作答，交卷后不能修改。` : '交卷后不能修改答案。', '交卷')
      if (ok) await self.submit(false)
    },

    /** Everything queued goes first; the submission waits for it (an unsent answer would not be graded). */
    async submit(auto: boolean) {
      const self = this as unknown as Self & { stop(): void }
      const s = self.s
      if (s.submitting) return
      s.submitting = true
      try {
        await drain()
        if (pending(s.attempt).some((i) => i.kind === 'answer')) {
          toast(auto ? '考试时间到，仍有答案未保存：平台将按已保存的答案交卷，请尽快恢复网络。' : '还有答案未保存到平台，请检查网络后再交卷。')
          if (!auto) return
        }
        const done = await api('post', '/api/v1/me/exams/attempts/{attempt_id}/submit/', { path: { attempt_id: s.attempt }, deviceId: deviceId() })
        forgetAttempt(s.attempt)
        self.stop()
        self.setData({ state: 'submitted', score: done.score ?? '', message: auto ? '考试时间到，已自动交卷。' : '已交卷。' })
      } catch (e) {
        if (e instanceof ApiError && e.code === 'attempt_closed') {
          forgetAttempt(s.attempt)
          self.stop()
          self.setData({ state: 'submitted', message: '本场考试已交卷。' })
        } else toast(errorMessage(e))
      } finally {
        s.submitting = false
      }
    },

    stop() {
      const s = (this as unknown as Self).s
      if (!s) return
      if (s.tick) clearInterval(s.tick)
      if (s.photoTimer) clearTimeout(s.photoTimer)
      s.tick = null
      s.photoTimer = null
      if (s.unsubscribe) s.unsubscribe()
      s.unsubscribe = null
    },

    async openSetting() {
      const self = this as unknown as Self & { begin(): Promise<void> }
      if (await openCameraSetting()) {
        self.setData({ state: 'loading', message: '正在准备考试……' })
        await self.begin()
      }
    },

    cameraError() {
      const self = this as unknown as Self & { stop(): void }
      if (self.data.state !== 'ready') return
      self.setData({ photoNote: '摄像头不可用：本场考试需要拍照监考，请在设置中允许使用摄像头。' })
    },

    onShow() {
      const self = this as unknown as Self & { syncClock(): Promise<void> }
      if (!self.s || !self.s.attempt || self.data.state !== 'ready') return
      if (self.s.hidden) {
        self.s.hidden = false
        reportEvent(self.s.attempt, 'show')
        void self.syncClock()
      }
      void drain()
    },

    onHide() {
      const self = this as unknown as Self
      if (!self.s || !self.s.attempt || self.data.state !== 'ready') return
      self.s.hidden = true
      reportEvent(self.s.attempt, 'hide')
    },

    onUnload() {
      ;(this as unknown as { stop(): void }).stop()
    },
  },
})

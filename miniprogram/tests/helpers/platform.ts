/**
 * An in-memory stand-in for the platform's API, with the rules the mini-program relies on (decisions 0003,
 * 0008, 0013, 0016): rotating refresh tokens (a reused refresh token revokes the family), WeChat login and
 * bind, the exam attempt with answers kept by the highest (epoch, seq), one device per attempt, the server's
 * clock, the proctoring schedule and a write-once object store that checks the signed length and SHA-256.
 */
import { createHash } from 'crypto'
import { BASE, FakeWx, Req, STORE, err } from './wx'

const P = '/api/v1'

export interface StoredAnswer {
  options: string[]
  marked: boolean
  client_epoch: number
  seq: number
}

export class FakePlatform {
  accessValid = new Set<string>()
  refreshValid = new Set<string>()
  refreshUsed = new Set<string>()
  refreshCalls = 0
  n = 0
  bound = new Set<string>()
  boundCode = '246810'
  answers = new Map<string, StoredAnswer>()
  /** Every answer save the server applied, in order: question, seq. */
  applied: { question: string; seq: number; epoch: number }[] = []
  remaining = 1800
  attemptId = 'att-1'
  sittingId = 'sit-1'
  device: string | null = null
  proctored = true
  consented = false
  referenceReady = true
  nextDueIn: number | null = 0
  snapshots = new Map<string, { size: number; sha256: string; key: string; registered: boolean; contentType: string }>()
  store = new Map<string, ArrayBuffer>()
  storeFailures = 0
  events: { kind: string; seq: number }[] = []
  submitted = false

  constructor(private wx: FakeWx) {}

  tokenPair() {
    this.n++
    const access = `acc-${this.n}`
    const refresh = `ref-${this.n}`
    this.accessValid.add(access)
    this.refreshValid.add(refresh)
    return {
      access,
      refresh,
      access_expires_at: new Date(Date.now() + 1800e3).toISOString(),
      refresh_expires_at: new Date(Date.now() + 14 * 86400e3).toISOString(),
      must_change_password: false,
      password_change_reason: null,
    }
  }

  /** Give the app a logged-in session (as after a login). */
  seedSession(): void {
    const pair = this.tokenPair()
    this.wx.storage.set('pap.tokens', pair)
  }

  /** The access tokens expire now (30 min passed). */
  expireAccess(): void {
    this.accessValid.clear()
  }

  private authed(req: Req): boolean {
    const h = req.header.Authorization ?? ''
    return this.accessValid.has(h.replace('Bearer ', ''))
  }

  paper() {
    return {
      attempt: {
        id: this.attemptId,
        sitting: this.sittingId,
        sitting_name: '2026年度定期考核业务水平测评',
        number: 1,
        is_makeup: false,
        status: this.submitted ? 'submitted' : 'in_progress',
        started_at: new Date().toISOString(),
        deadline: new Date(Date.now() + this.remaining * 1000).toISOString(),
        submitted_at: null,
        score: null,
        max_score: '100.00',
        passed: null,
        voided_at: null,
      },
      items: [
        { id: 'q1', kind: 'single', stem: '单选题一', position: 1, points: '2', options: [{ id: 'q1a', text: 'A 项' }, { id: 'q1b', text: 'B 项' }], answer: this.answers.get('q1')?.options ?? [], marked: this.answers.get('q1')?.marked ?? false, subs: [] },
        { id: 'q2', kind: 'multiple', stem: '多选题二', position: 2, points: '2', options: [{ id: 'q2a', text: '甲' }, { id: 'q2b', text: '乙' }, { id: 'q2c', text: '丙' }], answer: this.answers.get('q2')?.options ?? [], marked: false, subs: [] },
        {
          id: 'q3', kind: 'case', stem: '病例：患者男，45岁……', position: 3, points: '4', options: [], subs: [
            { id: 'q3s1', kind: 'single', stem: '最可能的诊断', options: [{ id: 'q3s1a', text: '甲' }, { id: 'q3s1b', text: '乙' }], answer: this.answers.get('q3s1')?.options ?? [], marked: false },
            { id: 'q3s2', kind: 'multiple', stem: '首选检查', options: [{ id: 'q3s2a', text: '甲' }, { id: 'q3s2b', text: '乙' }], answer: this.answers.get('q3s2')?.options ?? [], marked: false },
          ],
        },
      ],
      remaining_seconds: this.remaining,
      revealed: false,
    }
  }

  install(): this {
    const w = this.wx
    const guard = (h: (req: Req) => ReturnType<Parameters<FakeWx['on']>[2]>) => (req: Req) =>
      this.authed(req) ? h(req) : err(401, 'authentication_failed', '身份认证信息无效')
    w.on('POST', `${P}/auth/wechat/login/`, (req) => {
      const code = (req.data as { code: string }).code
      if (this.bound.has('me') || code === 'bound')
        return { status: 200, data: { status: 'logged_in', code: null, bind_ticket: null, bind_ticket_expires_at: null, ...this.tokenPair() } }
      return { status: 200, data: { status: 'not_bound', code: 'wechat_not_bound', access: null, refresh: null, access_expires_at: null, refresh_expires_at: null, must_change_password: false, password_change_reason: null, bind_ticket: 'ticket-1', bind_ticket_expires_at: new Date(Date.now() + 600e3).toISOString() } }
    })
    w.on('POST', `${P}/auth/wechat/bind-code/`, () => ({ status: 202, data: { detail: '如果信息无误，验证码已发送。', code_expires_in: 600 } }))
    w.on('POST', `${P}/auth/wechat/bind/`, (req) => {
      const b = req.data as { ticket: string; code: string }
      if (b.ticket !== 'ticket-1' || b.code !== this.boundCode) return err(400, 'bind_failed', '验证码错误或已失效。')
      this.bound.add('me')
      return { status: 200, data: this.tokenPair() }
    })
    w.on('POST', `${P}/auth/refresh/`, (req) => {
      this.refreshCalls++
      const r = (req.data as { refresh: string }).refresh
      if (this.refreshUsed.has(r)) {
        // replay of a rotated token: the family is revoked
        this.refreshValid.clear()
        this.accessValid.clear()
        return err(401, 'refresh_reused', '登录已失效，请重新登录。')
      }
      if (!this.refreshValid.has(r)) return err(401, 'refresh_invalid', '登录已失效，请重新登录。')
      this.refreshValid.delete(r)
      this.refreshUsed.add(r)
      return { status: 200, data: this.tokenPair() }
    })
    w.on('POST', `${P}/auth/logout/`, guard(() => ({ status: 204 })))
    w.on('GET', `${P}/me/exams/sittings/`, guard(() => ({ status: 200, data: { count: 1, next: null, previous: null, results: [{ id: this.sittingId, name: '2026年度定期考核业务水平测评', opens_at: new Date(Date.now() - 3600e3).toISOString(), closes_at: new Date(Date.now() + 7200e3).toISOString(), time_limit_minutes: 90, total_points: '100', pass_mark: '60.00', proctored: true, attempt: null }] } })))
    w.on('GET', `${P}/me/proctoring/sittings/{sitting_id}/consent/`, guard(() => ({ status: 200, data: { sitting: this.sittingId, proctored: this.proctored, version: 'v1', consented: this.consented, given_at: null, reference_ready: this.referenceReady } })))
    w.on('GET', `${P}/me/proctoring/consent-text/`, guard(() => ({ status: 200, data: { version: 'v1', texts: { 'zh-CN': '为核验考生身份，考试期间将随机拍摄您的面部照片……', en: 'Photos…' }, sha256: 'ab' } })))
    w.on('POST', `${P}/me/proctoring/sittings/{sitting_id}/consent/`, guard((req) => {
      const b = req.data as { version: string; agree: boolean }
      if (!b.agree) return err(400, 'consent_required', '须同意')
      this.consented = true
      return { status: 201, data: { id: 'c1', sitting: this.sittingId, text_version: b.version, given_at: new Date().toISOString() } }
    }))
    w.on('POST', `${P}/me/exams/sittings/{sitting_id}/start/`, guard((req) => {
      if (this.proctored && !this.consented) return err(409, 'face_consent_required', '请先同意人脸采集。')
      const dev = req.header['X-Device-Id']
      if (this.device && dev !== this.device) return err(409, 'device_conflict', '本次考试已在另一台设备上进行。')
      const created = !this.device
      this.device = dev
      return { status: created ? 201 : 200, data: this.paper() }
    }))
    w.on('GET', `${P}/me/exams/attempts/`, guard(() => ({ status: 200, data: { count: 1, next: null, previous: null, results: [this.paper().attempt] } })))
    w.on('POST', `${P}/me/exams/attempts/{attempt_id}/takeover/`, guard((req) => {
      this.device = req.header['X-Device-Id']
      return { status: 200, data: this.paper() }
    }))
    w.on('GET', `${P}/me/exams/attempts/{attempt_id}/sheet/`, guard(() => ({ status: 200, data: { questions: [], answered: this.answers.size, unanswered: 4 - this.answers.size, marked: 0, remaining_seconds: this.remaining, deadline: new Date(Date.now() + this.remaining * 1000).toISOString(), status: 'in_progress' } })))
    w.on('PUT', `${P}/me/exams/attempts/{attempt_id}/answers/`, guard((req) => {
      if (this.submitted) return err(409, 'attempt_closed', '本次作答已交卷。')
      if (req.header['X-Device-Id'] !== this.device) return err(409, 'device_conflict', '另一台设备')
      const b = req.data as { question: string; options: string[]; marked?: boolean; client_epoch: number; seq: number }
      const cur = this.answers.get(b.question)
      const newer = !cur || b.client_epoch > cur.client_epoch || (b.client_epoch === cur.client_epoch && b.seq > cur.seq)
      if (newer) {
        this.answers.set(b.question, { options: b.options, marked: !!b.marked, client_epoch: b.client_epoch, seq: b.seq })
        this.applied.push({ question: b.question, seq: b.seq, epoch: b.client_epoch })
      }
      const s = this.answers.get(b.question)!
      return { status: 200, data: { question: b.question, ...s, saved_at: new Date().toISOString(), applied: newer } }
    }))
    w.on('POST', `${P}/me/exams/attempts/{attempt_id}/submit/`, guard(() => {
      this.submitted = true
      return { status: 200, data: { ...this.paper().attempt, status: 'submitted', submitted_at: new Date().toISOString(), score: '80.00', passed: true } }
    }))
    w.on('GET', `${P}/me/proctoring/attempts/{attempt_id}/next-snapshot/`, guard(() => ({ status: 200, data: this.nextDueIn === null ? { index: null, due_at: null, due_in_seconds: null, window_seconds: 120, remaining: 0 } : { index: this.snapshots.size, due_at: new Date(Date.now() + this.nextDueIn * 1000).toISOString(), due_in_seconds: this.nextDueIn, window_seconds: 120, remaining: 3 } })))
    w.on('POST', `${P}/me/proctoring/attempts/{attempt_id}/snapshots/`, guard((req) => {
      const b = req.data as { content_type: string; size: number; sha256: string }
      const id = `snap-${this.snapshots.size + 1}`
      const key = `proctoring/snapshots/${this.sittingId}/${this.attemptId}/${this.snapshots.size}-x.${b.content_type === 'image/png' ? 'png' : 'jpg'}`
      this.snapshots.set(id, { size: b.size, sha256: b.sha256, key, registered: false, contentType: b.content_type })
      const checksum = Buffer.from(b.sha256, 'hex').toString('base64')
      return {
        status: 201,
        data: {
          snapshot: id,
          index: this.snapshots.size - 1,
          upload: {
            method: 'PUT',
            url: `${STORE}/pap/${key}?X-Amz-Signature=sig`,
            headers: { 'Content-Type': b.content_type, 'Content-Length': String(b.size), 'x-amz-checksum-sha256': checksum, 'If-None-Match': '*' },
            expires_at: new Date(Date.now() + 60e3).toISOString(),
            fields: {},
            file_field: '',
          },
        },
      }
    }))
    w.on('PUT', 'store:*', (req) => {
      if (this.storeFailures > 0) {
        this.storeFailures--
        return { status: 503, data: 'SlowDown' }
      }
      const key = req.path.replace(/^\/pap\//, '')
      const snap = [...this.snapshots.values()].find((s) => s.key === key)
      if (!snap) return { status: 403, data: 'SignatureDoesNotMatch' }
      const body = req.data as ArrayBuffer
      if (req.header['Content-Length'] !== String(snap.size) || body.byteLength !== snap.size) return { status: 403, data: 'length' }
      if (req.header['Content-Type'] !== snap.contentType) return { status: 403, data: 'type' }
      const digest = createHash('sha256').update(Buffer.from(body)).digest('base64')
      if (req.header['x-amz-checksum-sha256'] !== digest) return { status: 400, data: 'BadDigest' }
      if (req.header['If-None-Match'] !== '*') return { status: 403, data: 'unsigned header' }
      if (this.store.has(key)) return { status: 412, data: 'PreconditionFailed' }
      this.store.set(key, body)
      return { status: 200, data: '' }
    })
    w.on('POST', `${P}/me/proctoring/snapshots/{snapshot_id}/register/`, guard((req) => {
      const snap = this.snapshots.get(req.params.snapshot_id)
      if (!snap || !this.store.has(snap.key)) return err(409, 'upload_not_found', '没有找到上传的照片。')
      snap.registered = true
      return { status: 200, data: { id: req.params.snapshot_id, index: 0, due_at: new Date().toISOString(), status: 'registered', sha256: snap.sha256, registered_at: new Date().toISOString(), analysed_at: null, flags: [], face_count: null, match_score: null, matched: null, deleted_at: null, upload_method: 'put' } }
    }))
    w.on('POST', `${P}/me/proctoring/attempts/{attempt_id}/events/`, guard((req) => {
      const b = req.data as { kind: string; seq: number }
      const recorded = !this.events.some((e) => e.seq === b.seq)
      if (recorded) this.events.push(b)
      return { status: 200, data: { leave_count: this.events.filter((e) => e.kind === 'hide').length, recorded } }
    }))
    return this
  }
}

export { BASE }

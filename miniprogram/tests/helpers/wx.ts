/**
 * The outside world of the mini-program, faked at the `wx.*` edge: storage (kept across a simulated app kill),
 * the network (an in-memory platform that answers by OpenAPI path template, checks every request against the
 * contract, and can go offline), wx.login, the camera, the file system, permissions and the UI calls.
 * It lives on globalThis so that `jest.resetModules()` (a restarted app) keeps the same phone.
 */
import { checkReply, checkRequest } from './contract'

export const BASE = 'http://127.0.0.1:8000'
export const STORE = 'https://store.test'

export interface Req {
  method: string
  url: string
  path: string
  template: string
  params: Record<string, string>
  query: Record<string, string>
  header: Record<string, string>
  data: unknown
}
export interface Res {
  status: number
  data?: unknown
}
type Handler = (req: Req) => Res | Promise<Res>

interface Route {
  method: string
  template: string
  regex: RegExp
  names: string[]
  handler: Handler
}

export function err(status: number, code: string, detail = code): Res {
  return { status, data: { type: status >= 500 ? 'server_error' : 'client_error', errors: [{ code, detail, attr: null }] } }
}

export class FakeWx {
  storage = new Map<string, unknown>()
  online = true
  /** Every request that reached the network (API and object store). */
  calls: Req[] = []
  /** Contract problems seen; tests assert this stays empty. */
  violations: string[] = []
  routes: Route[] = []
  files = new Map<string, ArrayBuffer>()
  loginCount = 0
  platform: 'ios' | 'android' = 'android'
  photo: ArrayBuffer = jpeg()
  cameraGranted = true
  privacyAgreed = true
  ui: { kind: string; args: unknown }[] = []
  privacyHandler: ((resolve: (r: unknown) => void) => void) | null = null
  /** Hold replies until release() (to test concurrency). */
  private held: (() => void)[] = []
  hold = false

  on(method: string, template: string, handler: Handler): this {
    const names: string[] = []
    const regex = new RegExp(
      '^' +
        template.replace(/\{(\w+)\}/g, (_, n: string) => {
          names.push(n)
          return '([^/?]+)'
        }) +
        '$',
    )
    this.routes.unshift({ method: method.toUpperCase(), template, regex, names, handler })
    return this
  }

  release(): void {
    const h = this.held
    this.held = []
    h.forEach((f) => f())
  }

  apiCalls(method?: string, template?: string): Req[] {
    return this.calls.filter((c) => (!method || c.method === method) && (!template || c.template === template))
  }

  uiCalls(kind: string): unknown[] {
    return this.ui.filter((u) => u.kind === kind).map((u) => u.args)
  }

  private async dispatch(o: WechatMiniprogram.RequestOption): Promise<Res> {
    const url = o.url
    const [pathPart, queryPart] = url.replace(/^https?:\/\/[^/]+/, '').split('?')
    const query: Record<string, string> = {}
    for (const kv of (queryPart ?? '').split('&').filter(Boolean)) {
      const [k, v] = kv.split('=')
      query[decodeURIComponent(k)] = decodeURIComponent(v ?? '')
    }
    const method = (o.method ?? 'GET').toUpperCase()
    const header = (o.header ?? {}) as Record<string, string>
    let data: unknown = o.data
    if (typeof data === 'string') {
      try {
        data = JSON.parse(data)
      } catch {
        /* keep */
      }
    }
    const route = this.routes.find((r) => r.method === method && r.regex.test(pathPart) && (url.startsWith(STORE) ? r.template.startsWith('store:') : !r.template.startsWith('store:')))
      ?? this.routes.find((r) => r.method === method && url.startsWith(STORE) && r.template === 'store:*')
    const params: Record<string, string> = {}
    if (route && !route.template.startsWith('store:')) {
      const m = route.regex.exec(pathPart)!
      route.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1])))
    }
    const req: Req = { method, url, path: pathPart, template: route?.template ?? pathPart, params, query, header, data }
    this.calls.push(req)
    if (url.startsWith(BASE)) {
      const problems = checkRequest(method, pathPart, header, method === 'GET' ? undefined : data, query)
      this.violations.push(...problems)
      if (!header['Accept-Language']) this.violations.push(`${method} ${pathPart}: no Accept-Language`)
    }
    if (!route) return err(599, 'unrouted', `no fake for ${method} ${pathPart}`)
    const res = await route.handler(req)
    if (url.startsWith(BASE)) this.violations.push(...checkReply(method, pathPart, res.status, res.data).map((m) => `(fake) ${m}`))
    return res
  }

  /** The `wx` object the app sees. */
  api(): Record<string, unknown> {
    const self = this
    const later = (f: () => void) => setTimeout(f, 0)
    return {
      getStorageSync: (k: string) => (self.storage.has(k) ? JSON.parse(JSON.stringify(self.storage.get(k))) : ''),
      setStorageSync: (k: string, v: unknown) => void self.storage.set(k, JSON.parse(JSON.stringify(v))),
      removeStorageSync: (k: string) => void self.storage.delete(k),
      getAccountInfoSync: () => ({ miniProgram: { envVersion: 'develop', appId: 'wx-test', version: '' } }),
      getAppBaseInfo: () => ({ language: 'zh_CN' }),
      getDeviceInfo: () => ({ platform: self.platform }),
      request(o: WechatMiniprogram.RequestOption) {
        const task = { abort() {} }
        later(() => {
          if (!self.online) {
            self.calls.push({ method: o.method ?? 'GET', url: o.url, path: '', template: 'offline', params: {}, query: {}, header: {}, data: o.data })
            o.fail && o.fail({ errMsg: 'request:fail' } as never)
            return
          }
          const go = () =>
            Promise.resolve(self.dispatch(o)).then((res) => {
              if (res.status === 0) {
                o.fail && o.fail({ errMsg: 'request:fail timeout' } as never)
                return
              }
              o.success && o.success({ statusCode: res.status, data: res.data ?? '', header: {}, cookies: [], errMsg: 'request:ok' } as unknown as WechatMiniprogram.RequestSuccessCallbackResult)
            })
          if (self.hold) self.held.push(go)
          else void go()
        })
        return task
      },
      uploadFile(o: WechatMiniprogram.UploadFileOption) {
        later(() => {
          if (!self.online) return o.fail && o.fail({ errMsg: 'uploadFile:fail' })
          void Promise.resolve(
            self.dispatch({ url: o.url, method: 'POST', header: o.header, data: { ...(o.formData ?? {}), [o.name]: `file:${o.filePath}` } } as WechatMiniprogram.RequestOption),
          ).then((res) =>
            o.success && o.success({ statusCode: res.status, data: JSON.stringify(res.data ?? ''), errMsg: 'uploadFile:ok' } as never),
          )
        })
        return { abort() {}, onProgressUpdate() {} }
      },
      downloadFile(o: WechatMiniprogram.DownloadFileOption) {
        self.ui.push({ kind: 'downloadFile', args: o.url })
        later(() => (self.online ? o.success && o.success({ statusCode: 200, tempFilePath: 'wxfile://tmp/cert.pdf', errMsg: 'ok' } as WechatMiniprogram.DownloadFileSuccessCallbackResult) : o.fail && o.fail({ errMsg: 'downloadFile:fail' })))
        return { abort() {} }
      },
      login(o: WechatMiniprogram.LoginOption) {
        self.loginCount++
        const code = `code-${self.loginCount}`
        later(() => o.success && o.success({ code, errMsg: 'login:ok' }))
      },
      getFileSystemManager: () => ({
        readFile(o: { filePath: string; success?: (r: { data: ArrayBuffer }) => void; fail?: (e: { errMsg: string }) => void }) {
          later(() => {
            const data = self.files.get(o.filePath)
            if (data) o.success && o.success({ data: data.slice(0) })
            else o.fail && o.fail({ errMsg: 'readFile:fail no such file' })
          })
        },
      }),
      createCameraContext: () => ({
        takePhoto(o: { quality?: string; success?: (r: { tempImagePath: string }) => void; fail?: (e: { errMsg: string }) => void }) {
          const path = `wxfile://tmp/photo-${self.files.size + 1}.${self.platform === 'ios' ? 'png' : 'jpg'}`
          self.files.set(path, self.platform === 'ios' ? png() : self.photo)
          later(() => o.success && o.success({ tempImagePath: path }))
        },
      }),
      authorize(o: { scope: string; success?: () => void; fail?: (e: { errMsg: string }) => void }) {
        later(() => (self.cameraGranted ? o.success && o.success() : o.fail && o.fail({ errMsg: 'authorize:fail auth deny' })))
      },
      getSetting(o: { success?: (r: unknown) => void }) {
        later(() => o.success && o.success({ authSetting: { 'scope.camera': self.cameraGranted } }))
      },
      openSetting(o: { success?: (r: unknown) => void }) {
        self.ui.push({ kind: 'openSetting', args: null })
        later(() => o.success && o.success({ authSetting: { 'scope.camera': self.cameraGranted } }))
      },
      requirePrivacyAuthorize(o: { success?: () => void; fail?: (e: { errMsg: string }) => void }) {
        later(() => (self.privacyAgreed ? o.success && o.success() : o.fail && o.fail({ errMsg: 'requirePrivacyAuthorize:fail privacy permission is not authorized' })))
      },
      onNeedPrivacyAuthorization(h: (resolve: (r: unknown) => void) => void) {
        self.privacyHandler = h
      },
      openPrivacyContract: (o: { success?: () => void }) => o && o.success && o.success(),
      showToast: (a: unknown) => void self.ui.push({ kind: 'toast', args: a }),
      showLoading: () => undefined,
      hideLoading: () => undefined,
      showModal(a: { title?: string; content?: string; success?: (r: { confirm: boolean; cancel: boolean }) => void }) {
        self.ui.push({ kind: 'modal', args: { title: a.title, content: a.content } })
        later(() => a.success && a.success({ confirm: self.modalConfirm, cancel: !self.modalConfirm }))
      },
      navigateTo: (a: { url: string }) => void self.ui.push({ kind: 'navigateTo', args: a.url }),
      redirectTo: (a: { url: string }) => void self.ui.push({ kind: 'redirectTo', args: a.url }),
      reLaunch: (a: { url: string }) => void self.ui.push({ kind: 'reLaunch', args: a.url }),
      switchTab: (a: { url: string }) => void self.ui.push({ kind: 'switchTab', args: a.url }),
      navigateBack: () => void self.ui.push({ kind: 'navigateBack', args: null }),
      openDocument(a: { filePath: string; showMenu?: boolean; success?: () => void }) {
        self.ui.push({ kind: 'openDocument', args: a })
        later(() => a.success && a.success())
      },
      chooseMedia(a: { success?: (r: unknown) => void }) {
        const path = `wxfile://tmp/chosen-${self.files.size + 1}.jpg`
        self.files.set(path, jpeg())
        later(() => a.success && a.success({ tempFiles: [{ tempFilePath: path, size: 100, fileType: 'image' }] }))
      },
      setKeepScreenOn: () => undefined,
      onAppShow: () => undefined,
      onAppHide: () => undefined,
      onNetworkStatusChange: () => undefined,
      setNavigationBarTitle: () => undefined,
      stopPullDownRefresh: () => undefined,
    }
  }

  modalConfirm = true
}

/** A tiny valid-looking JPEG / PNG (magic bytes and some payload). */
export function jpeg(seed = 1): ArrayBuffer {
  const b = new Uint8Array(64)
  b.set([0xff, 0xd8, 0xff, 0xe0])
  for (let i = 4; i < 62; i++) b[i] = (i * 7 + seed) & 0xff
  b.set([0xff, 0xd9], 62)
  return b.buffer
}

export function png(): ArrayBuffer {
  const b = new Uint8Array(48)
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  for (let i = 8; i < 48; i++) b[i] = (i * 13) & 0xff
  return b.buffer
}

declare global {
  // eslint-disable-next-line no-var
  var __fakeWx: FakeWx
}

export function phone(): FakeWx {
  return globalThis.__fakeWx
}

/** Wait for queued timers/promises (the fake answers on setTimeout 0). */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 0))
}

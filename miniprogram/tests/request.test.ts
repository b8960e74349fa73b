/** Tokens: silent refresh with rotating refresh tokens, one refresh for concurrent 401s, the answer kept. */
import { FakePlatform } from './helpers/platform'
import { phone } from './helpers/wx'

type Request = typeof import('../utils/request')
let platform: FakePlatform

function boot() {
  jest.resetModules()
  return {
    request: require('../utils/request') as Request,
    queue: require('../utils/answerQueue') as typeof import('../utils/answerQueue'),
    device: require('../utils/device') as typeof import('../utils/device'),
  }
}

beforeEach(() => {
  const w = phone()
  w.storage.clear()
  w.calls = []
  w.violations = []
  w.routes = []
  w.online = true
  w.hold = false
  platform = new FakePlatform(w).install()
  platform.seedSession()
})
afterEach(() => expect(phone().violations).toEqual([]))

test('every call carries the bearer token and Accept-Language zh-CN', async () => {
  const { request } = boot()
  await request.api('get', '/api/v1/me/exams/sittings/', { query: { page: 1 } })
  const call = phone().apiCalls('GET', '/api/v1/me/exams/sittings/')[0]
  expect(call.header.Authorization).toBe('Bearer acc-1')
  expect(call.header['Accept-Language']).toBe('zh-CN')
  expect(call.query).toEqual({ page: '1' })
})

test('the access token expires mid-exam: refreshed silently, the answer saved, the new pair stored', async () => {
  // given
  const { queue, device } = boot()
  platform.device = device.deviceId()
  platform.expireAccess()
  // when
  queue.saveAnswer('att-1', 'q1', ['q1b'], false)
  await queue.drain()
  // then
  expect(platform.answers.get('q1')!.options).toEqual(['q1b'])
  expect(platform.refreshCalls).toBe(1)
  const puts = phone().apiCalls('PUT', '/api/v1/me/exams/attempts/{attempt_id}/answers/')
  expect(puts.map((c) => c.header.Authorization)).toEqual(['Bearer acc-1', 'Bearer acc-2'])
  expect((phone().storage.get('pap.tokens') as { refresh: string }).refresh).toBe('ref-2')
  expect(queue.pending()).toHaveLength(0)
})

test('several requests hit a 401 at once: ONE refresh (a second would reuse the rotated token and end the session)', async () => {
  // given
  const { request } = boot()
  platform.expireAccess()
  // when
  const replies = await Promise.all([
    request.api('get', '/api/v1/me/exams/sittings/'),
    request.api('get', '/api/v1/me/exams/sittings/'),
    request.api('get', '/api/v1/me/exams/attempts/{attempt_id}/sheet/', { path: { attempt_id: 'att-1' } }),
  ])
  // then
  expect(platform.refreshCalls).toBe(1)
  expect(replies).toHaveLength(3)
  expect(platform.refreshValid.has('ref-2')).toBe(true)
})

test('the refresh token is no longer valid: the session ends, the queued answer stays for after the next login', async () => {
  // given
  const { request, queue, device } = boot()
  platform.device = device.deviceId()
  platform.expireAccess()
  platform.refreshValid.clear()
  let expired = 0
  request.onSessionExpired(() => expired++)
  // when
  queue.saveAnswer('att-1', 'q1', ['q1a'], false)
  await queue.drain()
  // then
  expect(expired).toBe(1)
  expect(request.isLoggedIn()).toBe(false)
  expect(queue.pending()).toHaveLength(1)
  expect(queue.queueState()).toBe('blocked')
})

test('no network: a NetworkError with a Chinese message, no token dropped', async () => {
  const { request } = boot()
  phone().online = false
  await expect(request.api('get', '/api/v1/me/exams/sittings/')).rejects.toThrow('网络连接失败')
  expect(request.isLoggedIn()).toBe(true)
})

test('an API error keeps the platform code and its zh-CN message', async () => {
  const { request } = boot()
  platform.consented = false
  await expect(
    request.api('post', '/api/v1/me/exams/sittings/{sitting_id}/start/', { path: { sitting_id: 'sit-1' }, deviceId: 'd' }),
  ).rejects.toMatchObject({ status: 409, code: 'face_consent_required', message: '请先同意人脸采集。' })
})

/** Proctoring photos: SHA-256 on the phone, the real content type, a PUT with the signed headers, then register. */
import { createHash } from 'crypto'
import { FakePlatform } from './helpers/platform'
import { jpeg, phone, png } from './helpers/wx'

let platform: FakePlatform
function boot() {
  jest.resetModules()
  return require('../utils/upload') as typeof import('../utils/upload')
}

beforeEach(() => {
  const w = phone()
  w.storage.clear()
  w.calls = []
  w.violations = []
  w.routes = []
  w.online = true
  platform = new FakePlatform(w).install()
  platform.seedSession()
  platform.device = null
})
afterEach(() => expect(phone().violations).toEqual([]))

test('the SHA-256 computed on the phone is the standard one (js-sha256 over the ArrayBuffer)', () => {
  const upload = boot()
  const bytes = jpeg(7)
  expect(upload.sha256Hex(bytes)).toBe(createHash('sha256').update(Buffer.from(bytes)).digest('hex'))
  expect(upload.sha256Hex(new Uint8Array([0x61, 0x62, 0x63]).buffer)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
})

test('the content type comes from the bytes: PNG from an iOS camera, JPEG otherwise, refused if neither', () => {
  const upload = boot()
  expect(upload.photoType(png())).toBe('image/png')
  expect(upload.photoType(jpeg())).toBe('image/jpeg')
  expect(upload.photoType(new Uint8Array([1, 2, 3]).buffer)).toBeNull()
})

test('upload: URL request with type, size and hash; PUT with exactly the signed headers; then register', async () => {
  // given
  const upload = boot()
  const bytes = png()
  // when
  const snap = await upload.uploadSnapshot('att-1', bytes, { delayMs: 0 })
  // then
  const [grant] = phone().apiCalls('POST', '/api/v1/me/proctoring/attempts/{attempt_id}/snapshots/')
  const hex = createHash('sha256').update(Buffer.from(bytes)).digest('hex')
  expect(grant.data).toEqual({ content_type: 'image/png', size: bytes.byteLength, sha256: hex })
  const [put] = phone().apiCalls('PUT', 'store:*')
  expect(put.url).toMatch(/^https:\/\/store\.test\/pap\/proctoring\/snapshots\/.+\.png\?X-Amz-Signature=sig$/)
  expect(put.header).toEqual({
    'Content-Type': 'image/png',
    'Content-Length': String(bytes.byteLength),
    'x-amz-checksum-sha256': Buffer.from(hex, 'hex').toString('base64'),
    'If-None-Match': '*',
  })
  expect(put.header.Authorization).toBeUndefined()
  expect(put.data).toBeInstanceOf(ArrayBuffer)
  expect(phone().apiCalls('POST', '/api/v1/me/proctoring/snapshots/{snapshot_id}/register/')).toHaveLength(1)
  expect(snap.status).toBe('registered')
  const order = phone().calls.map((c) => c.template)
  expect(order).toEqual([
    '/api/v1/me/proctoring/attempts/{attempt_id}/snapshots/',
    'store:*',
    '/api/v1/me/proctoring/snapshots/{snapshot_id}/register/',
  ])
})

test('the store fails twice: the PUT is retried with the same URL and headers and succeeds', async () => {
  const upload = boot()
  platform.storeFailures = 2
  await upload.uploadSnapshot('att-1', jpeg(), { delayMs: 0 })
  expect(phone().apiCalls('PUT', 'store:*')).toHaveLength(3)
  expect(new Set(phone().apiCalls('PUT', 'store:*').map((c) => c.url)).size).toBe(1)
  expect([...platform.snapshots.values()][0].registered).toBe(true)
})

test('a retry after a PUT that did arrive gets 412 (write-once) and still registers', async () => {
  const upload = boot()
  // the first PUT is stored but its reply is lost
  let first = true
  const orig = phone().routes.find((r) => r.template === 'store:*')!.handler
  phone().on('PUT', 'store:*', async (req) => {
    const res = await orig(req)
    if (first) {
      first = false
      return { status: 0 }
    }
    return res
  })
  await upload.uploadSnapshot('att-1', jpeg(), { delayMs: 0 })
  expect(phone().apiCalls('PUT', 'store:*')).toHaveLength(2)
  expect([...platform.snapshots.values()][0].registered).toBe(true)
})

test('the upload keeps failing: retried, then reported with a message', async () => {
  const upload = boot()
  platform.storeFailures = 100
  await expect(upload.uploadSnapshot('att-1', jpeg(), { delayMs: 0, tries: 3, urls: 2 })).rejects.toThrow('监考照片上传失败')
  expect(phone().apiCalls('PUT', 'store:*')).toHaveLength(6)
  expect(phone().apiCalls('POST', '/api/v1/me/proctoring/snapshots/{snapshot_id}/register/')).toHaveLength(0)
})

test('no network at all: reported, nothing registered', async () => {
  const upload = boot()
  phone().online = false
  await expect(upload.uploadSnapshot('att-1', jpeg(), { delayMs: 0 })).rejects.toThrow('监考照片上传失败')
})

/**
 * Proctoring photos go from the phone straight to object storage through the platform's write-once URL:
 *
 * 1. read the photo's bytes (ArrayBuffer) and compute its SHA-256 on the phone (js-sha256);
 * 2. state the real content type from the bytes (iOS `takePhoto` gives PNG, Android JPEG);
 * 3. `POST /me/proctoring/attempts/<id>/snapshots/` {content_type, size, sha256} -> a signed PUT whose
 *    headers (Content-Type, Content-Length, x-amz-checksum-sha256, If-None-Match: *) must be sent as given;
 * 4. `wx.request({method: 'PUT', data: ArrayBuffer, header: <signed headers>})` (wx.uploadFile only does
 *    multipart POST); no token goes to the store;
 * 5. `POST /me/proctoring/snapshots/<id>/register/`.
 *
 * Failures: the PUT is retried (network, 5xx) while its URL is valid; a 412 means an earlier try already
 * stored the bytes (write-once), which counts as done; an expired URL gets a new one. After the tries run out
 * the failure is reported to the caller (the exam page tells the physician and carries on; the platform marks
 * the slot missing).
 */
import { sha256 } from 'js-sha256'
import { deviceId } from './device'
import { ApiError, NetworkError, api, rawRequest } from './request'
import type { Schemas } from './api'

export type PhotoType = 'image/jpeg' | 'image/png'

/** The content type by the file's magic bytes, or null when it is neither JPEG nor PNG. */
export function photoType(bytes: ArrayBuffer): PhotoType | null {
  const b = new Uint8Array(bytes.slice(0, 8))
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg'
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
  if (b.length === 8 && png.every((v, i) => b[i] === v)) return 'image/png'
  return null
}

export function sha256Hex(bytes: ArrayBuffer): string {
  return sha256(bytes)
}

export function readFile(filePath: string): Promise<ArrayBuffer> {
  return new Promise((resolve, reject) => {
    wx.getFileSystemManager().readFile({
      filePath,
      success: (res) => resolve(res.data as ArrayBuffer),
      fail: (err) => reject(new Error(`读取照片失败：${err.errMsg}`)),
    })
  })
}

export class UploadFailed extends Error {
  constructor(
    message: string,
    public cause?: unknown,
  ) {
    super(message)
    this.name = 'UploadFailed'
  }
}

export interface UploadOptions {
  /** PUT tries per signed URL (network errors and 5xx). */
  tries?: number
  /** Signed URLs to ask for when one expires. */
  urls?: number
  /** Wait between tries (ms); tests pass 0. */
  delayMs?: number
}

/** Defaults of uploadSnapshot (tests set delayMs to 0). */
export const uploadDefaults: Required<UploadOptions> = { tries: 3, urls: 2, delayMs: 2000 }

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** PUT the bytes with exactly the signed headers. Resolves 'stored' or 'exists' (412: already written). */
async function put(upload: Schemas['ProctoringUploadOutput'], bytes: ArrayBuffer): Promise<'stored' | 'exists' | 'expired'> {
  const res = await rawRequest({
    url: upload.url,
    method: 'PUT',
    header: { ...upload.headers },
    data: bytes,
    timeout: 30000,
  })
  if (res.status >= 200 && res.status < 300) return 'stored'
  if (res.status === 412) return 'exists'
  if (res.status === 403 && Date.parse(upload.expires_at) <= Date.now()) return 'expired'
  if (res.status >= 500) throw new NetworkError(`照片上传失败（${res.status}）`)
  throw new UploadFailed(`对象存储拒绝了照片（${res.status}）`)
}

/**
 * Upload one proctoring photo for the slot due now and register it. Returns the registered snapshot.
 * Throws UploadFailed (message in zh-CN) when it could not be done.
 */
export async function uploadSnapshot(
  attemptId: string,
  bytes: ArrayBuffer,
  options: UploadOptions = {},
): Promise<Schemas['ProctoringSnapshotOutput']> {
  const tries = options.tries ?? uploadDefaults.tries
  const urls = options.urls ?? uploadDefaults.urls
  const delayMs = options.delayMs ?? uploadDefaults.delayMs
  const contentType = photoType(bytes)
  if (!contentType) throw new UploadFailed('照片格式无法识别（只接受 JPEG 或 PNG）')
  const digest = sha256Hex(bytes)
  let lastError: unknown = null
  for (let u = 0; u < urls; u++) {
    let grant: Schemas['ProctoringUploadUrlOutput']
    try {
      grant = await api('post', '/api/v1/me/proctoring/attempts/{attempt_id}/snapshots/', {
        path: { attempt_id: attemptId },
        deviceId: deviceId(),
        body: { content_type: contentType, size: bytes.byteLength, sha256: digest },
      })
    } catch (e) {
      if (e instanceof ApiError) throw new UploadFailed(e.message, e)
      lastError = e
      if (delayMs) await wait(delayMs)
      continue
    }
    if ((grant.upload.method ?? 'PUT').toUpperCase() !== 'PUT') {
      // this app uploads with wx.request PUT only (see the module docstring); a POST policy is not used here
      throw new UploadFailed(`不支持的上传方式：${grant.upload.method}`)
    }
    let outcome: 'stored' | 'exists' | 'expired' | null = null
    for (let t = 0; t < tries && outcome === null; t++) {
      try {
        outcome = await put(grant.upload, bytes)
      } catch (e) {
        if (e instanceof UploadFailed) throw e
        lastError = e
        if (delayMs && t < tries - 1) await wait(delayMs * (t + 1))
      }
    }
    if (outcome === null || outcome === 'expired') continue
    for (let t = 0; t < tries; t++) {
      try {
        return await api('post', '/api/v1/me/proctoring/snapshots/{snapshot_id}/register/', {
          path: { snapshot_id: grant.snapshot },
          deviceId: deviceId(),
        })
      } catch (e) {
        if (e instanceof ApiError && e.status < 500) throw new UploadFailed(e.message, e)
        lastError = e
        if (delayMs && t < tries - 1) await wait(delayMs * (t + 1))
      }
    }
    throw new UploadFailed('监考照片登记失败，请检查网络。', lastError)
  }
  throw new UploadFailed('监考照片上传失败，请检查网络。', lastError)
}

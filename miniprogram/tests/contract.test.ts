/**
 * Every request the mini-program can make exists in the committed OpenAPI file:
 * - statically: every `api('<method>', '<path template>' ...)` call in the app's source names an operation of
 *   backend/openapi.yaml (the compiler checks the same through the generated types; this test fails even if
 *   somebody casts around them), and every wx.uploadFile / wx.downloadFile target path does too;
 * - at run time: the fake network (tests/helpers/wx.ts) checks method, path and JSON body fields of every
 *   request made in every test, and each test file asserts no violation (`afterEach`).
 */
import { readdirSync, readFileSync, statSync } from 'fs'
import { join, relative } from 'path'
import { bodyProblems, checkReply, checkRequest, findOperation, operations, resolve } from './helpers/contract'

const ROOT = join(__dirname, '..')

function sources(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    if (['node_modules', 'tests', 'typings', 'miniprogram_npm'].includes(name)) continue
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out.push(...sources(p))
    else if (p.endsWith('.ts')) out.push(p)
  }
  return out
}

const CALL = /\bapi\(\s*'(get|post|put|delete)',\s*'([^']+)'/g
const RAW_PATH = /'(\/api\/v1\/[^']*)'/g

function calls(): { file: string; method: string; path: string }[] {
  const out: { file: string; method: string; path: string }[] = []
  for (const f of sources(ROOT)) {
    const text = readFileSync(f, 'utf8')
    for (const m of text.matchAll(CALL)) out.push({ file: relative(ROOT, f), method: m[1].toUpperCase(), path: m[2] })
  }
  return out
}

test('the app makes its calls through api() with literal path templates', () => {
  expect(calls().length).toBeGreaterThan(30)
})

test('every api() call names an operation of backend/openapi.yaml', () => {
  const missing = calls().filter((c) => !operations().some((o) => o.method === c.method && o.template === c.path))
  expect(missing).toEqual([])
})

test('every other API path in the source (uploadFile, downloadFile, the anonymous list) exists', () => {
  const missing: string[] = []
  for (const f of sources(ROOT)) {
    for (const m of readFileSync(f, 'utf8').matchAll(RAW_PATH)) {
      if (!operations().some((o) => o.template === m[1])) missing.push(`${relative(ROOT, f)}: ${m[1]}`)
    }
  }
  expect(missing).toEqual([])
})

test('the multipart uploads send the fields their operations take', () => {
  const ref = findOperation('POST', '/api/v1/me/proctoring/references/')!
  expect(ref.bodyType).toBe('multipart/form-data')
  expect(Object.keys(resolve(ref.body!).properties!)).toEqual(['file'])
  const att = findOperation('POST', '/api/v1/me/enrolments/e1/report/attachments/')!
  expect(Object.keys(resolve(att.body!).properties!).sort()).toEqual(['file', 'purpose'])
})

test('the contract checker itself refuses an unknown field and a missing required one', () => {
  const op = findOperation('PUT', '/api/v1/me/exams/attempts/a/answers/')!
  expect(bodyProblems(op.body!, { question: 'q', options: [], client_epoch: 1, seq: 1 })).toEqual([])
  expect(bodyProblems(op.body!, { question: 'q', options: [], client_epoch: 1 })).toEqual(['body.seq: required'])
  expect(bodyProblems(op.body!, { question: 'q', options: [], client_epoch: 1, seq: 1, sequence: 2 })).toEqual([
    'body.sequence: not in the schema',
  ])
  expect(findOperation('PATCH', '/api/v1/me/exams/attempts/a/answers/')).toBeNull()
})

test('unknown query parameters and fake replies that do not fit the documented reply are caught', () => {
  expect(checkRequest('GET', '/api/v1/me/exams/sittings/', {}, undefined, { page: '1', sort: 'x' })).toEqual([
    'GET /api/v1/me/exams/sittings/: query parameter sort not in the contract',
  ])
  expect(checkReply('POST', '/api/v1/me/proctoring/snapshots/s/register/', 200, { id: 's' })).toContain(
    'POST /api/v1/me/proctoring/snapshots/{snapshot_id}/register/ reply.index: required',
  )
  expect(checkReply('POST', '/api/v1/me/proctoring/snapshots/s/register/', 201, {})).toEqual([
    'POST /api/v1/me/proctoring/snapshots/{snapshot_id}/register/: reply 201 not documented',
  ])
})

/**
 * The committed API contract (../backend/openapi.yaml), parsed once per test file: every request the
 * mini-program makes in the tests is checked against it (method + path template, JSON body fields: no unknown
 * field, every required field present), by the fake wx.request in helpers/wx.ts.
 */
import { readFileSync } from 'fs'
import { join } from 'path'
import { parse } from 'yaml'

export const OPENAPI_PATH = join(__dirname, '../../../backend/openapi.yaml')

interface Schema {
  $ref?: string
  type?: string
  properties?: Record<string, Schema>
  required?: string[]
  allOf?: Schema[]
  oneOf?: Schema[]
  items?: Schema
  enum?: unknown[]
  nullable?: boolean
  readOnly?: boolean
}

interface Operation {
  method: string
  template: string
  regex: RegExp
  body: Schema | null
  bodyType: string | null
  parameters: { in: string; name: string; required?: boolean }[]
  responses: Record<string, Schema | null>
}

let doc: { paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, Schema> } } | null = null
let ops: Operation[] | null = null

export function openapi() {
  if (!doc) doc = parse(readFileSync(OPENAPI_PATH, 'utf8'), { maxAliasCount: -1 })
  return doc!
}

export function operations(): Operation[] {
  if (ops) return ops
  const d = openapi()
  ops = []
  for (const [template, item] of Object.entries(d.paths)) {
    const regex = new RegExp('^' + template.replace(/\{[^}]+\}/g, '[^/]+') + '$')
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const op = item[method] as
        | {
            requestBody?: { content: Record<string, { schema: Schema }> }
            parameters?: Operation['parameters']
            responses?: Record<string, { content?: Record<string, { schema: Schema }> }>
          }
        | undefined
      if (!op) continue
      const content = op.requestBody?.content ?? {}
      const bodyType = Object.keys(content)[0] ?? null
      ops.push({
        method: method.toUpperCase(),
        template,
        regex,
        body: bodyType ? content[bodyType].schema : null,
        bodyType,
        parameters: op.parameters ?? [],
        responses: Object.fromEntries(
          Object.entries(op.responses ?? {}).map(([code, r]) => [code, r.content?.['application/json']?.schema ?? null]),
        ),
      })
    }
  }
  return ops
}

export function resolve(s: Schema): Schema {
  let cur = s
  for (let i = 0; i < 10; i++) {
    if (cur.$ref) cur = openapi().components.schemas[cur.$ref.split('/').pop()!]
    else if (cur.allOf && cur.allOf.length === 1) cur = cur.allOf[0]
    else break
  }
  return cur
}

/** The operation for a request, or null. Prefers a literal path over a template. */
export function findOperation(method: string, path: string): Operation | null {
  const candidates = operations().filter((o) => o.method === method.toUpperCase() && o.regex.test(path))
  candidates.sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0))
  return candidates[0] ?? null
}

/** Problems of a JSON body against a schema: unknown fields, missing required ones, wrong enum values. */
export function bodyProblems(schema: Schema, body: unknown, where = 'body', reply = false): string[] {
  const s = resolve(schema)
  const out: string[] = []
  if (body === null || body === undefined) return schema.nullable || s.nullable ? [] : [`${where}: missing`]
  if (s.oneOf) {
    const fits = s.oneOf.some((alt) => bodyProblems(alt, body, where, reply).length === 0)
    return fits ? [] : [`${where}: fits none of the alternatives`]
  }
  if (s.enum) return s.enum.includes(body) ? [] : [`${where}: ${JSON.stringify(body)} not in ${JSON.stringify(s.enum)}`]
  if (s.type === 'array' && s.items) {
    if (!Array.isArray(body)) return [`${where}: not an array`]
    body.forEach((v, i) => out.push(...bodyProblems(s.items!, v, `${where}[${i}]`, reply)))
    return out
  }
  if (s.properties) {
    if (typeof body !== 'object' || Array.isArray(body)) return [`${where}: not an object`]
    const obj = body as Record<string, unknown>
    for (const k of Object.keys(obj)) {
      if (!(k in s.properties)) out.push(`${where}.${k}: not in the schema`)
      else if (s.properties[k].readOnly && !reply) out.push(`${where}.${k}: read-only`)
      else out.push(...bodyProblems(s.properties[k], obj[k], `${where}.${k}`, reply))
    }
    for (const k of s.required ?? []) if (!(k in obj)) out.push(`${where}.${k}: required`)
    return out
  }
  if (s.type === 'string' && typeof body !== 'string') out.push(`${where}: not a string`)
  if (s.type === 'integer' && !Number.isInteger(body)) out.push(`${where}: not an integer`)
  if (s.type === 'boolean' && typeof body !== 'boolean') out.push(`${where}: not a boolean`)
  return out
}

/** Check one request; returns the problems (empty when it is in the contract). */
export function checkRequest(
  method: string,
  path: string,
  header: Record<string, string>,
  body: unknown,
  query: Record<string, string> = {},
): string[] {
  const op = findOperation(method, path)
  if (!op) return [`${method} ${path}: no such operation in backend/openapi.yaml`]
  const out: string[] = []
  for (const k of Object.keys(query)) {
    if (!op.parameters.some((p) => p.in === 'query' && p.name === k)) out.push(`${method} ${op.template}: query parameter ${k} not in the contract`)
  }
  for (const p of op.parameters) {
    if (p.in === 'header' && p.required && !(p.name in header)) out.push(`${method} ${op.template}: header ${p.name} required`)
  }
  if (op.body && op.bodyType === 'application/json') {
    out.push(...bodyProblems(op.body, body ?? {}).map((m) => `${method} ${op.template} ${m}`))
  } else if (!op.body && body !== undefined && body !== null) {
    out.push(`${method} ${op.template}: sends a body the operation does not take`)
  }
  return out
}

/**
 * Problems of a fake reply against the documented reply of its operation (so the fakes the tests run against
 * look like the platform): a 2xx status the operation does not document, or a JSON body that does not fit.
 */
export function checkReply(method: string, path: string, status: number, body: unknown): string[] {
  const op = findOperation(method, path)
  if (!op || status < 200 || status >= 300) return []
  if (!(String(status) in op.responses)) return [`${method} ${op.template}: reply ${status} not documented`]
  const schema = op.responses[String(status)]
  if (!schema) return []
  return bodyProblems(schema, body, 'reply', true).map((m) => `${method} ${op.template} ${m}`)
}

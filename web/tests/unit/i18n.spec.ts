import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import en from '@/locales/en'
import zhCN from '@/locales/zh-CN'
import { MENU_SECTIONS } from '@/access/menu'
import { APPLICATION_STATUSES, JOB_STATUSES, ORGANIZATION_KINDS, REGION_LEVELS, ROLES } from '@/api/enums'

const SRC = join(__dirname, '../../src')

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f)
    return statSync(p).isDirectory() ? files(p) : /\.(vue|ts)$/.test(f) && !f.endsWith('.d.ts') ? [p] : []
  })
}

function has(messages: unknown, key: string): boolean {
  let node: unknown = messages
  for (const part of key.split('.')) {
    if (!node || typeof node !== 'object' || !(part in node)) return false
    node = (node as Record<string, unknown>)[part]
  }
  return typeof node === 'string'
}

/** Keys written literally in t('...') calls and in route/menu titles. */
function literalKeys(): string[] {
  const keys = new Set<string>()
  for (const file of files(SRC)) {
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z][\w.-]*)'/g)) keys.add(m[1]!)
    for (const m of text.matchAll(/\btitle: '([a-zA-Z][\w.]*\.[\w.]+)'/g)) keys.add(m[1]!)
  }
  return [...keys]
}

describe('messages', () => {
  it('has every literal key of the sources in both languages', () => {
    const keys = literalKeys()
    expect(keys.length).toBeGreaterThan(100)
    const missing = keys.filter((k) => !has(zhCN, k) || !has(en, k))
    expect(missing).toEqual([])
  })

  it('has the keys built from API enums and the menu', () => {
    const keys = [
      ...ROLES.map((r) => `roles.${r}`),
      ...ORGANIZATION_KINDS.map((k) => `organizations.kind.${k}`),
      ...REGION_LEVELS.map((l) => `regions.level.${l}`),
      ...APPLICATION_STATUSES.map((s) => `bodies.application.status.${s}`),
      ...JOB_STATUSES.map((s) => `jobs.status.${s}`),
      ...['submit', 'withdraw', 'approve', 'reject', 'return'].flatMap((a) => [`bodies.application.actions.${a}`, `bodies.application.done.${a}`]),
      ...Object.values(MENU_SECTIONS).flatMap((s) => [s.title, ...s.items.map((i) => i.title)]),
    ]
    expect(keys.filter((k) => !has(zhCN, k) || !has(en, k))).toEqual([])
  })

  it('uses no message syntax characters by accident', () => {
    const bad: string[] = []
    const walk = (node: unknown, path: string) => {
      if (typeof node === 'string') {
        if (/[@|$]/.test(node)) bad.push(path)
      } else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) walk(v, path ? `${path}.${k}` : k)
      }
    }
    walk(zhCN, '')
    walk(en, '')
    expect(bad).toEqual([])
  })
})

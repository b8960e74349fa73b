// Browser tests: Debian's chromium driven by playwright-core (no browser download), against a running stack.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

export const BASE_URL = (process.env.WEB_E2E_URL ?? 'http://127.0.0.1:8000').replace(/\/$/, '')
export const PASSWORD = process.env.WEB_E2E_PASSWORD ?? 'Demo@2026'
// infra/dev/e2e_stack.py (make test) puts them in tests/artifacts/web/; by hand they go to e2e/artifacts/.
export const ARTIFACTS = process.env.WEB_E2E_ARTIFACTS ?? join(dirname(fileURLToPath(import.meta.url)), 'artifacts')

// Flags known to work headless on this kind of machine (see shared/STACK-NOTES.md).
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

function chromiumPath() {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (existsSync(p)) return p
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim()
  } catch {
    throw new Error('chromium not found: run `bash web/scripts/ensure-chromium.sh` (or set CHROMIUM_PATH)')
  }
}

/** Fails at once, with what to do, when the stack is not running. */
export async function requireStack() {
  try {
    const res = await fetch(`${BASE_URL}/api/v1/health/`, { signal: AbortSignal.timeout(5000) })
    if (res.status >= 500 && res.status !== 503) throw new Error(`health answered ${res.status}`)
  } catch (err) {
    throw new Error(`no platform at ${BASE_URL} (${err.message}): start it with \`make demo\` or set WEB_E2E_URL`)
  }
  const page = await fetch(`${BASE_URL}/`)
  if (page.status === 503) throw new Error('the web app is not built: run `make web`')
}

export async function launch() {
  mkdirSync(ARTIFACTS, { recursive: true })
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: FLAGS, headless: true })
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' })
  const page = await context.newPage()
  const problems = []
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`))
  page.on('console', (msg) => {
    // A 4xx is an answer the page handles (and tests provoke); a 5xx or a script error is a problem.
    if (msg.type() === 'error' && !/status of 4\d\d/.test(msg.text())) problems.push(`console: ${msg.text()}`)
  })
  return { browser, context, page, problems }
}

export async function screenshot(page, name) {
  const path = join(ARTIFACTS, `${name}.png`)
  // Let Element Plus' enter transitions (tags, dialogs) and chart animations finish.
  await page.waitForTimeout(600)
  await page.screenshot({ path, fullPage: true })
  return path
}

/** An el-input by its data-test (Element Plus puts the attribute on the <input> itself). */
export function field(page, name) {
  return page.locator(`input[data-test=${name}], textarea[data-test=${name}], [data-test=${name}] input`).first()
}

/** A valid unified social credit code (GB 32100-2015 check character) that is new each time. */
export function uscc(region = '330106') {
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY'
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
  let body = `12${region}`
  while (body.length < 17) body += alphabet[Math.floor(Math.random() * alphabet.length)]
  const total = [...body].reduce((sum, c, i) => sum + alphabet.indexOf(c) * weights[i], 0)
  return body + alphabet[(31 - (total % 31)) % 31]
}

/** Sign in through the login form; lands on the page after it (home, or the route asked for). */
export async function login(page, username, password = PASSWORD) {
  await page.goto(`${BASE_URL}/login`)
  await field(page, 'login-username').fill(username)
  await field(page, 'login-password').fill(password)
  await page.locator('[data-test=login-submit]').click()
  await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 15000 })
}

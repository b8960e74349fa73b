// A privilege application through a two-step chain with a countersign (hospital hz-sdyrmyy of the demo data):
// the physician applies in the browser, the department head approves step 1, medical affairs and the hospital
// administrator countersign step 2, and the grant appears. A fresh catalogue item (and its department line,
// through the department-catalogue approval) is set up over the API first, so the test can run again.
// The stack needs a worker (the HIS import is a job) and LOGIN_THROTTLE_RATE raised (many sign-ins from one address).
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { BASE_URL, PASSWORD, field, launch, login, requireStack, screenshot } from './lib.mjs'

const SLUG = 'hz-sdyrmyy'
const TENANT = `${BASE_URL}/h/${SLUG}/api/v1`
const stamp = Date.now().toString(36)
const ITEM = { code: `E2E.${stamp}`, name: `腹腔镜测试手术${stamp}`, category: 'surgery', grade: 2, national_code: '', provincial_code: '', active: true }
let browser

async function token(username) {
  const res = await fetch(`${BASE_URL}/api/v1/auth/login/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD, client: 'web' }),
  })
  assert.equal(res.status, 200, `login ${username}: ${await res.clone().text()}`)
  return (await res.json()).access
}

async function apiCall(tok, method, path, body) {
  const res = await fetch(`${TENANT}${path}`, {
    method,
    headers: { Authorization: `Bearer ${tok}`, 'Content-Type': 'application/json', 'Accept-Language': 'zh-Hans' },
    body: body ? JSON.stringify(body) : undefined,
  })
  const data = await res.json().catch(() => null)
  assert.ok(res.ok, `${method} ${path} -> ${res.status} ${JSON.stringify(data)}`)
  return data
}

before(async () => {
  await requireStack()
  // the item in the hospital catalogue, and in the head's department catalogue (approved by medical affairs)
  const affairs = await token('hz1_affairs')
  const head = await token('hz1_head')
  const item = await apiCall(affairs, 'POST', '/credentialing/items/', ITEM)
  const lines = await apiCall(head, 'GET', '/credentialing/department-items/?page_size=1')
  const departmentId = lines.results[0].department_id
  await apiCall(head, 'POST', '/credentialing/department-items/', { department_id: departmentId, item_id: item.id, reason: 'e2e' })
  const queue = await apiCall(affairs, 'GET', '/approvals/queue/?type_code=credentialing.department_item&page_size=100')
  const request = queue.results.find((r) => r.title.includes(ITEM.name))
  assert.ok(request, 'the department line waits for medical affairs')
  await apiCall(affairs, 'POST', `/approvals/requests/${request.id}/decide/`, { decision: 'approve', comment: '' })
  browser = await launch()
})

after(async () => {
  await browser?.browser.close()
})

async function signInAs(username) {
  const { context } = browser
  await context.clearCookies()
  const page = browser.page
  await page.goto(`${BASE_URL}/login`)
  await page.evaluate(() => localStorage.clear())
  await login(page, username)
  return page
}

async function decide(username, expectStatus) {
  const page = await signInAs(username)
  await page.goto(`${BASE_URL}/approvals/queue`)
  const row = page.locator('[data-test=approval-table] .el-table__row').filter({ hasText: ITEM.name })
  await row.first().waitFor({ timeout: 15000 })
  await row.first().locator('[data-test=request-open]').click()
  const drawer = page.locator('[data-test=request-drawer]')
  await drawer.locator('[data-test=request-steps]').waitFor()
  await field(page, 'decision-comment').fill(`${username} 同意`)
  await drawer.locator('[data-test=decide-approve]').click()
  await drawer.locator('[data-test=request-status]').filter({ hasText: expectStatus }).waitFor({ timeout: 15000 })
  await screenshot(page, `cred-decide-${username}`)
}

test('a physician applies and the application passes the department head and a countersign of two', async () => {
  const { problems } = browser
  // the physician applies for the new item
  const page = await signInAs('hz1_doctor')
  await page.goto(`${BASE_URL}/credentialing/applications`)
  await page.locator('[data-test=apply-open]').click()
  const dialog = page.locator('[data-test=apply-dialog]')
  await dialog.locator('[data-test=apply-item]').click()
  await page.keyboard.type(ITEM.name)
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: ITEM.name }).first().click()
  await field(page, 'apply-form-reason').fill('已在上级医师指导下完成 20 例')
  await dialog.locator('[data-test=apply-submit]').click()
  const row = page.locator('[data-test=applications-table] .el-table__row').filter({ hasText: ITEM.name })
  await row.filter({ hasText: '审批中' }).waitFor({ timeout: 15000 })
  await screenshot(page, 'cred-applied')

  // step 1: the department head; step 2: a countersign, still pending after the first of two
  await decide('hz1_head', '审批中')
  await decide('hz1_affairs', '审批中')
  await decide('hz1_admin', '已通过')

  // the grant is there for medical affairs, and the physician sees the application approved
  const affairs = await signInAs('hz1_affairs')
  await affairs.goto(`${BASE_URL}/credentialing/grants`)
  await affairs.locator('[data-test=grants-table] .el-table__row').filter({ hasText: ITEM.name }).filter({ hasText: '有效' }).waitFor({ timeout: 15000 })
  await screenshot(affairs, 'cred-grant')
  const doctor = await signInAs('hz1_doctor')
  await doctor.goto(`${BASE_URL}/credentialing/applications`)
  await doctor.locator('[data-test=applications-table] .el-table__row').filter({ hasText: ITEM.name }).filter({ hasText: '已通过' }).waitFor({ timeout: 15000 })
  assert.deepEqual(problems, [])
})

test('every approvals and credentialing page of the menu opens for each hospital role, without errors', async () => {
  const { problems } = browser
  const pages = {
    hz1_admin: ['approval-chains', 'cred-catalogue', 'cred-grants', 'cred-api-keys', 'cred-violations'],
    hz1_affairs: ['approval-queue', 'approval-chains', 'cred-applications', 'cred-grants', 'cred-catalogue', 'cred-reassessments', 'cred-violations', 'cred-archive'],
    hz1_head: ['approval-queue', 'cred-applications', 'cred-grants', 'cred-catalogue', 'cred-violations'],
    hz1_doctor: ['approval-queue', 'cred-applications', 'cred-archive'],
  }
  const paths = {
    'approval-queue': '/approvals/queue',
    'approval-chains': '/approvals/chains',
    'cred-applications': '/credentialing/applications',
    'cred-grants': '/credentialing/grants',
    'cred-catalogue': '/credentialing/catalogue',
    'cred-reassessments': '/credentialing/reassessments',
    'cred-violations': '/credentialing/violations',
    'cred-archive': '/credentialing/archive',
    'cred-api-keys': '/credentialing/api-keys',
  }
  for (const [user, names] of Object.entries(pages)) {
    const page = await signInAs(user)
    for (const name of names) {
      // reached from the menu: the item is there for the role
      await page.goto(`${BASE_URL}/`)
      await page.locator(`[data-test=main-menu] [data-test=menu-${name}]`).first().waitFor({ state: 'attached', timeout: 10000 }).catch(() => {
        throw new Error(`${user}: no menu item for ${name}`)
      })
      await page.goto(`${BASE_URL}${paths[name]}`)
      await page.locator('.page').first().waitFor({ timeout: 10000 })
      await page.waitForLoadState('networkidle')
      await screenshot(page, `cred-page-${user}-${name}`)
    }
  }
  assert.deepEqual(problems, [])
})

test('the administrator saves a new version of a chain with an auto-approval condition', async () => {
  const { problems } = browser
  const page = await signInAs('hz1_admin')
  await page.goto(`${BASE_URL}/approvals/chains`)
  await page.locator('[data-test=chain-type]').click()
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: '科室技术目录申请' }).first().click()
  const step = page.locator('[data-test=chain-step-0]')
  await step.waitFor()
  const before = await page.locator('.el-table__row').count()
  // a condition that no real item meets (grade 0), so the demo chain keeps working as before
  const rule = step.locator('[data-test=step-rule-0]')
  if ((await rule.locator('.rule__row').count()) === 0) await rule.getByRole('button', { name: '添加条件' }).click()
  await rule.locator('.rule__row input').last().fill('0')
  await field(page, 'step-name-0').fill('医务部审核')
  await page.locator('[data-test=chain-save]').click()
  await page.getByText('已保存新版本').waitFor({ timeout: 10000 })
  await page.waitForFunction((n) => document.querySelectorAll('.el-table__row').length > n, before, { timeout: 10000 })
  const newest = page.locator('.el-table__row').first()
  assert.match(await newest.innerText(), /生效中/)
  await screenshot(page, 'cred-chain-saved')
  assert.deepEqual(problems, [])
})

test('medical affairs imports operations from the HIS and finds the one out of privilege', async () => {
  const { problems } = browser
  const affairsToken = await token('hz1_affairs')
  const doctorToken = await token('hz1_doctor')
  const me = await (await fetch(`${BASE_URL}/api/v1/me/physician/`, { headers: { Authorization: `Bearer ${doctorToken}` } })).json()
  const depts = await (await fetch(`${BASE_URL}/api/v1/departments/?page_size=100`, { headers: { Authorization: `Bearer ${affairsToken}` } })).json()
  const department = depts.results.find((d) => d.id === me.department_id)
  assert.ok(department, "the physician's department")
  // the grant starts today in the hospital's time zone (Asia/Shanghai), so the operation is dated the same day
  const day = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10)
  const csv = [
    '病案号,手术日期,科室,手术编码,主刀医师执业证号',
    `E2E${stamp}A,${day},${department.name},${ITEM.code},${me.licence_number}`,
    `E2E${stamp}B,${day},${department.name},52.7x01,${me.licence_number}`,
  ].join('\n')
  const page = await signInAs('hz1_affairs')
  await page.goto(`${BASE_URL}/credentialing/violations`)
  await page.locator('[data-test=violations-chart]').waitFor()
  await page.locator('[data-test=violations-import]').click()
  await page.locator('.el-dialog:visible input[type=file]').setInputFiles({ name: 'ops.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') })
  await page.locator('.el-dialog:visible').getByRole('button', { name: '开始导入' }).click()
  await page.locator('.el-dialog:visible').getByText('已完成').first().waitFor({ timeout: 30000 })
  await page.keyboard.press('Escape')
  // the grade-4 operation has no grant: listed; the item granted in the first test is not
  await page.goto(`${BASE_URL}/credentialing/violations?flag=out_of_privilege&page_size=100`)
  const table = page.locator('[data-test=violations-table]')
  await table.locator('.el-table__row').filter({ hasText: `E2E${stamp}B` }).waitFor({ timeout: 15000 })
  assert.equal(await table.locator('.el-table__row').filter({ hasText: `E2E${stamp}A` }).count(), 0)
  await screenshot(page, 'cred-violations')
  assert.deepEqual(problems, [])
})

test('the physician adds a training entry and a certificate to their technical archive', async () => {
  const { problems } = browser
  const page = await signInAs('hz1_doctor')
  await page.goto(`${BASE_URL}/credentialing/archive`)
  await page.getByRole('button', { name: '添加经历' }).click()
  let dialog = page.locator('.el-dialog:visible')
  await dialog.getByText('培训', { exact: true }).click()
  await dialog.locator('input').nth(2).fill(`浙大一院进修${stamp}`)
  await dialog.locator('input').nth(4).fill('2025-03-01')
  await page.keyboard.press('Enter')
  await dialog.getByRole('button', { name: '保存' }).click()
  await page.getByText(`浙大一院进修${stamp}`).waitFor({ timeout: 10000 })

  await page.getByRole('button', { name: '上传证书' }).click()
  dialog = page.locator('.el-dialog:visible')
  await dialog.locator('input').first().fill(`腔镜培训合格证${stamp}`)
  await dialog.locator('input[type=file]').setInputFiles({ name: 'cert.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n') })
  await dialog.getByRole('button', { name: '保存' }).click()
  await page.getByText(`腔镜培训合格证${stamp}`).waitFor({ timeout: 10000 })
  await screenshot(page, 'cred-archive')
  assert.deepEqual(problems, [])
})

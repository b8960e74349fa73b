// One physician through every desk, from nothing: a city commission creates the account of a new hospital in
// Xihu district (served by the physicians' association as assessment body); the hospital changes its first
// password, adds a physician and enrols them; the physician (through the API, as the mini-program would) signs in
// and submits the self-report; the hospital approves it; the association re-reviews and approves it.
// Screenshots of each desk.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { BASE_URL, field, launch, login, requireStack, screenshot, uscc } from './lib.mjs'

const stamp = Date.now().toString(36)
const hospitalUser = `e2e_c${stamp}`
const hospitalPassword = `Hosp!${stamp}a9`
const doctorName = `链路医师${stamp.slice(-3)}`
let session

before(async () => {
  await requireStack()
  session = await launch()
})

after(async () => {
  await session?.browser.close()
})

/** A JSON call to the API; fails the test with the API's errors. */
async function apiCall(method, path, { token, body } = {}) {
  const res = await fetch(`${BASE_URL}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', 'Accept-Language': 'zh-Hans', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const data = res.status === 204 ? null : await res.json()
  assert.ok(res.ok, `${method} ${path} answered ${res.status}: ${JSON.stringify(data)}`)
  return data
}

/** A well-formed 18-digit ID-card number (GB 11643 check digit), new each run. */
function idCard() {
  const body = `330106198${Math.floor(Math.random() * 10)}0${1 + Math.floor(Math.random() * 9)}1${Math.floor(Math.random() * 9)}${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = [...body].reduce((s, d, i) => s + Number(d) * weights[i], 0)
  return body + '10X98765432'[sum % 11]
}

async function fresh(username, password) {
  const page = await session.context.newPage()
  await page.goto(`${BASE_URL}/login`)
  await page.evaluate(() => localStorage.clear())
  await login(page, username, password)
  return page
}

let firstPassword

test('the commission creates the account of a new hospital in Xihu district', async () => {
  const page = await fresh('hz_admin')
  await page.goto(`${BASE_URL}/accounts`)
  await page.locator('[data-test=account-create]').click()
  await field(page, 'account-username').fill(hospitalUser)
  await field(page, 'account-name').fill('链路测试管理员')
  await page.locator('[data-test=org-new]').click()
  await field(page, 'org-name').fill(`链路测试医院 ${stamp}`)
  await field(page, 'org-uscc').fill(uscc())
  const region = page.locator('[data-test=account-form] input[data-test=region-select], [data-test=account-form] [data-test=region-select] input').first()
  await region.click()
  await region.fill('西湖区')
  await page.locator('.el-tree-select__popper .el-tree-node__content:visible').filter({ hasText: '西湖区' }).first().click()
  await page.locator('[data-test=account-save]').click()
  const shown = page.locator('[data-test=one-time-password] code')
  await shown.waitFor({ timeout: 15000 })
  firstPassword = await shown.innerText()
  await screenshot(page, 'chain-01-hospital-account')
  await page.close()
})

test('the hospital changes its first password, adds a physician and enrols them', async () => {
  assert.ok(firstPassword, 'the account was created')
  const page = await fresh(hospitalUser, firstPassword)
  await page.waitForURL(/change-password/)
  await field(page, 'pw-old').fill(firstPassword)
  await field(page, 'pw-new').fill(hospitalPassword)
  await field(page, 'pw-confirm').fill(hospitalPassword)
  await page.locator('[data-test=pw-submit]').click()
  await page.waitForURL((url) => !url.pathname.startsWith('/change-password'), { timeout: 15000 })

  await page.locator('[data-test=menu-physicians]').click()
  await page.locator('[data-test=physician-create]').click()
  await field(page, 'physician-name').fill(doctorName)
  await field(page, 'physician-id-card').fill(idCard())
  await field(page, 'physician-licence').fill(`1103301060${Date.now().toString().slice(-5)}`)
  await page.locator('[data-test=physician-save]').click()
  await page.locator('[data-test=physician-form]').waitFor({ state: 'hidden', timeout: 10000 })
  await page.locator('[data-test=physicians-table] .el-table__row').filter({ hasText: doctorName }).waitFor({ timeout: 15000 })
  await screenshot(page, 'chain-02-physician-added')

  await page.goto(`${BASE_URL}/enrolment/candidates`)
  const row = page.locator('[data-test=candidates-table] .el-table__row').filter({ hasText: doctorName })
  await row.waitFor({ timeout: 15000 })
  await row.locator('[data-test=enrol-one]').click()
  await page.locator('.el-message--success').first().waitFor({ timeout: 10000 })
  await page.goto(`${BASE_URL}/enrolments`)
  await page.locator('.el-table__row').filter({ hasText: doctorName }).first().waitFor({ timeout: 15000 })
  await screenshot(page, 'chain-03-enrolled')
  await page.close()
})

test('the physician signs in and submits the self-report', async () => {
  // the hospital activates the physician's login account (its initial password is shown once)
  const hospital = await apiCall('POST', '/api/v1/auth/login/', { body: { username: hospitalUser, password: hospitalPassword } })
  const accounts = await apiCall('GET', `/api/v1/accounts/?search=${encodeURIComponent(doctorName)}`, { token: hospital.access })
  const account = (accounts.results ?? accounts).find((a) => a.name === doctorName)
  assert.ok(account, 'the physician has a login account')
  const activated = await apiCall('POST', `/api/v1/accounts/${account.id}/activate/`, { token: hospital.access })
  assert.ok(activated.initial_password, 'an initial password is given')

  // first sign-in: the password must change; then the report
  const first = await apiCall('POST', '/api/v1/auth/login/', { body: { username: account.username, password: activated.initial_password } })
  const doctorPassword = `Doc!${stamp}b7`
  await apiCall('POST', '/api/v1/auth/password/', { token: first.access, body: { old_password: activated.initial_password, new_password: doctorPassword } })
  const doctor = await apiCall('POST', '/api/v1/auth/login/', { body: { username: account.username, password: doctorPassword } })
  const enrolments = await apiCall('GET', '/api/v1/me/enrolments/', { token: doctor.access })
  const enrolment = (enrolments.results ?? enrolments)[0]
  assert.ok(enrolment, 'the physician is enrolled')
  const forms = {
    basic: { name: doctorName, title: '主治医师' },
    practice: { licence_number: enrolment.licence_number ?? '110330106000001', practice_category: 'clinical', practice_scope: '内科专业' },
    experience: { practice_records: [{ organization_name: `链路测试医院 ${stamp}`, department_name: '内科' }] },
    work_performance: { summary: '本周期完成门诊、住院诊疗工作，无医疗差错。', outpatient_visits: 3200 },
    ethics: { self_rating: 'excellent', statement: '遵守职业道德，廉洁行医。' },
  }
  const submitted = await apiCall('POST', `/api/v1/me/enrolments/${enrolment.id}/report/submit/`, {
    token: doctor.access,
    body: { forms, procedure: 'general' },
  })
  assert.equal(submitted.status ?? 'submitted', 'submitted')
})

test('the hospital approves the self-report', async () => {
  const page = await fresh(hospitalUser, hospitalPassword)
  await page.goto(`${BASE_URL}/reviews/institution?status=submitted`)
  const row = page.locator('[data-test=reviews-table] .el-table__row').filter({ hasText: doctorName })
  await row.waitFor({ timeout: 15000 })
  await row.locator('[data-test^=review-view-]').click()
  const drawer = page.locator('[data-test=review-drawer]')
  await drawer.locator('[data-test=review-approve]').waitFor({ timeout: 15000 })
  assert.match(await drawer.innerText(), /本周期完成门诊/)
  await screenshot(page, 'chain-04-hospital-review')
  await drawer.locator('[data-test=review-approve]').click()
  await page.locator('.el-message--success').first().waitFor({ timeout: 10000 })
  await drawer.locator('[data-test=review-actions]').waitFor({ state: 'detached', timeout: 10000 })
  await page.close()
})

test('the assessment body re-reviews and approves it', async () => {
  const page = await fresh('body1_reviewer')
  await page.goto(`${BASE_URL}/reviews/body?status=institution_approved`)
  const row = page.locator('[data-test=reviews-table] .el-table__row').filter({ hasText: doctorName })
  await row.waitFor({ timeout: 15000 })
  await row.locator('[data-test^=review-view-]').click()
  const drawer = page.locator('[data-test=review-drawer]')
  await drawer.locator('[data-test=review-approve]').waitFor({ timeout: 15000 })
  await screenshot(page, 'chain-05-body-review')
  await drawer.locator('[data-test=review-approve]').click()
  await page.locator('.el-message--success').first().waitFor({ timeout: 10000 })
  await drawer.locator('[data-test=review-actions]').waitFor({ state: 'detached', timeout: 10000 })
  assert.match(await drawer.locator('[data-test=review-history]').innerText(), /考核机构复核通过/)
  await screenshot(page, 'chain-06-body-approved')
  await page.close()
})

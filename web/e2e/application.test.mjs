// The assessment-body application flow across two organisations: a city commission creates a hospital account
// and lets the hospital apply; the hospital's administrator signs in (forced password change), applies with an
// attachment and submits; the commission returns it with a reason. Needs a running stack (make demo).
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { BASE_URL, field, launch, login, requireStack, screenshot, uscc } from './lib.mjs'

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n')
let commission
let hospital
const username = `e2e_h${Date.now().toString(36)}`
let password

before(async () => {
  await requireStack()
  commission = await launch()
  hospital = await launch()
})

after(async () => {
  await commission?.browser.close()
  await hospital?.browser.close()
})

test('the commission creates a hospital account and allows the hospital to apply', async () => {
  const { page } = commission
  await login(page, 'hz_admin')
  await page.goto(`${BASE_URL}/accounts`)
  await page.locator('[data-test=account-create]').click()
  await field(page, 'account-username').fill(username)
  await field(page, 'account-name').fill('申请测试管理员')
  await page.locator('[data-test=org-new]').click()
  await field(page, 'org-name').fill(`申请测试医院 ${username}`)
  await field(page, 'org-uscc').fill(uscc())
  const region = page.locator('[data-test=account-form] input[data-test=region-select], [data-test=account-form] [data-test=region-select] input').first()
  await region.click()
  await region.fill('西湖区')
  await page.locator('.el-tree-select__popper .el-tree-node__content:visible').filter({ hasText: '西湖区' }).first().click()
  await page.locator('[data-test=account-save]').click()
  const shown = page.locator('[data-test=one-time-password] code')
  await shown.waitFor({ timeout: 15000 })
  password = await shown.innerText()
  await page.locator('[data-test=otp-noted]').click()

  await page.goto(`${BASE_URL}/accounts?search=${username}`)
  const row = page.locator('[data-test=accounts-table] .el-table__row').filter({ hasText: username })
  await row.locator('.el-checkbox').click()
  await page.locator('[data-test=may-apply]').click()
  await page.locator('[data-test=may-apply-allow]').click()
  await row.filter({ hasText: '可申请' }).waitFor({ timeout: 10000 })
  await screenshot(page, 'flow-01-may-apply')
})

test('the hospital changes its first password, applies with an attachment and submits', async () => {
  const { page, problems } = hospital
  await login(page, username, password)
  await page.waitForURL(/change-password/)
  assert.match(await page.locator('[data-test=password-reason]').innerText(), /首次登录|重置/)
  await screenshot(page, 'flow-02-forced-password-change')
  const next = `Hosp!${Date.now().toString(36)}a9`
  await field(page, 'pw-old').fill(password)
  await field(page, 'pw-new').fill(next)
  await field(page, 'pw-confirm').fill(next)
  await page.locator('[data-test=pw-submit]').click()
  await page.waitForURL((url) => !url.pathname.startsWith('/change-password'), { timeout: 15000 })

  await page.locator('[data-test=menu-body-applications]').click()
  await page.locator('[data-test=application-create]').click()
  await page.waitForURL(/assessment-bodies\/applications\/[0-9a-f-]{36}/)
  await field(page, 'application-scope').fill('西湖区医疗机构医师定期考核')
  await page.locator('[data-test=application-save]').click()
  await page.locator('.el-upload input[type=file]').setInputFiles({ name: '资质证明.pdf', mimeType: 'application/pdf', buffer: PDF })
  await page.locator('[data-test=attachments-table] .el-table__row').filter({ hasText: '资质证明.pdf' }).waitFor({ timeout: 15000 })
  await page.locator('[data-test=application-submit]').click()
  await page.locator('[data-test=action-confirm]').click()
  await page.locator('[data-test=application-status]').filter({ hasText: '待审核' }).waitFor({ timeout: 15000 })
  await screenshot(page, 'flow-03-submitted')
  assert.deepEqual(problems, [])
})

test('the commission returns the application with a reason', async () => {
  const { page, problems } = commission
  await page.goto(`${BASE_URL}/assessment-bodies/applications?status=submitted`)
  await page.locator('[data-test=applications-table] .el-table__row').filter({ hasText: username }).getByRole('link').click()
  await page.locator('[data-test=application-return]').click()
  await page.locator('[data-test=action-confirm]').click()
  assert.match(await page.locator('.el-dialog:visible .el-form-item__error').innerText(), /原因/)
  await field(page, 'action-comment').fill('请补充执业许可证副本。')
  await page.locator('[data-test=action-confirm]').click()
  await page.locator('[data-test=application-status]').filter({ hasText: '已退回' }).waitFor({ timeout: 15000 })
  await screenshot(page, 'flow-04-returned')
  assert.deepEqual(problems, [])
})

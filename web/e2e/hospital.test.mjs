// A hospital's own desk: its medical-affairs office adds a department under another, renames it, is told why a
// department with sub-departments cannot be disabled, disables the new one. Screenshots of the department tree.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { BASE_URL, field, launch, login, requireStack, screenshot } from './lib.mjs'

let session

before(async () => {
  await requireStack()
  session = await launch()
})

after(async () => {
  await session?.browser.close()
})

test('medical affairs keep the department tree', async () => {
  const { page, problems } = session
  await login(page, 'hz1_affairs')
  await page.locator('[data-test=menu-departments]').click()
  const table = page.locator('[data-test=departments-table]')
  const row = (text) => table.locator('.el-table__row').filter({ hasText: text }).first()
  await row('普外科').waitFor({ timeout: 15000 })
  await screenshot(page, 'hospital-01-departments')

  // a sub-department of 普外科
  const name = `甲乳外科${Date.now().toString(36).slice(-4)}`
  await row('普外科').locator('[data-test=department-add-child]').click()
  await field(page, 'department-name').fill(name)
  await field(page, 'department-code').fill(`E2E${Date.now().toString(36).slice(-5)}`)
  await page.locator('[data-test=department-save]').click()
  await row(name).waitFor({ timeout: 10000 })
  await screenshot(page, 'hospital-02-department-added')

  // 普外科 has an enabled sub-department now: the API says why it cannot be disabled, the tree stays
  await row('普外科').locator('[data-test=department-toggle]').click()
  await page.locator('.el-message-box .el-button--primary').click()
  await page.locator('.el-message--error').first().waitFor({ timeout: 10000 })
  assert.match(await row('普外科').innerText(), /启用/)

  // rename, then disable the new one
  await row(name).locator('[data-test=department-edit]').click()
  await field(page, 'department-name').fill(`${name}二`)
  await page.locator('[data-test=department-save]').click()
  await row(`${name}二`).waitFor({ timeout: 10000 })
  await row(`${name}二`).locator('[data-test=department-toggle]').click()
  await page.locator('.el-message-box .el-button--primary').click()
  await row(`${name}二`).filter({ hasText: '停用' }).locator('[data-test=department-toggle]').filter({ hasText: '启用' }).waitFor({ timeout: 10000 })
  await screenshot(page, 'hospital-03-department-disabled')
  assert.deepEqual(problems, [])
})

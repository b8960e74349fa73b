// A hospital's own desk: its medical-affairs office adds a department under another, renames it, is told why a
// department with sub-departments cannot be disabled, disables the new one; adds a physician (a wrong ID-card
// number is refused beside its field, the form keeps what was typed) and edits them. Screenshots of each step.
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

/** A well-formed 18-digit ID-card number (GB 11643 check digit), new each run. */
function idCard() {
  const body = `330102${1970 + Math.floor(Math.random() * 30)}0${1 + Math.floor(Math.random() * 9)}1${Math.floor(Math.random() * 9)}${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = [...body].reduce((s, d, i) => s + Number(d) * weights[i], 0)
  return body + '10X98765432'[sum % 11]
}

test('medical affairs add a physician and edit them', async () => {
  const { page, problems } = session
  problems.length = 0
  await page.locator('[data-test=menu-physicians]').click()
  await page.locator('[data-test=physicians-table] .el-table__row').first().waitFor({ timeout: 15000 })
  await page.locator('[data-test=physician-create]').click()
  const name = `测试医师${Date.now().toString(36).slice(-3)}`
  const licence = `1103301020${Date.now().toString().slice(-5)}`
  await field(page, 'physician-name').fill(name)
  await field(page, 'physician-id-card').fill('330102197001011234')
  await field(page, 'physician-licence').fill(licence)
  await page.locator('[data-test=physician-save]').click()
  const error = page.locator('[data-test=physician-form] .el-form-item.is-error .el-form-item__error')
  await error.first().waitFor({ timeout: 10000 })
  assert.match(await error.first().innerText(), /身份证/)
  assert.equal(await field(page, 'physician-name').inputValue(), name)
  await screenshot(page, 'hospital-04-physician-form-error')

  await field(page, 'physician-id-card').fill(idCard())
  await page.locator('[data-test=physician-save]').click()
  await page.locator('[data-test=physician-form]').waitFor({ state: 'hidden', timeout: 10000 })
  await page.goto(`${BASE_URL}/physicians?name=${encodeURIComponent(name)}`)
  const row = page.locator('[data-test=physicians-table] .el-table__row').filter({ hasText: name })
  await row.waitFor({ timeout: 15000 })

  await row.locator('[data-test=physician-edit]').click()
  await field(page, 'physician-phone').fill('13900001111')
  await page.locator('[data-test=physician-save]').click()
  await page.locator('[data-test=physician-form]').waitFor({ state: 'hidden', timeout: 10000 })
  await row.filter({ hasText: '1111' }).waitFor({ timeout: 10000 })
  await screenshot(page, 'hospital-05-physician-saved')
  assert.deepEqual(problems, [])
})

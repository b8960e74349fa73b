// A city commission (hz_admin) signs in and opens the accounts below it. Needs a running stack (make demo).
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

test('a wrong password shows the API message on the login page', async () => {
  const { page } = session
  await page.goto(`${BASE_URL}/login`)
  await field(page, 'login-username').fill('hz_admin')
  await field(page, 'login-password').fill('not-the-password')
  await page.locator('[data-test=login-submit]').click()
  const error = page.locator('[data-test=login-error]')
  await error.waitFor({ timeout: 10000 })
  assert.match(await error.innerText(), /用户名或密码错误/)
  await screenshot(page, '01-login-failed')
})

test('hz_admin signs in and opens the accounts page', async () => {
  const { page, problems } = session
  problems.length = 0 // the wrong password above was a 401 on purpose
  await login(page, 'hz_admin')
  await page.locator('[data-test=main-menu]').waitFor()
  assert.match(await page.locator('[data-test=current-organization]').innerText(), /杭州市卫生健康委员会/)
  await screenshot(page, '02-home')

  await page.locator('[data-test=menu-accounts]').click()
  await page.waitForURL(/\/accounts/)
  const table = page.locator('[data-test=accounts-table]')
  await table.locator('.el-table__row').first().waitFor({ timeout: 15000 })
  const rows = await table.locator('.el-table__row').count()
  assert.ok(rows > 0, 'the accounts table has rows')
  assert.match(await page.locator('.el-pagination__total').innerText(), /\d/)
  await screenshot(page, '03-accounts')

  // Filters live in the URL: a search survives a reload.
  await field(page, 'filter-search').fill('hz1')
  await page.locator('[data-test=filter-submit]').click()
  await page.waitForURL(/search=hz1/)
  await page.reload()
  await table.locator('.el-table__row').first().waitFor({ timeout: 15000 })
  assert.equal(await field(page, 'filter-search').inputValue(), 'hz1')
  for (const text of await table.locator('.el-table__row').allInnerTexts()) assert.match(text, /hz1/i)
  await screenshot(page, '04-accounts-filtered')

  assert.deepEqual(problems.filter((p) => !/favicon/.test(p)), [])
})

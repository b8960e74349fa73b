// Every page of the menu opens without an error, in Chinese and in English; a commission creates an account (the
// one-time password is shown) and exports the list (the job's file is offered). Screenshots of each main page.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { BASE_URL, field, launch, login, requireStack, screenshot, uscc } from './lib.mjs'

let session

before(async () => {
  await requireStack()
  session = await launch()
})

after(async () => {
  await session?.browser.close()
})

async function visitMenu(page, prefix) {
  const items = await page.locator('[data-test^=menu-]').evaluateAll((els) => els.map((e) => e.getAttribute('data-test')))
  assert.ok(items.length > 1, 'the menu has items')
  for (const item of items) {
    await page.locator(`[data-test=${item}]`).click()
    await page.waitForLoadState('networkidle')
    assert.equal(await page.locator('[data-test=error-boundary], [data-test=error-state]').count(), 0, `${item} shows no error`)
    await screenshot(page, `${prefix}-${item.replace('menu-', '')}`)
  }
  return items
}

test('a city commission: every page, an account created, the list exported', async () => {
  const { page, problems } = session
  await login(page, 'hz_admin')
  const items = await visitMenu(page, 'hz_admin')
  assert.ok(items.includes('menu-accounts') && items.includes('menu-audit') && items.includes('menu-body-assignments'))

  // create an account in a new institution: the generated password is shown once
  await page.locator('[data-test=menu-accounts]').click()
  await page.locator('[data-test=account-create]').click()
  const username = `e2e_${Date.now().toString(36)}`
  await field(page, 'account-username').fill(username)
  await field(page, 'account-name').fill('端到端测试')
  await page.locator('[data-test=org-new]').click()
  await field(page, 'org-name').fill(`端到端测试医院 ${username}`)
  // the region tree-select is filterable: type the county, pick it
  const region = page.locator('[data-test=account-form] input[data-test=region-select], [data-test=account-form] [data-test=region-select] input').first()
  await region.click()
  await region.fill('西湖区')
  await page.locator('.el-tree-select__popper .el-tree-node__content:visible').filter({ hasText: '西湖区' }).first().click()
  await screenshot(page, 'hz_admin-account-form')

  // an institution needs a valid unified social credit code: the API's reason shows beside the field, the form
  // keeps what was typed
  await field(page, 'org-uscc').fill('12330106ABCDEFGH0X')
  await page.locator('[data-test=account-save]').click()
  const fieldError = page.locator('[data-test=account-form] .el-form-item.is-error .el-form-item__error')
  await fieldError.first().waitFor({ timeout: 10000 })
  assert.match(await fieldError.first().innerText(), /统一社会信用代码/)
  assert.equal(await field(page, 'account-username').inputValue(), username)
  await screenshot(page, 'hz_admin-account-form-error')

  await field(page, 'org-uscc').fill(uscc())
  await page.locator('[data-test=account-save]').click()
  const password = page.locator('[data-test=one-time-password] code')
  await password.waitFor({ timeout: 15000 })
  assert.ok((await password.innerText()).length >= 8)
  await screenshot(page, 'hz_admin-account-created')
  await page.locator('[data-test=otp-noted]').click()

  // export: a job, its progress, and its file
  await page.locator('[data-test=account-export]').click()
  await page.locator('[data-test=job-download]').waitFor({ timeout: 30000 })
  await screenshot(page, 'hz_admin-export-done')

  assert.deepEqual(problems, [])
})

test('the same pages in English', async () => {
  const { page, problems } = session
  problems.length = 0
  await page.goto(`${BASE_URL}/`)
  await page.locator('[data-test=language-switch]').click()
  await page.locator('.el-dropdown-menu__item').filter({ hasText: 'English' }).click()
  await page.locator('[data-test=menu-accounts]').filter({ hasText: 'Accounts below' }).waitFor()
  await page.locator('[data-test=menu-accounts]').click()
  await page.locator('[data-test=accounts-table] .el-table__row').first().waitFor()
  await screenshot(page, 'hz_admin-accounts-en')
  assert.deepEqual(problems, [])
})

test('a hospital administrator: its own menu, its application', async () => {
  const { context } = session
  const page = await context.newPage()
  await page.evaluate(() => localStorage.clear()).catch(() => undefined)
  await page.goto(`${BASE_URL}/login`)
  await page.evaluate(() => localStorage.clear())
  await login(page, 'hz1_admin')
  if (page.url().includes('/organization')) {
    await page.locator('[data-test^=organization-]').first().click()
  }
  const items = await visitMenu(page, 'hz1_admin')
  assert.ok(!items.includes('menu-regions'), 'a hospital has no regions page')
  assert.ok(items.includes('menu-body-applications'))
  await page.close()
})

// A hospital's technical archives (its own system, the tenant API): medical affairs open an archive for one of
// their physicians; a second archive for the same physician is refused with the API's reason beside the field.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { field, launch, login, requireStack, screenshot } from './lib.mjs'

let session

before(async () => {
  await requireStack()
  session = await launch()
})

after(async () => {
  await session?.browser.close()
})

async function createFor(page, physician) {
  await page.locator('[data-test=archive-create]').click()
  const select = page.locator('[data-test=archive-form] [data-test=archive-physician]').first()
  await select.click()
  await page.keyboard.type(physician)
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: physician }).first().click()
  await field(page, 'archive-employee-number').fill(`E${Date.now().toString().slice(-6)}`)
  await page.locator('[data-test=archive-save]').click()
}

test('medical affairs open a technical archive for a physician, once', async () => {
  const { page, problems } = session
  await login(page, 'hz1_affairs')
  await page.locator('[data-test=menu-archives]').click()
  await page.locator('[data-test=archives-table]').waitFor({ timeout: 15000 })

  await createFor(page, '王伟')
  await page.locator('[data-test=archive-form]').waitFor({ state: 'hidden', timeout: 10000 })
  await page.locator('[data-test=archives-table] .el-table__row').filter({ hasText: '王伟' }).first().waitFor({ timeout: 10000 })
  await screenshot(page, 'archives-01-created')

  await createFor(page, '王伟')
  const error = page.locator('[data-test=archive-form] .el-form-item.is-error .el-form-item__error').first()
  await error.waitFor({ timeout: 10000 })
  assert.match(await error.innerText(), /已存在/)
  await screenshot(page, 'archives-02-refused')
  assert.deepEqual(problems, [])
})

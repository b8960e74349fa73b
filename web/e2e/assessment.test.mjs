// The periodic assessment through its desks, on the demo data: a hospital (Ningbo No.1, none of whose physicians
// is enrolled yet) enrols a physician; Hangzhou No.1's medical-affairs office opens a self-report its department
// has rated and approves it; the assessment body (the physicians' association, serving Xihu district) re-reviews
// the self-reports approved by their hospital with a bulk approve. Screenshots of each step.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { BASE_URL, launch, login, requireStack, screenshot } from './lib.mjs'

let session

before(async () => {
  await requireStack()
  session = await launch()
})

after(async () => {
  await session?.browser.close()
})

/** A fresh page signed in as `username` (tokens live in localStorage: each user gets a clean one). */
async function signedIn(username) {
  const page = await session.context.newPage()
  await page.goto(`${BASE_URL}/login`)
  await page.evaluate(() => localStorage.clear())
  await login(page, username)
  if (new URL(page.url()).pathname.startsWith('/organization')) {
    await page.locator('[data-test^=organization-]').first().click()
    await page.waitForURL((url) => !url.pathname.startsWith('/organization'))
  }
  return page
}

test('a hospital enrols a physician in the cycle', async () => {
  const page = await signedIn('nb1_admin')
  await page.goto(`${BASE_URL}/enrolment/candidates`)
  const rows = page.locator('[data-test=candidates-table] .el-table__row')
  await rows.first().waitFor({ timeout: 15000 })
  const total = await page.locator('.el-pagination__total').innerText()
  const name = (await rows.first().locator('td').nth(1).innerText()).trim()
  await screenshot(page, 'assessment-01-candidates')
  await rows.first().locator('[data-test=enrol-one]').click()
  await page.locator('.el-message--success').first().waitFor({ timeout: 10000 })

  // the physician has left the candidates and is among the enrolments
  await page.waitForFunction(
    (before) => document.querySelector('.el-pagination__total')?.textContent !== before,
    total,
    { timeout: 10000 },
  )
  await page.goto(`${BASE_URL}/enrolments`)
  await page.locator('.el-table__row').filter({ hasText: name }).first().waitFor({ timeout: 15000 })
  await screenshot(page, 'assessment-02-enrolled')
  await page.close()
})

test("the hospital's medical affairs approve a self-report the department has rated", async () => {
  const page = await signedIn('hz1_affairs')
  const problems = []
  page.on('pageerror', (err) => problems.push(err.message))
  await page.goto(`${BASE_URL}/reviews/institution?status=department_rated`)
  const rows = page.locator('[data-test=reviews-table] .el-table__row')
  await rows.first().waitFor({ timeout: 15000 })
  await screenshot(page, 'assessment-03-institution-queue')
  const total = await page.locator('.el-pagination__total').innerText()

  await rows.first().locator('[data-test^=review-view-]').click()
  const drawer = page.locator('[data-test=review-drawer]')
  await drawer.locator('[data-test=review-approve]').waitFor({ timeout: 15000 })
  await screenshot(page, 'assessment-04-self-report')
  await drawer.locator('[data-test=review-approve]').click()
  await page.locator('.el-message--success').first().waitFor({ timeout: 10000 })
  // approved: no action is legal any more at this desk
  await drawer.locator('[data-test=review-actions]').waitFor({ state: 'detached', timeout: 10000 })
  await screenshot(page, 'assessment-05-approved')
  await page.keyboard.press('Escape')
  await page.waitForFunction(
    (before) => document.querySelector('.el-pagination__total')?.textContent !== before,
    total,
    { timeout: 10000 },
  )
  assert.deepEqual(problems, [])
  await page.close()
})

test('the assessment body re-reviews approved self-reports in bulk', async () => {
  const page = await signedIn('body1_reviewer')
  await page.goto(`${BASE_URL}/reviews/body?status=institution_approved`)
  const rows = page.locator('[data-test=reviews-table] .el-table__row')
  await rows.first().waitFor({ timeout: 15000 })
  const picked = Math.min(2, await rows.count()) // a re-run against `make demo` finds fewer left
  await screenshot(page, 'assessment-06-body-queue')

  for (let i = 0; i < picked; i += 1) await rows.nth(i).locator('.el-checkbox').click()
  await page.locator('[data-test=bulk-approve]').click()
  await page.locator('.el-message-box .el-button--primary').click()
  const result = page.locator('[data-test=bulk-result]')
  await result.waitFor({ timeout: 15000 })
  assert.match(await result.innerText(), new RegExp(String(picked)))
  assert.match((await result.getAttribute('class')) ?? '', /el-alert--success/, 'the bulk approve succeeded')
  await screenshot(page, 'assessment-07-body-approved')
  await page.close()
})

// Proctoring review (监考审核): a reviewer of Hangzhou No.1 Hospital (hz1_affairs) opens the risk-ranked list, opens
// the riskiest attempt without a verdict, sees the photos beside the reference photo, marks cheating with a reason;
// a second reviewer (hz1_admin) confirms and the attempt is void; the physician appeals and hz1_admin decides. Needs a running stack with the demo data
// (make demo: backend/demo/proctoring.py seeds three proctored attempts with photos, so three runs per database).
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { BASE_URL, PASSWORD, field, launch, login, requireStack, screenshot } from './lib.mjs'

let first
let second
let attemptUrl = ''

before(async () => {
  await requireStack()
  first = await launch()
})

after(async () => {
  await first?.browser.close()
  await second?.browser.close()
})

/** Wait until every <img> of the locator has loaded real pixels (presigned links answered by the store). */
async function imagesLoaded(page, selector) {
  await page.waitForFunction(
    (sel) => {
      const imgs = [...document.querySelectorAll(sel)]
      return imgs.length > 0 && imgs.every((img) => img.complete && img.naturalWidth > 0)
    },
    selector,
    { timeout: 20000 },
  )
  return page.locator(selector).count()
}

test('a reviewer opens the risk-ranked list and the riskiest attempt, and marks cheating with a reason', async () => {
  const { page, problems } = first
  await login(page, 'hz1_affairs')
  await page.locator('[data-test=menu-proctoring-review]').click()
  await page.waitForURL(/\/proctoring\/attempts/)
  const table = page.locator('[data-test=proctoring-table]')
  await table.locator('.el-table__row').first().waitFor({ timeout: 15000 })

  // Only the attempts without a verdict yet (the filter lives in the URL).
  await page.locator('[data-test=proctoring-filter-verdict]').click()
  await page.locator('.el-select-dropdown__item', { hasText: '尚无认定' }).click()
  await page.locator('[data-test=proctoring-search]').click()
  await page.waitForURL(/verdict=none/)
  await table.locator('.el-table__row').first().waitFor({ timeout: 15000 })
  const risks = (await table.locator('[data-test=proctoring-risk]').allInnerTexts()).map(Number)
  assert.ok(risks.length > 0, 'attempts to review')
  assert.deepEqual(risks, [...risks].sort((a, b) => b - a), 'riskiest first')
  await screenshot(page, 'proctoring-01-risk-list')

  await table.locator('[data-test=proctoring-open]').first().click()
  await page.waitForURL(/\/proctoring\/attempts\/[0-9a-f-]{36}/)
  attemptUrl = page.url()
  await page.locator('[data-test=proctoring-summary]').waitFor({ timeout: 15000 })
  const summary = await page.locator('[data-test=proctoring-summary]').innerText()
  assert.match(summary, new RegExp(String(risks[0])), 'the page shows the risk of the row opened')

  // The photos and the reference photo load through their short-lived links; flags are shown on the photos.
  const shown = await imagesLoaded(page, '[data-test=proctoring-photo] img')
  assert.ok(shown >= 1, 'snapshots shown')
  assert.equal(await imagesLoaded(page, '[data-test=proctoring-reference] img'), 1)
  if (risks[0] >= 30) {
    const flags = await page.locator('[data-test=proctoring-flag]').allInnerTexts()
    assert.ok(flags.length > 0, 'a risky attempt shows its flags')
  }
  await screenshot(page, 'proctoring-02-attempt')

  // Cheating needs a reason: refused in the form first, then recorded with one.
  await page.locator('[data-test=verdict-cheating]').click()
  const dialog = page.locator('[data-test=verdict-dialog]')
  await dialog.waitFor()
  await dialog.locator('[data-test=verdict-second-hint]').waitFor()
  await page.locator('[data-test=verdict-save]').click()
  await dialog.locator('.el-form-item__error', { hasText: '标记作弊须填写理由' }).waitFor()
  await field(page, 'verdict-reason').fill('第2张照片与底照不符，第3张照片出现两人，疑似他人代考')
  await page.locator('[data-test=verdict-save]').click()
  await dialog.waitFor({ state: 'hidden' })
  const status = page.locator('[data-test=verdict-status]').first()
  await status.waitFor({ timeout: 15000 })
  assert.match(await status.innerText(), /待第二人确认/)
  // The author cannot confirm their own verdict: the page says it waits for another reviewer.
  assert.equal(await page.locator('[data-test=verdict-confirm-open]').count(), 0)
  await page.locator('[data-test=verdict-awaiting]').waitFor()
  await screenshot(page, 'proctoring-03-cheating-pending')
  assert.deepEqual(problems.filter((p) => !/favicon/.test(p)), [])
})

test('a second reviewer confirms the cheating verdict and the attempt is void', async () => {
  assert.ok(attemptUrl, 'the first test opened an attempt')
  second = await launch()
  const { page, problems } = second
  await login(page, 'hz1_admin')
  await page.goto(attemptUrl)
  await page.locator('[data-test=proctoring-summary]').waitFor({ timeout: 15000 })
  await imagesLoaded(page, '[data-test=proctoring-photo] img')
  await page.locator('[data-test=verdict-confirm-open]').click()
  const dialog = page.locator('[data-test=confirm-dialog]')
  await dialog.waitFor()
  await field(page, 'confirm-comment').fill('复核照片属实')
  await page.locator('[data-test=confirm-confirm]').click()
  await dialog.waitFor({ state: 'hidden' })
  await page.locator('[data-test=verdict-status]', { hasText: '已确认' }).waitFor({ timeout: 15000 })
  assert.match(await page.locator('[data-test=proctoring-summary]').innerText(), /已作废/)
  // Nothing more to record on a voided attempt with a standing verdict.
  assert.ok(await page.locator('[data-test=verdict-cheating]').isDisabled())
  await screenshot(page, 'proctoring-04-cheating-confirmed')

  // Back in the list, the attempt is among the confirmed ones.
  await page.goto(`${BASE_URL}/proctoring/attempts?verdict=confirmed`)
  const table = page.locator('[data-test=proctoring-table]')
  await table.locator('.el-table__row').first().waitFor({ timeout: 15000 })
  assert.match(await table.innerText(), /已作废/)
  assert.deepEqual(problems.filter((p) => !/favicon/.test(p)), [])
})

test('the hospital administers its own proctored exam through its tenant API', async () => {
  const third = await launch()
  try {
    const { page, problems } = third
    const tenantCalls = []
    page.on('request', (req) => {
      if (/\/h\/[^/]+\/api\/v1\/exams\//.test(req.url())) tenantCalls.push(req.url())
    })
    await login(page, 'hz1_admin')
    for (const [menu, table, name] of [
      ['menu-exam-banks', 'banks-table', 'exams-01-banks'],
      ['menu-exam-questions', 'questions-table', 'exams-02-questions'],
      ['menu-exam-blueprints', 'blueprints-table', 'exams-03-blueprints'],
      ['menu-exam-sittings', 'sittings-table', 'exams-04-sittings'],
      ['menu-exam-attempts', 'attempts-table', 'exams-05-attempts'],
    ]) {
      await page.locator(`[data-test=${menu}]`).click()
      await page.locator(`[data-test=${table}] .el-table__body .el-table__row`).first().waitFor({ timeout: 15000 })
      await screenshot(page, name)
    }
    assert.ok(tenantCalls.length >= 5, 'the exam pages use the tenant API')

    // The proctored sitting's settings, read from the proctoring API.
    await page.locator('[data-test=menu-exam-sittings]').click()
    await page.locator('.el-table__body [data-test=sitting-proctoring]').first().click()
    const settings = page.locator('[data-test=proctoring-settings]')
    await settings.waitFor()
    await page.waitForFunction(() => document.querySelector('[data-test=proctoring-settings] .el-switch')?.classList.contains('is-checked'), null, { timeout: 10000 })
    await screenshot(page, 'exams-06-proctoring-settings')
    assert.deepEqual(problems.filter((p) => !/favicon/.test(p)), [])
  } finally {
    await third.browser.close()
  }
})

/** Which demo examinee took the attempt (asked through the API with each one's token). */
async function examineeOf(attemptId) {
  for (const username of ['hz1_doc2', 'hz1_doc3', 'hz1_doc4']) {
    const login = await fetch(`${BASE_URL}/api/v1/auth/login/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD, client: 'web' }),
    })
    if (!login.ok) continue
    const { access } = await login.json()
    const mine = await fetch(`${BASE_URL}/api/v1/me/exams/attempts/?page_size=100`, { headers: { Authorization: `Bearer ${access}` } })
    const { results } = await mine.json()
    if (results.some((a) => a.id === attemptId)) return username
  }
  return null
}

test('the physician sees the evidence and appeals; another reviewer decides the appeal', async () => {
  assert.ok(attemptUrl, 'the first tests voided an attempt')
  const attemptId = attemptUrl.split('/').pop()
  const username = await examineeOf(attemptId)
  assert.ok(username, 'a demo examinee took the attempt')
  const fourth = await launch()
  try {
    const { page, problems } = fourth
    await login(page, username)
    await page.locator('[data-test=menu-my-exams]').click()
    await page.locator('.el-table__body [data-test=my-exam-evidence]').first().waitFor({ timeout: 15000 })
    const rows = page.locator('[data-test=my-exams-table] .el-table__body .el-table__row')
    const n = await rows.count()
    for (let i = 0; i < n; i++) {
      await rows.nth(i).locator('[data-test=my-exam-evidence]').click()
      const drawer = page.locator('[data-test=my-evidence]')
      await drawer.waitFor()
      await page.waitForTimeout(1000)
      if (await drawer.locator('[data-test=my-appeal]').count()) break
      await page.keyboard.press('Escape')
      await drawer.waitFor({ state: 'hidden' })
    }
    const drawer = page.locator('[data-test=my-evidence]')
    assert.match(await drawer.innerText(), /已作废/)
    await imagesLoaded(page, '[data-test=my-evidence] img')
    await screenshot(page, 'proctoring-05-physician-evidence')
    await drawer.locator('[data-test=my-appeal]').click()
    await field(page, 'my-appeal-reason').fill('第3张照片中另一人是监考老师，并非代考')
    await page.locator('[data-test=my-appeal-send]').click()
    await page.locator('[data-test=my-appeal-dialog]').waitFor({ state: 'hidden' })
    await drawer.getByText('申诉：待处理').waitFor({ timeout: 15000 })
    assert.deepEqual(problems.filter((p) => !/favicon/.test(p)), [])
  } finally {
    await fourth.browser.close()
  }

  // hz1_admin (who did not author the verdict) upholds it
  const { page, problems } = second
  await page.locator('[data-test=menu-proctoring-appeals]').click()
  await page.locator('.el-table__body [data-test=appeal-decide]').first().click()
  const dialog = page.locator('[data-test=appeal-dialog]')
  await dialog.waitFor()
  await dialog.locator('.el-radio', { hasText: '维持原认定' }).click()
  await dialog.locator('.el-dialog__footer button', { hasText: '确定' }).click()
  await dialog.waitFor({ state: 'hidden' })
  await screenshot(page, 'proctoring-06-appeal-decided')
  assert.deepEqual(problems.filter((p) => !/favicon/.test(p)), [])
})

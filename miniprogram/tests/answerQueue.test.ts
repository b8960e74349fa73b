/** Answers saved as given, with (epoch, seq), persisted, retried in order when the network drops. */
import { FakePlatform } from './helpers/platform'
import { phone, settle } from './helpers/wx'

type Queue = typeof import('../utils/answerQueue')

function boot(): Queue {
  jest.resetModules()
  return require('../utils/answerQueue') as Queue
}

let platform: FakePlatform
beforeEach(() => {
  const w = phone()
  w.storage.clear()
  w.calls = []
  w.violations = []
  w.routes = []
  w.online = true
  platform = new FakePlatform(w).install()
  platform.seedSession()
  platform.device = null
})
afterEach(() => expect(phone().violations).toEqual([]))

async function startAttempt() {
  // the device id the queue will use must be the attempt's device
  const device = require('../utils/device') as typeof import('../utils/device')
  platform.device = device.deviceId()
}

test('each answer is sent as given with the install epoch and increasing sequence numbers', async () => {
  // given
  const q = boot()
  await startAttempt()
  // when
  q.saveAnswer('att-1', 'q1', ['q1a'], false)
  q.saveAnswer('att-1', 'q2', ['q2a', 'q2c'], false)
  await q.drain()
  // then
  const puts = phone().apiCalls('PUT', '/api/v1/me/exams/attempts/{attempt_id}/answers/')
  expect(puts.map((c) => (c.data as { seq: number }).seq)).toEqual([1, 2])
  const epochs = new Set(puts.map((c) => (c.data as { client_epoch: number }).client_epoch))
  expect(epochs.size).toBe(1)
  expect(puts[0].header['X-Device-Id']).toMatch(/^mp-/)
  expect(platform.answers.get('q2')!.options).toEqual(['q2a', 'q2c'])
  expect(q.pending()).toHaveLength(0)
})

test('the network drops: answers wait in storage, then drain in order with their original (epoch, seq)', async () => {
  // given
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] })
  try {
    const q = boot()
    await startAttempt()
    phone().online = false
    // when: three answers while offline, two of them to the same question
    q.saveAnswer('att-1', 'q1', ['q1a'], false)
    q.saveAnswer('att-1', 'q1', ['q1b'], false)
    q.saveAnswer('att-1', 'q2', ['q2b'], true)
    await jest.advanceTimersByTimeAsync(10)
    // then: nothing acknowledged, everything persisted
    expect(q.queueState()).toBe('waiting')
    const stored = phone().storage.get('pap.outbox') as { seq: number }[]
    expect(stored.map((i) => i.seq)).toEqual([1, 2, 3])
    expect(platform.answers.size).toBe(0)
    // when: the network is back and the retry timer fires
    phone().online = true
    await jest.advanceTimersByTimeAsync(2000)
    await jest.advanceTimersByTimeAsync(10)
    // then: sent in order, the newest answer kept
    expect(platform.applied.map((a) => a.seq)).toEqual([1, 2, 3])
    expect(platform.answers.get('q1')!.options).toEqual(['q1b'])
    expect(platform.answers.get('q2')!.marked).toBe(true)
    expect(phone().storage.get('pap.outbox')).toEqual([])
  } finally {
    jest.useRealTimers()
  }
})

test('a late retry of an older seq does not overwrite the newer answer (the server keeps the highest pair)', async () => {
  // given: q1 answered twice and both acknowledged
  const q = boot()
  await startAttempt()
  const first = q.saveAnswer('att-1', 'q1', ['q1a'], false)
  q.saveAnswer('att-1', 'q1', ['q1b'], false)
  await q.drain()
  // when: the first request arrives again (a duplicate from a flaky network)
  const { api } = require('../utils/request') as typeof import('../utils/request')
  const reply = await api('put', '/api/v1/me/exams/attempts/{attempt_id}/answers/', {
    path: { attempt_id: 'att-1' },
    deviceId: platform.device!,
    body: { question: 'q1', options: first.options, marked: false, client_epoch: first.client_epoch, seq: first.seq },
  })
  // then
  expect(reply.applied).toBe(false)
  expect(platform.answers.get('q1')!.options).toEqual(['q1b'])
})

test('the app is killed with answers unsent: the next start reads the outbox back and drains it in order', async () => {
  // given
  let q = boot()
  await startAttempt()
  phone().online = false
  q.saveAnswer('att-1', 'q1', ['q1a'], false)
  q.saveAnswer('att-1', 'q3s1', ['q3s1b'], false)
  await settle()
  q._resetForTests()
  // when: a new process (modules reloaded, same phone storage), online again; App.onShow drains
  phone().online = true
  q = boot()
  expect(q.pendingAnswers('att-1').q3s1.options).toEqual(['q3s1b'])
  await q.drain()
  // then
  expect(platform.applied.map((a) => [a.question, a.seq])).toEqual([
    ['q1', 1],
    ['q3s1', 2],
  ])
  // and the sequence continues after the restart instead of starting again
  const next = q.saveAnswer('att-1', 'q2', ['q2a'], false)
  expect(next.seq).toBe(3)
  await q.drain()
})

test('a reinstall (storage wiped) gets a new, higher epoch, so its answers with seq 1 still win', async () => {
  // given: an answer from the first install
  let q = boot()
  await startAttempt()
  const old = q.saveAnswer('att-1', 'q1', ['q1a'], false)
  old.seq = 99
  await q.drain()
  // when: the app is removed and installed again; it takes over on the new device
  phone().storage.clear()
  platform.seedSession()
  await new Promise((r) => setTimeout(r, 5))
  q = boot()
  await startAttempt()
  const fresh = q.saveAnswer('att-1', 'q1', ['q1b'], false)
  await q.drain()
  // then
  expect(fresh.seq).toBe(1)
  expect(fresh.client_epoch).toBeGreaterThan(old.client_epoch)
  expect(platform.answers.get('q1')!.options).toEqual(['q1b'])
})

test('an answer the platform refuses for good is dropped and reported, the rest still go', async () => {
  // given
  const q = boot()
  await startAttempt()
  const rejected: string[] = []
  q.subscribe({ rejected: (item, e) => rejected.push(`${(item as { question: string }).question}:${e.code}`) })
  phone().on('PUT', '/api/v1/me/exams/attempts/{attempt_id}/answers/', (req) => {
    const b = req.data as { question: string }
    if (b.question === 'bad') return { status: 400, data: { type: 'validation_error', errors: [{ code: 'not_an_option', detail: '所选答案不是本题的选项。', attr: 'options' }] } }
    platform.applied.push({ question: b.question, seq: 0, epoch: 0 })
    return { status: 200, data: { question: b.question, options: [], marked: false, client_epoch: 1, seq: 1, saved_at: '', applied: true } }
  })
  // when
  q.saveAnswer('att-1', 'bad', ['zz'], false)
  q.saveAnswer('att-1', 'q1', ['q1a'], false)
  await q.drain()
  // then
  expect(rejected).toEqual(['bad:not_an_option'])
  expect(platform.applied.map((a) => a.question)).toEqual(['q1'])
})

test('leaving and returning to the app are queued as events with increasing seq', async () => {
  // given
  const q = boot()
  await startAttempt()
  phone().online = false
  // when: the hide event cannot go out (the app is in the background), the show event comes later
  q.reportEvent('att-1', 'hide')
  await settle()
  phone().online = true
  q.reportEvent('att-1', 'show')
  await q.drain()
  await q.drain()
  // then
  expect(platform.events.map((e) => e.kind)).toEqual(['hide', 'show'])
  expect(platform.events[1].seq).toBeGreaterThan(platform.events[0].seq)
})

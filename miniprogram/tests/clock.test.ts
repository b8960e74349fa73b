/** The countdown follows the server's remaining time, not the phone's clock. */
import { ServerClock, formatSeconds } from '../utils/clock'

test('the deadline is the send time plus the remaining seconds the server gave', () => {
  // given: the request left at t=1000 s and the server said 600 s remain
  const c = new ServerClock()
  c.sync(600, 1_000_000)
  // then: 10 s later 590 s remain, whatever the reply's latency
  expect(c.remaining(1_010_000)).toBe(590)
  expect(c.remaining(1_600_000)).toBe(0)
  expect(c.expired(1_600_000)).toBe(true)
  expect(c.remaining(2_000_000)).toBe(0)
})

test('a later sync corrects the countdown (the phone slept, or the server closed the sitting early)', () => {
  const c = new ServerClock()
  c.sync(600, 0)
  c.sync(120, 60_000)
  expect(c.remaining(60_000)).toBe(120)
})

test('formats hours, minutes and seconds', () => {
  expect(formatSeconds(3 * 3600 + 5 * 60 + 9)).toBe('03:05:09')
  expect(formatSeconds(309)).toBe('05:09')
  expect(formatSeconds(-3)).toBe('00:00')
})

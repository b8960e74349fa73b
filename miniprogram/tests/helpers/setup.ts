import { FakeWx } from './wx'

const fake = new FakeWx()
globalThis.__fakeWx = fake
;(globalThis as unknown as { wx: unknown }).wx = fake.api()

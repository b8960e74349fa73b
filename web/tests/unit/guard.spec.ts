import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import type { RouteLocationNormalized } from 'vue-router'
import { guard, routes } from '@/router'
import { useAuthStore } from '@/stores/auth'
import { fakeApi, me, membership, pair } from './fakeApi'
import { createMemoryHistory, createRouter } from 'vue-router'

const router = createRouter({ history: createMemoryHistory(), routes })
const to = (path: string) => router.resolve(path) as unknown as RouteLocationNormalized

beforeEach(() => {
  setActivePinia(createPinia())
})

describe('navigation guard', () => {
  it('sends a visitor to the login page with the way back', async () => {
    expect(await guard(to('/accounts?page=2'))).toEqual({ name: 'login', query: { redirect: '/accounts?page=2' } })
    expect(await guard(to('/login'))).toBe(true)
  })

  it('loads /me/ first, then holds everything but the password change while it is required', async () => {
    // given
    fakeApi({ 'GET /api/v1/me/': () => ({ status: 200, body: me([membership('m1')], { must_change_password: true, password_change_reason: 'required' }) }) })
    useAuthStore().setPair(pair(1))

    // then
    expect(await guard(to('/accounts'))).toEqual({ name: 'change-password', query: { redirect: '/accounts' } })
    expect(await guard(to('/change-password'))).toBe(true)
  })

  it('asks a user with several memberships to choose one', async () => {
    // given
    fakeApi({ 'GET /api/v1/me/': () => ({ status: 200, body: me([membership('m1'), membership('m2')]) }) })
    useAuthStore().setPair(pair(1))

    // then
    expect(await guard(to('/audit'))).toEqual({ name: 'pick-organization', query: { redirect: '/audit' } })
  })

  it("refuses a page whose codes the membership lacks, and lets the rest through", async () => {
    // given
    fakeApi({ 'GET /api/v1/me/': () => ({ status: 200, body: me([membership('m1', 'hospital_admin', ['accounts.view'])]) }) })
    useAuthStore().setPair(pair(1))

    // then
    expect(await guard(to('/audit'))).toEqual({ name: 'forbidden', query: { from: '/audit' } })
    expect(await guard(to('/accounts'))).toBe(true)
    expect(await guard(to('/regions'))).toBe(true)
  })
})

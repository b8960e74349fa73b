import { flushPromises, mount } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { Page } from '@/api/pagination'
import { toApiError } from '@/api/errors'
import { useListPage, type ListPage } from '@/composables/useListPage'
import { apiParams, buildQuery, parseQuery } from '@/utils/query'

const defaults = { search: '', role: '', active: 'true', levels: [] as string[], min: 0, archived: false }

describe('query <-> list state', () => {
  it('reads typed filters, page and page size from the URL, with defaults for the rest', () => {
    // when
    const state = parseQuery({ search: '张', levels: ['city', 'county'], min: '3', archived: 'true', page: '4', page_size: '50', junk: 'x' }, defaults)

    // then
    expect(state).toEqual({
      filters: { search: '张', role: '', active: 'true', levels: ['city', 'county'], min: 3, archived: true },
      page: 4,
      pageSize: 50,
    })
  })

  it('ignores a bad page and caps the page size at the API maximum', () => {
    expect(parseQuery({ page: '-2', page_size: '5000' }, defaults)).toMatchObject({ page: 1, pageSize: 100 })
    expect(parseQuery({ page: 'abc' }, defaults).page).toBe(1)
  })

  it('writes only what differs from the defaults, and a cleared non-empty default as empty', () => {
    // given
    const state = parseQuery({}, defaults)
    state.filters.search = 'hz'
    state.filters.active = ''
    state.page = 2

    // when
    const query = buildQuery(state, defaults)

    // then
    expect(query).toEqual({ search: 'hz', active: '', page: '2' })
    expect(parseQuery(query as never, defaults).filters.active).toBe('')
    expect(buildQuery(parseQuery({}, defaults), defaults)).toEqual({})
  })

  it('round-trips any state', () => {
    const state = { filters: { ...defaults, role: 'doctor', levels: ['city'], min: 5, archived: true }, page: 3, pageSize: 50 }
    expect(parseQuery(buildQuery(state, defaults) as never, defaults)).toEqual(state)
  })

  it("gives the API the non-empty filters with page and page_size", () => {
    const state = parseQuery({ search: 'x', page: '2' }, defaults)
    expect(apiParams(state)).toEqual({ search: 'x', active: 'true', min: 0, archived: false, page: 2, page_size: 20 })
  })
})

describe('useListPage', () => {
  type Fetch = (params: Record<string, unknown>, state?: unknown) => Promise<Page<{ id: number }>>
  async function setup(initialUrl: string, fetch = vi.fn<Fetch>(async () => ({ count: 45, results: [{ id: 1 }] }))) {
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/list', name: 'list', component: { template: '<div />' } },
        { path: '/other', name: 'other', component: { template: '<div />' } },
      ],
    })
    await router.push(initialUrl)
    let list!: ListPage<{ search: string; role: string }, { id: number }>
    const Page = defineComponent({
      setup() {
        list = useListPage({ filters: { search: '', role: '' }, fetch })
        return () => h('div')
      },
    })
    mount(Page, { global: { plugins: [router] } })
    await flushPromises()
    return { router, list, fetch }
  }

  it('loads the list the URL describes', async () => {
    // when
    const { list, fetch } = await setup('/list?search=hz&page=2&page_size=10')

    // then
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(fetch.mock.calls[0]![0]).toEqual({ search: 'hz', page: 2, page_size: 10 })
    expect(list.filters.search).toBe('hz')
    expect(list.page.value).toBe(2)
    expect(list.count.value).toBe(45)
  })

  it('puts a search in the URL, from page 1, and loads it', async () => {
    // given
    const { router, list, fetch } = await setup('/list?page=3')

    // when
    list.filters.role = 'doctor'
    await list.search()
    await flushPromises()

    // then
    expect(router.currentRoute.value.query).toEqual({ role: 'doctor' })
    expect(fetch).toHaveBeenLastCalledWith({ role: 'doctor', page: 1, page_size: 20 }, expect.anything())
  })

  it('changes pages and sizes through the URL, and the back button returns to the previous page', async () => {
    // given
    const { router, list, fetch } = await setup('/list?search=a')

    // when
    await list.setPage(2)
    await flushPromises()
    await list.setPageSize(50)
    await flushPromises()

    // then
    expect(router.currentRoute.value.query).toEqual({ search: 'a', page_size: '50' })
    expect(fetch).toHaveBeenLastCalledWith({ search: 'a', page: 1, page_size: 50 }, expect.anything())

    // when: the query changes from outside (back/forward, a link)
    await router.push('/list?search=b&page=2')
    await flushPromises()

    // then
    expect(list.filters.search).toBe('b')
    expect(fetch).toHaveBeenLastCalledWith({ search: 'b', page: 2, page_size: 20 }, expect.anything())
  })

  it('reloads when searching again with the same filters, and does not load when leaving the page', async () => {
    // given
    const { router, list, fetch } = await setup('/list?search=a')
    const before = fetch.mock.calls.length

    // when
    await list.search()
    await flushPromises()
    await router.push('/other?x=1')
    await flushPromises()

    // then
    expect(fetch.mock.calls.length).toBe(before + 1)
  })

  it('keeps the error of a failed load for the page to show, and clears it on a successful retry', async () => {
    // given
    const fetch = vi
      .fn<Fetch>()
      .mockRejectedValueOnce(toApiError(503, { type: 'server_error', errors: [{ code: 'service_unavailable', detail: '服务暂不可用。', attr: null }] }))
      .mockResolvedValue({ count: 1, results: [{ id: 1 }] })
    const { list } = await setup('/list', fetch)

    // then
    expect(list.error.value?.code).toBe('service_unavailable')
    expect(list.rows.value).toEqual([])

    // when
    await list.reload()

    // then
    expect(list.error.value).toBeNull()
    expect(list.rows.value).toEqual([{ id: 1 }])
  })
})

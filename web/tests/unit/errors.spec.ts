import { mount } from '@vue/test-utils'
import ElementPlus, { ElMessage } from 'element-plus'
import { describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { ApiError, mapErrorsToFields, toApiError } from '@/api/errors'
import { useFormErrors } from '@/composables/useFormErrors'
import { i18n, setLocale } from '@/locales'

const validation = (errors: { code: string; detail: string; attr: string | null }[]) =>
  new ApiError(400, { type: 'validation_error', errors })

describe('mapErrorsToFields', () => {
  it('puts each detail beside the field its attr names, the rest in the general message', () => {
    // given
    const errors = [
      { code: 'required', detail: '该字段是必填项。', attr: 'name' },
      { code: 'invalid', detail: '请输入合法的邮件地址。', attr: 'email' },
      { code: 'conflict', detail: '用户名已存在。', attr: 'username' },
      { code: 'permission_denied', detail: '不能授予该角色。', attr: null },
      { code: 'invalid', detail: '非字段错误。', attr: 'non_field_errors' },
    ]

    // when
    const mapped = mapErrorsToFields(errors, ['username', 'name', 'email'])

    // then
    expect(mapped.fields).toEqual({ name: '该字段是必填项。', email: '请输入合法的邮件地址。', username: '用户名已存在。' })
    expect(mapped.general).toEqual(['不能授予该角色。', '非字段错误。'])
  })

  it('maps nested and list attrs to the longest known field, and unknown fields to the message', () => {
    // when
    const mapped = mapErrorsToFields(
      [
        { code: 'required', detail: 'A', attr: 'organization.name' },
        { code: 'invalid', detail: 'B', attr: 'organization.region_code' },
        { code: 'invalid', detail: 'C', attr: 'ids.3' },
        { code: 'invalid', detail: 'D', attr: 'something_else' },
        { code: 'invalid', detail: 'E', attr: 'organization.name' },
      ],
      ['organization', 'organization.name', 'ids'],
    )

    // then
    expect(mapped.fields).toEqual({ 'organization.name': 'A E', organization: 'B', ids: 'C' })
    expect(mapped.general).toEqual(['D'])
  })

  it('without a field list, every attr is a field', () => {
    expect(mapErrorsToFields([{ code: 'x', detail: 'X', attr: 'anything' }]).fields).toEqual({ anything: 'X' })
  })
})

describe('toApiError', () => {
  it("keeps the API's body", () => {
    const err = toApiError(409, { type: 'client_error', errors: [{ code: 'illegal_transition', detail: '当前状态不允许。', attr: null }] })
    expect(err.status).toBe(409)
    expect(err.code).toBe('illegal_transition')
    expect(err.message).toBe('当前状态不允许。')
  })

  it('turns an answer without the error shape into a message in the UI language', () => {
    // given
    setLocale('en')

    // when
    const gateway = toApiError(502, '<html>Bad gateway</html>')
    const offline = toApiError(0, null)

    // then
    expect(gateway.code).toBe('http_502')
    expect(gateway.type).toBe('server_error')
    expect(gateway.errors[0]!.detail).toContain('502')
    expect(offline.code).toBe('network_error')
    expect(offline.errors[0]!.detail).toBe(i18n.global.t('errors.network'))
    setLocale('zh-CN')
  })
})

describe('useFormErrors', () => {
  function harness(fields: string[]) {
    let api!: ReturnType<typeof useFormErrors>
    const Comp = defineComponent({
      setup() {
        api = useFormErrors(fields)
        return () => h('div')
      },
    })
    mount(Comp, { global: { plugins: [ElementPlus] } })
    return api
  }

  it('shows field errors beside fields and the rest in a message; a later success clears them', async () => {
    // given
    const message = vi.spyOn(ElMessage, 'error').mockImplementation(() => ({ close: () => undefined }) as never)
    const fe = harness(['username', 'organization.name'])

    // when
    const failed = await fe.run(() =>
      Promise.reject(
        validation([
          { code: 'unique', detail: '用户名已存在。', attr: 'username' },
          { code: 'required', detail: '请填写机构名称。', attr: 'organization.name' },
          { code: 'grant', detail: '不能在该机构授予此角色。', attr: 'role' },
        ]),
      ),
    )

    // then
    expect(failed).toBeUndefined()
    expect(fe.errors).toEqual({ username: '用户名已存在。', 'organization.name': '请填写机构名称。' })
    expect(message).toHaveBeenCalledWith('不能在该机构授予此角色。')

    // when
    const ok = await fe.run(() => Promise.resolve(42))

    // then
    expect(ok).toBe(42)
    expect(fe.errors).toEqual({})
  })
})

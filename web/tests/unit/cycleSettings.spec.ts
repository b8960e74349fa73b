import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { createPinia } from 'pinia'
import { describe, expect, it } from 'vitest'
import type { CycleSettings } from '@/api/types'
import { i18n } from '@/locales'
import CycleSettingsForm from '@/views/cycles/CycleSettingsForm.vue'
import { settingsBody, settingsForm } from '@/views/cycles/model'
import { fakeApi } from './fakeApi'

const inForce: CycleSettings = {
  id: 's1',
  cycle_id: 'c1',
  version: 2,
  in_force: true,
  phases: {
    self_report: { opens: '2025-03-01', closes: '2025-04-30' },
    department_rating: { opens: '2025-05-01', closes: '2025-05-15' },
    competence_test: { opens: '2025-06-01', closes: '2025-06-30' },
  },
  department_rating: true,
  body_review: true,
  components: [
    { component: 'competence_test', weight: 60, procedures: ['general'] },
    { component: 'work_performance', weight: 40, procedures: ['general', 'simplified'] },
  ],
  result_levels: { pass: 60, excellent: 90 },
  simplified_rules: { enabled: true, min_practice_years: 15, max_adverse_records: 0 },
  exemption_rules: { reasons: ['援外'], attachment_required: true },
  forms: { required: ['basic'] },
  exam_blueprint_id: null,
  publicity_days: 7,
  makeup_allowed: true,
  note: '第二版',
  created_by_name: '省卫健委',
  created_at: '2025-01-01T00:00:00Z',
}

/** The text box of a form item found by data-test. */
function input(page: ReturnType<typeof mount>, test: string) {
  return page.find(`[data-test="${test}"] input`)
}

function itemError(page: ReturnType<typeof mount>, test: string): string | undefined {
  const item = page.findAllComponents({ name: 'ElFormItem' }).find((i) => i.attributes('data-test') === test)
  return item?.props('error') as string | undefined
}

describe('cycle settings form (a new version)', () => {
  it('builds the complete new version from the one in force, dropping the windows of phases switched off', () => {
    // given the version in force, department rating switched off and a new note
    const form = settingsForm(inForce)
    form.department_rating = false
    form.excellent = null
    form.note = '  取消科室评定  '

    // when
    const body = settingsBody(form)

    // then
    expect(body).toEqual({
      note: '取消科室评定',
      phases: {
        self_report: { opens: '2025-03-01', closes: '2025-04-30' },
        competence_test: { opens: '2025-06-01', closes: '2025-06-30' },
      },
      department_rating: false,
      body_review: true,
      components: [
        { component: 'competence_test', weight: 60, procedures: ['general'] },
        { component: 'work_performance', weight: 40, procedures: ['general', 'simplified'] },
      ],
      result_levels: { pass: 60 },
      simplified_rules: { enabled: true, min_practice_years: 15, max_adverse_records: 0 },
      exemption_rules: { enabled: true, reasons: ['援外'], attachment_required: true },
      forms: { required: ['basic'] },
      exam_blueprint_id: null,
      publicity_days: 7,
      makeup_allowed: true,
    })
  })

  it('sends only the switch of a rule that is off', () => {
    const form = settingsForm(inForce)
    form.simplified.enabled = false
    form.exemption.enabled = false
    const body = settingsBody(form)
    expect(body.simplified_rules).toEqual({ enabled: false })
    expect(body.exemption_rules).toEqual({ enabled: false })
  })

  it('posts the version, shows the API errors beside their fields, keeps what was typed, then saves', async () => {
    // given an API that refuses the first save (weights) and accepts the second
    let posts = 0
    const api = fakeApi({
      'POST /api/v1/cycles/c1/settings/': () => {
        posts += 1
        if (posts === 1)
          return {
            status: 400,
            body: {
              type: 'validation_error',
              errors: [{ code: 'weights_not_100', detail: '各计分项目的权重之和须为 100，目前为 90。', attr: 'components' }],
            },
          }
        if (posts === 2)
          return {
            status: 400,
            body: {
              type: 'validation_error',
              errors: [{ code: 'invalid_weight', detail: '权重须大于 0 且不超过 100。', attr: 'components.1.weight' }],
            },
          }
        return { status: 201, body: { ...inForce, id: 's3', version: 3, note: '调整权重' } }
      },
    })
    const page = mount(CycleSettingsForm, { props: { cycleId: 'c1', base: inForce }, global: { plugins: [ElementPlus, i18n, createPinia()] } })
    await flushPromises()

    // when a note is typed and the form saved
    await input(page, 'settings-note').setValue('调整权重')
    await page.find('[data-test="settings-form"]').trigger('submit')
    await flushPromises()

    // then the weight error stands beside the components, the note is kept
    expect(itemError(page, 'components-total')).toBe('各计分项目的权重之和须为 100，目前为 90。')
    expect((input(page, 'settings-note').element as HTMLInputElement).value).toBe('调整权重')
    const first = api.seen.find((r) => r.method === 'POST')
    expect(first?.body).toMatchObject({ note: '调整权重', components: inForce.components, result_levels: { pass: 60, excellent: 90 } })

    // when saved again: an error on one row's weight goes beside that row
    await page.find('[data-test="settings-form"]').trigger('submit')
    await flushPromises()
    expect(itemError(page, 'component-1')).toBe('权重须大于 0 且不超过 100。')
    expect(itemError(page, 'components-total')).toBeFalsy()

    // when saved a third time, the new version is announced
    await page.find('[data-test="settings-form"]').trigger('submit')
    await flushPromises()
    expect(page.emitted('saved')?.[0]?.[0]).toMatchObject({ version: 3 })
  }, 20000) // the whole form (seven date pickers) mounts slowly under a loaded runner

  it('shows a phase-order error beside that phase', async () => {
    fakeApi({
      'POST /api/v1/cycles/c1/settings/': () => ({
        status: 400,
        body: { type: 'validation_error', errors: [{ code: 'phase_order', detail: '“业务水平测评”不能早于“科室评定”开始。', attr: 'phases.competence_test' }] },
      }),
    })
    const page = mount(CycleSettingsForm, { props: { cycleId: 'c1', base: inForce }, global: { plugins: [ElementPlus, i18n, createPinia()] } })
    await input(page, 'settings-note').setValue('x')
    await page.find('[data-test="settings-form"]').trigger('submit')
    await flushPromises()
    expect(itemError(page, 'phase-competence_test')).toBe('“业务水平测评”不能早于“科室评定”开始。')
    expect(itemError(page, 'phase-self_report')).toBeFalsy()
  }, 20000)
})

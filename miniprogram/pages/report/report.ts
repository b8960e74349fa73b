/**
 * 填报信息: the forms of the assessment workflow (basic and practice information, experience, work performance,
 * ethics), the procedure (一般程序 / 简易程序 / 免考 with its reason and photo attachments), save as draft, submit,
 * and the reviewer's comment when the report was returned. Read-only when the platform says it is not editable.
 */
import { apiBase } from '../../config'
import type { Schemas } from '../../utils/api'
import { NetworkError, api, authHeader, errorMessage, fillPath, refreshTokens, toApiError } from '../../utils/request'
import { PageSelf, confirm, dateText, toast } from '../../utils/ui'
import { FORMS, FormDef, formsBody } from './fields'

type Report = Schemas['ReportOutput']
type Values = Record<string, Record<string, unknown>>

interface Data {
  enrolment: string
  loaded: boolean
  editable: boolean
  title: string
  status: string
  forms: (FormDef & { required: boolean })[]
  tab: string
  values: Values
  procedure: string
  procedures: { value: string; label: string; disabled: boolean }[]
  simplifiedReasons: string[]
  exemptionReason: string
  exemptionReasons: string[]
  exemptionAttachmentRequired: boolean
  attachments: (Schemas['EnrolmentAttachmentOutput'] & { created: string })[]
  returned: { comment: string; actor: string; at: string } | null
  phase: string
  busy: boolean
  message: string
}
type Self = PageSelf<Data, { report: Report | null }> & { apply(r: Report): void; body(): Record<string, unknown> }

function uploadAttachment(enrolment: string, filePath: string): Promise<{ status: number; data: unknown }> {
  return new Promise((resolve, reject) => {
    wx.uploadFile({
      url: apiBase() + fillPath('/api/v1/me/enrolments/{enrolment_id}/report/attachments/', { enrolment_id: enrolment }),
      filePath,
      name: 'file',
      formData: { purpose: 'exemption' },
      header: authHeader(),
      success: (r) => {
        let data: unknown = r.data
        try {
          data = JSON.parse(r.data)
        } catch {
          /* not JSON */
        }
        resolve({ status: r.statusCode, data })
      },
      fail: () => reject(new NetworkError()),
    })
  })
}

Component({
  data: {
    enrolment: '',
    loaded: false,
    editable: false,
    title: '',
    status: '',
    forms: [],
    tab: 'basic',
    values: {},
    procedure: '',
    procedures: [],
    simplifiedReasons: [],
    exemptionReason: '',
    exemptionReasons: [],
    exemptionAttachmentRequired: false,
    attachments: [],
    returned: null,
    phase: '',
    busy: false,
    message: '',
  } as Data,
  methods: {
    async onLoad(q: Record<string, string | undefined>) {
      const self = this as unknown as Self
      self.s = { report: null }
      self.setData({ enrolment: q.enrolment ?? '' })
      try {
        const r = await api('get', '/api/v1/me/enrolments/{enrolment_id}/report/', { path: { enrolment_id: self.data.enrolment } })
        self.apply(r)
      } catch (e) {
        self.setData({ message: errorMessage(e) })
      }
    },

    apply(r: Report) {
      const self = this as unknown as Self
      self.s.report = r
      const forms = (r.forms ?? {}) as Values
      const values: Values = {}
      for (const f of FORMS) values[f.key] = { ...(forms[f.key] ?? {}) }
      const last = r.last_return
      self.setData({
        loaded: true,
        editable: r.editable,
        title: r.enrolment.cycle_name,
        status: r.enrolment.status_label,
        forms: FORMS.map((f) => ({ ...f, required: r.required_forms.includes(f.key) })),
        values,
        procedure: r.procedure ?? '',
        procedures: [
          { value: 'general', label: '一般程序', disabled: false },
          { value: 'simplified', label: '简易程序', disabled: !r.simplified.eligible },
          { value: 'exempt', label: '免考', disabled: !r.exemption_reasons.length },
        ],
        simplifiedReasons: r.simplified.reasons,
        exemptionReason: r.exemption_reason,
        exemptionReasons: r.exemption_reasons,
        exemptionAttachmentRequired: r.exemption_attachment_required,
        attachments: r.attachments.map((a) => ({ ...a, created: dateText(a.created_at) })),
        returned: last ? { comment: last.comment, actor: last.actor_name, at: dateText(last.created_at) } : null,
        phase: r.phase.open ? `填报截止 ${r.phase.closes ?? ''}` : '当前不在填报期',
      })
    },

    body() {
      const d = (this as unknown as Self).data
      const shown = d.forms.map((f) => f.key)
      const body: Record<string, unknown> = { forms: formsBody(d.values, shown) }
      if (d.procedure) body.procedure = d.procedure
      if (d.procedure === 'exempt') body.exemption_reason = d.exemptionReason
      return body
    },

    switchTab(e: WechatMiniprogram.BaseEvent) {
      ;(this as unknown as Self).setData({ tab: (e.currentTarget.dataset as { key: string }).key })
    },

    /** An input: data-form, data-key, and for list rows data-list + data-index. */
    edit(e: WechatMiniprogram.CustomEvent<{ value: unknown }>) {
      const self = this as unknown as Self
      const { form, key, list, index, type } = e.currentTarget.dataset as { form: string; key: string; list?: string; index?: number; type?: string }
      let value: unknown = e.detail.value
      if (type === 'bool') value = Array.isArray(value) ? value.length > 0 : !!value
      if (type === 'select') {
        const def = FORMS.find((f) => f.key === form)!
        const field = (list ? def.lists.find((l) => l.key === list)!.fields : def.fields).find((f) => f.key === key)!
        value = field.options![Number(value)].value
      }
      const path = list ? `values.${form}.${list}[${index}].${key}` : `values.${form}.${key}`
      self.setData({ [path]: value })
    },

    addRow(e: WechatMiniprogram.BaseEvent) {
      const self = this as unknown as Self
      const { form, list } = e.currentTarget.dataset as { form: string; list: string }
      const rows = ((self.data.values[form] ?? {})[list] as unknown[] | undefined) ?? []
      self.setData({ [`values.${form}.${list}`]: [...rows, {}] })
    },

    removeRow(e: WechatMiniprogram.BaseEvent) {
      const self = this as unknown as Self
      const { form, list, index } = e.currentTarget.dataset as { form: string; list: string; index: number }
      const rows = (((self.data.values[form] ?? {})[list] as unknown[] | undefined) ?? []).filter((_, i) => i !== Number(index))
      self.setData({ [`values.${form}.${list}`]: rows })
    },

    chooseProcedure(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      ;(this as unknown as Self).setData({ procedure: e.detail.value })
    },

    chooseReason(e: WechatMiniprogram.CustomEvent<{ value: number }>) {
      const self = this as unknown as Self
      self.setData({ exemptionReason: self.data.exemptionReasons[Number(e.detail.value)] ?? '' })
    },

    async saveDraft() {
      const self = this as unknown as Self
      self.setData({ busy: true, message: '' })
      try {
        const r = await api('put', '/api/v1/me/enrolments/{enrolment_id}/report/', { path: { enrolment_id: self.data.enrolment }, body: self.body() })
        self.apply(r)
        toast('草稿已保存')
      } catch (e) {
        self.setData({ message: errorMessage(e) })
      } finally {
        self.setData({ busy: false })
      }
    },

    async submit() {
      const self = this as unknown as Self
      if (!(await confirm('提交填报信息', '提交后将交由机构审核，审核退回前不能修改。'))) return
      self.setData({ busy: true, message: '' })
      try {
        const r = await api('post', '/api/v1/me/enrolments/{enrolment_id}/report/submit/', { path: { enrolment_id: self.data.enrolment }, body: self.body() })
        self.apply(r)
        toast('已提交')
      } catch (e) {
        self.setData({ message: errorMessage(e) })
      } finally {
        self.setData({ busy: false })
      }
    },

    /** 免考证明材料: photos (camera or album) sent as multipart to the platform, which checks type and size. */
    addAttachment() {
      const self = this as unknown as Self
      wx.chooseMedia({
        count: 1,
        mediaType: ['image'],
        sourceType: ['camera', 'album'],
        sizeType: ['compressed'],
        success: async (res) => {
          self.setData({ busy: true, message: '' })
          try {
            const file = res.tempFiles[0].tempFilePath
            let r = await uploadAttachment(self.data.enrolment, file)
            if (r.status === 401 && (await refreshTokens())) r = await uploadAttachment(self.data.enrolment, file)
            if (r.status !== 201) throw toApiError(r.status, r.data)
            const a = r.data as Schemas['EnrolmentAttachmentOutput']
            self.setData({ attachments: [...self.data.attachments, { ...a, created: dateText(a.created_at) }] })
          } catch (e) {
            self.setData({ message: errorMessage(e) })
          } finally {
            self.setData({ busy: false })
          }
        },
      })
    },

    async removeAttachment(e: WechatMiniprogram.BaseEvent) {
      const self = this as unknown as Self
      const id = (e.currentTarget.dataset as { id: string }).id
      try {
        await api('delete', '/api/v1/me/enrolments/{enrolment_id}/report/attachments/{attachment_id}/', { path: { enrolment_id: self.data.enrolment, attachment_id: id } })
        self.setData({ attachments: self.data.attachments.filter((a) => a.id !== id) })
      } catch (err) {
        self.setData({ message: errorMessage(err) })
      }
    },
  },
})

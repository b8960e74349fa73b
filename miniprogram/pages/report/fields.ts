/** The self-report forms (填报信息) as field lists: the page renders and sends exactly these fields. */
export type FieldType = 'text' | 'textarea' | 'date' | 'int' | 'select' | 'bool'
export interface Field {
  key: string
  label: string
  type: FieldType
  required?: boolean
  options?: { value: string; label: string }[]
}
export interface ListField {
  key: string
  label: string
  fields: Field[]
}
export interface FormDef {
  key: 'basic' | 'practice' | 'experience' | 'work_performance' | 'ethics'
  label: string
  fields: Field[]
  lists: ListField[]
}

const DATE = (key: string, label: string): Field => ({ key, label, type: 'date' })

export const FORMS: FormDef[] = [
  {
    key: 'basic',
    label: '基本信息',
    fields: [
      { key: 'name', label: '姓名', type: 'text', required: true },
      { key: 'gender', label: '性别', type: 'select', options: [{ value: 'male', label: '男' }, { value: 'female', label: '女' }] },
      DATE('birth_date', '出生日期'),
      { key: 'phone', label: '手机号', type: 'text' },
      { key: 'education', label: '学历', type: 'text' },
      { key: 'specialty', label: '专业', type: 'text' },
      { key: 'title', label: '职称', type: 'text', required: true },
    ],
    lists: [],
  },
  {
    key: 'practice',
    label: '执业信息',
    fields: [
      { key: 'licence_number', label: '执业证书编码', type: 'text', required: true },
      { key: 'qualification_number', label: '资格证书编码', type: 'text' },
      {
        key: 'practice_category',
        label: '执业类别',
        type: 'select',
        required: true,
        options: [
          { value: 'clinical', label: '临床' },
          { value: 'tcm', label: '中医' },
          { value: 'dental', label: '口腔' },
          { value: 'public_health', label: '公共卫生' },
        ],
      },
      { key: 'practice_scope', label: '执业范围', type: 'text', required: true },
      DATE('licence_valid_until', '执业证书有效期至'),
      { key: 'organization_name', label: '执业机构', type: 'text' },
      { key: 'department_name', label: '科室', type: 'text' },
      DATE('hired_on', '入职日期'),
    ],
    lists: [
      {
        key: 'sites',
        label: '多机构备案',
        fields: [{ key: 'site_name', label: '备案机构', type: 'text', required: true }, { key: 'is_primary', label: '主要执业机构', type: 'bool' }, DATE('filed_on', '备案日期'), DATE('valid_until', '有效期至')],
      },
    ],
  },
  {
    key: 'experience',
    label: '相关经历',
    fields: [],
    lists: [
      {
        key: 'education_records',
        label: '教育经历',
        fields: [{ key: 'school', label: '学校', type: 'text', required: true }, { key: 'major', label: '专业', type: 'text' }, { key: 'degree', label: '学位', type: 'text' }, DATE('started_on', '开始'), DATE('finished_on', '结束')],
      },
      {
        key: 'practice_records',
        label: '执业经历',
        fields: [{ key: 'organization_name', label: '机构', type: 'text', required: true }, { key: 'department_name', label: '科室', type: 'text' }, { key: 'title', label: '职务/职称', type: 'text' }, DATE('started_on', '开始'), DATE('finished_on', '结束')],
      },
    ],
  },
  {
    key: 'work_performance',
    label: '工作成绩',
    fields: [
      { key: 'summary', label: '个人述职', type: 'textarea', required: true },
      { key: 'outpatient_visits', label: '门诊人次', type: 'int' },
      { key: 'inpatient_cases', label: '管理住院病例数', type: 'int' },
      { key: 'operations', label: '手术/操作例数', type: 'int' },
      { key: 'teaching_and_research', label: '教学科研', type: 'textarea' },
      { key: 'continuing_education_credits', label: '继续教育学分', type: 'text' },
      { key: 'awards', label: '表彰奖励', type: 'textarea' },
    ],
    lists: [],
  },
  {
    key: 'ethics',
    label: '职业道德',
    fields: [
      {
        key: 'self_rating',
        label: '自我评价',
        type: 'select',
        required: true,
        options: [
          { value: 'excellent', label: '优秀' },
          { value: 'good', label: '良好' },
          { value: 'pass', label: '合格' },
          { value: 'fail', label: '不合格' },
        ],
      },
      { key: 'statement', label: '职业道德自述', type: 'textarea', required: true },
      { key: 'complaints_or_disputes', label: '考核周期内有投诉或纠纷', type: 'bool' },
      { key: 'note', label: '说明', type: 'textarea' },
    ],
    lists: [],
  },
]

/** The value to send for one field: blank dates and numbers are null, text stays a string. */
export function outgoing(field: Field, value: unknown): unknown {
  if (field.type === 'bool') return !!value
  if (field.type === 'date') return value ? String(value) : null
  if (field.type === 'int') {
    if (value === '' || value === null || value === undefined) return null
    const n = Number(value)
    return Number.isFinite(n) ? Math.trunc(n) : null
  }
  return value === null || value === undefined ? '' : String(value)
}

/** Build the forms body from the edited values, with exactly the fields of FORMS. */
export function formsBody(values: Record<string, Record<string, unknown>>, only: string[]): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {}
  for (const form of FORMS) {
    if (!only.includes(form.key)) continue
    const v = values[form.key] ?? {}
    const body: Record<string, unknown> = {}
    for (const f of form.fields) {
      const x = outgoing(f, v[f.key])
      // a blank optional text is left out (some have formats: phone), a required one is sent for the platform to judge
      if (x === '' && !f.required) continue
      body[f.key] = x
    }
    for (const list of form.lists) {
      const rows = (v[list.key] as Record<string, unknown>[] | undefined) ?? []
      body[list.key] = rows.map((row) => {
        const r: Record<string, unknown> = {}
        for (const f of list.fields) {
          const x = outgoing(f, row[f.key])
          if (x === '' && !f.required) continue
          r[f.key] = x
        }
        return r
      })
    }
    out[form.key] = body
  }
  return out
}

import type { Schemas } from '@/api/types'

export type PrivilegeKind = Schemas['CredentialingPrivilegeKindEnum']
export type DrugClass = Schemas['CredentialingDrugClassEnum']
export type SpecialPractice = Schemas['CredentialingSpecialPracticeEnum']
export type CatalogueItem = Schemas['CatalogueItemOutput']
export type Grant = Schemas['GrantOutput']
export type Application = Schemas['ApplicationOutput']
export type FormDefinition = Schemas['FormDefinitionOutput']

export const KINDS: PrivilegeKind[] = ['surgical', 'procedural', 'medtech', 'prescribing', 'anaesthesia', 'special']
export const DRUG_CLASSES: DrugClass[] = ['general', 'narcotic', 'oncology', 'tcm', 'hormone', 'antimicrobial']
export const SPECIALS: SpecialPractice[] = ['cosmetic_lead', 'brain_death', 'large_equipment']
export const CATEGORIES = ['surgery', 'diagnostic', 'therapeutic', 'interventional', 'endoscopic', 'restricted'] as const
export const GRANT_STATUSES = ['active', 'suspended', 'revoked', 'expired'] as const
export const GRANT_TAG: Record<string, 'success' | 'warning' | 'danger' | 'info'> = { active: 'success', suspended: 'warning', revoked: 'danger', expired: 'info' }

/** Which catalogue categories an item-based application may pick (as backend/credentialing KIND_CATEGORIES). */
export const KIND_CATEGORIES: Partial<Record<PrivilegeKind, readonly string[]>> = {
  surgical: ['surgery', 'interventional', 'endoscopic', 'restricted'],
  procedural: ['diagnostic', 'therapeutic', 'interventional', 'endoscopic', 'restricted'],
  medtech: ['diagnostic'],
  anaesthesia: CATEGORIES,
}

/** The key of an application form (application-forms/): the kind, or kind:class / kind:special. */
export function formKey(kind: PrivilegeKind, drugClass = '', special = ''): string {
  if (kind === 'prescribing') return `prescribing:${drugClass}`
  if (kind === 'special') return `special:${special}`
  return kind
}

export interface ApplyDraft {
  kind: PrivilegeKind
  item_id: string
  drug_class: DrugClass | ''
  level: string
  anaesthesia_by: 'item' | 'grade'
  anaesthesia_grade: number | null
  special: SpecialPractice | ''
  form: Record<string, string>
  valid_years: number
}

export function emptyApply(): ApplyDraft {
  return { kind: 'surgical', item_id: '', drug_class: '', level: '', anaesthesia_by: 'item', anaesthesia_grade: null, special: '', form: {}, valid_years: 3 }
}

/** What is missing before the application can be sent (attr → i18n key); the API checks the rest (title rules, exams, catalogues). */
export function applyProblems(d: ApplyDraft, def: FormDefinition | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  const needsItem = d.kind === 'surgical' || d.kind === 'procedural' || d.kind === 'medtech' || (d.kind === 'anaesthesia' && d.anaesthesia_by === 'item')
  if (needsItem && !d.item_id) out.item_id = 'credentialing.apply.errors.item'
  if (d.kind === 'prescribing' && !d.drug_class) out.drug_class = 'credentialing.apply.errors.drugClass'
  if (d.kind === 'prescribing' && def?.levels.length && !d.level) out.level = 'credentialing.apply.errors.level'
  if (d.kind === 'anaesthesia' && d.anaesthesia_by === 'grade' && ![1, 2, 3, 4].includes(d.anaesthesia_grade ?? 0)) out.anaesthesia_grade = 'credentialing.apply.errors.grade'
  if (d.kind === 'special' && !d.special) out.special = 'credentialing.apply.errors.special'
  for (const field of def?.fields ?? []) if (!d.form[field]?.trim()) out[`form.${field}`] = 'common.required'
  if (!Number.isInteger(d.valid_years) || d.valid_years < 1 || d.valid_years > 10) out.valid_years = 'credentialing.apply.errors.years'
  return out
}

/** The API body of a draft: only what the kind uses. */
export function applyBody(d: ApplyDraft): Schemas['ApplicationInputRequest'] {
  const byItem = d.kind !== 'prescribing' && d.kind !== 'special' && !(d.kind === 'anaesthesia' && d.anaesthesia_by === 'grade')
  return {
    kind: d.kind,
    item_id: byItem ? d.item_id : null,
    drug_class: d.kind === 'prescribing' ? d.drug_class : '',
    level: d.kind === 'prescribing' ? d.level : '',
    anaesthesia_grade: d.kind === 'anaesthesia' && d.anaesthesia_by === 'grade' ? d.anaesthesia_grade : null,
    special: d.kind === 'special' ? d.special : '',
    form: Object.fromEntries(Object.entries(d.form).filter(([, v]) => v.trim())),
    valid_years: d.valid_years,
  }
}

/** One line naming what a grant or application covers. */
export function privilegeText(x: Pick<Grant, 'item' | 'drug_class' | 'level' | 'anaesthesia_grade' | 'special'>, t: (k: string, ...a: unknown[]) => string): string {
  if (x.item) return `${x.item.code} ${x.item.name}${x.item.grade ? `（${t('credentialing.gradeN', { n: x.item.grade })}）` : ''}`
  if (x.drug_class) return `${t(`credentialing.drugClasses.${x.drug_class}`)}${x.level ? ` · ${t(`credentialing.levels.${x.level}`, x.level)}` : ''}`
  if (x.anaesthesia_grade) return t('credentialing.anaesthesiaGrade', { n: x.anaesthesia_grade })
  if (x.special) return t(`credentialing.specials.${x.special}`)
  return '—'
}

import { describe, expect, it } from 'vitest'
import { Perm } from '@/access/codes'
import { MENU_SECTIONS, menuFor, menuRoutes, ROLE_MENUS } from '@/access/menu'
import { ROLES } from '@/api/enums'
import { routes } from '@/router'

const COMMISSION = new Set<string>([
  Perm.ACCOUNT_VIEW,
  Perm.ACCOUNT_MANAGE,
  Perm.AUDIT_VIEW,
  Perm.ORG_VIEW,
  Perm.ORG_MANAGE,
  Perm.BODY_REVIEW,
  Perm.BODY_ASSIGN,
])
const HOSPITAL = new Set<string>([Perm.ACCOUNT_VIEW, Perm.ACCOUNT_MANAGE, Perm.AUDIT_VIEW, Perm.ORG_VIEW, Perm.BODY_APPLY])

function routeNames(): Set<string> {
  const names = new Set<string>()
  const walk = (list: typeof routes) => {
    for (const r of list) {
      if (typeof r.name === 'string') names.add(r.name)
      if (r.children) walk(r.children)
    }
  }
  walk(routes)
  return names
}

describe('role -> menu table', () => {
  it('has an entry for every role of the API and only known sections', () => {
    for (const role of ROLES) {
      expect(ROLE_MENUS[role], role).toBeDefined()
      for (const key of ROLE_MENUS[role]) expect(MENU_SECTIONS[key], `${role}: ${key}`).toBeDefined()
    }
  })

  it('names only routes that exist', () => {
    const names = routeNames()
    for (const section of Object.values(MENU_SECTIONS)) {
      for (const item of section.items) expect(names.has(item.route), item.route).toBe(true)
    }
  })

  it('gives a city commission its jurisdiction, the assessment bodies and the audit log', () => {
    // when
    const menu = menuFor('city_admin', COMMISSION)

    // then
    expect(menu.map((s) => s.key)).toEqual(['workbench', 'jurisdiction', 'assessmentBodies', 'system'])
    expect(menuRoutes('city_admin', COMMISSION)).toEqual([
      'home',
      'regions',
      'accounts',
      'body-applications',
      'body-assignments',
      'my-organization',
      'audit',
      'jobs',
    ])
  })

  it('gives a hospital administrator its own accounts and its application, not the regions', () => {
    const routes = menuRoutes('hospital_admin', HOSPITAL)
    expect(routes).toContain('accounts')
    expect(routes).toContain('body-applications')
    expect(routes).not.toContain('regions')
    expect(routes).not.toContain('body-assignments')
  })

  it('drops items whose codes the membership lacks, and sections left empty', () => {
    // given: a commission role whose codes lack the account and audit views
    const codes = new Set<string>([Perm.ORG_VIEW])

    // when
    const menu = menuFor('county_admin', codes)

    // then
    const items = menu.flatMap((s) => s.items.map((i) => i.route))
    expect(items).not.toContain('accounts')
    expect(items).not.toContain('audit')
    expect(items).not.toContain('body-applications')
    expect(items).toContain('body-assignments')
    expect(menu.every((s) => s.items.length > 0)).toBe(true)
  })

  it('shows a physician their own pages only, and an unknown role no more than the workbench', () => {
    expect(menuFor('doctor', new Set([Perm.SELF_SERVICE])).map((s) => s.key)).toEqual(['workbench', 'myAssessment'])
    expect(menuRoutes('doctor', new Set([Perm.SELF_SERVICE]))).toEqual(['home', 'my-info', 'my-report', 'my-cycles', 'my-certificates', 'my-exams', 'faq'])
    expect(menuFor(null, COMMISSION).map((s) => s.key)).toEqual(['workbench'])
  })

  it('shows exams and proctoring review to who holds their codes', () => {
    const codes = new Set<string>([Perm.EXAM_VIEW, Perm.PROCTOR_REVIEW, Perm.PHYSICIAN_MANAGE])
    const items = (role: Parameters<typeof menuFor>[0], c: Set<string>, key: string) => menuFor(role, c).find((s) => s.key === key)?.items.map((i) => i.route)
    expect(items('hospital_admin', codes, 'exams')).toEqual(['exam-banks', 'exam-questions', 'exam-blueprints', 'exam-sittings', 'exam-attempts'])
    expect(items('hospital_admin', codes, 'proctoring')).toEqual(['proctoring-review', 'proctoring-appeals', 'proctoring-references'])
    // an assessment body's reviewer reviews photos but has no exams of its own nor physicians to photograph
    expect(items('assessment_reviewer', new Set<string>([Perm.PROCTOR_REVIEW]), 'proctoring')).toEqual(['proctoring-review', 'proctoring-appeals'])
    expect(items('assessment_reviewer', new Set<string>([Perm.PROCTOR_REVIEW]), 'exams')).toBeUndefined()
    expect(items('city_admin', new Set<string>([Perm.ACCOUNT_VIEW]), 'proctoring')).toBeUndefined()
  })

  it('gives each reviewer the queue of its stage, and certificates to who may see them', () => {
    // given: the codes of accounts/roles.py
    const head = new Set<string>([Perm.ORG_VIEW, Perm.DEPARTMENT_RATE, Perm.ENROLMENT_VIEW])
    const hospital = new Set<string>([...HOSPITAL, Perm.ENROLMENT_REVIEW, Perm.CERTIFICATE_VIEW, Perm.CERTIFICATE_ISSUE])
    const reviewer = new Set<string>([Perm.ORG_VIEW, Perm.ENROLMENT_REREVIEW, Perm.ENROLMENT_VIEW])
    const city = new Set<string>([...COMMISSION, Perm.ENROLMENT_REREVIEW, Perm.CERTIFICATE_VIEW])
    const reviews = (role: Parameters<typeof menuFor>[0], codes: Set<string>) =>
      menuFor(role, codes).find((s) => s.key === 'reviews')?.items.map((i) => i.route)

    // then
    expect(reviews('department_head', head)).toEqual(['reviews-department'])
    expect(reviews('hospital_admin', hospital)).toEqual(['reviews-institution', 'certificates'])
    expect(reviews('assessment_reviewer', reviewer)).toEqual(['reviews-body'])
    expect(reviews('city_admin', city)).toEqual(['reviews-body', 'certificates'])
    expect(reviews('doctor', new Set([Perm.SELF_SERVICE]))).toBeUndefined()
  })

  it('gives the province the cycle settings and adverse records, a hospital its enrolment, a department head a read-only list', () => {
    // given
    const province = new Set<string>([...COMMISSION, Perm.ASSESSMENT_SETTINGS, Perm.ENROLMENT_VIEW, Perm.ADVERSE_IMPORT, Perm.ADVERSE_VIEW])
    const hospital = new Set<string>([...HOSPITAL, Perm.ENROLMENT_MANAGE, Perm.ENROLMENT_VIEW, Perm.ADVERSE_VIEW])

    // when
    const provinceItems = menuFor('province_admin', province).find((s) => s.key === 'periodicAssessment')?.items.map((i) => i.route)
    const hospitalItems = menuFor('hospital_admin', hospital).find((s) => s.key === 'periodicAssessment')?.items.map((i) => i.route)
    const headItems = menuFor('department_head', new Set([Perm.ENROLMENT_VIEW])).find((s) => s.key === 'periodicAssessment')?.items.map((i) => i.route)

    // then
    expect(provinceItems).toEqual(['cycles', 'enrolments', 'adverse-records'])
    expect(hospitalItems).toEqual(['cycles', 'enrolment-candidates', 'enrolments', 'adverse-records'])
    expect(headItems).toEqual(['cycles', 'enrolments'])
    expect(menuRoutes('doctor', new Set([Perm.SELF_SERVICE]))).not.toContain('cycles')
  })

  it('gives the progress and statistics pages to every role holding stats_view (accounts/roles.py), and to no one else', () => {
    // given: the roles whose codes include assessment.stats_view
    const holders = ['province_admin', 'city_admin', 'county_admin', 'hospital_admin', 'assessment_reviewer', 'medical_affairs', 'department_head'] as const
    const stats = (role: Parameters<typeof menuFor>[0], codes: Set<string>) => menuFor(role, codes).find((s) => s.key === 'statistics')?.items.map((i) => i.route)

    // then
    for (const role of holders) expect(stats(role, new Set([Perm.STATS_VIEW])), role).toEqual(['stats-progress', 'stats-results', 'stats-physicians'])
    expect(stats('city_admin', COMMISSION)).toBeUndefined()
    expect(stats('doctor', new Set([Perm.SELF_SERVICE, Perm.STATS_VIEW]))).toBeUndefined()
  })

  it('gives each role the results queues its codes allow (accounts/roles.py): expert scoring, body confirmation, the province’s make-up decision', () => {
    // given: the result codes of accounts/roles.py
    const province = new Set<string>([Perm.ENROLMENT_VIEW, Perm.SCORE_CONFIRM, Perm.RESULT_CONFIRM, Perm.MAKEUP_DECIDE])
    const city = new Set<string>([Perm.ENROLMENT_VIEW, Perm.SCORE_CONFIRM, Perm.RESULT_CONFIRM])
    const reviewer = new Set<string>([Perm.ENROLMENT_VIEW, Perm.SCORE_ENTER, Perm.SCORE_CONFIRM])
    const results = (role: Parameters<typeof menuFor>[0], codes: Set<string>) => menuFor(role, codes).find((s) => s.key === 'results')?.items.map((i) => i.route)

    // then
    expect(results('province_admin', province)).toEqual(['results-body', 'results-committee', 'results-makeup', 'results-final'])
    expect(results('city_admin', city)).toEqual(['results-body', 'results-committee', 'results-makeup', 'results-final'])
    expect(results('assessment_reviewer', reviewer)).toEqual(['results-scoring', 'results-body', 'results-makeup', 'results-final'])
    expect(results('expert', new Set([Perm.SCORE_ENTER]))).toEqual(['results-scoring'])
    expect(results('doctor', new Set([Perm.SELF_SERVICE]))).toBeUndefined()
  })

  it('opens the notifications page (the bell’s “all notifications”) to every signed-in account, whatever its codes', () => {
    const layout = routes.find((r) => r.path === '/')
    const page = layout?.children?.find((r) => r.name === 'notifications')
    expect(page).toBeDefined()
    expect(page?.meta?.codes).toBeUndefined()
  })
})

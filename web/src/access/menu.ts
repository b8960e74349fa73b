import type { Role } from '@/api/types'
import { Perm, type PermCode } from './codes'

/**
 * The menu: sections of items (a route each), and which sections each role sees. This is the one table to edit
 * when a page is added: put its item in a section, and the section in the roles' lists. Items also name the codes
 * they need (any of them), so a membership without the code does not see the item even in its role's section;
 * the router checks the same codes (route meta.code) for a typed-in URL.
 */

export interface MenuItem {
  /** route name */
  route: string
  /** i18n key of the label */
  title: string
  /** the membership needs one of these codes (none: every member of the section's roles) */
  codes?: readonly PermCode[]
}

export interface MenuSection {
  key: SectionKey
  title: string
  /** an @element-plus/icons-vue component name */
  icon: string
  items: readonly MenuItem[]
}

export type SectionKey =
  | 'workbench'
  | 'jurisdiction'
  | 'staff'
  | 'assessmentBodies'
  | 'bodyApplication'
  | 'assessmentWork'
  | 'periodicAssessment'
  | 'reviews'
  | 'myAssessment'
  | 'results'
  | 'statistics'
  | 'approvals'
  | 'credentialing'
  | 'system'
  | 'exams'
  | 'proctoring'

export const MENU_SECTIONS: Record<SectionKey, MenuSection> = {
  workbench: {
    key: 'workbench',
    title: 'menu.workbench',
    icon: 'HomeFilled',
    items: [{ route: 'home', title: 'menu.home' }],
  },
  jurisdiction: {
    key: 'jurisdiction',
    title: 'menu.jurisdiction',
    icon: 'OfficeBuilding',
    items: [
      { route: 'regions', title: 'menu.regions' },
      { route: 'accounts', title: 'menu.accountsBelow', codes: [Perm.ACCOUNT_VIEW] },
      { route: 'physicians', title: 'menu.physicians', codes: [Perm.PHYSICIAN_VIEW] },
    ],
  },
  staff: {
    key: 'staff',
    title: 'menu.staff',
    icon: 'User',
    items: [
      { route: 'accounts', title: 'menu.accounts', codes: [Perm.ACCOUNT_VIEW] },
      { route: 'physicians', title: 'menu.physicians', codes: [Perm.PHYSICIAN_VIEW] },
      { route: 'departments', title: 'menu.departments', codes: [Perm.DEPARTMENT_MANAGE] },
      { route: 'archives', title: 'menu.archives', codes: [Perm.ARCHIVE_VIEW] },
    ],
  },
  assessmentBodies: {
    key: 'assessmentBodies',
    title: 'menu.assessmentBodies',
    icon: 'Stamp',
    items: [
      { route: 'body-applications', title: 'menu.bodyApplications', codes: [Perm.BODY_REVIEW] },
      { route: 'body-assignments', title: 'menu.bodyAssignments', codes: [Perm.ORG_VIEW] },
    ],
  },
  bodyApplication: {
    key: 'bodyApplication',
    title: 'menu.bodyApplication',
    icon: 'Stamp',
    items: [{ route: 'body-applications', title: 'menu.myBodyApplications', codes: [Perm.BODY_APPLY] }],
  },
  assessmentWork: {
    key: 'assessmentWork',
    title: 'menu.assessmentWork',
    icon: 'Stamp',
    items: [{ route: 'body-assignments', title: 'menu.servedAssignments', codes: [Perm.ORG_VIEW] }],
  },
  periodicAssessment: {
    key: 'periodicAssessment',
    title: 'menu.periodicAssessment',
    icon: 'Stamp',
    items: [
      { route: 'cycles', title: 'menu.cycles', codes: [Perm.ASSESSMENT_SETTINGS, Perm.ENROLMENT_VIEW] },
      { route: 'enrolment-candidates', title: 'menu.enrolmentCandidates', codes: [Perm.ENROLMENT_MANAGE] },
      { route: 'enrolments', title: 'menu.enrolments', codes: [Perm.ENROLMENT_VIEW] },
      { route: 'adverse-records', title: 'menu.adverseRecords', codes: [Perm.ADVERSE_VIEW] },
    ],
  },
  reviews: {
    key: 'reviews',
    title: 'reviews.menu.section',
    icon: 'Stamp',
    items: [
      { route: 'reviews-department', title: 'reviews.menu.department', codes: [Perm.DEPARTMENT_RATE] },
      { route: 'reviews-institution', title: 'reviews.menu.institution', codes: [Perm.ENROLMENT_REVIEW] },
      { route: 'reviews-body', title: 'reviews.menu.body', codes: [Perm.ENROLMENT_REREVIEW] },
      { route: 'certificates', title: 'certificates.title', codes: [Perm.CERTIFICATE_VIEW] },
    ],
  },
  results: {
    key: 'results',
    title: 'results.menu.section',
    icon: 'Trophy',
    items: [
      { route: 'results-scoring', title: 'results.menu.scoring', codes: [Perm.SCORE_ENTER] },
      { route: 'results-body', title: 'results.menu.body', codes: [Perm.SCORE_CONFIRM] },
      { route: 'results-committee', title: 'results.menu.committee', codes: [Perm.RESULT_CONFIRM] },
      { route: 'results-makeup', title: 'results.menu.makeup', codes: [Perm.ENROLMENT_VIEW, Perm.MAKEUP_DECIDE] },
      { route: 'results-final', title: 'results.menu.final', codes: [Perm.ENROLMENT_VIEW] },
    ],
  },
  myAssessment: {
    key: 'myAssessment',
    title: 'mine.menu.section',
    icon: 'User',
    items: [
      { route: 'my-info', title: 'mine.info.title', codes: [Perm.SELF_SERVICE] },
      { route: 'my-report', title: 'selfReport.title', codes: [Perm.SELF_SERVICE] },
      { route: 'my-cycles', title: 'mine.cycles.title', codes: [Perm.SELF_SERVICE] },
      { route: 'my-certificates', title: 'mine.certificates.title', codes: [Perm.SELF_SERVICE] },
      { route: 'my-exams', title: 'exams.mine.title', codes: [Perm.SELF_SERVICE] },
      { route: 'faq', title: 'faq.title' },
    ],
  },
  statistics: {
    key: 'statistics',
    title: 'stats.menu.section',
    icon: 'DataAnalysis',
    items: [
      { route: 'stats-progress', title: 'stats.menu.progress', codes: [Perm.STATS_VIEW] },
      { route: 'stats-results', title: 'stats.menu.results', codes: [Perm.STATS_VIEW] },
      { route: 'stats-physicians', title: 'stats.menu.physicians', codes: [Perm.STATS_VIEW] },
    ],
  },
  exams: {
    key: 'exams',
    title: 'exams.menu.section',
    icon: 'EditPen',
    items: [
      { route: 'exam-banks', title: 'exams.menu.banks', codes: [Perm.EXAM_VIEW] },
      { route: 'exam-questions', title: 'exams.menu.questions', codes: [Perm.EXAM_VIEW] },
      { route: 'exam-blueprints', title: 'exams.menu.blueprints', codes: [Perm.EXAM_VIEW] },
      { route: 'exam-sittings', title: 'exams.menu.sittings', codes: [Perm.EXAM_VIEW] },
      { route: 'exam-attempts', title: 'exams.menu.attempts', codes: [Perm.EXAM_VIEW] },
    ],
  },
  proctoring: {
    key: 'proctoring',
    title: 'proctoring.menu.section',
    icon: 'Camera',
    items: [
      { route: 'proctoring-review', title: 'proctoring.menu.review', codes: [Perm.PROCTOR_REVIEW] },
      { route: 'proctoring-appeals', title: 'proctoring.menu.appeals', codes: [Perm.PROCTOR_REVIEW] },
      { route: 'proctoring-references', title: 'proctoring.menu.references', codes: [Perm.PHYSICIAN_MANAGE] },
    ],
  },
  approvals: {
    key: 'approvals',
    title: 'menu.approvals',
    icon: 'Checked',
    items: [
      { route: 'approval-queue', title: 'menu.approvalQueue', codes: [Perm.APPROVAL_USE] },
      { route: 'approval-chains', title: 'menu.approvalChains', codes: [Perm.APPROVAL_CONFIGURE] },
    ],
  },
  credentialing: {
    key: 'credentialing',
    title: 'menu.credentialing',
    icon: 'Medal',
    items: [
      { route: 'cred-applications', title: 'menu.credApplications', codes: [Perm.CRED_APPLY, Perm.CRED_VIEW] },
      { route: 'cred-grants', title: 'menu.credGrants', codes: [Perm.CRED_VIEW] },
      { route: 'cred-catalogue', title: 'menu.credCatalogue', codes: [Perm.CRED_VIEW, Perm.CRED_DEPARTMENT_CATALOGUE] },
      { route: 'cred-reassessments', title: 'menu.credReassessments', codes: [Perm.CRED_MANAGE] },
      { route: 'cred-violations', title: 'menu.credViolations', codes: [Perm.CRED_VIEW] },
      { route: 'cred-archive', title: 'menu.credArchive', codes: [Perm.CRED_VIEW, Perm.CRED_APPLY] },
      { route: 'cred-api-keys', title: 'menu.credApiKeys', codes: [Perm.CRED_API_KEYS] },
    ],
  },
  system: {
    key: 'system',
    title: 'menu.system',
    icon: 'Setting',
    items: [
      { route: 'my-organization', title: 'menu.myOrganization', codes: [Perm.ORG_MANAGE] },
      { route: 'audit', title: 'menu.audit', codes: [Perm.AUDIT_VIEW] },
      { route: 'jobs', title: 'menu.jobs' },
    ],
  },
}

/** Role -> menu sections, in display order. Exhaustive: a role added to the API fails the type check here. */
export const ROLE_MENUS: Record<Role, readonly SectionKey[]> = {
  province_admin: ['workbench', 'jurisdiction', 'assessmentBodies', 'periodicAssessment', 'reviews', 'results', 'exams', 'proctoring', 'statistics', 'system'],
  city_admin: ['workbench', 'jurisdiction', 'assessmentBodies', 'periodicAssessment', 'reviews', 'results', 'exams', 'proctoring', 'statistics', 'system'],
  county_admin: ['workbench', 'jurisdiction', 'assessmentBodies', 'periodicAssessment', 'reviews', 'results', 'exams', 'proctoring', 'statistics', 'system'],
  industry_admin: ['workbench', 'staff', 'bodyApplication', 'periodicAssessment', 'results', 'system'],
  hospital_admin: ['workbench', 'staff', 'bodyApplication', 'periodicAssessment', 'reviews', 'results', 'exams', 'proctoring', 'statistics', 'approvals', 'credentialing', 'system'],
  assessment_reviewer: ['workbench', 'assessmentWork', 'periodicAssessment', 'reviews', 'results', 'proctoring', 'statistics', 'system'],
  medical_affairs: ['workbench', 'staff', 'periodicAssessment', 'reviews', 'results', 'exams', 'proctoring', 'statistics', 'approvals', 'credentialing', 'system'],
  department_head: ['workbench', 'periodicAssessment', 'reviews', 'results', 'statistics', 'approvals', 'credentialing'],
  doctor: ['workbench', 'myAssessment', 'approvals', 'credentialing'],
  expert: ['workbench', 'results'],
}

/** The menu of a membership: its role's sections, each with only the items its codes allow; empty sections go. */
export function menuFor(role: Role | null | undefined, codes: ReadonlySet<string>): MenuSection[] {
  const keys: readonly SectionKey[] = (role && ROLE_MENUS[role]) || ['workbench']
  const out: MenuSection[] = []
  for (const key of keys) {
    const section = MENU_SECTIONS[key]
    const items = section.items.filter((item) => !item.codes || item.codes.some((c) => codes.has(c)))
    if (items.length) out.push({ ...section, items })
  }
  return out
}

/** Route names reachable from a membership's menu (the home page picks its shortcuts from these). */
export function menuRoutes(role: Role | null | undefined, codes: ReadonlySet<string>): string[] {
  return [...new Set(menuFor(role, codes).flatMap((s) => s.items.map((i) => i.route)))]
}

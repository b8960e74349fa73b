import type { BodyApplicationStatus, JobStatus, OrganizationKind, RegionLevel, Role } from './types'

/**
 * Run-time lists of the API's enums (for selects and filters). Each is checked against the generated type both
 * ways, so a value added to or removed from the API fails the type check until it is added here (and in locales).
 */
type Exhaustive<All, Listed> = [All] extends [Listed] ? ([Listed] extends [All] ? true : never) : never

export const ROLES = [
  'province_admin',
  'city_admin',
  'county_admin',
  'assessment_reviewer',
  'industry_admin',
  'hospital_admin',
  'medical_affairs',
  'department_head',
  'doctor',
  'expert',
] as const satisfies readonly Role[]

export const ORGANIZATION_KINDS = ['commission', 'institution', 'industry_org'] as const satisfies readonly OrganizationKind[]

export const REGION_LEVELS = ['province', 'city', 'county'] as const satisfies readonly RegionLevel[]

export const APPLICATION_STATUSES = [
  'draft',
  'submitted',
  'returned',
  'approved',
  'rejected',
  'withdrawn',
] as const satisfies readonly BodyApplicationStatus[]

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const satisfies readonly JobStatus[]

export const enumChecks: [
  Exhaustive<Role, (typeof ROLES)[number]>,
  Exhaustive<OrganizationKind, (typeof ORGANIZATION_KINDS)[number]>,
  Exhaustive<RegionLevel, (typeof REGION_LEVELS)[number]>,
  Exhaustive<BodyApplicationStatus, (typeof APPLICATION_STATUSES)[number]>,
  Exhaustive<JobStatus, (typeof JOB_STATUSES)[number]>,
] = [true, true, true, true, true]

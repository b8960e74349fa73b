// Names for the generated OpenAPI components the app uses. Never redefine backend types by hand: add an alias here.
import type { components } from './schema'

export type Schemas = components['schemas']

export type TokenPair = Schemas['TokenPairOutput']
export type Me = Schemas['MeOutput']
export type Membership = Schemas['MembershipOutput']
export type Role = Schemas['RoleEnum']
export type OrganizationKind = Schemas['KindEnum']
export type PasswordChangeReason = Schemas['PasswordChangeReasonEnum']

export type AccountListItem = Schemas['AccountListItemOutput']
export type AccountDetail = Schemas['AccountDetailOutput']
export type AccountCreateInput = Schemas['AccountCreateInputRequest']
export type AccountUpdateInput = Schemas['PatchedAccountUpdateInputRequest']
export type AccountOrganizationCreateInput = Schemas['AccountOrganizationCreateInputRequest']
export type AccountFilterInput = Schemas['AccountFilterInputRequest']

export type Job = Schemas['JobOutput']
export type JobStatus = Schemas['JobOutputStatusEnum']

export type OrganizationListItem = Schemas['OrganizationListItemOutput']

export type AuditEvent = Schemas['AuditEventOutput']

export type Region = Schemas['RegionOutput']
export type RegionLevel = Schemas['LevelEnum']
/** The tree endpoint types its children loosely; they are RegionTree nodes all the way down. */
export type RegionTree = Omit<Schemas['RegionTreeOutput'], 'children'> & { children: RegionTree[] }

export type BodyApplication = Schemas['AssessmentBodyApplicationOutput']
export type BodyApplicationStatus = Schemas['AssessmentBodyApplicationStatusEnum']
export type BodyApplicationHistory = Schemas['AssessmentBodyApplicationHistoryOutput']
export type BodyAttachment = Schemas['AssessmentBodyAttachmentOutput']
export type BodyAssignment = Schemas['AssessmentBodyAssignmentOutput']
export type BodyAssignmentCreateInput = Schemas['AssessmentBodyAssignmentCreateInputRequest']
export type AssessmentBody = Schemas['AssessmentBodyOutput']

/** One error of the API's single error shape (docs/decisions/0004-error-shape.md). */
export interface ApiErrorItem {
  code: string
  detail: string
  attr: string | null
}

export interface ApiErrorBody {
  type: string
  errors: ApiErrorItem[]
}

/** A row error of a failed import job (jobs.services.JobRowErrors). */
export interface JobRowError {
  row?: number | null
  attr?: string | null
  code?: string
  detail?: string
}
export type PhysicianListItem = Schemas['PhysicianListItemOutput']

export type Cycle = Schemas['CycleOutput']
export type CycleDetail = Schemas['CycleDetailOutput']
export type CycleStatus = Schemas['CycleStatusEnum']
export type CycleCreateInput = Schemas['CycleCreateInputRequest']
export type CycleSettings = Schemas['CycleSettingsOutput']
export type CycleSettingsInput = Schemas['CycleSettingsInputRequest']
export type EnrolmentCandidate = Schemas['EnrolmentCandidateOutput']
export type EnrolmentItem = Schemas['EnrolmentItemOutput']
export type EnrolmentDetail = Schemas['EnrolmentDetailOutput']
export type EnrolmentStatus = Schemas['EnrolmentStatusEnum']
export type EnrolmentFilterInput = Schemas['EnrolmentFilterInputRequest']
export type Procedure = Schemas['ProcedureEnum']
export type AdverseRecord = Schemas['AdverseRecordOutput']
export type Department = Schemas['DepartmentOutput']
export type DepartmentTree = Omit<Schemas['DepartmentTreeOutput'], 'children'> & { children: DepartmentTree[] }

// Self-report review (科室评定, 机构审核, 复核), certificates, the physician's own pages
export type ReviewItem = Schemas['ReviewItemOutput']
export type ReviewDetail = Schemas['ReviewDetailOutput']
export type EnrolmentHistoryEntry = Schemas['EnrolmentHistoryEntryOutput']
export type EnrolmentAttachment = Schemas['EnrolmentAttachmentOutput']
export type RatingLevel = Schemas['RatingLevelEnum']
export type MyEnrolment = Schemas['MyEnrolmentOutput']
export type SelfReport = Schemas['ReportOutput']
export type SelfReportForms = Schemas['ReportFormsInputRequest']
export type CertificateEntry = Schemas['CertificateEntryOutput']
export type CycleHistory = Schemas['CycleHistoryOutput']
export type PhysicianDetail = Schemas['PhysicianDetailOutput']

// Scores and results (成绩认定、公示、结果确认、补考)
export type ResultItem = Schemas['ResultItemOutput']
export type ResultDetail = Schemas['ResultDetailOutput']
export type ScoreEntry = Schemas['ScoreEntryOutput']
export type ResultAttachment = Schemas['ResultAttachmentOutput']
export type MyResult = Schemas['MyResultOutput']

// In-app notifications (通知); not `Notification`, the browser's own type
export type AppNotification = Schemas['NotificationOutput']

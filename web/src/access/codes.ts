/** Permission codes the app checks (backend/accounts/permissions.py `Perm`); /me/ gives each membership's codes. */
export const Perm = {
  ACCOUNT_VIEW: 'accounts.view',
  ACCOUNT_MANAGE: 'accounts.manage',
  WECHAT_MANAGE: 'accounts.wechat_manage',
  AUDIT_VIEW: 'audit.view',
  ORG_VIEW: 'organizations.view',
  ORG_MANAGE: 'organizations.manage',
  DEPARTMENT_MANAGE: 'organizations.department_manage',
  ARCHIVE_VIEW: 'archives.view',
  ARCHIVE_MANAGE: 'archives.manage',
  PHYSICIAN_VIEW: 'physicians.view',
  PHYSICIAN_MANAGE: 'physicians.manage',
  BODY_APPLY: 'assessment_bodies.apply',
  BODY_REVIEW: 'assessment_bodies.review',
  BODY_ASSIGN: 'assessment_bodies.assign',
  SELF_SERVICE: 'self.service',
  CERTIFICATE_VIEW: 'assessment.certificate_view',
  CERTIFICATE_ISSUE: 'assessment.certificate_issue',
} as const

export type PermCode = (typeof Perm)[keyof typeof Perm]

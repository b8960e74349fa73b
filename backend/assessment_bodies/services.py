"""Writes about assessment bodies: applications (with attachments and their state machine) and assignments.

Every write runs in one transaction with its audit row; every state change also appends a history row
(core.workflow). `actor` is the caller's core.actor.Actor, `user` the account (for audit and history).
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Perm
from assessment_bodies import selectors
from assessment_bodies.models import (
    EDITABLE_STATUSES,
    OPEN_STATUSES,
    ApplicationStatus,
    AssessmentBodyApplication,
    AssessmentBodyApplicationAttachment,
    AssessmentBodyAssignment,
)
from assessment_bodies.workflow import APPLICATION_FLOW
from audit.services import audit_record
from core import storage
from core.actor import Actor
from core.errors import ApplicationError, Conflict, PermissionDenied
from organizations.enums import OrganizationKind, RegionLevel
from organizations.models import Organization, Region

ATTACHMENTS_PER_APPLICATION = 20
APPLICATION_FIELDS = ("applied_scope", "description", "contact_name", "contact_phone")


def _audit(*, action: str, user, request, application: AssessmentBodyApplication, data: dict | None = None):
    audit_record(
        action=action,
        actor=user,
        request=request,
        organization_id=application.organization_id,
        region_path=application.region_path,
        target=application,
        data=data,
    )


# --- applications -----------------------------------------------------------------------------------


@transaction.atomic
def application_create(*, actor: Actor, user, request=None, **fields) -> AssessmentBodyApplication:
    """Open a draft application for the caller's organisation.

    Errors: apply_not_allowed (403) unless the commission allowed the organisation to apply;
    already_assessment_body (409); application_open (409) while another draft/submitted/returned one exists.
    """
    if not actor.has(Perm.BODY_APPLY) or actor.organization_id is None:
        raise PermissionDenied()
    org = Organization.objects.select_for_update().get(pk=actor.organization_id)
    if org.kind not in (OrganizationKind.INSTITUTION, OrganizationKind.INDUSTRY_ORG):
        raise PermissionDenied()
    if not org.may_apply_assessment_body:
        raise PermissionDenied(_("本机构未被允许申请考核机构。"), code="apply_not_allowed")
    if org.is_assessment_body:
        raise Conflict(_("本机构已是考核机构。"), code="already_assessment_body")
    if AssessmentBodyApplication.objects.filter(organization=org, status__in=OPEN_STATUSES).exists():
        raise Conflict(_("本机构已有一份未完成的申请。"), code="application_open")
    application = AssessmentBodyApplication.objects.create(
        organization=org,
        region_path=org.region_path,
        review_region_path=selectors.review_region_path_for(org.region_path),
        created_by=user,
        contact_name=fields.get("contact_name") or org.contact_name,
        contact_phone=fields.get("contact_phone") or org.contact_phone,
        applied_scope=fields.get("applied_scope", ""),
        description=fields.get("description", ""),
    )
    _audit(
        action="assessment_bodies.application_created", user=user, request=request, application=application
    )
    return application


def _editable(application: AssessmentBodyApplication) -> None:
    if application.status not in EDITABLE_STATUSES:
        raise Conflict(
            _("申请处于“%(state)s”状态，不能修改。") % {"state": application.get_status_display()},
            code="application_locked",
        )


def _own_application(*, actor: Actor, application_id) -> AssessmentBodyApplication:
    """The caller's own application, locked. A reviewer reaching someone else's is refused (403): only
    the applicant edits, uploads and moves its application."""
    application = selectors.application_get_for_actor(
        actor=actor, application_id=application_id, for_update=True
    )
    if application.organization_id != actor.organization_id or not actor.has(Perm.BODY_APPLY):
        raise PermissionDenied()
    return application


@transaction.atomic
def application_update(*, actor: Actor, user, application_id, request=None, **fields):
    """Edit a draft or returned application (application_locked, 409, otherwise)."""
    application = _own_application(actor=actor, application_id=application_id)
    _editable(application)
    changed = {k: v for k, v in fields.items() if k in APPLICATION_FIELDS and getattr(application, k) != v}
    for name, value in changed.items():
        setattr(application, name, value)
    if changed:
        application.save(update_fields=[*changed, "updated_at"])
        _audit(
            action="assessment_bodies.application_updated",
            user=user,
            request=request,
            application=application,
            data={"fields": sorted(changed)},
        )
    return application


@transaction.atomic
def application_submit(*, actor: Actor, user, application_id, comment: str = "", request=None):
    """Submit a draft or returned application to the commission. Needs at least one attachment
    (attachments_required, 400) and the organisation still allowed to apply (apply_not_allowed, 403)."""
    application = _own_application(actor=actor, application_id=application_id)
    application.submitted_at = timezone.now()
    return _move(application, "submit", user=user, comment=comment, request=request, fields=["submitted_at"])


@transaction.atomic
def application_withdraw(*, actor: Actor, user, application_id, comment: str = "", request=None):
    application = _own_application(actor=actor, application_id=application_id)
    return _move(application, "withdraw", user=user, comment=comment, request=request)


def _reviewed(*, actor: Actor, application_id) -> AssessmentBodyApplication:
    """A submitted application the caller may decide on: BODY_REVIEW in the commission of the applicant's
    city or above (county commissions see, but do not decide: not_the_reviewer, 403)."""
    if not (actor.is_commission and actor.has(Perm.BODY_REVIEW)):
        raise PermissionDenied()
    application = selectors.application_get_for_actor(
        actor=actor, application_id=application_id, for_update=True
    )
    if not application.review_region_path.startswith(actor.region_path or "\0"):
        raise PermissionDenied(_("该申请由申请机构所在市的卫生健康行政部门审核。"), code="not_the_reviewer")
    return application


@transaction.atomic
def application_approve(*, actor: Actor, user, application_id, comment: str = "", request=None):
    """Approve: the applicant becomes an assessment body (Organization.is_assessment_body)."""
    application = _reviewed(actor=actor, application_id=application_id)
    application = _move(application, "approve", user=user, comment=comment, request=request, review=True)
    Organization.objects.filter(pk=application.organization_id).update(
        is_assessment_body=True, updated_at=timezone.now()
    )
    application.organization.is_assessment_body = True
    return application


@transaction.atomic
def application_reject(*, actor: Actor, user, application_id, comment: str, request=None):
    application = _reviewed(actor=actor, application_id=application_id)
    return _move(application, "reject", user=user, comment=comment, request=request, review=True)


@transaction.atomic
def application_return(*, actor: Actor, user, application_id, comment: str, request=None):
    """Send back to the applicant for changes; it edits and submits again."""
    application = _reviewed(actor=actor, application_id=application_id)
    return _move(application, "return", user=user, comment=comment, request=request, review=True)


def _move(application, action, *, user, comment, request, fields=(), review=False):
    fields = list(fields)
    if review:
        application.reviewed_by = user
        application.reviewed_at = timezone.now()
        application.review_comment = comment
        fields += ["reviewed_by", "reviewed_at", "review_comment"]
    entry = APPLICATION_FLOW.transition(
        application, action, actor_user=user, comment=comment, update_fields=fields
    )
    _audit(
        action=f"assessment_bodies.application_{action}",
        user=user,
        request=request,
        application=application,
        data={"from": entry.from_state, "to": entry.to_state, "comment": comment},
    )
    return application


# --- attachments ------------------------------------------------------------------------------------


@transaction.atomic
def attachment_upload(*, actor: Actor, user, application_id, upload, request=None):
    """Store an attachment (pdf, jpg, png; at most 20 MB; the bytes must match the type) on object storage
    for a draft or returned application."""
    application = _own_application(actor=actor, application_id=application_id)
    _editable(application)
    if application.attachments.count() >= ATTACHMENTS_PER_APPLICATION:
        raise ApplicationError(
            _("每份申请最多 %(n)d 个附件。") % {"n": ATTACHMENTS_PER_APPLICATION}, code="too_many_attachments"
        )
    stored = storage.store_document(upload, prefix=f"assessment-bodies/applications/{application.id}")
    attachment = AssessmentBodyApplicationAttachment.objects.create(
        application=application, uploaded_by=user, **stored.__dict__
    )
    _audit(
        action="assessment_bodies.attachment_uploaded",
        user=user,
        request=request,
        application=application,
        data={"attachment": str(attachment.id), "file": attachment.file_name, "size": attachment.size},
    )
    return attachment


@transaction.atomic
def attachment_delete(*, actor: Actor, user, application_id, attachment_id, request=None) -> None:
    application = _own_application(actor=actor, application_id=application_id)
    _, attachment = selectors.attachment_get_for_actor(
        actor=actor, application_id=application.id, attachment_id=attachment_id
    )
    _editable(application)
    key = attachment.object_key
    attachment.delete()
    _audit(
        action="assessment_bodies.attachment_deleted",
        user=user,
        request=request,
        application=application,
        data={"attachment": str(attachment_id), "file": attachment.file_name},
    )
    transaction.on_commit(lambda: storage.client().delete_object(Bucket=storage.bucket(), Key=key))


def attachment_download_url(*, actor: Actor, user, application_id, attachment_id, request=None) -> dict:
    """A short-lived GET link to an attachment the caller sees; audited (applicant data read by reviewers)."""
    application, attachment = selectors.attachment_get_for_actor(
        actor=actor, application_id=application_id, attachment_id=attachment_id
    )
    with transaction.atomic():
        _audit(
            action="assessment_bodies.attachment_downloaded",
            user=user,
            request=request,
            application=application,
            data={"attachment": str(attachment.id), "file": attachment.file_name},
        )
    return {
        "url": storage.presigned_get(key=attachment.object_key, filename=attachment.file_name),
        "file_name": attachment.file_name,
    }


# --- assignments ------------------------------------------------------------------------------------


def _assigner(actor: Actor) -> None:
    if not (actor.is_commission and actor.has(Perm.BODY_ASSIGN)):
        raise PermissionDenied()


@transaction.atomic
def assignment_create(
    *,
    actor: Actor,
    user,
    body_id,
    target_region_code: str | None = None,
    target_organization_id=None,
    note: str = "",
    request=None,
) -> AssessmentBodyAssignment:
    """Assign an assessment body to a county (all its institutions) or to one institution in the caller's
    jurisdiction. The body may be any active body of the province: one outside the caller's region makes
    a cross-region assignment (flagged). One active assignment per (body, target): already_assigned (409).
    """
    _assigner(actor)
    if bool(target_region_code) == bool(target_organization_id):
        raise ApplicationError(
            _("请指定一个区县或一个医疗卫生机构作为指派对象。"), code="target_required", attr="target_region"
        )
    body = selectors.body_list_for_actor(actor=actor, candidates=True).filter(pk=body_id).first()
    if body is None:
        raise ApplicationError(_("所选机构不是可指派的考核机构。"), code="invalid_body", attr="body")
    target_region = target_org = None
    if target_region_code:
        target_region = Region.objects.filter(
            code=target_region_code, level=RegionLevel.COUNTY, path__startswith=actor.region_path
        ).first()
        if target_region is None:
            raise ApplicationError(
                _("指派对象须为本辖区内的区县。"), code="invalid_target", attr="target_region"
            )
        target_path = target_region.path
    else:
        target_org = Organization.objects.filter(
            pk=target_organization_id,
            kind=OrganizationKind.INSTITUTION,
            region_path__startswith=actor.region_path,
        ).first()
        if target_org is None:
            raise ApplicationError(
                _("指派对象须为本辖区内的医疗卫生机构。"), code="invalid_target", attr="target_organization"
            )
        if target_org.id == body.id:
            raise ApplicationError(
                _("考核机构不能指派给自身。"), code="self_assignment", attr="target_organization"
            )
        target_path = target_org.region_path
    duplicate = AssessmentBodyAssignment.objects.filter(
        body=body, is_active=True, target_region=target_region, target_organization=target_org
    )
    if duplicate.exists():
        raise Conflict(_("该考核机构已指派给该对象。"), code="already_assigned")
    try:
        with transaction.atomic():
            assignment = AssessmentBodyAssignment.objects.create(
                body=body,
                target_region=target_region,
                target_organization=target_org,
                target_region_path=target_path,
                assigned_by_id=actor.organization_id,
                assigned_by_region_path=actor.region_path,
                is_cross_region=not body.region_path.startswith(actor.region_path),
                created_by=user,
                note=note,
            )
    except IntegrityError as exc:  # a concurrent identical assignment
        raise Conflict(_("该考核机构已指派给该对象。"), code="already_assigned") from exc
    audit_record(
        action="assessment_bodies.assigned",
        actor=user,
        request=request,
        organization_id=actor.organization_id,
        region_path=actor.region_path or "",
        target=assignment,
        data={
            "body": str(body.id),
            "target_region": target_region_code or None,
            "target_organization": str(target_org.id) if target_org else None,
            "cross_region": assignment.is_cross_region,
        },
    )
    return assignment


@transaction.atomic
def assignment_end(*, actor: Actor, user, assignment_id, request=None) -> AssessmentBodyAssignment:
    """End an active assignment: the body stops reaching the target. Only the assigning commission or one
    above it (not_the_assigner, 403); an ended one gives assignment_ended (409)."""
    _assigner(actor)
    assignment = selectors.assignment_get_for_actor(actor=actor, assignment_id=assignment_id, for_update=True)
    if not assignment.assigned_by_region_path.startswith(actor.region_path or "\0"):
        raise PermissionDenied(
            _("只有指派该考核机构的卫生健康行政部门可以结束指派。"), code="not_the_assigner"
        )
    if not assignment.is_active:
        raise Conflict(_("该指派已结束。"), code="assignment_ended")
    assignment.is_active = False
    assignment.ended_at = timezone.now()
    assignment.ended_by = user
    assignment.save(update_fields=["is_active", "ended_at", "ended_by", "updated_at"])
    audit_record(
        action="assessment_bodies.assignment_ended",
        actor=user,
        request=request,
        organization_id=actor.organization_id,
        region_path=actor.region_path or "",
        target=assignment,
        data={"body": str(assignment.body_id)},
    )
    return assignment


__all__ = [
    "ApplicationStatus",
    "application_approve",
    "application_create",
    "application_reject",
    "application_return",
    "application_submit",
    "application_update",
    "application_withdraw",
    "assignment_create",
    "assignment_end",
    "attachment_delete",
    "attachment_download_url",
    "attachment_upload",
]

"""Privilege applications (item by item, limited by title; prescribing with its own forms and tiers;
anaesthesia by item or grade; special practice), the grants they create, and every change of a grant:
adjust, suspend, resume, revoke, expire, secondments, suspension after a failed periodic assessment.
Each change of a grant is a GrantEvent, an ArchiveEntry in the physician's technical archive and an audit row."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import ApplicationError, Conflict, NotFound
from credentialing.models import (
    ApplicationStatus,
    CatalogueItem,
    Category,
    DepartmentItem,
    DrugClass,
    ExamRequirement,
    Grant,
    GrantEvent,
    GrantStatus,
    PrivilegeApplication,
    PrivilegeKind,
    Secondment,
    SpecialPractice,
    SurgeryRecord,
)
from credentialing.services import approvals_glue
from credentialing.services.catalogue import RANK_NAMES, title_rank, title_rules
from credentialing.services.common import audit, current_hospital

# Levels per drug class, lowest first; the title rank each level needs (《抗菌药物临床应用管理办法》: 特殊使用级
# 高级职称, 限制使用级 中级以上; 限制级抗肿瘤药物 副高以上).
LEVELS = {
    DrugClass.ANTIMICROBIAL: ["non_restricted", "restricted", "special"],
    DrugClass.ONCOLOGY: ["general", "restricted"],
}
LEVEL_MIN_RANK = {
    (DrugClass.ANTIMICROBIAL, "non_restricted"): 1,
    (DrugClass.ANTIMICROBIAL, "restricted"): 2,
    (DrugClass.ANTIMICROBIAL, "special"): 3,
    (DrugClass.ONCOLOGY, "general"): 2,
    (DrugClass.ONCOLOGY, "restricted"): 3,
    (DrugClass.NARCOTIC, ""): 2,
}
# Each application form's own fields (required ones); values are free text or dates as strings.
FORM_FIELDS = {
    "surgical": ["reason"],
    "procedural": ["reason"],
    "medtech": ["reason"],
    "anaesthesia": ["reason"],
    "prescribing:general": [],
    "prescribing:narcotic": ["training_certificate_no", "training_date"],
    "prescribing:oncology": ["training_date", "training_hours"],
    "prescribing:tcm": ["tcm_training"],
    "prescribing:hormone": ["training_date"],
    "prescribing:antimicrobial": ["training_date", "training_score"],
    "special:cosmetic_lead": ["cosmetic_specialty", "years_in_specialty"],
    "special:brain_death": ["training_certificate_no"],
    "special:large_equipment": ["equipment", "certificate_no"],
}
ITEM_KINDS = {PrivilegeKind.SURGICAL, PrivilegeKind.PROCEDURAL, PrivilegeKind.MEDTECH}
KIND_CATEGORIES = {
    PrivilegeKind.SURGICAL: {
        Category.SURGERY,
        Category.INTERVENTIONAL,
        Category.ENDOSCOPIC,
        Category.RESTRICTED,
    },
    PrivilegeKind.PROCEDURAL: {
        Category.DIAGNOSTIC,
        Category.THERAPEUTIC,
        Category.INTERVENTIONAL,
        Category.ENDOSCOPIC,
        Category.RESTRICTED,
    },
    PrivilegeKind.MEDTECH: {Category.DIAGNOSTIC},
}


def _error(message, code, attr=None):
    return ApplicationError(message, code=code, attr=attr)


def _form_key(kind, drug_class="", special="") -> str:
    if kind == PrivilegeKind.PRESCRIBING:
        return f"prescribing:{drug_class}"
    if kind == PrivilegeKind.SPECIAL:
        return f"special:{special}"
    return str(kind)


def form_fields(kind, drug_class="", special="") -> list[str]:
    return FORM_FIELDS.get(_form_key(kind, drug_class, special), [])


def _exam_blueprint(application) -> str | None:
    if application.item_id and application.item.exam_blueprint_id:
        return str(application.item.exam_blueprint_id)
    keys = [_form_key(application.kind, application.drug_class, application.special), str(application.kind)]
    requirement = ExamRequirement.objects.filter(key__in=keys).order_by("-key").first()
    return str(requirement.exam_blueprint_id) if requirement else None


def applicant_record(*, physician_id, department_id, item_id) -> dict:
    """The applicant's own history of the item from imported surgery records (lead, first and second
    assistant) and the department's volume, for the approvers (申请人历史开展情况)."""
    if not item_id:
        return {}
    mine = SurgeryRecord.objects.filter(item_id=item_id).aggregate(
        lead=Count("id", filter=Q(lead_id=physician_id)),
        first_assistant=Count("id", filter=Q(first_assistant_id=physician_id)),
        second_assistant=Count("id", filter=Q(second_assistant_id=physician_id)),
        department=Count("id", filter=Q(department_id=department_id))
        if department_id
        else Count("id", filter=Q(pk=None)),
    )
    return {
        "lead": mine["lead"],
        "first_assistant": mine["first_assistant"],
        "second_assistant": mine["second_assistant"],
        "department_volume": mine["department"],
    }


def _check_required_level(kind, drug_class, level, rank):
    if kind != PrivilegeKind.PRESCRIBING:
        return
    if drug_class not in DrugClass.values:
        raise _error(_("请选择处方权类别。"), "invalid_drug_class", "drug_class")
    allowed = LEVELS.get(drug_class)
    if allowed is not None and level not in allowed:
        raise _error(_("请选择该类处方权的授权级别。"), "invalid_level", "level")
    if allowed is None and level:
        raise _error(_("该类处方权没有级别。"), "invalid_level", "level")
    need = LEVEL_MIN_RANK.get((drug_class, level), 0)
    if rank < need:
        raise _error(
            _("职称不足：该级别须为%(title)s及以上。") % {"title": RANK_NAMES[need]}, "title_too_low", "level"
        )


def _physician_for_application(*, actor, user, physician_id):
    from accounts.permissions import Perm
    from physicians.models import Physician

    hospital = current_hospital()
    if physician_id and actor.has(Perm.CREDENTIALING_MANAGE):
        physician = Physician.objects.filter(
            pk=physician_id, organization_id=hospital.organization_id
        ).first()
        if physician is None:
            raise NotFound()
        return physician
    physician = Physician.objects.filter(user_id=user.pk, organization_id=hospital.organization_id).first()
    if physician is None or (physician_id and str(physician.pk) != str(physician_id)):
        raise _error(
            _("只能为本人申请资质：未找到您在本院的医师信息。"), "not_a_physician_here", "physician_id"
        )
    return physician


@transaction.atomic
def application_submit(
    *,
    actor,
    user,
    kind: str,
    physician_id=None,
    item_id=None,
    drug_class: str = "",
    level: str = "",
    anaesthesia_grade=None,
    special: str = "",
    form: dict | None = None,
    valid_years: int = 3,
    request=None,
) -> PrivilegeApplication:
    """Apply for one privilege. Refused (nothing written) for an item outside the hospital or department
    catalogue, a title below the grade's rule, a missing form field, an exam not yet passed, an active grant or
    a pending application of the same thing, or when the approval chain cannot start."""
    from practice.selectors import passed_exam

    physician = _physician_for_application(actor=actor, user=user, physician_id=physician_id)
    rank = title_rank(physician.title)
    form = {k: v for k, v in (form or {}).items() if v not in (None, "")}
    career = _career_snapshot(physician.pk, form.pop("career_ids", ""))
    item = None
    if kind not in PrivilegeKind.values:
        raise _error(_("申请类别无效。"), "invalid_kind", "kind")
    if kind in ITEM_KINDS or (kind == PrivilegeKind.ANAESTHESIA and item_id):
        item = CatalogueItem.objects.filter(pk=item_id, active=True).first() if item_id else None
        if item is None:
            raise _error(_("该项目不在院级技术目录中。"), "item_not_in_catalogue", "item_id")
        if kind in KIND_CATEGORIES and item.category not in KIND_CATEGORIES[kind]:
            raise _error(_("该项目的类别与申请类别不符。"), "item_category_mismatch", "item_id")
        if (
            physician.department_id
            and kind != PrivilegeKind.ANAESTHESIA
            and not DepartmentItem.objects.filter(
                department_id=physician.department_id, item=item, status="approved"
            ).exists()
        ):
            raise _error(_("该项目不在本科室技术目录中。"), "item_not_in_department_catalogue", "item_id")
    grade = item.grade if item else None
    if kind == PrivilegeKind.ANAESTHESIA:
        from credentialing.services.catalogue import settings_get

        mode = settings_get().anaesthesia_mode
        if mode != "both" and (mode == "catalogue") != (item is not None):
            raise _error(
                _("本院麻醉权限当前只能按目录申请。")
                if mode == "catalogue"
                else _("本院麻醉权限当前只能按等级申请。"),
                "anaesthesia_mode",
                "item_id" if mode == "catalogue" else "anaesthesia_grade",
            )
    if kind == PrivilegeKind.ANAESTHESIA and item is None:
        if anaesthesia_grade not in (1, 2, 3, 4):
            raise _error(
                _("麻醉权限须按目录项目或按手术级别（1-4）申请。"),
                "anaesthesia_scope_required",
                "anaesthesia_grade",
            )
        grade = anaesthesia_grade
    if grade:
        need = title_rules().get(grade, grade)
        if rank < need:
            raise _error(
                _("职称不足：%(grade)d级手术须为%(title)s及以上。")
                % {"grade": grade, "title": RANK_NAMES[need]},
                "title_too_low",
                "item_id",
            )
    _check_required_level(kind, drug_class, level, rank)
    if kind == PrivilegeKind.SPECIAL and special not in SpecialPractice.values:
        raise _error(_("请选择医疗技术执业能力类别。"), "invalid_special", "special")
    for field in form_fields(kind, drug_class, special):
        if field not in form:
            raise _error(
                _("申请表缺少必填项：%(field)s。") % {"field": field}, "form_field_required", f"form.{field}"
            )
    if not 1 <= int(valid_years) <= 10:
        raise _error(_("授权年限须为 1-10 年。"), "invalid_valid_years", "valid_years")
    application = PrivilegeApplication(
        physician_id=physician.pk,
        department_id=physician.department_id,
        applicant_user_id=user.pk,
        kind=kind,
        item=item,
        drug_class=drug_class if kind == PrivilegeKind.PRESCRIBING else "",
        level=level if kind == PrivilegeKind.PRESCRIBING else "",
        anaesthesia_grade=anaesthesia_grade if kind == PrivilegeKind.ANAESTHESIA and item is None else None,
        special=special if kind == PrivilegeKind.SPECIAL else "",
        form={**form, **({"career": career} if career else {})},
        valid_years=valid_years,
    )
    blueprint = _exam_blueprint(application)
    hospital = current_hospital()
    if blueprint and not passed_exam(physician.pk, owner_id=hospital.organization_id, exam_code=blueprint):
        raise _error(_("须先通过本院组织的相应考试才能申请。"), "exam_not_passed", "kind")
    same = _same_privilege_q(application)
    if Grant.objects.filter(same, physician_id=physician.pk, status__in=["active", "suspended"]).exists():
        raise Conflict(_("已持有该项授权。"), code="grant_exists")
    if PrivilegeApplication.objects.filter(
        same, physician_id=physician.pk, status__in=["pending", "returned"]
    ).exists():
        raise Conflict(_("该项申请正在审批中。"), code="application_pending")
    application.record = applicant_record(
        physician_id=physician.pk, department_id=physician.department_id, item_id=item.pk if item else None
    )
    application.save()
    audit(
        "credentialing.application.submitted",
        user=user,
        request=request,
        target=application,
        data={"kind": kind, "item": item.code if item else "", "drug_class": drug_class, "level": level},
    )
    approval = approvals_glue.submit(
        user=user,
        type_code=approvals_glue.PRIVILEGE_TYPE,
        subject_id=application.pk,
        department_id=physician.department_id,
        title=_("%(name)s：%(what)s") % {"name": physician.name, "what": describe(application)},
        facts=application_facts(application.pk, passed=bool(blueprint)),
    )
    PrivilegeApplication.objects.filter(pk=application.pk).update(approval_request_id=approval.pk)
    application.refresh_from_db()
    return application


def _career_snapshot(physician_id, career_ids: str) -> list[dict]:
    """Work and training history quoted into the application (工作/培训经历引用): `form.career_ids` is a comma
    separated list of the physician's own career entries; a copy is kept with the application."""
    from archives.models import CareerEntry

    ids = [i.strip() for i in (career_ids or "").split(",") if i.strip()]
    if not ids:
        return []
    try:
        entries = list(CareerEntry.objects.filter(pk__in=ids, archive__physician_id=physician_id))
    except (ValueError, DjangoValidationError):
        entries = []
    if len(entries) != len(set(ids)):
        raise _error(_("引用的经历不属于申请人。"), "career_not_found", "form.career_ids")
    return [
        {
            "kind": e.kind,
            "organization_name": e.organization_name,
            "role": e.role,
            "starts_on": str(e.starts_on),
            "ends_on": str(e.ends_on or ""),
            "description": e.description,
        }
        for e in entries
    ]


def _same_privilege_q(obj) -> Q:
    if obj.item_id:
        return Q(kind=obj.kind, item_id=obj.item_id)
    if obj.kind == PrivilegeKind.PRESCRIBING:
        return Q(kind=obj.kind, drug_class=obj.drug_class, level=obj.level)
    if obj.kind == PrivilegeKind.ANAESTHESIA:
        return Q(kind=obj.kind, anaesthesia_grade=obj.anaesthesia_grade, item__isnull=True)
    return Q(kind=obj.kind, special=obj.special)


def describe(obj) -> str:
    """A short Chinese description of what a grant or application covers."""
    kind = PrivilegeKind(obj.kind).label
    if obj.item_id:
        return f"{kind} {obj.item.code} {obj.item.name}"
    if obj.kind == PrivilegeKind.PRESCRIBING:
        return f"{DrugClass(obj.drug_class).label}{(' ' + obj.level) if obj.level else ''}"
    if obj.kind == PrivilegeKind.ANAESTHESIA:
        return _("%(kind)s %(grade)s级") % {"kind": kind, "grade": obj.anaesthesia_grade}
    return f"{kind} {SpecialPractice(obj.special).label}" if obj.special else str(kind)


def application_facts(application_id, passed: bool | None = None) -> dict:
    """Facts for the chain's auto-approval rules."""
    from physicians.models import Physician

    application = PrivilegeApplication.objects.select_related("item").get(pk=application_id)
    physician = Physician.objects.filter(pk=application.physician_id).only("title").first()
    title = physician.title if physician else ""
    if passed is None:
        passed = _exam_blueprint(application) is not None
    record = application.record or {}
    return {
        "kind": application.kind,
        "applicant_title": title,
        "applicant_title_rank": title_rank(title),
        "surgical_grade": application.item.grade if application.item_id else application.anaesthesia_grade,
        "passed_exam": bool(passed),
        "lead_operations": record.get("lead", 0),
        "assistant_operations": record.get("first_assistant", 0) + record.get("second_assistant", 0),
    }


def application_approved(application_id, approver_id=None) -> Grant | None:
    """Approvals callback (inside the final decision's transaction): the application becomes a grant."""
    application = (
        PrivilegeApplication.objects.select_for_update(of=("self",))
        .select_related("item")
        .filter(pk=application_id)
        .first()
    )
    if application is None or application.status not in (
        ApplicationStatus.PENDING,
        ApplicationStatus.RETURNED,
    ):
        return None
    application.status = ApplicationStatus.APPROVED
    application.save(update_fields=["status", "updated_at"])
    today = timezone.localdate()
    grant = Grant.objects.create(
        physician_id=application.physician_id,
        department_id=application.department_id,
        kind=application.kind,
        item=application.item,
        drug_class=application.drug_class,
        level=application.level,
        anaesthesia_grade=application.anaesthesia_grade,
        special=application.special,
        valid_from=today,
        valid_until=_years_later(today, application.valid_years) - timedelta(days=1),
        application=application,
    )
    if _seconded_on(application.physician_id, today):
        grant.status, grant.status_reason = GrantStatus.SUSPENDED, "secondment"
        grant.save(update_fields=["status", "status_reason"])
    _event(grant, "granted", "", grant.status, reason="", user_id=approver_id)
    return grant


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def application_closed(application_id, status: str) -> None:
    """Approvals callback: rejected or withdrawn."""
    updated = PrivilegeApplication.objects.filter(
        pk=application_id, status__in=[ApplicationStatus.PENDING, ApplicationStatus.RETURNED]
    ).update(status=status, updated_at=timezone.now())
    if updated:
        audit(f"credentialing.application.{status}", data={"application_id": str(application_id)})


# --- grant changes -----------------------------------------------------------------------------------------

EVENT_LABELS = {
    "granted": gettext_lazy("授予"),
    "adjusted": gettext_lazy("调整授权"),
    "suspended": gettext_lazy("暂停授权"),
    "resumed": gettext_lazy("恢复授权"),
    "revoked": gettext_lazy("终止授权"),
    "expired": gettext_lazy("授权到期"),
}


def _event(
    grant: Grant, action: str, from_status: str, to_status: str, *, reason="", user_id=None, data=None
):
    from archives.services import archive_entry_add

    GrantEvent.objects.create(
        grant=grant,
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason[:255],
        actor_id=user_id,
        data=data or {},
    )
    archive_entry_add(
        physician_id=grant.physician_id,
        department_id=grant.department_id,
        kind=f"privilege.{action}",
        summary=f"{EVENT_LABELS.get(action, action)}：{describe(grant)}{('（' + reason + '）') if reason else ''}",
        occurred_on=timezone.localdate(),
        data={"grant_id": str(grant.pk), "from": from_status, "to": to_status, **(data or {})},
    )
    audit(
        f"credentialing.grant.{action}",
        target=grant,
        user=_user(user_id),
        data={"from": from_status, "to": to_status, "reason": reason, **(data or {})},
    )


def _user(user_id):
    if user_id is None:
        return None
    from accounts.models import User

    return User.objects.filter(pk=user_id).first()


def _grant_for_update(grant_id) -> Grant:
    grant = Grant.objects.select_for_update(of=("self",)).select_related("item").filter(pk=grant_id).first()
    if grant is None:
        raise NotFound()
    return grant


@transaction.atomic
def grant_adjust(*, user, grant_id, valid_until=None, scope_note=None, level=None, request=None) -> Grant:
    """Change a grant's validity, its scope note or its prescribing level (动态调整)."""
    grant = _grant_for_update(grant_id)
    if grant.status not in (GrantStatus.ACTIVE, GrantStatus.SUSPENDED):
        raise Conflict(_("已终止或已过期的授权不能调整。"), code="grant_closed")
    changes = {}
    if valid_until is not None:
        if valid_until < grant.valid_from:
            raise _error(_("有效期不能早于授权开始日期。"), "invalid_valid_until", "valid_until")
        changes["valid_until"] = (str(grant.valid_until), str(valid_until))
        grant.valid_until = valid_until
    if scope_note is not None:
        changes["scope_note"] = (grant.scope_note, scope_note)
        grant.scope_note = scope_note
    if level is not None and level != grant.level:
        if grant.kind != PrivilegeKind.PRESCRIBING or level not in LEVELS.get(grant.drug_class, []):
            raise _error(_("该授权不能调整为此级别。"), "invalid_level", "level")
        changes["level"] = (grant.level, level)
        grant.level = level
    if not changes:
        raise _error(_("没有需要调整的内容。"), "nothing_to_change")
    grant.save()
    _event(grant, "adjusted", grant.status, grant.status, user_id=user.pk, data={"changes": changes})
    return grant


def _set_status(grant, status, action, *, reason="", reason_code="", user_id=None, until=None):
    previous = grant.status
    grant.status = status
    grant.status_reason = reason_code
    grant.suspended_until = until
    grant.save(update_fields=["status", "status_reason", "suspended_until", "updated_at"])
    _event(grant, action, previous, status, reason=reason, user_id=user_id, data={"reason_code": reason_code})


@transaction.atomic
def grant_suspend(*, user, grant_id, reason: str, until=None, request=None) -> Grant:
    grant = _grant_for_update(grant_id)
    if grant.status != GrantStatus.ACTIVE:
        raise Conflict(_("只能暂停有效的授权。"), code="grant_not_active")
    _set_status(
        grant,
        GrantStatus.SUSPENDED,
        "suspended",
        reason=reason,
        reason_code="manual",
        user_id=user.pk,
        until=until,
    )
    return grant


@transaction.atomic
def grant_resume(*, user, grant_id, request=None) -> Grant:
    grant = _grant_for_update(grant_id)
    if grant.status != GrantStatus.SUSPENDED:
        raise Conflict(_("只能恢复已暂停的授权。"), code="grant_not_suspended")
    if grant.valid_until < timezone.localdate():
        raise Conflict(_("授权已过有效期，不能恢复。"), code="grant_past_validity")
    _set_status(grant, GrantStatus.ACTIVE, "resumed", user_id=user.pk)
    return grant


@transaction.atomic
def grant_revoke(*, user, grant_id, reason: str, request=None) -> Grant:
    grant = _grant_for_update(grant_id)
    if grant.status in (GrantStatus.REVOKED, GrantStatus.EXPIRED):
        raise Conflict(_("该授权已终止或已过期。"), code="grant_closed")
    _set_status(grant, GrantStatus.REVOKED, "revoked", reason=reason, reason_code="manual", user_id=user.pk)
    return grant


def grant_stop_for_reassessment(grant: Grant, *, user_id, reassessment_name: str) -> None:
    """A failed reassessment item stops its privilege (revoked, reason recorded)."""
    if grant.status in (GrantStatus.ACTIVE, GrantStatus.SUSPENDED):
        _set_status(
            grant,
            GrantStatus.REVOKED,
            "revoked",
            reason=_("手术能力动态考核不通过：%(name)s") % {"name": reassessment_name},
            reason_code="reassessment_failed",
            user_id=user_id,
        )


# --- secondments, expiry, the periodic assessment ---------------------------------------------------------


def _seconded_on(physician_id, day) -> bool:
    return Secondment.objects.filter(
        physician_id=physician_id, cancelled=False, starts_on__lte=day, ends_on__gte=day
    ).exists()


@transaction.atomic
def secondment_create(*, user, physician_id, kind, starts_on, ends_on, place="", request=None) -> Secondment:
    from physicians.selectors import physician_belongs_to

    if not physician_belongs_to(
        physician_id=physician_id, organization_id=current_hospital().organization_id
    ):
        raise NotFound()
    if ends_on < starts_on:
        raise _error(_("结束日期不能早于开始日期。"), "invalid_dates", "ends_on")
    secondment = Secondment.objects.create(
        physician_id=physician_id, kind=kind, starts_on=starts_on, ends_on=ends_on, place=place
    )
    audit("credentialing.secondment.created", user=user, request=request, target=secondment)
    from archives.services import archive_entry_add

    archive_entry_add(
        physician_id=physician_id,
        kind="secondment",
        summary=_("外派（%(kind)s）%(start)s 至 %(end)s %(place)s")
        % {"kind": secondment.get_kind_display(), "start": starts_on, "end": ends_on, "place": place},
        occurred_on=starts_on,
        data={"secondment_id": str(secondment.pk)},
    )
    grants_daily(today=timezone.localdate(), physician_id=physician_id)
    return secondment


@transaction.atomic
def secondment_cancel(*, user, secondment_id, request=None) -> Secondment:
    secondment = Secondment.objects.select_for_update().filter(pk=secondment_id, cancelled=False).first()
    if secondment is None:
        raise NotFound()
    secondment.cancelled = True
    secondment.save(update_fields=["cancelled", "updated_at"])
    audit("credentialing.secondment.cancelled", user=user, request=request, target=secondment)
    grants_daily(today=timezone.localdate(), physician_id=secondment.physician_id)
    return secondment


@transaction.atomic
def grants_daily(*, today: date | None = None, physician_id=None) -> dict:
    """Expire grants past validity; suspend the grants of physicians seconded today; resume those whose
    secondment is over. Idempotent (beat, daily, per tenant; also after a secondment changes)."""
    today = today or timezone.localdate()
    scope = Grant.objects.select_for_update(of=("self",)).select_related("item")
    if physician_id:
        scope = scope.filter(physician_id=physician_id)
    counts = {"expired": 0, "suspended": 0, "resumed": 0}
    for grant in scope.filter(status__in=["active", "suspended"], valid_until__lt=today):
        _set_status(grant, GrantStatus.EXPIRED, "expired", reason_code="validity")
        counts["expired"] += 1
    seconded = set(
        Secondment.objects.filter(cancelled=False, starts_on__lte=today, ends_on__gte=today).values_list(
            "physician_id", flat=True
        )
    )
    for grant in scope.filter(status="active", physician_id__in=seconded):
        until = (
            Secondment.objects.filter(physician_id=grant.physician_id, cancelled=False, starts_on__lte=today)
            .order_by("-ends_on")
            .values_list("ends_on", flat=True)
            .first()
        )
        _set_status(
            grant,
            GrantStatus.SUSPENDED,
            "suspended",
            reason=_("外派期间暂停"),
            reason_code="secondment",
            until=until,
        )
        counts["suspended"] += 1
    for grant in scope.filter(status="suspended", status_reason="secondment").exclude(
        physician_id__in=seconded
    ):
        _set_status(grant, GrantStatus.ACTIVE, "resumed", reason=_("外派结束"))
        counts["resumed"] += 1
    return counts


@transaction.atomic
def grants_suspend_for_assessment(*, physician_id, cycle_id="", result_level="") -> int:
    """The physician failed the periodic assessment (outbox `assessment.final_fail`): every active grant in
    this hospital is suspended. Idempotent."""
    grants = list(
        Grant.objects.select_for_update(of=("self",))
        .select_related("item")
        .filter(physician_id=physician_id, status="active")
    )
    for grant in grants:
        _set_status(
            grant,
            GrantStatus.SUSPENDED,
            "suspended",
            reason=_("定期考核不合格"),
            reason_code="assessment_failed",
        )
    return len(grants)

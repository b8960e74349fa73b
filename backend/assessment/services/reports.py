"""The physician's self-report (个人述职 / 填报信息): drafts, submission with the choice of procedure, and the
attachments of an exemption application. PC web and mini-program use the same services.

Rules:
- Only the physician's own enrolments (selectors.reports.my_enrolment_get: anyone else's is a 404).
- Every write needs the self-report phase open in the cycle's settings version in force (409 `phase_closed`)
  and the report editable (enrolled, drafting, returned; else 409 `illegal_transition` from the workflow).
- A draft keeps whatever forms were sent (types checked, completeness not); the submission checks every form
  the settings require (`forms.required`), completely, and the procedure:
  general always; simplified when the settings' `simplified_rules` hold (min_practice_years from the hiring
  date and practice records, max_adverse_records within the cycle, titles), else 400
  `not_eligible_simplified` naming why; exempt with a reason from `exemption_rules.reasons` and, when
  `attachment_required`, at least one attachment of purpose "exemption" (400 `exemption_attachment_required`).
- A submission sets enrolment.procedure and submitted_at and keeps a copy of the forms in
  SelfReport.submitted_forms; a returned report is corrected and submitted again the same way.
Everything is audited in the same transaction; state moves go through assessment/workflow.py (history).
"""

import copy
import datetime
import decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, ValidationError

from assessment.enums import Phase, Procedure, RatingLevel
from assessment.models import AttachmentPurpose, Enrolment, EnrolmentAttachment, SelfReport
from assessment.selectors import reports as selectors
from assessment.workflow import ENROLMENT_FLOW
from audit.services import audit_record
from core import storage
from core.errors import ApplicationError, Conflict
from core.workflow import IllegalTransition, transition
from physicians.enums import PracticeCategory

ATTACHMENTS_PER_ENROLMENT = 20
# What a physician may attach to the self-report (skills and case-review material is the experts').
PHYSICIAN_PURPOSES = (AttachmentPurpose.EXEMPTION, AttachmentPurpose.OTHER)


# --- the forms ------------------------------------------------------------------------------------------
# One serializer per form. A draft is checked with partial=True (types only), a submission completely.


class ReportBasicForm(serializers.Serializer):
    """基本信息 (prefilled from the registry)."""

    name = serializers.CharField(max_length=64)
    gender = serializers.CharField(max_length=8, required=False, allow_blank=True)
    birth_date = serializers.DateField(required=False, allow_null=True)
    phone = serializers.RegexField(r"^[0-9+\- ]{0,20}$", max_length=20, required=False, allow_blank=True)
    education = serializers.CharField(max_length=16, required=False, allow_blank=True)
    specialty = serializers.CharField(max_length=64, required=False, allow_blank=True)
    title = serializers.CharField(max_length=32)


class ReportSiteForm(serializers.Serializer):
    site_name = serializers.CharField(max_length=128)
    is_primary = serializers.BooleanField(required=False, default=False)
    filed_on = serializers.DateField(required=False, allow_null=True)
    valid_until = serializers.DateField(required=False, allow_null=True)


class ReportPracticeForm(serializers.Serializer):
    """执业信息 with the multi-site filings (prefilled from the registry)."""

    licence_number = serializers.CharField(max_length=32)
    qualification_number = serializers.CharField(max_length=32, required=False, allow_blank=True)
    practice_category = serializers.ChoiceField(choices=PracticeCategory.choices)
    practice_scope = serializers.CharField(max_length=64)
    licence_valid_until = serializers.DateField(required=False, allow_null=True)
    organization_name = serializers.CharField(max_length=128, required=False, allow_blank=True)
    department_name = serializers.CharField(max_length=64, required=False, allow_blank=True)
    hired_on = serializers.DateField(required=False, allow_null=True)
    sites = ReportSiteForm(many=True, required=False)


class ReportEducationForm(serializers.Serializer):
    school = serializers.CharField(max_length=128)
    major = serializers.CharField(max_length=64, required=False, allow_blank=True)
    degree = serializers.CharField(max_length=32, required=False, allow_blank=True)
    started_on = serializers.DateField(required=False, allow_null=True)
    finished_on = serializers.DateField(required=False, allow_null=True)


class ReportPracticeRecordForm(serializers.Serializer):
    organization_name = serializers.CharField(max_length=128)
    department_name = serializers.CharField(max_length=64, required=False, allow_blank=True)
    title = serializers.CharField(max_length=32, required=False, allow_blank=True)
    started_on = serializers.DateField(required=False, allow_null=True)
    finished_on = serializers.DateField(required=False, allow_null=True)


class ReportExperienceForm(serializers.Serializer):
    """相关经历: education and practice history (prefilled from the registry)."""

    education_records = ReportEducationForm(many=True, required=False)
    practice_records = ReportPracticeRecordForm(many=True, allow_empty=False)


class ReportWorkPerformanceForm(serializers.Serializer):
    """工作成绩 (《医师工作成绩考核表》): the self-report of the cycle's work."""

    summary = serializers.CharField(max_length=5000, help_text="个人述职")
    outpatient_visits = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    inpatient_cases = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    operations = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    teaching_and_research = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    continuing_education_credits = serializers.DecimalField(
        max_digits=6, decimal_places=1, min_value=0, required=False, allow_null=True
    )
    awards = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ReportEthicsForm(serializers.Serializer):
    """职业道德 (《医师职业道德考核自评表》)."""

    self_rating = serializers.ChoiceField(choices=RatingLevel.choices)
    statement = serializers.CharField(max_length=5000)
    complaints_or_disputes = serializers.BooleanField(required=False, default=False)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


FORMS: dict[str, type[serializers.Serializer]] = {
    "basic": ReportBasicForm,
    "practice": ReportPracticeForm,
    "experience": ReportExperienceForm,
    "work_performance": ReportWorkPerformanceForm,
    "ethics": ReportEthicsForm,
}
FORM_LABELS = {
    "basic": gettext_lazy("基本信息"),
    "practice": gettext_lazy("执业信息"),
    "experience": gettext_lazy("相关经历"),
    "work_performance": gettext_lazy("工作成绩"),
    "ethics": gettext_lazy("职业道德"),
}


def required_forms(settings) -> list[str]:
    """The forms the settings require (`forms.required`), every form when they do not say."""
    wanted = (settings.forms or {}).get("required")
    if wanted is None:
        return list(FORMS)
    return [name for name in wanted if name in FORMS]


def _json_safe(value):
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def form_validate(name: str, data, *, partial: bool) -> dict:
    """One form's data checked by its serializer: JSON-safe validated data, or a ValidationError under
    `forms.<name>`."""
    serializer = FORMS[name](data=data, partial=partial)
    if not serializer.is_valid():
        raise ValidationError({"forms": {name: serializer.errors}})
    return _json_safe(dict(serializer.validated_data))


def forms_for_display(enrolment: Enrolment, report: SelfReport | None) -> dict:
    """What the physician sees: the saved forms, the registry's prefill for those not saved yet."""
    saved = (report.forms if report else {}) or {}
    prefill = selectors.report_prefill(enrolment.physician)
    return {name: saved.get(name, prefill.get(name, {})) for name in FORMS}


# --- eligibility --------------------------------------------------------------------------------------


def simplified_eligibility(enrolment: Enrolment, settings=None) -> tuple[bool, list[str]]:
    """Whether the physician may choose the simplified procedure under the settings in force, and why not."""
    settings = settings or selectors.settings_in_force(enrolment)
    rules = settings.simplified_rules or {}
    if rules.get("enabled") is False:
        return False, [_("本考核周期不适用简易程序。")]
    physician = enrolment.physician
    reasons = []
    min_years = rules.get("min_practice_years")
    if min_years:
        years = selectors.practice_years(physician)
        if years < int(min_years):
            reasons.append(
                _("执业年限须满 %(min)d 年，目前为 %(years)d 年。") % {"min": int(min_years), "years": years}
            )
    max_adverse = rules.get("max_adverse_records")
    if max_adverse is not None:
        count = selectors.adverse_record_count(physician=physician, cycle=enrolment.cycle)
        if count > int(max_adverse):
            reasons.append(
                _("考核周期内有 %(count)d 条不良记录，简易程序最多允许 %(max)d 条。")
                % {"count": count, "max": int(max_adverse)}
            )
    titles = rules.get("titles")
    if titles and physician.title not in titles:
        reasons.append(_("职称须为：%(titles)s。") % {"titles": "、".join(titles)})
    return not reasons, reasons


def _check_procedure(enrolment: Enrolment, settings, procedure: str, exemption_reason: str) -> None:
    if not procedure:
        raise ApplicationError(_("请选择考核程序。"), code="procedure_required", attr="procedure")
    if procedure == Procedure.SIMPLIFIED:
        eligible, reasons = simplified_eligibility(enrolment, settings)
        if not eligible:
            raise ApplicationError(
                _("不符合简易程序的条件：%(reasons)s") % {"reasons": "".join(reasons)},
                code="not_eligible_simplified",
                attr="procedure",
            )
    elif procedure == Procedure.EXEMPT:
        rules = settings.exemption_rules or {}
        if rules.get("enabled") is False:
            raise ApplicationError(
                _("本考核周期不受理免考申请。"), code="exemption_not_allowed", attr="procedure"
            )
        reasons = rules.get("reasons") or []
        if not exemption_reason:
            raise ApplicationError(
                _("请填写免考理由。"), code="exemption_reason_required", attr="exemption_reason"
            )
        if reasons and exemption_reason not in reasons:
            raise ApplicationError(
                _("免考理由须为以下之一：%(reasons)s。") % {"reasons": "、".join(reasons)},
                code="invalid_exemption_reason",
                attr="exemption_reason",
            )
        if (
            rules.get("attachment_required")
            and not enrolment.attachments.filter(purpose=AttachmentPurpose.EXEMPTION).exists()
        ):
            raise ApplicationError(
                _("申请免考须上传证明材料。"), code="exemption_attachment_required", attr="attachments"
            )


# --- checks shared with the reviews -------------------------------------------------------------------


def require_phase_open(settings, phase: str) -> None:
    """409 `phase_closed` unless today lies in the phase's window of the settings in force."""
    if not selectors.phase_is_open(settings, phase):
        opens, closes = selectors.phase_window(settings, phase)
        raise Conflict(
            _("“%(phase)s”阶段不在办理时间内（%(opens)s 至 %(closes)s）。")
            % {
                "phase": Phase(phase).label,
                "opens": opens.isoformat() if opens else "—",
                "closes": closes.isoformat() if closes else "—",
            },
            code="phase_closed",
        )


def require_legal(status: str, action: str, count: int | None = None) -> None:
    """The workflow's own refusal (409 `illegal_transition`), before other checks that would hide it."""
    if ENROLMENT_FLOW.target(status, action) is not None:
        return
    labels = {
        "state": ENROLMENT_FLOW.state_label(status),
        "action": ENROLMENT_FLOW.action_label(action),
    }
    if count is None:
        raise IllegalTransition(_("当前状态为“%(state)s”，不能执行“%(action)s”操作。") % labels)
    raise IllegalTransition(
        _("有 %(count)d 条记录的状态为“%(state)s”，不能执行“%(action)s”操作。") % {"count": count, **labels}
    )


def _audit(*, action: str, user, request, enrolment: Enrolment, data: dict | None = None) -> None:
    audit_record(
        action=action,
        actor=user,
        request=request,
        organization_id=enrolment.organization_id,
        region_path=enrolment.region_path,
        target=enrolment,
        data=data,
    )


def _editable(user, enrolment_id, action: str = "save") -> tuple[Enrolment, object]:
    """The caller's own enrolment, locked, with the self-report phase open and the report editable."""
    enrolment = selectors.my_enrolment_get(user=user, enrolment_id=enrolment_id, for_update=True)
    settings = selectors.settings_in_force(enrolment)
    require_phase_open(settings, Phase.SELF_REPORT)
    require_legal(enrolment.status, action)
    return enrolment, settings


def _merge_forms(report: SelfReport, forms: dict | None) -> list[str]:
    changed = []
    for name, data in (forms or {}).items():
        if name in FORMS:
            report.forms[name] = form_validate(name, data, partial=True)
            changed.append(name)
    return changed


# --- drafts and submission ----------------------------------------------------------------------------


@transaction.atomic
def report_save(
    *,
    user,
    enrolment_id,
    forms: dict | None = None,
    procedure: str | None = None,
    exemption_reason: str | None = None,
    request=None,
) -> Enrolment:
    """Save a draft: the forms sent replace the saved ones of the same name, completeness is not checked.
    Moves the enrolment by `save` (enrolled -> drafting; drafting and returned stay)."""
    enrolment, _settings = _editable(user, enrolment_id)
    report, _created = SelfReport.objects.select_for_update().get_or_create(enrolment=enrolment)
    changed = _merge_forms(report, forms)
    if procedure is not None:
        report.procedure = procedure
    if exemption_reason is not None:
        report.exemption_reason = exemption_reason
    report.save()
    transition(enrolment, "save", actor_user=user)
    _audit(
        action="assessment.self_report.saved",
        user=user,
        request=request,
        enrolment=enrolment,
        data={"forms": sorted(changed)},
    )
    return enrolment


@transaction.atomic
def report_submit(
    *,
    user,
    enrolment_id,
    procedure: str | None = None,
    exemption_reason: str | None = None,
    forms: dict | None = None,
    comment: str = "",
    request=None,
) -> Enrolment:
    """Submit the report (forms sent along are saved first): every required form complete, the procedure
    allowed. Nothing is written when anything fails."""
    enrolment, settings = _editable(user, enrolment_id, "submit")
    report, _created = SelfReport.objects.select_for_update().get_or_create(enrolment=enrolment)
    _merge_forms(report, forms)
    if procedure is not None:
        report.procedure = procedure
    if exemption_reason is not None:
        report.exemption_reason = exemption_reason
    missing_or_invalid = {}
    submitted = {}
    for name in required_forms(settings):
        data = report.forms.get(name)
        if not data:
            missing_or_invalid[name] = [
                ErrorDetail(_("请填写“%(form)s”。") % {"form": FORM_LABELS[name]}, code="form_required")
            ]
            continue
        try:
            submitted[name] = form_validate(name, data, partial=False)
        except ValidationError as exc:
            missing_or_invalid[name] = exc.detail["forms"][name]
    if missing_or_invalid:
        raise ValidationError({"forms": missing_or_invalid})
    for name, data in report.forms.items():  # optional forms filled in go along
        submitted.setdefault(name, data)
    _check_procedure(enrolment, settings, report.procedure, report.exemption_reason)
    if report.procedure != Procedure.EXEMPT:
        report.exemption_reason = ""
    report.submitted_forms = copy.deepcopy(submitted)
    report.save()
    enrolment.procedure = report.procedure
    enrolment.submitted_at = timezone.now()
    entry = transition(
        enrolment, "submit", actor_user=user, comment=comment, update_fields=["procedure", "submitted_at"]
    )
    _audit(
        action="assessment.self_report.submitted",
        user=user,
        request=request,
        enrolment=enrolment,
        data={"procedure": enrolment.procedure, "from": entry.from_state},
    )
    return enrolment


# --- attachments --------------------------------------------------------------------------------------


@transaction.atomic
def attachment_upload(*, user, enrolment_id, upload, purpose: str, request=None) -> EnrolmentAttachment:
    """Store an attachment (pdf, jpg, png; at most 20 MB; the bytes must match the type) on object storage
    while the report is editable and the self-report phase open."""
    enrolment, _settings = _editable(user, enrolment_id)
    if purpose not in PHYSICIAN_PURPOSES:
        raise ApplicationError(_("附件用途不正确。"), code="invalid_purpose", attr="purpose")
    if enrolment.attachments.count() >= ATTACHMENTS_PER_ENROLMENT:
        raise ApplicationError(
            _("每人最多上传 %(n)d 个附件。") % {"n": ATTACHMENTS_PER_ENROLMENT}, code="too_many_attachments"
        )
    stored = storage.store_document(upload, prefix=f"assessment/enrolments/{enrolment.id}/attachments")
    attachment = EnrolmentAttachment.objects.create(
        enrolment=enrolment, purpose=purpose, uploaded_by=user, **stored.__dict__
    )
    _audit(
        action="assessment.self_report.attachment_uploaded",
        user=user,
        request=request,
        enrolment=enrolment,
        data={"attachment": str(attachment.id), "file": attachment.file_name, "purpose": purpose},
    )
    return attachment


@transaction.atomic
def attachment_delete(*, user, enrolment_id, attachment_id, request=None) -> None:
    """Remove an attachment the physician uploaded while the report is editable; the object goes after
    the commit."""
    enrolment, _settings = _editable(user, enrolment_id)
    attachment = selectors.attachment_get(enrolment=enrolment, attachment_id=attachment_id)
    if attachment.purpose not in PHYSICIAN_PURPOSES:
        raise Conflict(_("该附件不能由医师删除。"), code="attachment_locked")
    key = attachment.object_key
    attachment.delete()
    _audit(
        action="assessment.self_report.attachment_deleted",
        user=user,
        request=request,
        enrolment=enrolment,
        data={"attachment": str(attachment_id), "file": attachment.file_name},
    )
    transaction.on_commit(lambda: storage.client().delete_object(Bucket=storage.bucket(), Key=key))


def attachment_download_url(*, user, enrolment: Enrolment, attachment: EnrolmentAttachment, request=None):
    """A short-lived GET link to an attachment the caller may see (checked by the caller); audited."""
    with transaction.atomic():
        _audit(
            action="assessment.enrolment.attachment_downloaded",
            user=user,
            request=request,
            enrolment=enrolment,
            data={"attachment": str(attachment.id), "file": attachment.file_name},
        )
    return {
        "url": storage.presigned_get(key=attachment.object_key, filename=attachment.file_name),
        "file_name": attachment.file_name,
    }

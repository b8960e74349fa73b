"""The technology catalogue: hospital items, department catalogues (requested, approved by medical affairs
through the approvals engine), the title rules per surgical grade, exam requirements."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.errors import ApplicationError, Conflict, NotFound
from credentialing.models import (
    AnaesthesiaMode,
    CatalogueItem,
    Category,
    CredentialingSettings,
    DepartmentItem,
    DepartmentItemStatus,
    ExamRequirement,
    TitleRule,
)
from credentialing.services.common import audit, current_hospital

# Title ranks (职称) and the default lowest rank per surgical grade (《医疗机构手术分级管理办法》 practice: grade 1
# 住院医师, grade 2 主治医师, grade 3 副主任医师, grade 4 主任医师). A hospital overrides it with TitleRule rows.
TITLE_RANKS = {
    "医师": 1,
    "住院医师": 1,
    "主治医师": 2,
    "副主任医师": 3,
    "主任医师": 4,
}
RANK_NAMES = {1: "住院医师", 2: "主治医师", 3: "副主任医师", 4: "主任医师"}
DEFAULT_TITLE_RULES = {1: 1, 2: 2, 3: 3, 4: 4}
GRADES = (1, 2, 3, 4)
CODE_MAX = 32


def title_rank(title: str) -> int:
    return TITLE_RANKS.get((title or "").strip(), 0)


def title_rules() -> dict[int, int]:
    rules = dict(DEFAULT_TITLE_RULES)
    rules.update(dict(TitleRule.objects.values_list("grade", "min_rank")))
    return rules


@transaction.atomic
def title_rules_set(*, user, rules: dict[int, int], request=None) -> dict[int, int]:
    for grade, rank in rules.items():
        if grade not in GRADES or rank not in RANK_NAMES:
            raise ApplicationError(
                _("手术级别须为 1-4，职称等级须为 1-4。"), code="invalid_title_rule", attr="rules"
            )
    for grade, rank in rules.items():
        TitleRule.objects.update_or_create(grade=grade, defaults={"min_rank": rank})
    audit(
        "credentialing.title_rules.set",
        user=user,
        request=request,
        data={str(k): v for k, v in rules.items()},
    )
    return title_rules()


def _validate_item(data: dict, *, attr_prefix: str = "") -> dict:
    category = data.get("category")
    if category not in Category.values:
        raise ApplicationError(_("技术类别无效。"), code="invalid_category", attr=f"{attr_prefix}category")
    for field in ("grade", "national_grade", "provincial_grade"):
        value = data.get(field)
        if value is not None and value not in GRADES:
            raise ApplicationError(
                _("手术级别须为 1-4。"), code="invalid_grade", attr=f"{attr_prefix}{field}"
            )
    if category == Category.SURGERY and data.get("grade") is None:
        raise ApplicationError(
            _("手术类项目须填写手术级别。"), code="grade_required", attr=f"{attr_prefix}grade"
        )
    return data


@transaction.atomic
def item_create(*, user, request=None, **data) -> CatalogueItem:
    _validate_item(data)
    if CatalogueItem.objects.filter(code=data["code"]).exists():
        raise Conflict(_("该编码已在院级目录中。"), code="item_code_taken", attr="code")
    item = CatalogueItem.objects.create(**data)
    audit("credentialing.item.created", user=user, request=request, target=item, data={"code": item.code})
    return item


@transaction.atomic
def item_update(*, user, item_id, request=None, **data) -> CatalogueItem:
    item = CatalogueItem.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise NotFound()
    merged = {f: getattr(item, f) for f in ("category", "grade", "national_grade", "provincial_grade")}
    merged.update(data)
    _validate_item(merged)
    if "code" in data and CatalogueItem.objects.filter(code=data["code"]).exclude(pk=item.pk).exists():
        raise Conflict(_("该编码已在院级目录中。"), code="item_code_taken", attr="code")
    for field, value in data.items():
        setattr(item, field, value)
    item.save()
    audit(
        "credentialing.item.updated", user=user, request=request, target=item, data={"fields": sorted(data)}
    )
    return item


def items_import_rows(rows: list[tuple[int, dict]]) -> tuple[list[dict], list[dict]]:
    """Validate spreadsheet rows of the catalogue import; returns (clean rows, row errors). Nothing written."""
    labels = {str(label): value for value, label in Category.choices}
    errors, clean, seen = [], [], set()

    def grade(number, record, field):
        text = record.get(field, "")
        if text == "":
            return None
        if text not in {"1", "2", "3", "4"}:
            errors.append(
                {"row": number, "attr": field, "code": "invalid_grade", "detail": _("手术级别须为 1-4。")}
            )
        return int(text) if text in {"1", "2", "3", "4"} else None

    for number, record in rows:
        code = record.get("code", "")
        if not code or len(code) > CODE_MAX:
            errors.append(
                {"row": number, "attr": "code", "code": "invalid_code", "detail": _("编码不能为空。")}
            )
            continue
        if code in seen:
            errors.append(
                {"row": number, "attr": "code", "code": "duplicate_code", "detail": _("文件中编码重复。")}
            )
            continue
        seen.add(code)
        category = labels.get(record.get("category", ""), record.get("category", ""))
        if category not in Category.values:
            errors.append(
                {"row": number, "attr": "category", "code": "invalid_category", "detail": _("技术类别无效。")}
            )
        if not record.get("name"):
            errors.append({"row": number, "attr": "name", "code": "required", "detail": _("名称不能为空。")})
        values = {
            "code": code,
            "name": record.get("name", "")[:128],
            "category": category,
            "grade": grade(number, record, "grade"),
            "national_code": record.get("national_code", "")[:32],
            "national_grade": grade(number, record, "national_grade"),
            "provincial_code": record.get("provincial_code", "")[:32],
            "provincial_grade": grade(number, record, "provincial_grade"),
        }
        if category == Category.SURGERY and values["grade"] is None and record.get("grade", "") == "":
            errors.append(
                {
                    "row": number,
                    "attr": "grade",
                    "code": "grade_required",
                    "detail": _("手术类项目须填写手术级别。"),
                }
            )
        clean.append(values)
    return clean, errors


@transaction.atomic
def items_upsert(rows: list[dict]) -> dict:
    """Write validated catalogue rows: new codes created, known codes updated. One transaction."""
    existing = {
        i.code: i
        for i in CatalogueItem.objects.select_for_update().filter(code__in=[r["code"] for r in rows])
    }
    created = updated = 0
    for row in rows:
        item = existing.get(row["code"])
        if item is None:
            CatalogueItem.objects.create(**row)
            created += 1
        else:
            for field, value in row.items():
                setattr(item, field, value)
            item.save()
            updated += 1
    return {"created": created, "updated": updated}


@transaction.atomic
def exam_requirement_set(*, user, key: str, exam_blueprint_id, request=None) -> ExamRequirement | None:
    if exam_blueprint_id is None:
        ExamRequirement.objects.filter(key=key).delete()
        audit("credentialing.exam_requirement.cleared", user=user, request=request, data={"key": key})
        return None
    requirement, _created = ExamRequirement.objects.update_or_create(
        key=key, defaults={"exam_blueprint_id": exam_blueprint_id}
    )
    audit(
        "credentialing.exam_requirement.set",
        user=user,
        request=request,
        data={"key": key, "exam_blueprint_id": str(exam_blueprint_id)},
    )
    return requirement


# --- department catalogues ---------------------------------------------------------------------------------


@transaction.atomic
def department_item_request(
    *, actor, user, department_id, item_id, reason: str = "", request=None
) -> DepartmentItem:
    """A department asks for an item of the hospital catalogue; medical affairs approves (approvals engine).
    A department head asks for their own department only; medical affairs for any department of the hospital."""
    from accounts.permissions import Perm
    from credentialing.services import approvals_glue
    from organizations.selectors import department_belongs_to

    hospital = current_hospital()
    if not department_belongs_to(department_id=department_id, organization_id=hospital.organization_id):
        raise NotFound()
    if not actor.has(Perm.CREDENTIALING_MANAGE) and str(actor.department_id) != str(department_id):
        raise NotFound()
    item = CatalogueItem.objects.filter(pk=item_id, active=True).first()
    if item is None:
        raise ApplicationError(_("该项目不在院级技术目录中。"), code="item_not_in_catalogue", attr="item_id")
    if DepartmentItem.objects.filter(
        department_id=department_id, item=item, status__in=["pending", "approved"]
    ).exists():
        raise Conflict(_("该项目已在科室目录中或正在审批。"), code="department_item_exists", attr="item_id")
    try:
        with transaction.atomic():
            line = DepartmentItem.objects.create(
                department_id=department_id, item=item, reason=reason, requested_by_id=user.pk
            )
    except IntegrityError as exc:
        raise Conflict(
            _("该项目已在科室目录中或正在审批。"), code="department_item_exists", attr="item_id"
        ) from exc
    audit(
        "credentialing.department_item.requested",
        user=user,
        request=request,
        target=line,
        data={"code": item.code},
    )
    approvals_glue.submit(
        user=user,
        type_code=approvals_glue.DEPARTMENT_ITEM_TYPE,
        subject_id=line.pk,
        department_id=department_id,
        title=_("科室技术目录申请：%(name)s") % {"name": item.name},
        facts={"surgical_grade": item.grade},
    )
    return line


@transaction.atomic
def department_item_remove(*, actor, user, line_id, request=None) -> DepartmentItem:
    line = DepartmentItem.objects.select_for_update().filter(pk=line_id).first()
    if line is None:
        raise NotFound()
    if line.status != DepartmentItemStatus.APPROVED:
        raise Conflict(_("只能移除已批准的科室目录项目。"), code="department_item_not_approved")
    line.status = DepartmentItemStatus.REMOVED
    line.save(update_fields=["status", "updated_at"])
    audit("credentialing.department_item.removed", user=user, request=request, target=line)
    return line


def department_item_decided(line_id, status: str) -> None:
    """Approvals callback: the department catalogue line is approved, rejected or withdrawn."""
    line = DepartmentItem.objects.select_for_update().filter(pk=line_id).first()
    if line is None or line.status != DepartmentItemStatus.PENDING:
        return
    line.status = status
    line.save(update_fields=["status", "updated_at"])
    audit(f"credentialing.department_item.{status}", target=line)


def settings_get() -> CredentialingSettings:
    return CredentialingSettings.objects.order_by("created_at").first() or CredentialingSettings()


@transaction.atomic
def settings_set(*, user, anaesthesia_mode: str, request=None) -> CredentialingSettings:
    if anaesthesia_mode not in AnaesthesiaMode.values:
        raise ApplicationError(_("麻醉授权方式无效。"), code="invalid_choice", attr="anaesthesia_mode")
    current = CredentialingSettings.objects.select_for_update().order_by("created_at").first()
    if current is None:
        current = CredentialingSettings()
    previous = current.anaesthesia_mode if current.pk else ""
    current.anaesthesia_mode = anaesthesia_mode
    current.save()
    audit(
        "credentialing.settings.updated",
        user=user,
        request=request,
        target=current,
        data={"anaesthesia_mode": [previous, anaesthesia_mode]},
    )
    return current

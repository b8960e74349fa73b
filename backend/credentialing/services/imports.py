"""Bulk CSV imports of performed operations and prescriptions (from the HIS / anaesthesia system): each row is
checked against the grants in force on its date; out-of-privilege, over-grade (手术越级) and mismatched lead
surgeon (手术登记与病案首页主刀不一致) cases are flagged, with statistics by department. Every row is validated
first; one broken row fails the whole file with a row report and nothing is stored."""

import csv
import io
from collections import defaultdict
from datetime import date

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from credentialing.models import (
    CatalogueItem,
    DrugClass,
    Grant,
    ImportBatch,
    PrescriptionRecord,
    SurgeryRecord,
)
from credentialing.services.catalogue import title_rank, title_rules
from credentialing.services.common import current_hospital

MAX_ROWS = 50_000
MAX_BYTES = 20 * 1024 * 1024

OPERATION_COLUMNS = {
    "record_no": "病案号",
    "performed_on": "手术日期",
    "department": "科室",
    "procedure_code": "手术编码",
    "lead_licence": "主刀医师执业证号",
    "front_page_lead_licence": "病案首页主刀执业证号",
    "first_assistant_licence": "一助执业证号",
    "second_assistant_licence": "二助执业证号",
    "complication": "并发症",
    "death": "死亡",
    "unplanned_reoperation": "非计划再次手术",
    "preop_discussion_on": "术前讨论日期",
    "death_discussion_on": "死亡病例讨论日期",
    "major_reported": "重大手术报备",
}
DEATH_DISCUSSION_DAYS = 7  # 死亡病例讨论: within a week (医疗质量安全核心制度)
PREOP_DISCUSSION_MIN_GRADE = 3  # 术前讨论 is checked for grade 3-4 and restricted technologies
OPERATION_REQUIRED = ("record_no", "performed_on", "department", "procedure_code", "lead_licence")
PRESCRIPTION_COLUMNS = {
    "record_no": "处方号",
    "prescribed_on": "开具日期",
    "department": "科室",
    "physician_licence": "医师执业证号",
    "drug_class": "药品类别",
    "level": "级别",
    "drug_name": "药品名称",
}
PRESCRIPTION_REQUIRED = ("record_no", "prescribed_on", "department", "physician_licence", "drug_class")
TRUE = {"1", "是", "true", "yes", "y"}
FALSE = {"", "0", "否", "false", "no", "n"}


def _row_error(errors, row, attr, code, detail):
    errors.append({"row": row, "attr": attr, "code": code, "detail": str(detail)})


def read_csv(data: bytes, columns: dict[str, str], required) -> list[tuple[int, dict]]:
    """Rows as (line number, {field: text}); headers may be the Chinese or the English names."""
    if len(data) > MAX_BYTES:
        raise ApplicationError(_("文件过大。"), code="file_too_large", attr="file")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ApplicationError(_("无法识别文件编码，请使用 UTF-8 的 CSV。"), code="not_csv", attr="file")
    if "\x00" in text:
        raise ApplicationError(_("文件不是 CSV 格式。"), code="not_csv", attr="file")
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])]
    alias = {label: field for field, label in columns.items()} | {field: field for field in columns}
    index = {alias[h]: i for i, h in enumerate(header) if h in alias}
    for field in required:
        if field not in index:
            raise ApplicationError(
                _("缺少表头“%(header)s”。") % {"header": columns[field]}, code="missing_header", attr="file"
            )
    rows = []
    for number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(rows) >= MAX_ROWS:
            raise ApplicationError(
                _("一次最多导入 %(n)d 行。") % {"n": MAX_ROWS}, code="too_many_rows", attr="file"
            )
        rows.append((number, {f: (values[i].strip() if i < len(values) else "") for f, i in index.items()}))
    return rows


def _date(errors, number, record, field):
    text = record.get(field, "").replace("/", "-")
    try:
        return date.fromisoformat(text)
    except ValueError:
        _row_error(errors, number, field, "invalid_date", _("日期格式应为 YYYY-MM-DD。"))
        return None


def _bool(errors, number, record, field):
    text = record.get(field, "").lower()
    if text in TRUE:
        return True
    if text not in FALSE:
        _row_error(errors, number, field, "invalid_flag", _("应填 是/否 或 1/0。"))
    return False


def _lookups(hospital, licences, departments):
    from organizations.models import Department
    from physicians.models import Physician

    physicians = {
        p.licence_number: p
        for p in Physician.objects.filter(
            organization_id=hospital.organization_id, licence_number__in=licences
        ).only("id", "licence_number", "title", "department_id")
    }
    depts = dict(
        Department.objects.filter(organization_id=hospital.organization_id, name__in=departments).values_list(
            "name", "id"
        )
    )
    return physicians, depts


def _covering(grants, day) -> list:
    """Grants in force on `day`: inside validity and not suspended or revoked by then (a grant suspended or
    revoked later still covered earlier days)."""
    out = []
    for g in grants:
        if not (g.valid_from <= day <= g.valid_until):
            continue
        if g.status in ("active", "expired") or g.updated_at.date() > day:
            out.append(g)
    return out


def operations_import(*, data: bytes, file_name: str, user_id) -> dict:
    hospital = current_hospital()
    rows = read_csv(data, OPERATION_COLUMNS, OPERATION_REQUIRED)
    errors: list[dict] = []
    licences = set()
    for _n, r in rows:
        licences.update(
            r.get(f, "")
            for f in (
                "lead_licence",
                "front_page_lead_licence",
                "first_assistant_licence",
                "second_assistant_licence",
            )
        )
    physicians, depts = _lookups(hospital, licences - {""}, {r.get("department", "") for _n, r in rows})
    codes = {r.get("procedure_code", "") for _n, r in rows}
    items = {i.code: i for i in CatalogueItem.objects.filter(code__in=codes)}
    for i in CatalogueItem.objects.filter(national_code__in=codes).exclude(code__in=items):
        items.setdefault(i.national_code, i)
    seen = set()
    parsed = []
    for number, r in rows:
        before = len(errors)
        for field in OPERATION_REQUIRED:
            if not r.get(field):
                _row_error(errors, number, field, "required", _("必填项不能为空。"))
        day = _date(errors, number, r, "performed_on") if r.get("performed_on") else None
        people = {}
        for field in (
            "lead_licence",
            "front_page_lead_licence",
            "first_assistant_licence",
            "second_assistant_licence",
        ):
            value = r.get(field, "")
            if value and value not in physicians:
                _row_error(errors, number, field, "unknown_physician", _("执业证号不属于本院医师。"))
            people[field] = physicians.get(value)
        department_id = depts.get(r.get("department", ""))
        if r.get("department") and department_id is None:
            _row_error(errors, number, "department", "unknown_department", _("本院没有该科室。"))
        flags = {f: _bool(errors, number, r, f) for f in ("complication", "death", "unplanned_reoperation")}
        for field in ("preop_discussion_on", "death_discussion_on"):
            if field in r:
                flags[field] = _date(errors, number, r, field) if r[field] else None
        if "major_reported" in r:
            flags["major_reported"] = (
                _bool(errors, number, r, "major_reported") if r["major_reported"] else None
            )
        key = (r.get("record_no"), r.get("procedure_code"))
        if key in seen:
            _row_error(errors, number, "record_no", "duplicate", _("文件中该病案号与手术编码重复。"))
        seen.add(key)
        if len(errors) == before:
            parsed.append((r, day, people, department_id, flags))
    existing = set(
        SurgeryRecord.objects.filter(record_no__in={r["record_no"] for r, *_ in parsed}).values_list(
            "record_no", "procedure_code"
        )
    )
    for number, r in rows:
        if (r.get("record_no"), r.get("procedure_code")) in existing:
            _row_error(errors, number, "record_no", "already_imported", _("该手术记录已导入过。"))
    if errors:
        return {"errors": errors}
    lead_ids = {p["lead_licence"].pk for _r, _d, p, _dept, _f in parsed}
    grants = defaultdict(list)
    for g in Grant.objects.filter(physician_id__in=lead_ids, item__isnull=False).only(
        "physician_id", "item_id", "status", "valid_from", "valid_until", "updated_at"
    ):
        grants[(g.physician_id, g.item_id)].append(g)
    rules = title_rules()
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            kind="operations", file_name=file_name[:255], rows=len(parsed), created_by_id=user_id
        )
        records = []
        for r, day, people, department_id, flags in parsed:
            item = items.get(r["procedure_code"])
            lead = people["lead_licence"]
            front = people["front_page_lead_licence"]
            covered = bool(item and _covering(grants[(lead.pk, item.pk)], day))
            records.append(
                SurgeryRecord(
                    batch=batch,
                    record_no=r["record_no"][:64],
                    performed_on=day,
                    department_id=department_id,
                    procedure_code=r["procedure_code"][:32],
                    item=item,
                    grade=item.grade if item else None,
                    lead_id=lead.pk,
                    front_page_lead_id=front.pk if front else None,
                    first_assistant_id=people["first_assistant_licence"].pk
                    if people["first_assistant_licence"]
                    else None,
                    second_assistant_id=people["second_assistant_licence"].pk
                    if people["second_assistant_licence"]
                    else None,
                    out_of_privilege=not covered,
                    over_grade=bool(
                        item and item.grade and title_rank(lead.title) < rules.get(item.grade, item.grade)
                    ),
                    lead_mismatch=bool(front and front.pk != lead.pk),
                    **_risk_flags(r, item, day, flags),
                    **flags,
                )
            )
        SurgeryRecord.objects.bulk_create(records, batch_size=1000)
        batch.summary = {"by_department": operation_stats(batch_id=batch.pk), **_totals(records)}
        batch.save(update_fields=["summary"])
    return {"batch_id": str(batch.pk), "rows": len(records), **batch.summary}


def _risk_flags(r, item, day, flags) -> dict:
    """术前讨论 missing or late (grade 3-4 and restricted technologies), 死亡病例讨论 missing or later than a
    week after a death, grade-4 operation not reported; each only when the file carries the column."""
    out = {}
    needs_preop = bool(
        item and ((item.grade or 0) >= PREOP_DISCUSSION_MIN_GRADE or item.category == "restricted")
    )
    if "preop_discussion_on" in r and needs_preop:
        held = flags.get("preop_discussion_on")
        out["preop_discussion_issue"] = held is None or held > day
    if "death_discussion_on" in r and flags.get("death"):
        held = flags.get("death_discussion_on")
        out["death_discussion_issue"] = held is None or (held - day).days > DEATH_DISCUSSION_DAYS
    if "major_reported" in r and item and item.grade == 4:
        out["unreported_major"] = not flags.get("major_reported")
    return out


RISK_FLAGS = (
    "out_of_privilege",
    "over_grade",
    "lead_mismatch",
    "preop_discussion_issue",
    "death_discussion_issue",
    "unreported_major",
)


def _totals(records) -> dict:
    return {flag: sum(getattr(r, flag, False) for r in records) for flag in RISK_FLAGS}


def operation_stats(*, batch_id=None, date_from=None, date_to=None, department_id=None) -> list[dict]:
    """Counts by department: operations, out-of-privilege, over-grade, mismatched lead surgeon."""
    qs = SurgeryRecord.objects.all()
    if batch_id:
        qs = qs.filter(batch_id=batch_id)
    if date_from:
        qs = qs.filter(performed_on__gte=date_from)
    if date_to:
        qs = qs.filter(performed_on__lte=date_to)
    if department_id:
        qs = qs.filter(department_id=department_id)
    rows = (
        qs.values("department_id")
        .annotate(
            total=Count("id"),
            **{flag: Count("id", filter=Q(**{flag: True})) for flag in RISK_FLAGS},
        )
        .order_by("department_id")
    )
    return [{**r, "department_id": str(r["department_id"]) if r["department_id"] else None} for r in rows]


def prescription_stats(*, batch_id=None, date_from=None, date_to=None, department_id=None) -> list[dict]:
    qs = PrescriptionRecord.objects.all()
    if batch_id:
        qs = qs.filter(batch_id=batch_id)
    if date_from:
        qs = qs.filter(prescribed_on__gte=date_from)
    if date_to:
        qs = qs.filter(prescribed_on__lte=date_to)
    if department_id:
        qs = qs.filter(department_id=department_id)
    rows = (
        qs.values("department_id", "drug_class")
        .annotate(total=Count("id"), out_of_privilege=Count("id", filter=Q(out_of_privilege=True)))
        .order_by("department_id", "drug_class")
    )
    return [{**r, "department_id": str(r["department_id"]) if r["department_id"] else None} for r in rows]


def prescriptions_import(*, data: bytes, file_name: str, user_id) -> dict:
    from credentialing.services.check import _level_covers
    from credentialing.services.privileges import LEVELS

    hospital = current_hospital()
    rows = read_csv(data, PRESCRIPTION_COLUMNS, PRESCRIPTION_REQUIRED)
    physicians, depts = _lookups(
        hospital,
        {r.get("physician_licence", "") for _n, r in rows},
        {r.get("department", "") for _n, r in rows},
    )
    labels = {str(label): value for value, label in DrugClass.choices}
    errors, parsed, seen = [], [], set()
    for number, r in rows:
        before = len(errors)
        for field in PRESCRIPTION_REQUIRED:
            if not r.get(field):
                _row_error(errors, number, field, "required", _("必填项不能为空。"))
        day = _date(errors, number, r, "prescribed_on") if r.get("prescribed_on") else None
        physician = physicians.get(r.get("physician_licence", ""))
        if r.get("physician_licence") and physician is None:
            _row_error(
                errors, number, "physician_licence", "unknown_physician", _("执业证号不属于本院医师。")
            )
        department_id = depts.get(r.get("department", ""))
        if r.get("department") and department_id is None:
            _row_error(errors, number, "department", "unknown_department", _("本院没有该科室。"))
        drug_class = labels.get(r.get("drug_class", ""), r.get("drug_class", ""))
        if r.get("drug_class") and drug_class not in DrugClass.values:
            _row_error(errors, number, "drug_class", "invalid_drug_class", _("药品类别无效。"))
        level = r.get("level", "")
        if level and level not in LEVELS.get(drug_class, []):
            _row_error(errors, number, "level", "invalid_level", _("该类药品没有此级别。"))
        if r.get("record_no") in seen:
            _row_error(errors, number, "record_no", "duplicate", _("文件中处方号重复。"))
        seen.add(r.get("record_no"))
        if len(errors) == before:
            parsed.append((r, day, physician, department_id, drug_class, level))
    taken = set(
        PrescriptionRecord.objects.filter(record_no__in=[p[0]["record_no"] for p in parsed]).values_list(
            "record_no", flat=True
        )
    )
    for number, r in rows:
        if r.get("record_no") in taken:
            _row_error(errors, number, "record_no", "already_imported", _("该处方已导入过。"))
    if errors:
        return {"errors": errors}
    grants = defaultdict(list)
    for g in Grant.objects.filter(physician_id__in={p[2].pk for p in parsed}, kind="prescribing").only(
        "physician_id", "drug_class", "level", "status", "valid_from", "valid_until", "updated_at"
    ):
        grants[(g.physician_id, g.drug_class)].append(g)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            kind="prescriptions", file_name=file_name[:255], rows=len(parsed), created_by_id=user_id
        )
        records = []
        for r, day, physician, department_id, drug_class, level in parsed:
            covering = [
                g
                for g in _covering(grants[(physician.pk, drug_class)], day)
                if _level_covers(drug_class, g.level, level)
            ]
            records.append(
                PrescriptionRecord(
                    batch=batch,
                    record_no=r["record_no"][:64],
                    prescribed_on=day,
                    department_id=department_id,
                    physician_id=physician.pk,
                    drug_class=drug_class,
                    level=level,
                    drug_name=r.get("drug_name", "")[:128],
                    out_of_privilege=not covering,
                )
            )
        PrescriptionRecord.objects.bulk_create(records, batch_size=1000)
        batch.summary = {
            "by_department": prescription_stats(batch_id=batch.pk),
            "out_of_privilege": sum(r.out_of_privilege for r in records),
        }
        batch.save(update_fields=["summary"])
    return {"batch_id": str(batch.pk), "rows": len(records), **batch.summary}

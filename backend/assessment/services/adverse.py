"""The province's import of adverse records (不良记录) from .xlsx, all or nothing with a row report.

Each row: name, ID-card number (GB 11643, check digit included), licence number (optional), kind, date,
description and source (optional). A row is matched to the registry by the ID card's keyed hash: a match
takes the physician's institution and region path (and the name must be the registry's); no match keeps the
record under the importing province's region, to be found by the hash once the registry holds the
physician. Rows equal to a stored record (same ID card, kind, date and source) or to an earlier row are
refused, so importing a file twice never counts a record twice.
"""

import datetime
import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Perm
from assessment.models import AdverseRecord
from assessment.selectors import adverse as selectors
from audit.services import audit_record
from core.actor import Actor
from core.crypto import keyed_hash
from core.errors import PermissionDenied
from organizations.enums import OrganizationKind
from physicians.validators import id_card_parse, licence_problem, normalise_licence

_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")


def require_importer(actor: Actor | None) -> None:
    if (
        actor is None
        or not actor.has(Perm.ADVERSE_IMPORT)
        or actor.organization_kind != OrganizationKind.COMMISSION
    ):
        raise PermissionDenied()


def parse_date(value: str) -> datetime.date | None:
    """2025-03-01, 2025/3/1, 2025.03.01, 2025年3月1日, or a spreadsheet date cell ("2025-03-01 00:00:00")."""
    match = _DATE.match(str(value or "").strip())
    if not match:
        return None
    try:
        return datetime.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


@dataclass
class AdverseImportPlan:
    records: list  # unsaved AdverseRecord rows
    matched: int


def adverse_import_validate(*, actor: Actor, user, rows: list[tuple[int, dict]]):
    """Check every row; returns (plan, row errors). Nothing is written."""
    errors: list[dict] = []
    today = timezone.localdate()

    def bad(number, attr, code, detail):
        errors.append({"row": number, "attr": attr, "code": code, "detail": detail})

    checked = []
    for number, row in rows:
        before = len(errors)
        name = row.get("name", "").strip()
        if not name:
            bad(number, "name", "required", _("请填写姓名。"))
        elif len(name) > 64:
            bad(number, "name", "too_long", _("姓名不能超过 64 个字。"))
        parsed, problem = id_card_parse(row.get("id_card_number"))
        if problem:
            bad(number, "id_card_number", problem[0], problem[1])
        licence = normalise_licence(row.get("licence_number"))
        if licence and (lp := licence_problem(licence)):
            bad(number, "licence_number", lp[0], lp[1])
        kind = row.get("kind", "").strip()
        if not kind:
            bad(number, "kind", "required", _("请填写不良记录类型。"))
        elif len(kind) > 64:
            bad(number, "kind", "too_long", _("不良记录类型不能超过 64 个字。"))
        occurred_on = parse_date(row.get("occurred_on", ""))
        if occurred_on is None:
            bad(number, "occurred_on", "invalid_date", _("日期格式须为 YYYY-MM-DD。"))
        elif occurred_on > today:
            bad(number, "occurred_on", "date_in_future", _("发生日期不能晚于今天。"))
        source = row.get("source", "").strip()
        if len(source) > 128:
            bad(number, "source", "too_long", _("来源不能超过 128 个字。"))
        description = row.get("description", "").strip()
        if len(description) > 2000:
            bad(number, "description", "too_long", _("情况说明不能超过 2000 个字。"))
        if len(errors) == before:
            checked.append((number, name, parsed, licence, kind, occurred_on, source, description))

    hashes = {keyed_hash(c[2].number) for c in checked}
    physicians = selectors.physicians_by_id_card_hashes(hashes)
    stored = selectors.existing_record_keys(hashes)
    seen: dict[tuple, int] = {}
    records = []
    matched = 0
    for number, name, parsed, licence, kind, occurred_on, source, description in checked:
        id_hash = keyed_hash(parsed.number)
        key = (id_hash, kind, occurred_on, source)
        if key in seen:
            bad(number, "id_card_number", "duplicate_row", _("与第 %(row)d 行重复。") % {"row": seen[key]})
            continue
        seen[key] = number
        if key in stored:
            bad(number, "id_card_number", "already_imported", _("该不良记录已导入过。"))
            continue
        physician = physicians.get(id_hash)
        if physician is not None and physician.name != name:
            bad(
                number,
                "name",
                "name_mismatch",
                _("姓名与医师库中该身份证号的姓名（%(name)s）不一致。") % {"name": physician.name},
            )
            continue
        matched += physician is not None
        records.append(
            AdverseRecord(
                physician=physician,
                id_card_hash=id_hash,
                id_card_last4=parsed.number[-4:],
                name=name,
                licence_number=licence or (physician.licence_number if physician else ""),
                organization_id=physician.organization_id if physician else None,
                region_path=physician.region_path if physician else (actor.region_path or ""),
                kind=kind,
                occurred_on=occurred_on,
                description=description,
                source=source,
                imported_by=user,
            )
        )
    errors.sort(key=lambda e: e["row"])
    return AdverseImportPlan(records=records, matched=matched), errors


@transaction.atomic
def adverse_import_store(*, actor: Actor, user, plan: AdverseImportPlan, job=None) -> int:
    """Store a checked import in one transaction. Audited: `assessment.adverse_records_imported`."""
    require_importer(actor)
    AdverseRecord.objects.bulk_create(plan.records, batch_size=2000)
    audit_record(
        action="assessment.adverse_records_imported",
        actor=user,
        organization_id=actor.organization_id,
        region_path=actor.region_path or "",
        target=job,
        data={"count": len(plan.records), "matched": plan.matched},
    )
    return len(plan.records)


def adverse_records_read_record(*, actor: Actor, user, request, rows: int, target=None) -> None:
    """A commission's read of adverse records (personal data) is audited: `assessment.adverse_records.read`."""
    audit_record(
        action="assessment.adverse_records.read",
        actor=user,
        request=request,
        organization_id=actor.organization_id,
        region_path=actor.region_path or "",
        target=target,
        data={"rows": rows},
    )

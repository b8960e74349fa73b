"""Writes to the physician registry: create, edit, the nested records, change of institution, self-service,
the .xlsx import, and the audit of commissions' reads.

Decisions (see also docs/decisions/physician-registry.md):
- Only the physician's own institution writes its record (hospital administrator or medical affairs office,
  `Perm.PHYSICIAN_MANAGE`); commissions and assessment bodies read. A physician of another institution is a
  404 for writes, whatever the caller may read.
- Creating a physician also creates their login account: username = licence number, inactive, without a
  usable password (nothing is hashed, not even once per import) and `must_change_password`, with a `doctor`
  membership in the institution. The institution activates it later through account management (one initial
  password, changed at first login) or the physician binds WeChat with a one-time code after activation.
- ID-card numbers are stored encrypted with a keyed hash for exact search and the last four characters for the
  masked display; gender and birth date are derived from the number, never typed in.
"""

import datetime
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import Membership, User
from accounts.roles import Role
from audit.services import audit_record
from core.actor import Actor
from core.crypto import encrypt, keyed_hash
from core.errors import ApplicationError, Conflict, PermissionDenied
from organizations.enums import OrganizationKind, OrganizationStatus
from organizations.models import Department, Organization
from physicians import selectors
from physicians.enums import PhysicianStatus, PostType, PracticeCategory
from physicians.models import EducationRecord, Physician, PhysicianTransfer, PracticeRecord, PracticeSite
from physicians.validators import (
    check_id_card,
    check_licence,
    check_phone,
    id_card_parse,
    licence_problem,
    normalise_licence,
    phone_problem,
)

# Fields an institution edits directly (the ID card, licence and department have rules of their own).
PLAIN_FIELDS = (
    "name",
    "practice_category",
    "practice_scope",
    "title",
    "qualification_number",
    "licence_valid_until",
    "education",
    "specialty",
    "post_type",
    "special_roles",
    "hired_on",
    "status",
)
# What physicians fill in themselves (填报信息: basic information).
SELF_FIELDS = ("phone", "education", "specialty")


def require_institution(actor: Actor) -> None:
    if actor is None or actor.organization_kind != OrganizationKind.INSTITUTION:
        raise PermissionDenied(_("只有医疗卫生机构可以维护医师信息。"), code="institution_only")


def _department(organization_id, department_id, *, attr: str) -> Department | None:
    if not department_id:
        return None
    department = Department.objects.filter(
        pk=department_id, organization_id=organization_id, is_active=True
    ).first()
    if department is None:
        raise ApplicationError(_("科室不存在或不属于该机构。"), code="unknown_department", attr=attr)
    return department


def _check_unique(*, id_card_hash: str | None = None, licence_number: str | None = None, exclude_pk=None):
    if id_card_hash and selectors.id_card_hashes_taken([id_card_hash], exclude_pk=exclude_pk):
        raise Conflict(_("该身份证号已登记。"), code="id_card_taken", attr="id_card_number")
    if licence_number and selectors.licence_numbers_taken([licence_number], exclude_pk=exclude_pk):
        raise Conflict(_("该执业证书编号已登记。"), code="licence_number_taken", attr="licence_number")


def _new_account(*, name: str, licence_number: str, phone: str) -> User:
    """The physician's login account, unsaved: inactive, no usable password (a random marker, no hashing)."""
    user = User(username=licence_number, name=name, phone=phone, is_active=False, must_change_password=True)
    user.set_unusable_password()
    return user


def _audit(action: str, *, caller, request, physician: Physician, data: dict | None = None) -> None:
    audit_record(
        action=action,
        actor=caller,
        request=request,
        organization_id=physician.organization_id,
        region_path=physician.region_path,
        target=physician,
        data=data or {},
    )


def _integrity_conflict(exc: IntegrityError) -> Conflict:
    """A unique index caught a concurrent duplicate the pre-check could not see."""
    text = str(exc)
    if "licence_number" in text:
        return Conflict(_("该执业证书编号已登记。"), code="licence_number_taken", attr="licence_number")
    if "username" in text:
        return Conflict(
            _("以该执业证书编号为用户名的账号已存在。"), code="username_taken", attr="licence_number"
        )
    return Conflict(_("该身份证号已登记。"), code="id_card_taken", attr="id_card_number")


@transaction.atomic
def physician_create(
    *,
    actor: Actor,
    caller: User,
    request=None,
    id_card_number: str,
    licence_number: str,
    department_id=None,
    phone: str = "",
    sites: list[dict] | None = None,
    education_records: list[dict] | None = None,
    practice_records: list[dict] | None = None,
    **fields,
) -> Physician:
    """Register a physician in the caller's institution, with their login account (see the module docstring).

    Errors: `institution_only` (403); `invalid_id_card`, `invalid_licence_number`, `invalid_phone`,
    `unknown_department` (400); `id_card_taken`, `licence_number_taken`, `username_taken` (409).
    Audited: `physicians.created`.
    """
    require_institution(actor)
    card = check_id_card(id_card_number)
    licence = check_licence(licence_number)
    phone = check_phone(phone)
    id_hash = keyed_hash(card.number)
    _check_unique(id_card_hash=id_hash, licence_number=licence)
    if User.objects.filter(username=licence).exists():
        raise Conflict(
            _("以该执业证书编号为用户名的账号已存在。"), code="username_taken", attr="licence_number"
        )
    organization = Organization.objects.get(pk=actor.organization_id)
    department = _department(organization.id, department_id, attr="department_id")
    physician = Physician(
        **{k: v for k, v in fields.items() if k in PLAIN_FIELDS},
        gender=card.gender,
        birth_date=card.birth_date,
        id_card_encrypted=encrypt(card.number),
        id_card_hash=id_hash,
        id_card_last4=card.number[-4:],
        licence_number=licence,
        phone=phone,
        organization=organization,
        region_path=organization.region_path,
        department=department,
    )
    user = _new_account(name=physician.name, licence_number=licence, phone=phone)
    try:
        with transaction.atomic():
            user.save()
            physician.user = user
            physician.save()
            Membership.objects.create(
                user=user, organization=organization, role=Role.DOCTOR, department=department
            )
    except IntegrityError as exc:
        raise _integrity_conflict(exc) from exc
    if sites is not None:
        _replace_sites(physician, sites)
    if education_records is not None:
        _replace_records(physician, EducationRecord, education_records)
    if practice_records is not None:
        _replace_records(physician, PracticeRecord, practice_records)
    _audit(
        "physicians.created",
        caller=caller,
        request=request,
        physician=physician,
        data={"licence_number": licence, "account": user.username},
    )
    return physician


@transaction.atomic
def physician_update(*, actor: Actor, caller: User, physician_id, request=None, **data) -> Physician:
    """Edit a physician of the caller's institution (only the given fields). A new ID-card number re-derives
    gender and birth date; the account's username stays what it was.

    Errors: 404 outside the caller's institution; the create's 400 and 409 codes. Audited:
    `physicians.updated` with the names of the changed fields (never their values).
    """
    require_institution(actor)
    physician = selectors.physician_get_for_manage(actor=actor, physician_id=physician_id, lock=True)
    changed = []
    if "id_card_number" in data:
        card = check_id_card(data.pop("id_card_number"))
        id_hash = keyed_hash(card.number)
        if id_hash != physician.id_card_hash:
            _check_unique(id_card_hash=id_hash, exclude_pk=physician.pk)
            physician.id_card_encrypted = encrypt(card.number)
            physician.id_card_hash = id_hash
            physician.id_card_last4 = card.number[-4:]
            physician.gender = card.gender
            physician.birth_date = card.birth_date
            changed += ["id_card_encrypted", "id_card_hash", "id_card_last4", "gender", "birth_date"]
    if "licence_number" in data:
        licence = check_licence(data.pop("licence_number"))
        if licence != physician.licence_number:
            _check_unique(licence_number=licence, exclude_pk=physician.pk)
            physician.licence_number = licence
            changed.append("licence_number")
    if "phone" in data:
        physician.phone = check_phone(data.pop("phone"))
        changed.append("phone")
    if "department_id" in data:
        physician.department = _department(
            physician.organization_id, data.pop("department_id"), attr="department_id"
        )
        changed.append("department")
    for field in PLAIN_FIELDS:
        if field in data:
            setattr(physician, field, data[field])
            changed.append(field)
    if changed:
        try:
            with transaction.atomic():
                physician.save(update_fields=[*changed, "updated_at"])
        except IntegrityError as exc:
            raise _integrity_conflict(exc) from exc
        _audit(
            "physicians.updated",
            caller=caller,
            request=request,
            physician=physician,
            data={"fields": sorted(set(changed))},
        )
    return physician


def _replace_sites(physician: Physician, sites: list[dict]) -> None:
    if sum(1 for s in sites if s.get("is_primary")) > 1:
        raise ApplicationError(_("只能有一个主要执业地点。"), code="several_primary_sites", attr="sites")
    org_ids = {s["organization_id"] for s in sites if s.get("organization_id")}
    orgs = {
        o.id: o
        for o in Organization.objects.filter(
            pk__in=org_ids, kind=OrganizationKind.INSTITUTION, status=OrganizationStatus.ACTIVE
        )
    }
    rows = []
    for site in sites:
        org = None
        if site.get("organization_id"):
            org = orgs.get(site["organization_id"])
            if org is None:
                raise ApplicationError(
                    _("执业地点须为在用的医疗卫生机构。"), code="unknown_organization", attr="sites"
                )
        name = site.get("site_name") or (org.name if org else "")
        if not name:
            raise ApplicationError(_("请填写执业地点名称。"), code="required", attr="sites")
        rows.append(
            PracticeSite(
                physician=physician,
                organization=org,
                site_name=name[:128],
                is_primary=bool(site.get("is_primary")),
                filed_on=site.get("filed_on"),
                valid_until=site.get("valid_until"),
            )
        )
    PracticeSite.objects.filter(physician=physician).delete()
    PracticeSite.objects.bulk_create(rows)


def _replace_records(physician: Physician, model, records: list[dict]) -> None:
    for record in records:
        if (
            record.get("started_on")
            and record.get("finished_on")
            and record["finished_on"] < record["started_on"]
        ):
            raise ApplicationError(_("结束日期不能早于开始日期。"), code="invalid_period", attr="finished_on")
    model.objects.filter(physician=physician).delete()
    model.objects.bulk_create([model(physician=physician, **record) for record in records])


_NESTED = {
    "sites": ("physicians.sites_replaced", None),
    "education_records": ("physicians.education_replaced", EducationRecord),
    "practice_records": ("physicians.practice_records_replaced", PracticeRecord),
}


@transaction.atomic
def physician_records_replace(
    *, actor: Actor, caller: User, physician_id, kind: str, records: list[dict], request=None
) -> Physician:
    """Replace a physician's practice sites (multi-site filings), education or practice history as a whole
    (`kind`: sites | education_records | practice_records). Only the physician's own institution.

    Errors: 404 outside the institution; `several_primary_sites`, `unknown_organization`, `invalid_period`
    (400). Audited: `physicians.<kind>_replaced` with the number of rows."""
    require_institution(actor)
    physician = selectors.physician_get_for_manage(actor=actor, physician_id=physician_id, lock=True)
    action, model = _NESTED[kind]
    if model is None:
        _replace_sites(physician, records)
    else:
        _replace_records(physician, model, records)
    physician.save(update_fields=["updated_at"])
    _audit(action, caller=caller, request=request, physician=physician, data={"rows": len(records)})
    return physician


@transaction.atomic
def physician_transfer(
    *,
    actor: Actor,
    caller: User,
    physician_id,
    to_organization_id,
    to_department_id=None,
    reason: str = "",
    request=None,
) -> PhysicianTransfer:
    """Change a physician's institution (变更医疗卫生机构), keeping the history.

    Who: the institution the physician leaves (its administrator or medical affairs office, holding
    `Perm.PHYSICIAN_MANAGE`), as the seed gives the change to the institution's physician management. The
    receiving institution does not have to accept: it must only exist, be a medical institution and be active;
    it may be in another region. Commissions read the change in both jurisdictions' audit logs.

    In one transaction: a PhysicianTransfer row (from/to organisation and department, who, why); the
    physician's organisation, denormalised region path and department; the physician's `doctor` membership
    moves to the new institution; a primary practice site at the old institution moves with it.

    Errors: 404 for a physician outside the caller's institution; `invalid_target_organization`,
    `same_organization`, `unknown_department` (400). Audited: `physicians.transferred` (old institution) and
    `physicians.transferred_in` (new one).
    """
    require_institution(actor)
    physician = selectors.physician_get_for_manage(actor=actor, physician_id=physician_id, lock=True)
    target = Organization.objects.filter(
        pk=to_organization_id, kind=OrganizationKind.INSTITUTION, status=OrganizationStatus.ACTIVE
    ).first()
    if target is None:
        raise ApplicationError(
            _("调入机构须为在用的医疗卫生机构。"), code="invalid_target_organization", attr="to_organization"
        )
    if target.id == physician.organization_id:
        raise ApplicationError(
            _("调入机构与当前机构相同。"), code="same_organization", attr="to_organization"
        )
    to_department = _department(target.id, to_department_id, attr="to_department")
    source = physician.organization
    transfer = PhysicianTransfer.objects.create(
        physician=physician,
        from_organization_id=physician.organization_id,
        to_organization=target,
        from_department_id=physician.department_id,
        to_department=to_department,
        transferred_by=caller,
        reason=reason,
    )
    PracticeSite.objects.filter(physician=physician, is_primary=True, organization_id=source.id).update(
        organization=target, site_name=target.name[:128]
    )
    if physician.user_id:
        memberships = Membership.objects.filter(user_id=physician.user_id, role=Role.DOCTOR)
        existing = memberships.filter(organization=target).first()
        if existing is not None:
            existing.is_active, existing.department = True, to_department
            existing.save(update_fields=["is_active", "department", "updated_at"])
            memberships.filter(organization_id=source.id).update(is_active=False)
        else:
            memberships.filter(organization_id=source.id).update(
                organization=target, department=to_department
            )
    physician.organization = target
    physician.region_path = target.region_path
    physician.department = to_department
    physician.save(update_fields=["organization", "region_path", "department", "updated_at"])
    data = {
        "from_organization": str(source.id),
        "to_organization": str(target.id),
        "to_department": str(to_department.id) if to_department else None,
        "reason": reason,
    }
    audit_record(
        action="physicians.transferred",
        actor=caller,
        request=request,
        organization_id=source.id,
        region_path=source.region_path,
        target=physician,
        data=data,
    )
    audit_record(
        action="physicians.transferred_in",
        actor=caller,
        request=request,
        organization_id=target.id,
        region_path=target.region_path,
        target=physician,
        data=data,
    )
    return transfer


@transaction.atomic
def physician_self_update(*, user: User, request=None, **data) -> Physician:
    """A physician fills in their own basic information (填报信息): phone, education, specialty.
    Errors: `no_physician_record` (404), `invalid_phone` (400). Audited: `physicians.self_updated`."""
    physician = selectors.physician_get_own(user=user)
    changed = []
    for field in SELF_FIELDS:
        if field in data:
            value = check_phone(data[field]) if field == "phone" else data[field]
            setattr(physician, field, value)
            changed.append(field)
    if changed:
        physician.save(update_fields=[*changed, "updated_at"])
        _audit(
            "physicians.self_updated",
            caller=user,
            request=request,
            physician=physician,
            data={"fields": changed},
        )
    return physician


def physicians_read_record(
    *, actor: Actor, caller: User, request=None, filters: dict, rows: int, target=None
):
    """A commission's (supervisory) read of physicians' personal data: one audit row per request."""
    audit_record(
        action="physicians.read",
        actor=caller,
        request=request,
        organization_id=actor.organization_id,
        region_path=actor.region_path or "",
        target=target,
        data={"filters": filters, "rows": rows},
    )


# --- import ---------------------------------------------------------------------------------------------

# Spreadsheet labels accepted besides the codes (the template's users type Chinese).
CATEGORY_LABELS = {"临床": "clinical", "中医": "tcm", "口腔": "dental", "公共卫生": "public_health"}
POST_TYPE_LABELS = {"临床": "clinical", "医技": "medical_technical", "行政": "administrative"}
STATUS_LABELS = {"在职": "active", "停用": "inactive"}
_MAX = {
    "name": 64,
    "practice_scope": 64,
    "title": 32,
    "qualification_number": 32,
    "education": 16,
    "specialty": 64,
}


def _choice(value: str, labels: dict, values) -> str | None:
    value = value.strip()
    if value in values:
        return value
    return labels.get(value)


def _date(value: str) -> datetime.date | None:
    text = value.strip().replace("/", "-").replace(".", "-")[:10]
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def _row_error(row: int, attr: str, code: str, detail: str) -> dict:
    return {"row": row, "attr": attr, "code": code, "detail": detail}


def physicians_import_validate(
    *, actor: Actor, rows: list[tuple[int, dict]], progress: Callable[[int], None] | None = None
) -> tuple[list[dict], list[dict]]:
    """Check every row of an import before anything is stored: required fields, ID card (format, birth date,
    check digit), licence number format, phone, lengths, category and post type, dates, the department (by
    name, in the caller's institution), and duplicates of ID card and licence number in the file and in the
    registry (and of the licence number as an account's username). Returns (clean rows, row errors)."""
    require_institution(actor)
    errors: list[dict] = []
    clean: list[dict] = []
    departments: dict[str, list[Department]] = {}
    for d in Department.objects.filter(organization_id=actor.organization_id, is_active=True).only(
        "id", "name"
    ):
        departments.setdefault(d.name, []).append(d)
    seen_cards: dict[str, int] = {}
    seen_licences: dict[str, int] = {}
    for index, (number, raw) in enumerate(rows, start=1):
        row_errors = []

        def bad(attr, code, detail, _row=number, _errors=row_errors):
            _errors.append(_row_error(_row, attr, code, detail))

        for field, label in (
            ("name", _("姓名")),
            ("id_card_number", _("身份证号")),
            ("licence_number", _("执业证书编号")),
            ("practice_category", _("执业类别")),
        ):
            if not raw.get(field):
                bad(field, "required", _("“%(label)s”不能为空。") % {"label": label})
        for field, limit in _MAX.items():
            if len(raw.get(field, "")) > limit:
                bad(field, "too_long", _("不能超过 %(n)d 个字符。") % {"n": limit})
        record = {f: raw.get(f, "") for f in _MAX}
        card = None
        if raw.get("id_card_number"):
            card, problem = id_card_parse(raw["id_card_number"])
            if problem:
                bad("id_card_number", *problem)
            else:
                record["id_card_hash"] = keyed_hash(card.number)
                first = seen_cards.setdefault(card.number, number)
                if first != number:
                    bad(
                        "id_card_number",
                        "duplicate_in_file",
                        _("与第 %(row)d 行的身份证号重复。") % {"row": first},
                    )
        if raw.get("licence_number"):
            problem = licence_problem(raw["licence_number"])
            if problem:
                bad("licence_number", *problem)
            else:
                licence = normalise_licence(raw["licence_number"])
                record["licence_number"] = licence
                first = seen_licences.setdefault(licence, number)
                if first != number:
                    bad(
                        "licence_number",
                        "duplicate_in_file",
                        _("与第 %(row)d 行的执业证书编号重复。") % {"row": first},
                    )
        problem = phone_problem(raw.get("phone", ""))
        if problem:
            bad("phone", *problem)
        if raw.get("practice_category"):
            record["practice_category"] = _choice(
                raw["practice_category"], CATEGORY_LABELS, PracticeCategory.values
            )
            if record["practice_category"] is None:
                bad("practice_category", "invalid_choice", _("执业类别须为临床、中医、口腔或公共卫生。"))
        record["post_type"] = PostType.CLINICAL
        if raw.get("post_type"):
            record["post_type"] = _choice(raw["post_type"], POST_TYPE_LABELS, PostType.values)
            if record["post_type"] is None:
                bad("post_type", "invalid_choice", _("岗位类型须为临床、医技或行政。"))
        for field in ("licence_valid_until", "hired_on"):
            record[field] = None
            if raw.get(field):
                record[field] = _date(raw[field])
                if record[field] is None:
                    bad(field, "invalid_date", _("日期格式应为 YYYY-MM-DD。"))
        record["department"] = None
        if raw.get("department"):
            found = departments.get(raw["department"].strip(), [])
            if len(found) == 1:
                record["department"] = found[0]
            elif not found:
                bad(
                    "department",
                    "unknown_department",
                    _("本机构没有名为“%(name)s”的科室。") % {"name": raw["department"]},
                )
            else:
                bad(
                    "department",
                    "ambiguous_department",
                    _("本机构有多个名为“%(name)s”的科室。") % {"name": raw["department"]},
                )
        if row_errors:
            errors.extend(row_errors)
        else:
            record.update(row=number, card=card, phone=raw.get("phone", "").strip())
            clean.append(record)
        if progress is not None and index % 500 == 0:
            progress(index)
    # Against the registry and the accounts, in a few batched queries.
    for start in range(0, len(clean), 2000):
        batch = clean[start : start + 2000]
        cards = selectors.id_card_hashes_taken(r["id_card_hash"] for r in batch)
        licences = selectors.licence_numbers_taken(r["licence_number"] for r in batch)
        usernames = set(
            User.objects.filter(username__in=[r["licence_number"] for r in batch]).values_list(
                "username", flat=True
            )
        )
        for r in batch:
            if r["id_card_hash"] in cards:
                errors.append(
                    _row_error(r["row"], "id_card_number", "id_card_taken", _("该身份证号已登记。"))
                )
            if r["licence_number"] in licences:
                errors.append(
                    _row_error(
                        r["row"], "licence_number", "licence_number_taken", _("该执业证书编号已登记。")
                    )
                )
            elif r["licence_number"] in usernames:
                errors.append(
                    _row_error(
                        r["row"],
                        "licence_number",
                        "username_taken",
                        _("以该执业证书编号为用户名的账号已存在。"),
                    )
                )
    errors.sort(key=lambda e: (e["row"], e["attr"]))
    return clean, errors


@transaction.atomic
def physicians_import_store(
    *, actor: Actor, caller: User, clean: list[dict], progress: Callable[[int], None] | None = None
) -> int:
    """Store checked import rows in one transaction: each physician with their account (inactive, no usable
    password, never hashed) and `doctor` membership. Audited once: `physicians.imported` with the count."""
    require_institution(actor)
    organization = Organization.objects.get(pk=actor.organization_id)
    users, physicians, memberships = [], [], []
    for n, r in enumerate(clean, start=1):
        card = r["card"]
        user = _new_account(name=r["name"], licence_number=r["licence_number"], phone=r["phone"])
        physician = Physician(
            user=user,
            name=r["name"],
            gender=card.gender,
            birth_date=card.birth_date,
            id_card_encrypted=encrypt(card.number),
            id_card_hash=r["id_card_hash"],
            id_card_last4=card.number[-4:],
            phone=r["phone"],
            licence_number=r["licence_number"],
            practice_category=r["practice_category"],
            practice_scope=r["practice_scope"],
            title=r["title"],
            qualification_number=r["qualification_number"],
            licence_valid_until=r["licence_valid_until"],
            education=r["education"],
            specialty=r["specialty"],
            post_type=r["post_type"],
            hired_on=r["hired_on"],
            organization=organization,
            region_path=organization.region_path,
            department=r["department"],
            status=PhysicianStatus.ACTIVE,
        )
        users.append(user)
        physicians.append(physician)
        memberships.append(
            Membership(user=user, organization=organization, role=Role.DOCTOR, department=r["department"])
        )
        if progress is not None and n % 1000 == 0:
            progress(n)
    try:
        with transaction.atomic():
            User.objects.bulk_create(users, batch_size=1000)
            Physician.objects.bulk_create(physicians, batch_size=1000)
            Membership.objects.bulk_create(memberships, batch_size=1000)
    except IntegrityError as exc:  # a concurrent registration of the same number since the check
        raise _integrity_conflict(exc) from exc
    audit_record(
        action="physicians.imported",
        actor=caller,
        organization_id=organization.id,
        region_path=organization.region_path,
        data={"rows": len(physicians)},
    )
    return len(physicians)

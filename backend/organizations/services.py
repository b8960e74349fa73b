"""Writes about organisations (本机构信息, 所辖机构信息) and departments (科室管理).

Organisations
- An organisation edits its own information ("mine"): basic fields, and a commission also its assessment
  committee and assessment office. Its kind never changes; its region changes only by a commission above it.
- A commission edits the basic information of the organisations strictly below it (its region subtree, not
  itself), moves them to another region of its jurisdiction, and deactivates or activates them. Moving keeps
  the denormalised region paths in step in the same transaction (the organisation's and its physicians');
  deactivating makes its members unable to act (the actor resolver ignores inactive organisations).
- The unified social credit code is checked (GB 32100-2015) and unique: 400 `invalid_uscc`, 409 `uscc_taken`.

Departments (belong to one institution, written only by it, Perm.DEPARTMENT_MANAGE)
- Names are unique among siblings (409 `department_name_taken`), codes unique in the institution
  (409 `department_code_taken`); a parent must belong to the same institution (400 `unknown_parent`), and a
  department never moves under itself or a descendant (400 `department_cycle`).
- Invariant: an enabled department never sits under a disabled one. So disabling a department that still
  has enabled sub-departments is refused (409 `department_has_active_children`: disable those first), and
  enabling one under a disabled parent, creating or moving an enabled one there, is refused
  (409 `department_parent_inactive`). Disabling keeps the physicians and accounts attached to it; they are
  not moved.
- Delete only a department nothing refers to: no sub-departments, physicians, memberships, enrolments,
  transfers, or rows of the institution's tenant schema (409 `department_in_use`, nothing deleted). A used
  department is disabled instead.
- Department writes of one institution are serialised by locking its organisation row, so the uniqueness
  and cycle checks hold under concurrency (the database's unique constraint does not cover top-level names,
  whose parent is NULL).

Every write records an audit row (organisation and region path of the organisation concerned) in the same
transaction.
"""

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from audit.services import audit_record
from core.actor import Actor
from core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from organizations import selectors
from organizations.enums import OrganizationKind, OrganizationStatus
from organizations.models import Department, Organization, Region
from organizations.validators import check_uscc
from physicians.models import Physician

# Basic information every organisation has.
BASIC_FIELDS = (
    "name",
    "unified_social_credit_code",
    "institution_type",
    "grade",
    "address",
    "contact_name",
    "contact_phone",
    "email",
)
# A commission's assessment committee (考核管理委员会) and assessment office (考核办公室).
COMMISSION_FIELDS = (
    "committee_name",
    "committee_director",
    "committee_phone",
    "office_name",
    "office_director",
    "office_phone",
    "office_address",
)
DEPARTMENT_FIELDS = ("name", "code", "sort_order")


def _audit(
    action: str,
    *,
    caller,
    request,
    organization: Organization,
    target,
    data: dict | None = None,
    target_type: str = "",
    target_id: str = "",
):
    audit_record(
        action=action,
        actor=caller,
        request=request,
        organization_id=organization.id,
        region_path=organization.region_path,
        target=target,
        target_type=target_type,
        target_id=target_id,
        data=data or {},
    )


# --- organisations ----------------------------------------------------------------------------------


def _clean_uscc(code: str, *, exclude_pk) -> str:
    code = check_uscc(code)
    if Organization.objects.filter(unified_social_credit_code=code).exclude(pk=exclude_pk).exists():
        raise Conflict(
            _("该统一社会信用代码已被其他机构使用。"), code="uscc_taken", attr="unified_social_credit_code"
        )
    return code


def _check_commission_fields(org: Organization, data: dict) -> None:
    if org.kind != OrganizationKind.COMMISSION:
        for f in COMMISSION_FIELDS:
            if f in data:
                raise ApplicationError(
                    _("只有卫生健康行政部门有考核管理委员会和考核办公室信息。"),
                    code="commission_fields_only",
                    attr=f,
                )


def _region_for_move(actor: Actor, org: Organization, code: str) -> Region:
    region = Region.objects.filter(code=(code or "").strip()).first()
    if region is None:
        raise ApplicationError(_("行政区划代码不存在。"), code="unknown_region", attr="region_code")
    if not (actor.region_path and region.path.startswith(actor.region_path)):
        raise ApplicationError(
            _("该行政区划不在您的管辖范围内。"), code="region_outside_jurisdiction", attr="region_code"
        )
    if org.kind == OrganizationKind.COMMISSION and region.pk != org.region_id:
        raise ApplicationError(
            _("卫生健康行政部门的行政区划不能变更。"), code="commission_region_fixed", attr="region_code"
        )
    return region


def _apply_changes(
    *, actor: Actor, caller, request, org: Organization, data: dict, fields: tuple[str, ...]
) -> Organization:
    """Write the given fields (and a region move) of a locked organisation, audited. Returns it."""
    data = dict(data)
    if "unified_social_credit_code" in data:
        data["unified_social_credit_code"] = _clean_uscc(
            data["unified_social_credit_code"], exclude_pk=org.pk
        )
    changed = [f for f in fields if f in data and data[f] != getattr(org, f)]
    audit_data: dict = {"fields": changed}
    region_code = data.get("region_code")
    if region_code is not None:
        region = _region_for_move(actor, org, region_code)
        if region.pk != org.region_id:
            audit_data["region"] = {"from": org.region_path, "to": region.path}
            org.region = region
            org.region_path = region.path
            changed += ["region", "region_path"]
    if not changed:
        return org
    for f in fields:
        if f in changed:
            setattr(org, f, data[f])
    try:
        with transaction.atomic():
            org.save(update_fields=[*changed, "updated_at"])
    except IntegrityError as exc:  # a concurrent write took the code between the check and the save
        raise Conflict(
            _("该统一社会信用代码已被其他机构使用。"), code="uscc_taken", attr="unified_social_credit_code"
        ) from exc
    if "region_path" in changed:
        moved = Physician.objects.filter(organization=org).update(region_path=org.region_path)
        audit_data["region"]["physicians"] = moved
        tenant = selectors.tenant_of(org)
        if tenant is not None:
            from tenants import routing  # the routing cache holds the hospital's region path

            transaction.on_commit(lambda: routing.forget(tenant.slug))
    _audit(
        "organizations.updated", caller=caller, request=request, organization=org, target=org, data=audit_data
    )
    return org


def _lock(org: Organization) -> Organization:
    return Organization.objects.select_for_update(of=("self",)).select_related("region").get(pk=org.pk)


@transaction.atomic
def organization_update_own(*, actor: Actor, caller, request=None, **data) -> Organization:
    """Edit the caller's own organisation: basic fields, and for a commission its committee and office.
    The region is not changed from here (`region_change_not_allowed`, 403): only a commission above moves it.
    Errors: `invalid_uscc` (400), `uscc_taken` (409), `commission_fields_only` (400). Audited."""
    org = _lock(selectors.organization_get_own(actor=actor))
    if "region_code" in data:
        if data["region_code"] != org.region.code:
            raise PermissionDenied(
                _("本机构的行政区划只能由上级卫生健康行政部门变更。"),
                code="region_change_not_allowed",
                attr="region_code",
            )
        data.pop("region_code")
    _check_commission_fields(org, data)
    return _apply_changes(
        actor=actor,
        caller=caller,
        request=request,
        org=org,
        data=data,
        fields=BASIC_FIELDS + COMMISSION_FIELDS,
    )


def _below(actor: Actor, organization_id) -> Organization:
    """An organisation strictly below the commission actor: NotFound outside the reach, PermissionDenied for
    one within it that the actor does not administer (its own organisation, or a non-commission actor)."""
    org = selectors.organization_get_for_actor(actor=actor, organization_id=organization_id)
    if not selectors.organization_is_below(actor, org):
        raise PermissionDenied(_("只能由上级卫生健康行政部门管理该机构。"), code="organization_not_below")
    return _lock(org)


@transaction.atomic
def organization_update(*, actor: Actor, caller, organization_id, request=None, **data) -> Organization:
    """A commission edits an organisation below it: basic fields, and a move to another region of its
    jurisdiction (`region_code`; institutions and industry organisations only). The caller's own organisation
    is edited with the rules of organization_update_own. Moving updates Organization.region_path and the
    region path of its physicians in the same transaction.
    Errors: NotFound (outside reach), `organization_not_below` (403), `unknown_region`,
    `region_outside_jurisdiction`, `commission_region_fixed`, `invalid_uscc`, `commission_fields_only`
    (400), `uscc_taken` (409). Audited."""
    if actor.organization_id is not None and str(organization_id) == str(actor.organization_id):
        return organization_update_own(actor=actor, caller=caller, request=request, **data)
    org = _below(actor, organization_id)
    for f in COMMISSION_FIELDS:
        if f in data:
            raise PermissionDenied(
                _("考核管理委员会和考核办公室信息由该卫生健康行政部门自行维护。"),
                code="commission_fields_own_only",
                attr=f,
            )
    return _apply_changes(
        actor=actor, caller=caller, request=request, org=org, data=data, fields=BASIC_FIELDS
    )


def _set_status(*, actor: Actor, caller, organization_id, request, status: str) -> Organization:
    org = _below(actor, organization_id)
    if org.status == status:
        return org  # idempotent: nothing changes, nothing is audited
    org.status = status
    org.save(update_fields=["status", "updated_at"])
    action = "organizations.activated" if status == OrganizationStatus.ACTIVE else "organizations.deactivated"
    _audit(action, caller=caller, request=request, organization=org, target=org)
    return org


@transaction.atomic
def organization_deactivate(*, actor: Actor, caller, organization_id, request=None) -> Organization:
    """A commission deactivates an organisation below it. Its members can no longer act for it (their
    memberships are ignored while it is inactive); nothing else is deleted. Idempotent. Audited."""
    return _set_status(
        actor=actor,
        caller=caller,
        organization_id=organization_id,
        request=request,
        status=OrganizationStatus.INACTIVE,
    )


@transaction.atomic
def organization_activate(*, actor: Actor, caller, organization_id, request=None) -> Organization:
    """A commission activates an organisation below it again. Idempotent. Audited."""
    return _set_status(
        actor=actor,
        caller=caller,
        organization_id=organization_id,
        request=request,
        status=OrganizationStatus.ACTIVE,
    )


# --- departments ------------------------------------------------------------------------------------


def _own_institution(actor: Actor) -> Organization:
    """The actor's own institution, locked: department writes of one institution run one at a time."""
    if actor.organization_id is None:
        raise NotFound()
    if actor.organization_kind != OrganizationKind.INSTITUTION:
        raise PermissionDenied(_("只有医疗卫生机构可以管理科室。"), code="institution_only")
    return Organization.objects.select_for_update().get(pk=actor.organization_id)


def _parent(org: Organization, parent_id) -> Department | None:
    if parent_id is None:
        return None
    parent = Department.objects.filter(pk=parent_id, organization=org).first()
    if parent is None:
        raise ApplicationError(_("上级科室不存在或不属于本机构。"), code="unknown_parent", attr="parent_id")
    return parent


def _check_unique(org: Organization, *, name: str, code: str, parent: Department | None, exclude_pk=None):
    siblings = Department.objects.filter(organization=org, parent=parent, name=name)
    if exclude_pk is not None:
        siblings = siblings.exclude(pk=exclude_pk)
    if siblings.exists():
        raise Conflict(_("同一上级科室下已有同名科室。"), code="department_name_taken", attr="name")
    if code:
        same_code = Department.objects.filter(organization=org, code=code)
        if exclude_pk is not None:
            same_code = same_code.exclude(pk=exclude_pk)
        if same_code.exists():
            raise Conflict(_("本机构已有该科室编码。"), code="department_code_taken", attr="code")


def _check_parent_active(parent: Department | None, *, is_active: bool) -> None:
    if is_active and parent is not None and not parent.is_active:
        raise Conflict(
            _("上级科室已停用，请先启用上级科室。"), code="department_parent_inactive", attr="parent_id"
        )


@transaction.atomic
def department_create(
    *,
    actor: Actor,
    caller,
    name: str,
    code: str = "",
    parent_id=None,
    sort_order: int = 0,
    is_active: bool = True,
    request=None,
) -> Department:
    """A department of the actor's own institution. Errors: `institution_only` (403), `unknown_parent` (400),
    `department_name_taken`, `department_code_taken`, `department_parent_inactive` (409). Audited."""
    org = _own_institution(actor)
    name, code = name.strip(), code.strip()
    parent = _parent(org, parent_id)
    _check_unique(org, name=name, code=code, parent=parent)
    _check_parent_active(parent, is_active=is_active)
    department = Department.objects.create(
        organization=org, parent=parent, name=name, code=code, sort_order=sort_order, is_active=is_active
    )
    _audit(
        "departments.created",
        caller=caller,
        request=request,
        organization=org,
        target=department,
        data={"name": name, "parent": str(parent_id) if parent_id else None},
    )
    return department


_UNSET = object()


@transaction.atomic
def department_update(
    *, actor: Actor, caller, department_id, request=None, parent_id=_UNSET, **data
) -> Department:
    """Edit name, code, sort order, or move a department (`parent_id`, None: to the top level) within the
    institution. Errors: NotFound (not the actor's own institution's), `unknown_parent`, `department_cycle`
    (400), `department_name_taken`, `department_code_taken`, `department_parent_inactive` (409). Audited."""
    org = _own_institution(actor)
    department = selectors.department_get_own(actor=actor, department_id=department_id, lock=True)
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items() if k in DEPARTMENT_FIELDS}
    parent = department.parent
    if parent_id is not _UNSET:
        parent = _parent(org, parent_id)
        if parent is not None and (
            parent.pk == department.pk or parent.pk in selectors.department_descendant_ids(department)
        ):
            raise ApplicationError(
                _("不能把科室移到它自己或它的下级科室之下。"), code="department_cycle", attr="parent_id"
            )
    moved = (parent.pk if parent else None) != department.parent_id
    changed = [f for f in DEPARTMENT_FIELDS if f in data and data[f] != getattr(department, f)]
    if not changed and not moved:
        return department
    _check_unique(
        org,
        name=data.get("name", department.name),
        code=data.get("code", department.code),
        parent=parent,
        exclude_pk=department.pk,
    )
    if moved:
        _check_parent_active(parent, is_active=department.is_active)
    audit_data: dict = {"fields": changed}
    if moved:
        audit_data["parent"] = {
            "from": str(department.parent_id) if department.parent_id else None,
            "to": str(parent.pk) if parent else None,
        }
        department.parent = parent
        changed.append("parent")
    for f in DEPARTMENT_FIELDS:
        if f in data:
            setattr(department, f, data[f])
    department.save(update_fields=[*changed, "updated_at"])
    _audit(
        "departments.updated",
        caller=caller,
        request=request,
        organization=org,
        target=department,
        data=audit_data,
    )
    return department


@transaction.atomic
def department_enable(*, actor: Actor, caller, department_id, request=None) -> Department:
    """Enable a department; refused under a disabled parent (`department_parent_inactive`, 409).
    Idempotent. Audited."""
    org = _own_institution(actor)
    department = selectors.department_get_own(actor=actor, department_id=department_id, lock=True)
    if department.is_active:
        return department
    _check_parent_active(department.parent, is_active=True)
    department.is_active = True
    department.save(update_fields=["is_active", "updated_at"])
    _audit("departments.enabled", caller=caller, request=request, organization=org, target=department)
    return department


@transaction.atomic
def department_disable(*, actor: Actor, caller, department_id, request=None) -> Department:
    """Disable a department; refused while it has enabled sub-departments (`department_has_active_children`,
    409: disable those first). Its physicians and accounts stay attached. Idempotent. Audited."""
    org = _own_institution(actor)
    department = selectors.department_get_own(actor=actor, department_id=department_id, lock=True)
    if not department.is_active:
        return department
    if department.children.filter(is_active=True).exists():
        raise Conflict(
            _("该科室还有启用中的下级科室，请先停用下级科室。"),
            code="department_has_active_children",
        )
    department.is_active = False
    department.save(update_fields=["is_active", "updated_at"])
    _audit("departments.disabled", caller=caller, request=request, organization=org, target=department)
    return department


@transaction.atomic
def department_delete(*, actor: Actor, caller, department_id, request=None) -> None:
    """Delete a department nothing refers to (selectors.department_usage); else `department_in_use` (409) and
    nothing is deleted: disable it instead. Audited with its name and parent."""
    org = _own_institution(actor)
    department = selectors.department_get_own(actor=actor, department_id=department_id, lock=True)
    department.organization = org
    in_use = Conflict(
        _("该科室已有下级科室、医师、账号或其他记录，不能删除，可以停用。"), code="department_in_use"
    )
    if selectors.department_usage(department):
        raise in_use
    target_id, parent_id = str(department.pk), department.parent_id
    try:
        with transaction.atomic():  # a reference added since the check (another writer) is refused too
            department.delete()
    except (ProtectedError, IntegrityError) as exc:
        raise in_use from exc
    _audit(
        "departments.deleted",
        caller=caller,
        request=request,
        organization=org,
        target=None,
        data={
            "name": department.name,
            "code": department.code,
            "parent": str(parent_id) if parent_id else None,
        },
        target_type=Department._meta.label_lower,
        target_id=target_id,
    )

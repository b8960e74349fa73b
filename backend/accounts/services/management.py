"""Delegated account management (所辖机构账户管理): a commission creates, edits, activates, deletes and resets the
passwords of the accounts below it; an institution or industry organisation those of its own organisation.

Rules every write here keeps:
- an account the actor does not administer (accounts.account_selectors) is a NotFound, as if it did not exist;
- a write needs a membership of the account the actor may grant (accounts.roles.may_grant), and every other
  active membership of the account must lie below the actor too (a commission) - else PermissionDenied;
  an account shared with an organisation outside the jurisdiction is not changed from here;
- roles are given only within may_grant (403 `role_not_grantable`);
- passwords: an initial or reset password is random, returned once, and must be changed at the next login;
  bulk work hashes one password once and gives the hash to all (hashing costs ~200 ms);
- every change writes an audit row with the target organisation and its region path, in the same transaction.
"""

from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import account_selectors
from accounts.models import AuthToken, Membership, User
from accounts.roles import Role, may_grant
from accounts.services.passwords import (
    generate_password,
    password_history_record,
    password_policy_check,
    password_set,
)
from audit.services import audit_record
from core.actor import Actor
from core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from organizations.enums import OrganizationKind, OrganizationStatus
from organizations.models import Organization, Region
from organizations.validators import check_uscc

# The role an organisation's administrator account gets, by kind (commissions: by region level).
ADMIN_ROLE_BY_KIND = {
    OrganizationKind.INSTITUTION: Role.HOSPITAL_ADMIN,
    OrganizationKind.INDUSTRY_ORG: Role.INDUSTRY_ADMIN,
}
ADMIN_ROLE_BY_LEVEL = {"province": Role.PROVINCE_ADMIN, "city": Role.CITY_ADMIN, "county": Role.COUNTY_ADMIN}
# Basic information of an organisation that its account's administrator may edit (commission, below).
ORGANIZATION_FIELDS = (
    "name",
    "unified_social_credit_code",
    "institution_type",
    "grade",
    "address",
    "contact_name",
    "contact_phone",
    "email",
)
ACCOUNT_FIELDS = ("name", "phone", "email")


def _revoke_tokens(user_ids) -> None:
    AuthToken.objects.filter(user_id__in=list(user_ids), revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def _actor_org(actor: Actor) -> Organization:
    org = Organization.objects.select_related("region").filter(pk=actor.organization_id).first()
    if org is None:
        raise PermissionDenied()
    return org


def require_commission(actor: Actor) -> None:
    if not actor.is_commission:
        raise PermissionDenied(_("只有卫生健康行政部门可以执行该操作。"), code="commission_only")


def _audit(action: str, *, caller, request, membership: Membership | None = None, target=None, data=None):
    org = membership.organization if membership is not None else None
    audit_record(
        action=action,
        actor=caller,
        request=request,
        organization_id=org.id if org else None,
        region_path=org.region_path if org else "",
        target=target,
        data=data or {},
    )


@dataclass
class Managed:
    """An account the actor may change, with the memberships through which it may."""

    user: User
    memberships: list[Membership] = field(default_factory=list)

    @property
    def primary(self) -> Membership:
        return self.memberships[0]


def _manageable(*, actor: Actor, user_ids, lock: bool = False) -> dict:
    """{user id: Managed} for every given user, or NotFound (one is not administered by the actor) or
    PermissionDenied (visible, but the actor may not change it). Checks all before anything is written."""
    wanted = list(dict.fromkeys(str(u) for u in user_ids))
    try:
        visible = account_selectors.account_memberships_for_actor(actor=actor, user_ids=wanted)
    except (ValueError, TypeError, ValidationError) as exc:
        raise NotFound() from exc
    by_user: dict = {}
    for m in visible:
        by_user.setdefault(m.user_id, []).append(m)
    if len(by_user) != len(wanted):
        raise NotFound()
    actor_org = _actor_org(actor)
    active: dict = {}
    for m in account_selectors.active_memberships_of(by_user):
        active.setdefault(m.user_id, []).append(m)
    result = {}
    for user_id, memberships in by_user.items():
        grantable = [
            m
            for m in memberships
            if may_grant(
                granter_role=actor.role, granter_org=actor_org, role=m.role, target_org=m.organization
            )
        ]
        if not grantable:
            raise PermissionDenied(_("您无权管理该账号。"), code="account_not_manageable")
        grantable_ids = {m.id for m in grantable}
        for m in active.get(user_id, []):
            if m.id in grantable_ids:
                continue
            if not account_selectors.organization_is_below(actor, m.organization):
                raise PermissionDenied(
                    _("该账号还属于您管辖范围以外的机构或角色，不能在此修改。"),
                    code="account_outside_jurisdiction",
                )
        result[user_id] = Managed(user=memberships[0].user, memberships=grantable)
    if lock:
        users = {u.pk: u for u in User.objects.select_for_update().filter(pk__in=list(result))}
        for user_id, managed in result.items():
            managed.user = users[user_id]
    return result


def _manage_one(*, actor: Actor, user_id, lock: bool = True) -> Managed:
    return next(iter(_manageable(actor=actor, user_ids=[user_id], lock=lock).values()))


# --- organisations created with their account ---------------------------------------------------------


def _clean_uscc(code: str, *, attr: str, exclude_pk=None) -> str:
    code = check_uscc(code, attr=attr)
    taken = Organization.objects.filter(unified_social_credit_code=code)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise Conflict(_("该统一社会信用代码已被其他机构使用。"), code="uscc_taken", attr=attr)
    return code


def _region_in_jurisdiction(actor: Actor, code: str, *, attr: str) -> Region:
    region = Region.objects.filter(code=(code or "").strip()).first()
    if region is None:
        raise ApplicationError(_("行政区划代码不存在。"), code="unknown_region", attr=attr)
    if not region.path.startswith(actor.region_path or "\0"):
        raise ApplicationError(
            _("该行政区划不在您的管辖范围内。"), code="region_outside_jurisdiction", attr=attr
        )
    return region


def _new_organization(*, actor: Actor, data: dict) -> Organization:
    """An unsaved organisation below a commission, its region checked."""
    require_commission(actor)
    region = _region_in_jurisdiction(actor, data.get("region_code", ""), attr="organization.region_code")
    kind = data["kind"]
    org = Organization(
        kind=kind,
        name=data["name"],
        region=region,
        region_path=region.path,
        **{
            f: data.get(f, "") for f in ORGANIZATION_FIELDS if f not in {"name", "unified_social_credit_code"}
        },
    )
    return org


def _check_new_organization(org: Organization, data: dict) -> None:
    """Uniqueness of a new organisation (one commission per region, USCC), once the role is known to be
    grantable there."""
    if (
        org.kind == OrganizationKind.COMMISSION
        and Organization.objects.filter(kind=org.kind, region=org.region).exists()
    ):
        raise Conflict(
            _("该行政区划已有卫生健康行政部门。"),
            code="commission_exists",
            attr="organization.region_code",
        )
    uscc = data.get("unified_social_credit_code") or ""
    if uscc or org.kind != OrganizationKind.COMMISSION:
        org.unified_social_credit_code = _clean_uscc(uscc, attr="organization.unified_social_credit_code")


@transaction.atomic
def account_create(
    *,
    actor: Actor,
    caller: User,
    username: str,
    name: str,
    role: str | None = None,
    phone: str = "",
    email: str = "",
    password: str | None = None,
    organization_id=None,
    organization: dict | None = None,
    request=None,
) -> tuple[User, Membership, str | None]:
    """Create an account with a role in an organisation the actor administers, or together with a new
    organisation below a commission (`organization`: kind, name, region_code, USCC, type, grade, ...).

    The role defaults to the organisation's administrator role. Refuses roles the actor may not grant (403
    `role_not_grantable`), a taken username or USCC (409), an unknown region or one outside the jurisdiction
    (400). The account must change its password at first login. Returns (user, membership, the generated
    password or None when one was given). Audited: `accounts.created` (and `organizations.created`).
    """
    if organization_id is not None:
        target = account_selectors.organization_for_accounts(actor=actor, organization_id=organization_id)
        new_org = None
    elif organization:
        target = new_org = _new_organization(actor=actor, data=organization)
    else:
        raise ApplicationError(
            _("请选择机构或填写新机构信息。"), code="organization_required", attr="organization_id"
        )
    if not role:
        role = _admin_role(target)
    if not may_grant(granter_role=actor.role, granter_org=_actor_org(actor), role=role, target_org=target):
        raise PermissionDenied(_("您不能授予该角色。"), code="role_not_grantable", attr="role")
    if new_org is not None:
        _check_new_organization(new_org, organization)
    if account_selectors.username_taken(username):
        raise Conflict(_("该用户名已被使用。"), code="username_taken", attr="username")
    if new_org is not None:
        new_org.save()
        audit_record(
            action="organizations.created",
            actor=caller,
            request=request,
            organization_id=new_org.id,
            region_path=new_org.region_path,
            target=new_org,
            data={"kind": new_org.kind, "name": new_org.name},
        )
    user = User(username=username, name=name, phone=phone, email=email, must_change_password=True)
    generated = None
    if password:
        password_policy_check(user=user, password=password, attr="password")
    else:
        password = generated = generate_password()
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save()
    password_history_record(user=user, at=user.password_changed_at)
    membership = Membership.objects.create(user=user, organization=target, role=role)
    _audit(
        "accounts.created",
        caller=caller,
        request=request,
        membership=membership,
        target=user,
        data={"username": username, "role": role, "organization": str(target.id)},
    )
    return user, membership, generated


def _admin_role(org: Organization) -> str:
    if org.kind == OrganizationKind.COMMISSION:
        return ADMIN_ROLE_BY_LEVEL.get(org.region.level, "")
    return ADMIN_ROLE_BY_KIND.get(org.kind, "")


@transaction.atomic
def account_update(
    *,
    actor: Actor,
    caller: User,
    user_id,
    membership_id=None,
    role: str | None = None,
    organization: dict | None = None,
    request=None,
    **fields,
) -> User:
    """Edit an account: name, phone, email; its role (within may_grant); and, for a commission editing the
    account of an institution or industry organisation below it, that organisation's basic information.

    `membership_id` names the membership that role and organisation changes apply to when the account holds
    several the actor may change. Audited: `accounts.updated`, `accounts.role_changed`,
    `organizations.updated`.
    """
    managed = _manage_one(actor=actor, user_id=user_id)
    user = managed.user
    membership = managed.primary
    if membership_id is not None:
        membership = next((m for m in managed.memberships if str(m.id) == str(membership_id)), None)
        if membership is None:
            raise NotFound(attr="membership_id")
    elif (role or organization) and len(managed.memberships) > 1:
        raise ApplicationError(
            _("该账号有多个角色，请指定要修改的角色。"), code="membership_required", attr="membership_id"
        )
    changed = [f for f in ACCOUNT_FIELDS if f in fields and fields[f] != getattr(user, f)]
    for f in changed:
        setattr(user, f, fields[f])
    if changed:
        user.save(update_fields=changed)
        _audit(
            "accounts.updated",
            caller=caller,
            request=request,
            membership=membership,
            target=user,
            data={"fields": changed},
        )
    if role and role != membership.role:
        _change_role(actor=actor, caller=caller, membership=membership, role=role, request=request)
    if organization:
        _update_organization(
            actor=actor, caller=caller, membership=membership, data=organization, request=request
        )
    return user


def _change_role(*, actor: Actor, caller: User, membership: Membership, role: str, request) -> None:
    if not may_grant(
        granter_role=actor.role, granter_org=_actor_org(actor), role=role, target_org=membership.organization
    ):
        raise PermissionDenied(_("您不能授予该角色。"), code="role_not_grantable", attr="role")
    if Membership.objects.filter(
        user_id=membership.user_id, organization=membership.organization, role=role
    ).exists():
        raise Conflict(_("该账号在本机构已有此角色。"), code="role_exists", attr="role")
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    _audit(
        "accounts.role_changed",
        caller=caller,
        request=request,
        membership=membership,
        target=membership.user,
        data={"from": old, "to": role},
    )


def _update_organization(*, actor: Actor, caller: User, membership: Membership, data: dict, request) -> None:
    org = membership.organization
    if not (org.kind in ADMIN_ROLE_BY_KIND and account_selectors.organization_is_below(actor, org)):
        raise PermissionDenied(
            _("只能修改下级医疗卫生机构或行业组织的信息。"),
            code="organization_not_editable",
            attr="organization",
        )
    org = Organization.objects.select_for_update().get(pk=org.pk)
    if "unified_social_credit_code" in data:
        data = {
            **data,
            "unified_social_credit_code": _clean_uscc(
                data["unified_social_credit_code"],
                attr="organization.unified_social_credit_code",
                exclude_pk=org.pk,
            ),
        }
    changed = [f for f in ORGANIZATION_FIELDS if f in data and data[f] != getattr(org, f)]
    if not changed:
        return
    for f in changed:
        setattr(org, f, data[f])
    org.save(update_fields=[*changed, "updated_at"])
    audit_record(
        action="organizations.updated",
        actor=caller,
        request=request,
        organization_id=org.id,
        region_path=org.region_path,
        target=org,
        data={"fields": changed},
    )


# --- state and passwords ------------------------------------------------------------------------------


@transaction.atomic
def account_activate(*, actor: Actor, caller: User, user_id, request=None) -> tuple[User, str | None]:
    """Enable an account. One that never had a password (imported) gets a random initial password, returned
    once, to be changed at first login. Audited: `accounts.activated`."""
    managed = _manage_one(actor=actor, user_id=user_id)
    user = managed.user
    password = None
    fields = ["is_active", "failed_login_count", "locked_until"]
    if not user.has_usable_password():
        password = generate_password()
        password_set(user=user, password=password, must_change=True, check_policy=False)
    user.is_active = True
    user.failed_login_count = 0
    user.locked_until = None
    user.save(update_fields=fields)
    _audit(
        "accounts.activated",
        caller=caller,
        request=request,
        membership=managed.primary,
        target=user,
        data={"initial_password": password is not None},
    )
    return user, password


@dataclass
class BulkActivation:
    activated: list = field(default_factory=list)  # user ids now active
    given_password: list = field(default_factory=list)  # user ids that received the initial password
    password: str | None = None  # the one initial password, shown once; None when nobody needed it


@transaction.atomic
def accounts_bulk_activate(*, actor: Actor, caller: User, user_ids, request=None) -> BulkActivation:
    """Activate many accounts. Those that never had a password all get ONE random initial password, hashed
    once (the hash is shared), to be changed at first login. All or nothing: one account out of reach is a
    NotFound, one the actor may not change a PermissionDenied, and nothing is changed.
    Audited: `accounts.activated` for each account."""
    managed = _manageable(actor=actor, user_ids=user_ids, lock=True)
    result = BulkActivation()
    needing = [uid for uid, m in managed.items() if not m.user.has_usable_password()]
    if needing:
        result.password = generate_password()
        encoded = make_password(result.password)  # once, for all of them
        User.objects.filter(pk__in=needing).update(password=encoded, must_change_password=True)
        result.given_password = needing
    User.objects.filter(pk__in=list(managed)).update(is_active=True, failed_login_count=0, locked_until=None)
    result.activated = list(managed)
    for uid, m in managed.items():
        _audit(
            "accounts.activated",
            caller=caller,
            request=request,
            membership=m.primary,
            target=m.user,
            data={"bulk": True, "initial_password": uid in needing},
        )
    return result


@transaction.atomic
def account_deactivate(*, actor: Actor, caller: User, user_id, request=None) -> User:
    """Disable an account: it cannot log in, its tokens are revoked. Audited: `accounts.deactivated`."""
    managed = _manage_one(actor=actor, user_id=user_id)
    user = managed.user
    user.is_active = False
    user.save(update_fields=["is_active"])
    _revoke_tokens([user.pk])
    _audit("accounts.deactivated", caller=caller, request=request, membership=managed.primary, target=user)
    return user


@transaction.atomic
def account_delete(*, actor: Actor, caller: User, user_id, request=None) -> None:
    """Delete an account, softly: stamped deleted, inactive, its memberships ended, its tokens revoked. The
    row stays (audit, history) and its username stays taken. Audited: `accounts.deleted`."""
    managed = _manage_one(actor=actor, user_id=user_id)
    user = managed.user
    user.deleted_at = timezone.now()
    user.is_active = False
    user.save(update_fields=["deleted_at", "is_active"])
    Membership.objects.filter(user=user, is_active=True).update(is_active=False, updated_at=timezone.now())
    _revoke_tokens([user.pk])
    _audit(
        "accounts.deleted",
        caller=caller,
        request=request,
        membership=managed.primary,
        target=user,
        data={"username": user.username},
    )


@transaction.atomic
def account_password_reset(*, actor: Actor, caller: User, user_id, request=None) -> str:
    """Give an account a new random password (returned once), to be changed at the next login; unlocks it
    and revokes all its tokens. Audited: `accounts.password_reset`."""
    managed = _manage_one(actor=actor, user_id=user_id)
    user = managed.user
    password = generate_password()
    password_set(user=user, password=password, must_change=True, check_policy=False)  # revokes all tokens
    user.failed_login_count = 0
    user.locked_until = None
    user.save(update_fields=["failed_login_count", "locked_until"])
    _audit("accounts.password_reset", caller=caller, request=request, membership=managed.primary, target=user)
    return password


# --- organisations: may they apply to be an assessment body -------------------------------------------


@transaction.atomic
def organizations_set_may_apply(
    *, actor: Actor, caller: User, organization_ids, allow: bool, request=None
) -> int:
    """Allow or disallow institutions and industry organisations below a commission to apply to be an
    assessment body. All or nothing: any ID not below the commission is a NotFound and nothing changes.
    Audited: `organizations.may_apply_allowed` / `organizations.may_apply_disallowed` for each."""
    require_commission(actor)
    wanted = set(map(str, organization_ids))
    orgs = list(
        account_selectors.organizations_below_for_actor(
            actor=actor, organization_ids=wanted
        ).select_for_update()
    )
    if len(orgs) != len(wanted):
        raise NotFound()
    Organization.objects.filter(pk__in=[o.pk for o in orgs]).update(
        may_apply_assessment_body=allow, updated_at=timezone.now()
    )
    action = "organizations.may_apply_allowed" if allow else "organizations.may_apply_disallowed"
    for org in orgs:
        audit_record(
            action=action,
            actor=caller,
            request=request,
            organization_id=org.id,
            region_path=org.region_path,
            target=org,
            data={"before": org.may_apply_assessment_body},
        )
    return len(orgs)


# --- import -------------------------------------------------------------------------------------------

KIND_BY_LABEL = {
    "医疗卫生机构": OrganizationKind.INSTITUTION,
    "行业组织": OrganizationKind.INDUSTRY_ORG,
    OrganizationKind.INSTITUTION.value: OrganizationKind.INSTITUTION,
    OrganizationKind.INDUSTRY_ORG.value: OrganizationKind.INDUSTRY_ORG,
}
IMPORT_REQUIRED = ("name", "kind", "region_code", "unified_social_credit_code", "username", "admin_name")


def _row_error(row: int, attr: str, code: str, detail: str) -> dict:
    return {"row": row, "attr": attr, "code": code, "detail": str(detail)}


def accounts_import_validate(*, actor: Actor, rows: list[tuple[int, dict]]) -> tuple[list[dict], list[dict]]:
    """Check every row of an import of institutions or industry organisations with their administrator
    account. Returns (clean rows, errors); clean rows carry the region and the role."""
    errors: list[dict] = []
    clean: list[dict] = []
    if not actor.is_commission:
        raise PermissionDenied(_("只有卫生健康行政部门可以执行该操作。"), code="commission_only")
    actor_org = _actor_org(actor)
    regions = {r.code: r for r in Region.objects.filter(code__in={r.get("region_code", "") for _, r in rows})}
    usccs, usernames = {}, {}
    for number, record in rows:
        before = len(errors)
        for attr in IMPORT_REQUIRED:
            if not record.get(attr):
                errors.append(_row_error(number, attr, "required", _("必填。")))
        kind = KIND_BY_LABEL.get(record.get("kind", ""))
        if record.get("kind") and kind is None:
            errors.append(
                _row_error(number, "kind", "invalid_kind", _("机构类别须为“医疗卫生机构”或“行业组织”。"))
            )
        region = regions.get(record.get("region_code", ""))
        if record.get("region_code") and region is None:
            errors.append(_row_error(number, "region_code", "unknown_region", _("行政区划代码不存在。")))
        elif region is not None and not region.path.startswith(actor.region_path):
            errors.append(
                _row_error(
                    number, "region_code", "region_outside_jurisdiction", _("该行政区划不在您的管辖范围内。")
                )
            )
        uscc = (record.get("unified_social_credit_code") or "").upper()
        if uscc:
            try:
                uscc = check_uscc(uscc)
            except ApplicationError as exc:
                errors.append(_row_error(number, "unified_social_credit_code", "invalid_uscc", exc.detail))
            else:
                if uscc in usccs:
                    errors.append(
                        _row_error(
                            number,
                            "unified_social_credit_code",
                            "duplicate_in_file",
                            _("与第 %(row)d 行重复。") % {"row": usccs[uscc]},
                        )
                    )
                usccs.setdefault(uscc, number)
        username = record.get("username", "")
        if username:
            if username in usernames:
                errors.append(
                    _row_error(
                        number,
                        "username",
                        "duplicate_in_file",
                        _("与第 %(row)d 行重复。") % {"row": usernames[username]},
                    )
                )
            usernames.setdefault(username, number)
        for attr, limit in (("name", 128), ("username", 64), ("admin_name", 64), ("address", 255)):
            if len(record.get(attr, "")) > limit:
                errors.append(
                    _row_error(number, attr, "too_long", _("不能超过 %(n)d 个字符。") % {"n": limit})
                )
        if len(errors) == before and kind and region is not None:
            role = ADMIN_ROLE_BY_KIND[kind]
            target = Organization(kind=kind, region=region, region_path=region.path)
            if not may_grant(granter_role=actor.role, granter_org=actor_org, role=role, target_org=target):
                errors.append(_row_error(number, "kind", "role_not_grantable", _("您不能授予该角色。")))
            else:
                clean.append(
                    {
                        **record,
                        "row": number,
                        "kind": kind,
                        "region": region,
                        "role": role,
                        "unified_social_credit_code": uscc,
                    }
                )
    taken_uscc = set(
        Organization.objects.filter(unified_social_credit_code__in=list(usccs)).values_list(
            "unified_social_credit_code", flat=True
        )
    )
    taken_names = set(User.objects.filter(username__in=list(usernames)).values_list("username", flat=True))
    for uscc in sorted(taken_uscc):
        errors.append(
            _row_error(
                usccs[uscc],
                "unified_social_credit_code",
                "uscc_taken",
                _("该统一社会信用代码已被其他机构使用。"),
            )
        )
    for username in sorted(taken_names):
        errors.append(_row_error(usernames[username], "username", "username_taken", _("该用户名已被使用。")))
    errors.sort(key=lambda e: (e["row"], e["attr"]))
    return clean, errors


@transaction.atomic
def accounts_import_store(*, actor: Actor, caller: User, clean: list[dict]) -> int:
    """Store checked import rows in one transaction: each organisation with its administrator account,
    inactive and without a usable password (never hashed per row; activated later in bulk).
    Audited: `accounts.created` for each row (with the organisation it made), `accounts.imported` once."""
    orgs, users, memberships = [], [], []
    for row in clean:
        org = Organization(
            kind=row["kind"],
            name=row["name"],
            region=row["region"],
            region_path=row["region"].path,
            unified_social_credit_code=row["unified_social_credit_code"],
            institution_type=row.get("institution_type", "")[:32],
            grade=row.get("grade", "")[:16],
            address=row.get("address", "")[:255],
            contact_name=row.get("contact_name", "")[:64],
            contact_phone=row.get("contact_phone", "")[:32],
            status=OrganizationStatus.ACTIVE,
        )
        user = User(
            username=row["username"],
            name=row["admin_name"],
            is_active=False,
            must_change_password=True,
        )
        user.set_unusable_password()  # a random marker, no hashing
        orgs.append(org)
        users.append(user)
        memberships.append(Membership(user=user, organization=org, role=row["role"]))
    Organization.objects.bulk_create(orgs, batch_size=500)
    User.objects.bulk_create(users, batch_size=500)
    Membership.objects.bulk_create(memberships, batch_size=500)
    for org, user in zip(orgs, users, strict=True):
        audit_record(
            action="accounts.created",
            actor=caller,
            organization_id=org.id,
            region_path=org.region_path,
            target=user,
            data={"username": user.username, "imported": True, "organization_created": org.name},
        )
    audit_record(
        action="accounts.imported",
        actor=caller,
        organization_id=actor.organization_id,
        region_path=actor.region_path or "",
        data={"rows": len(clean)},
    )
    return len(clean)

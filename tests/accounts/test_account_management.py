"""Delegated account management: who sees, creates and changes which accounts (province > cities > counties >
institutions and industry organisations), and what each change does."""

import pytest

from accounts.models import AuthToken, Membership, User
from audit.models import AuditEvent
from organizations.models import Organization
from organizations.validators import uscc_with_check
from tests.audit import fixtures
from tests.audit.fixtures import make_user
from tests.conftest import PASSWORD, login

delegation = fixtures.delegation  # the fixture, for this module
pytestmark = pytest.mark.usefixtures("delegation")


def _usernames(response):
    assert response.status_code == 200, response.content
    return {row["username"] for row in response.json()["results"]}


def _errors(response):
    return [(e["code"], e["attr"]) for e in response.json()["errors"]]


# --- authorisation matrix -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/accounts/"),
        ("post", "/api/v1/accounts/"),
        ("get", "/api/v1/accounts/{id}/"),
        ("patch", "/api/v1/accounts/{id}/"),
        ("delete", "/api/v1/accounts/{id}/"),
        ("post", "/api/v1/accounts/{id}/activate/"),
        ("post", "/api/v1/accounts/{id}/deactivate/"),
        ("post", "/api/v1/accounts/{id}/reset-password/"),
        ("post", "/api/v1/accounts/bulk-activate/"),
        ("post", "/api/v1/accounts/import/"),
        ("get", "/api/v1/accounts/import-template/"),
        ("post", "/api/v1/accounts/export/"),
        ("post", "/api/v1/organizations/bulk-allow-apply/"),
        ("post", "/api/v1/organizations/bulk-disallow-apply/"),
    ],
)
def test_anonymous_gets_401_and_a_doctor_403(world, delegation, method, path):
    # given an account's path
    path = path.format(id=world.admin_a.id)
    before = (
        User.objects.count(),
        AuditEvent.objects.count(),
        User.objects.get(pk=world.admin_a.pk).password,
    )
    from rest_framework.test import APIClient

    # when anonymous and a doctor call it
    anonymous = getattr(APIClient(), method)(path, {}, format="json")
    doctor = getattr(login("doctor_a"), method)(path, {}, format="json")

    # then 401 and 403, and nothing changed (the doctor's login is the only new audit row)
    assert anonymous.status_code == 401
    assert doctor.status_code == 403
    assert _errors(doctor) == [("permission_denied", None)]
    after = (
        User.objects.count(),
        AuditEvent.objects.count() - 1,
        User.objects.get(pk=world.admin_a.pk).password,
    )
    assert after == before


# --- list ---------------------------------------------------------------------------------------------


def test_a_city_commission_lists_the_accounts_below_it_with_phones_masked(world, delegation):
    # given a hospital administrator with a phone number
    User.objects.filter(pk=world.admin_a.pk).update(phone="13812345678")

    # when the city commission lists
    response = login("city_x_admin").get("/api/v1/accounts/", {"page_size": 100})

    # then it sees the administrators of its hospitals, county commission and industry organisation only
    assert _usernames(response) == {"admin_a", "h2_county", "h2_county_hosp", "h2_industry"}
    row = next(r for r in response.json()["results"] if r["username"] == "admin_a")
    assert row["phone"] == "138****5678"
    assert row["organization"]["id"] == str(world.hospital_a.id)
    assert row["role"] == "hospital_admin"
    # and the query of personal data is audited
    assert AuditEvent.objects.filter(action="accounts.listed", actor_id=world.city_admin.id).exists()


def test_a_county_commission_lists_only_its_county(world, delegation):
    response = login("h2_county").get("/api/v1/accounts/")
    assert _usernames(response) == {"h2_county_hosp"}


def test_the_province_lists_cities_counties_and_institutions(world, delegation):
    names = _usernames(login("h2_province").get("/api/v1/accounts/", {"page_size": 100}))
    assert names == {"admin_a", "admin_b", "city_x_admin", "h2_county", "h2_county_hosp", "h2_industry"}


def test_a_hospital_admin_lists_the_accounts_of_its_own_hospital(world, delegation):
    names = _usernames(login("admin_a").get("/api/v1/accounts/"))
    assert names == {"admin_a", "doctor_a"}
    assert _usernames(login("h2_industry").get("/api/v1/accounts/")) == {"h2_industry", "h2_industry_expert"}


def test_the_list_filters(world, delegation):
    # given a deactivated account and a county hospital allowed to apply
    client = login("city_x_admin")
    User.objects.filter(pk=delegation.industry_admin.pk).update(is_active=False)
    Organization.objects.filter(pk=delegation.county_hospital.pk).update(may_apply_assessment_body=True)

    # then each filter narrows the list
    assert _usernames(client.get("/api/v1/accounts/", {"kind": "industry_org"})) == {"h2_industry"}
    assert _usernames(client.get("/api/v1/accounts/", {"region_code": "330106"})) == {
        "h2_county",
        "h2_county_hosp",
    }
    assert _usernames(client.get("/api/v1/accounts/", {"organization": "西湖区人民"})) == {"h2_county_hosp"}
    assert _usernames(client.get("/api/v1/accounts/", {"search": "西湖医院"})) == {"h2_county_hosp"}
    assert _usernames(client.get("/api/v1/accounts/", {"role": "county_admin"})) == {"h2_county"}
    assert _usernames(client.get("/api/v1/accounts/", {"is_active": "false"})) == {"h2_industry"}
    assert _usernames(client.get("/api/v1/accounts/", {"may_apply_assessment_body": "true"})) == {
        "h2_county_hosp"
    }
    assert _usernames(client.get("/api/v1/accounts/", {"region_code": "330200"})) == set()
    assert client.get("/api/v1/accounts/", {"kind": "planet"}).status_code == 400


# --- detail -------------------------------------------------------------------------------------------


def test_a_city_commission_views_an_account_below_it_but_not_in_another_city(world, delegation):
    client = login("city_x_admin")

    # when it reads one of its hospitals' administrators and one of another city's
    own = client.get(f"/api/v1/accounts/{world.admin_a.id}/")
    other = client.get(f"/api/v1/accounts/{world.admin_b.id}/")

    # then the first is served (and the read audited), the second does not exist for it
    assert own.status_code == 200
    assert own.json()["memberships"][0]["organization"]["name"] == "杭州市第一人民医院"
    assert AuditEvent.objects.filter(action="accounts.read", target_id=str(world.admin_a.id)).exists()
    assert other.status_code == 404
    assert client.get(f"/api/v1/accounts/{world.doctor_a.id}/").status_code == 404


# --- create -------------------------------------------------------------------------------------------


def _new_institution(**extra):
    return {
        "username": "h2_new_hosp",
        "name": "新医院管理员",
        "organization": {
            "kind": "institution",
            "name": "西湖区第二医院",
            "region_code": "330106",
            "unified_social_credit_code": uscc_with_check("12330106H00000002"),
            "institution_type": "综合医院",
            "grade": "二级甲等",
            "address": "杭州市西湖区某路1号",
            "contact_name": "王五",
            "contact_phone": "0571-88888888",
        },
        **extra,
    }


def test_a_commission_creates_an_institution_with_its_account(world, delegation):
    # when the city commission adds an institution and its administrator
    response = login("city_x_admin").post("/api/v1/accounts/", _new_institution(), format="json")

    # then both exist, the account holds the administrator role and a one-time initial password
    assert response.status_code == 201, response.content
    body = response.json()
    password = body["initial_password"]
    assert password
    org = Organization.objects.get(name="西湖区第二医院")
    assert (org.kind, org.region_path, org.grade) == ("institution", delegation.county.path, "二级甲等")
    user = User.objects.get(username="h2_new_hosp")
    assert user.must_change_password
    assert Membership.objects.get(user=user).role == "hospital_admin"
    assert body["memberships"][0]["organization"]["id"] == str(org.id)
    # and it can log in with that password, and must change it
    assert login("h2_new_hosp", password) is not None
    assert set(AuditEvent.objects.filter(organization_id=org.id).values_list("action", flat=True)) >= {
        "organizations.created",
        "accounts.created",
    }


def test_a_commission_creates_a_county_commission_account(world, delegation):
    # given a county without a commission
    from organizations.models import Region

    Region.objects.create(
        code="330108", name="滨江区", level="county", parent=world.city_x, path=world.city_x.path + "330108/"
    )
    body = {
        "username": "h2_binjiang",
        "name": "滨江区卫健局",
        "role": "county_admin",
        "password": "Aa123456!x",
        "organization": {"kind": "commission", "name": "杭州市滨江区卫生健康局", "region_code": "330108"},
    }

    # when the city creates it
    response = login("city_x_admin").post("/api/v1/accounts/", body, format="json")

    # then it exists with the given password, not echoed back
    assert response.status_code == 201, response.content
    assert response.json()["initial_password"] is None
    assert User.objects.get(username="h2_binjiang").check_password("Aa123456!x")


@pytest.mark.parametrize(
    ("who", "body", "status", "code"),
    [
        # roles above or beside the granter
        (
            "city_x_admin",
            {"role": "city_admin", "organization_kind": "commission"},
            403,
            "role_not_grantable",
        ),
        ("city_x_admin", {"role": "province_admin"}, 403, "role_not_grantable"),
        ("h2_county", {"role": "county_admin", "own": True}, 403, "role_not_grantable"),
        ("h2_county", {"role": "doctor"}, 403, "role_not_grantable"),
        ("admin_a", {"role": "hospital_admin", "org": "hospital_a"}, 403, "role_not_grantable"),
        # organisations outside the jurisdiction do not exist for the caller
        ("city_x_admin", {"org": "hospital_b"}, 404, "not_found"),
        ("h2_county", {"org": "hospital_a"}, 404, "not_found"),
        ("h2_county", {"org": "city_commission"}, 404, "not_found"),
        ("admin_a", {"role": "doctor", "org": "hospital_b"}, 404, "not_found"),
        # only commissions create organisations
        ("admin_a", {}, 403, "commission_only"),
    ],
)
def test_nobody_grants_a_role_they_may_not_grant(world, delegation, who, body, status, code):
    # given a request for an account
    payload = _new_institution()
    if body.get("organization_kind") == "commission":
        payload["organization"] = {"kind": "commission", "name": "某卫健委", "region_code": "330106"}
    orgs = {
        "hospital_a": world.hospital_a,
        "hospital_b": world.hospital_b,
        "city_commission": world.commission_x,
    }
    if body.get("own"):
        payload.pop("organization")
        payload["organization_id"] = str(delegation.county_commission.id)
    if "org" in body:
        payload.pop("organization")
        payload["organization_id"] = str(orgs[body["org"]].id)
    if "role" in body:
        payload["role"] = body["role"]
    before = (User.objects.count(), Organization.objects.count(), Membership.objects.count())

    # when the caller asks for it
    response = login(who).post("/api/v1/accounts/", payload, format="json")

    # then it is refused and nothing was created
    assert response.status_code == status, response.content
    assert response.json()["errors"][0]["code"] == code
    assert (User.objects.count(), Organization.objects.count(), Membership.objects.count()) == before


def test_a_hospital_admin_creates_a_doctor_account_in_its_own_hospital(world, delegation):
    response = login("admin_a").post(
        "/api/v1/accounts/",
        {
            "username": "h2_doc",
            "name": "新医生",
            "role": "doctor",
            "organization_id": str(world.hospital_a.id),
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert Membership.objects.get(user__username="h2_doc").organization_id == world.hospital_a.id


@pytest.mark.parametrize(
    ("change", "status", "code", "attr"),
    [
        ({"region_code": "999999"}, 400, "unknown_region", "organization.region_code"),
        ({"region_code": "330200"}, 400, "region_outside_jurisdiction", "organization.region_code"),
        (
            {"unified_social_credit_code": "12330106H00000002?"},
            400,
            "invalid_uscc",
            "organization.unified_social_credit_code",
        ),
        (
            {"unified_social_credit_code": "12330100A000000013"},
            409,
            "uscc_taken",
            "organization.unified_social_credit_code",
        ),
        ({"username": "admin_b"}, 409, "username_taken", "username"),
    ],
)
def test_bad_organisation_data_is_refused_and_nothing_is_stored(
    world, delegation, change, status, code, attr
):
    # given a new institution with one bad value
    payload = _new_institution()
    if "username" in change:
        payload.update(change)
    else:
        payload["organization"].update(change)
    before = (User.objects.count(), Organization.objects.count())

    # when the city creates it
    response = login("city_x_admin").post("/api/v1/accounts/", payload, format="json")

    # then a clear error, and nothing stored
    assert response.status_code == status, response.content
    assert _errors(response) == [(code, attr)]
    assert (User.objects.count(), Organization.objects.count()) == before


# --- edit ---------------------------------------------------------------------------------------------


def test_a_commission_edits_an_institution_account_and_its_organisation(world, delegation):
    # when the city edits the county hospital's administrator and the hospital's basic information
    response = login("city_x_admin").patch(
        f"/api/v1/accounts/{delegation.county_hosp_admin.id}/",
        {
            "name": "新名字",
            "phone": "13911112222",
            "organization": {"address": "新地址", "grade": "三级乙等"},
        },
        format="json",
    )

    # then both changed and the changes are audited
    assert response.status_code == 200, response.content
    user = User.objects.get(pk=delegation.county_hosp_admin.pk)
    assert (user.name, user.phone) == ("新名字", "13911112222")
    assert response.json()["phone"] == "139****2222"
    org = Organization.objects.get(pk=delegation.county_hospital.pk)
    assert (org.address, org.grade) == ("新地址", "三级乙等")
    actions = set(AuditEvent.objects.filter(organization_id=org.id).values_list("action", flat=True))
    assert {"accounts.updated", "organizations.updated"} <= actions


def test_a_role_changes_only_within_what_the_caller_may_grant(world, delegation):
    # when the city tries to make a hospital administrator a doctor
    city = login("city_x_admin")
    refused = city.patch(f"/api/v1/accounts/{world.admin_a.id}/", {"role": "doctor"}, format="json")

    # then it is refused and the role stays
    assert refused.status_code == 403
    assert _errors(refused) == [("role_not_grantable", "role")]
    assert Membership.objects.filter(user=world.admin_a, role="hospital_admin").exists()

    # and the hospital may make its doctor a medical affairs officer, but not edit the hospital through it
    hospital = login("admin_a")
    ok = hospital.patch(f"/api/v1/accounts/{world.doctor_a.id}/", {"role": "medical_affairs"}, format="json")
    assert ok.status_code == 200, ok.content
    assert Membership.objects.get(user=world.doctor_a).role == "medical_affairs"
    org_edit = hospital.patch(
        f"/api/v1/accounts/{world.doctor_a.id}/", {"organization": {"name": "改名"}}, format="json"
    )
    assert org_edit.status_code == 403
    assert Organization.objects.get(pk=world.hospital_a.pk).name == "杭州市第一人民医院"


@pytest.mark.parametrize(
    ("who", "target", "status"),
    [
        ("city_x_admin", "admin_b", 404),  # another city
        ("h2_county", "admin_a", 404),  # above the county
        ("admin_a", "admin_b", 404),  # another hospital
        ("admin_a", "h2_county_doctor", 404),
        ("h2_county", "h2_county_doctor", 404),  # doctors are their hospital's business
        ("admin_a", "admin_a", 403),  # oneself: not a role one grants
        ("city_x_admin", "city_x_admin", 404),
    ],
)
@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("patch", ""),
        ("delete", ""),
        ("post", "activate/"),
        ("post", "deactivate/"),
        ("post", "reset-password/"),
    ],
)
def test_accounts_outside_the_callers_administration_are_not_changed(
    world, delegation, who, target, status, method, suffix
):
    # given an account the caller does not administer
    user = User.objects.get(username=target)
    client = login(who)
    before_audit = AuditEvent.objects.count()
    before = User.objects.filter(pk=user.pk).values().get()

    # when the caller changes it
    response = getattr(client, method)(f"/api/v1/accounts/{user.id}/{suffix}", {"name": "x"}, format="json")

    # then it is refused and nothing changed, no audit row
    assert response.status_code == status, response.content
    assert User.objects.filter(pk=user.pk).values().get() == before
    assert AuditEvent.objects.count() == before_audit


# --- state and passwords ------------------------------------------------------------------------------


def test_deactivate_ends_sessions_and_activate_restores(world, delegation):
    # given the county hospital administrator is logged in
    victim = login("h2_county_hosp")
    city = login("city_x_admin")

    # when the city deactivates the account
    response = city.post(f"/api/v1/accounts/{delegation.county_hosp_admin.id}/deactivate/")

    # then it is inactive and its token no longer works
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert victim.get("/api/v1/me/").status_code == 401

    # and after activation it logs in again with its own password (it had one)
    response = city.post(f"/api/v1/accounts/{delegation.county_hosp_admin.id}/activate/")
    assert response.status_code == 200
    assert response.json()["initial_password"] is None
    assert login("h2_county_hosp") is not None
    actions = list(
        AuditEvent.objects.filter(target_id=str(delegation.county_hosp_admin.id))
        .order_by("occurred_at")
        .values_list("action", flat=True)
    )
    assert "accounts.deactivated" in actions
    assert "accounts.activated" in actions


def test_activating_an_account_without_password_gives_it_one(world, delegation):
    user = make_user("h2_imported", delegation.county_hospital, "medical_affairs", password=None)
    User.objects.filter(pk=user.pk).update(is_active=False)

    response = login("h2_county_hosp").post(f"/api/v1/accounts/{user.id}/activate/")

    assert response.status_code == 200, response.content
    password = response.json()["initial_password"]
    assert password
    assert User.objects.get(pk=user.pk).must_change_password
    assert login("h2_imported", password) is not None


def test_delete_is_soft_and_the_username_stays_taken(world, delegation):
    # given the county hospital administrator, logged in
    victim = login("h2_county_hosp")
    city = login("city_x_admin")

    # when the city deletes the account
    response = city.delete(f"/api/v1/accounts/{delegation.county_hosp_admin.id}/")

    # then it is gone from view, inactive, its roles ended, its token dead; the row and username remain
    assert response.status_code == 204
    user = User.objects.get(pk=delegation.county_hosp_admin.pk)
    assert user.deleted_at is not None
    assert not user.is_active
    assert not Membership.objects.filter(user=user, is_active=True).exists()
    assert victim.get("/api/v1/me/").status_code == 401
    assert city.get(f"/api/v1/accounts/{user.id}/").status_code == 404
    assert "h2_county_hosp" not in _usernames(city.get("/api/v1/accounts/"))
    again = city.post("/api/v1/accounts/", _new_institution(username="h2_county_hosp"), format="json")
    assert again.status_code == 409
    assert AuditEvent.objects.filter(action="accounts.deleted", target_id=str(user.id)).exists()


def test_reset_password_gives_a_new_one_once_and_ends_sessions(world, delegation):
    # given the industry administrator, logged in
    victim = login("h2_industry")

    # when the city resets its password
    response = login("city_x_admin").post(f"/api/v1/accounts/{delegation.industry_admin.id}/reset-password/")

    # then the new password works once given, the old one and the old session do not
    assert response.status_code == 200
    password = response.json()["password"]
    assert victim.get("/api/v1/me/").status_code == 401
    user = User.objects.get(pk=delegation.industry_admin.pk)
    assert user.must_change_password
    assert not user.check_password(PASSWORD)
    assert login("h2_industry", password) is not None
    assert AuditEvent.objects.filter(
        action="accounts.password_reset", target_id=str(user.id), organization_id=delegation.industry.id
    ).exists()
    assert AuthToken.objects.filter(user=user, revoked_at__isnull=True).count() == 2  # the new login's pair


def test_an_account_shared_with_another_hospital_is_not_changed_from_one_of_them(world, delegation):
    # given a doctor of hospital A who also holds a role in hospital B
    shared = make_user("h2_shared", world.hospital_a, "doctor")
    Membership.objects.create(user=shared, organization=world.hospital_b, role="doctor")
    before = User.objects.filter(pk=shared.pk).values().get()

    # when hospital A deactivates it
    response = login("admin_a").post(f"/api/v1/accounts/{shared.id}/deactivate/")

    # then refused: hospital B's role would be cut off too
    assert response.status_code == 403
    assert _errors(response) == [("account_outside_jurisdiction", None)]
    assert User.objects.filter(pk=shared.pk).values().get() == before
    # and a commission does not administer doctors at all
    assert login("city_x_admin").get(f"/api/v1/accounts/{shared.id}/").status_code == 404

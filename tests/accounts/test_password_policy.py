"""Password policy (length, character classes, no reuse of the last five), forced change at first login and
after a reset, periodic change for staff, mini-program tokens scoped to the physician."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import AuthToken, PasswordHistory, User
from accounts.roles import Role
from accounts.services import membership_grant, password_change
from audit.models import AuditEvent
from physicians.models import Physician
from tests.conftest import PASSWORD, login

CHANGE = "/api/v1/auth/password/"


def _user(username, *, must_change=False, **extra) -> User:
    user = User(username=username, name=username, must_change_password=must_change, **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


def _login(username, password=PASSWORD, client="web"):
    return APIClient().post(
        "/api/v1/auth/login/", {"username": username, "password": password, "client": client}, format="json"
    )


def _link(physician, user) -> None:
    """Link a registry physician to an account (in the database only: the session's world stays as it is)."""
    Physician.objects.filter(pk=physician.pk).update(user=user)


def _bearer(token) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def staff(world, db):
    user = _user("policy_staff")
    membership_grant(user=user, organization=world.hospital_a, role=Role.MEDICAL_AFFAIRS)
    return user


# --- the policy ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("new_password", "code"),
    [
        ("Ab1!x", "password_policy"),  # too short
        ("abcdefgh", "password_policy"),  # one class
        ("abcdefgh12", "password_policy"),  # two classes
        (PASSWORD, "password_reused"),  # the current one
    ],
)
def test_password_change_refuses_a_password_against_the_policy(staff, new_password, code):
    # given
    client = login("policy_staff")
    # when
    response = client.post(CHANGE, {"old_password": PASSWORD, "new_password": new_password}, format="json")
    # then
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["code"] == code
    assert error["attr"] == "new_password"
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="auth.password_changed", actor_id=staff.id).exists()


def test_wrong_old_password_changes_nothing(staff):
    # given
    client = login("policy_staff")
    # when
    response = client.post(
        CHANGE, {"old_password": "Wr0ng-pass", "new_password": "N3w-Passw0rd"}, format="json"
    )
    # then
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "wrong_password"
    assert client.get("/api/v1/me/").status_code == 200


def test_none_of_the_last_five_passwords_may_be_reused_but_the_sixth_may(staff):
    # given: the initial password, then five changes
    passwords = [PASSWORD] + [f"Passw0rd-{n}" for n in range(1, 6)]
    for old, new in zip(passwords, passwords[1:], strict=False):
        password_change(user=staff, old_password=old, new_password=new)
    current = passwords[-1]
    # when / then: each of the last five (the current one included) is refused
    for reused in passwords[1:]:
        response = login("policy_staff", current).post(
            CHANGE, {"old_password": current, "new_password": reused}, format="json"
        )
        assert response.status_code == 400, reused
        assert response.json()["errors"][0] == {
            "code": "password_reused",
            "detail": response.json()["errors"][0]["detail"],
            "attr": "new_password",
        }
    # the sixth one back is allowed again
    response = login("policy_staff", current).post(
        CHANGE, {"old_password": current, "new_password": PASSWORD}, format="json"
    )
    assert response.status_code == 204
    assert _login("policy_staff", PASSWORD).status_code == 200
    assert PasswordHistory.objects.filter(user=staff).count() == 5


def test_a_password_change_revokes_every_token_mini_program_included_and_is_audited(world, db):
    # given: a physician logged in on the web and in the mini-program
    user = _user("policy_doctor")
    _link(world.physician_b, user)
    web = login("policy_doctor")
    phone = _bearer(_login("policy_doctor", client="miniprogram").json()["access"])
    # when
    response = web.post(CHANGE, {"old_password": PASSWORD, "new_password": "N3w-Passw0rd"}, format="json")
    # then
    assert response.status_code == 204
    assert web.get("/api/v1/me/").status_code == 401
    assert phone.get("/api/v1/me/").status_code == 401
    assert not AuthToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    assert AuditEvent.objects.filter(action="auth.password_changed", actor_id=user.id).exists()


# --- forced change ------------------------------------------------------------------------------------


def test_first_login_must_change_the_password_before_anything_else(world, db):
    # given: a new account (first login)
    _user("policy_new", must_change=True)
    # when
    response = _login("policy_new")
    # then: login works and says so
    assert response.status_code == 200
    body = response.json()
    assert body["must_change_password"] is True
    assert body["password_change_reason"] == "required"
    client = _bearer(body["access"])
    # every other endpoint refuses
    refused = client.get("/api/v1/regions/")
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["code"] == "password_change_required"
    assert client.get("/api/v1/jobs/").json()["errors"][0]["code"] == "password_change_required"
    # /me/ answers and says why
    me = client.get("/api/v1/me/").json()
    assert me["must_change_password"] is True
    assert me["password_change_reason"] == "required"
    # when the password is changed
    assert (
        client.post(
            CHANGE, {"old_password": PASSWORD, "new_password": "N3w-Passw0rd"}, format="json"
        ).status_code
        == 204
    )
    # then a new login reaches everything
    fresh = _login("policy_new", "N3w-Passw0rd").json()
    assert fresh["must_change_password"] is False
    assert fresh["password_change_reason"] is None
    assert _bearer(fresh["access"]).get("/api/v1/regions/").status_code == 200


def test_logout_works_before_the_forced_change(world, db):
    # given
    _user("policy_new2", must_change=True)
    client = _bearer(_login("policy_new2").json()["access"])
    # when
    response = client.post("/api/v1/auth/logout/")
    # then
    assert response.status_code == 204
    assert client.get("/api/v1/me/").status_code == 401


def test_staff_password_older_than_ninety_days_must_be_changed(staff):
    # given
    User.objects.filter(pk=staff.pk).update(password_changed_at=timezone.now() - timedelta(days=91))
    # when
    body = _login("policy_staff").json()
    # then
    assert body["must_change_password"] is True
    assert body["password_change_reason"] == "expired"
    client = _bearer(body["access"])
    assert client.get("/api/v1/regions/").json()["errors"][0]["code"] == "password_change_required"
    assert (
        client.post(
            CHANGE, {"old_password": PASSWORD, "new_password": "N3w-Passw0rd"}, format="json"
        ).status_code
        == 204
    )
    assert login("policy_staff", "N3w-Passw0rd").get("/api/v1/regions/").status_code == 200


def test_staff_password_never_changed_counts_from_the_account_creation(world, db):
    # given: created 100 days ago, never changed, hospital administrator
    user = _user("policy_old_admin", created_at=timezone.now() - timedelta(days=100))
    membership_grant(user=user, organization=world.hospital_a, role=Role.HOSPITAL_ADMIN)
    # when
    body = _login("policy_old_admin").json()
    # then
    assert body["password_change_reason"] == "expired"
    assert _bearer(body["access"]).get("/api/v1/regions/").status_code == 403


def test_staff_password_younger_than_ninety_days_is_fine(staff):
    # given
    User.objects.filter(pk=staff.pk).update(password_changed_at=timezone.now() - timedelta(days=89))
    # when
    body = _login("policy_staff").json()
    # then
    assert body["must_change_password"] is False
    assert _bearer(body["access"]).get("/api/v1/regions/").status_code == 200


def test_a_doctor_only_account_has_no_periodic_change(world, db):
    # given: a doctor whose password is a year old
    user = _user("policy_old_doctor", created_at=timezone.now() - timedelta(days=400))
    membership_grant(user=user, organization=world.hospital_a, role=Role.DOCTOR)
    # when
    body = _login("policy_old_doctor").json()
    # then
    assert body["must_change_password"] is False
    assert _bearer(body["access"]).get("/api/v1/regions/").status_code == 200


# --- mini-program tokens ------------------------------------------------------------------------------


def test_mini_program_login_needs_a_physician_account(staff):
    # when: a staff member without a physician record asks for mini-program tokens
    response = _login("policy_staff", client="miniprogram")
    # then
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "token_scope"
    assert not AuthToken.objects.filter(user=staff, client="miniprogram").exists()


def test_mini_program_tokens_reach_only_the_physician_self_service(world, db):
    # given: a physician account that is also hospital staff
    user = _user("policy_phys")
    membership_grant(user=user, organization=world.hospital_a, role=Role.MEDICAL_AFFAIRS)
    _link(world.physician_a, user)
    body = _login("policy_phys", client="miniprogram").json()
    client = _bearer(body["access"])
    # then: short-lived
    token = AuthToken.objects.get(user=user, client="miniprogram", kind="access")
    assert token.expires_at - token.created_at <= timedelta(minutes=31)
    # /me/ works, staff endpoints do not
    assert client.get("/api/v1/me/").status_code == 200
    for path in ("/api/v1/regions/", "/api/v1/jobs/", f"/api/v1/physicians/{world.physician_a.id}/wechat/"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert response.json()["errors"][0]["code"] == "token_scope"
    # the same account on the web reaches them
    assert login("policy_phys").get("/api/v1/regions/").status_code == 200
    # the refresh token rotates and stays a mini-program token
    refreshed = APIClient().post("/api/v1/auth/refresh/", {"refresh": body["refresh"]}, format="json")
    assert refreshed.status_code == 200
    assert _bearer(refreshed.json()["access"]).get("/api/v1/regions/").status_code == 403


def test_mini_program_refresh_stops_when_the_account_is_no_longer_a_physician(world, db):
    # given
    user = _user("policy_phys2")
    _link(world.physician_b, user)
    body = _login("policy_phys2", client="miniprogram").json()
    _link(world.physician_b, None)
    # when
    response = APIClient().post("/api/v1/auth/refresh/", {"refresh": body["refresh"]}, format="json")
    # then
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "refresh_invalid"

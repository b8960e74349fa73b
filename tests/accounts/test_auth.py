"""Login, lockout, token rotation, logout and password change."""

from rest_framework.test import APIClient

from accounts.models import AuthToken, User
from audit.models import AuditEvent
from tests.conftest import PASSWORD, login


def _login(username, password):
    return APIClient().post(
        "/api/v1/auth/login/", {"username": username, "password": password}, format="json"
    )


def test_login_returns_tokens_and_me_lists_memberships_with_codes(world, db):
    client = login("admin_a")
    me = client.get("/api/v1/me/").json()
    assert me["username"] == "admin_a"
    [membership] = me["memberships"]
    assert membership["organization_name"] == "杭州市第一人民医院"
    assert membership["role"] == "hospital_admin"
    assert membership["tenant_slug"] == "hosp-a"
    assert "archives.manage" in membership["codes"]
    assert AuditEvent.objects.filter(action="auth.login", actor_id=world.admin_a.id).exists()


def test_wrong_password_unknown_user_and_locked_account_get_the_same_reply(world, db):
    wrong = _login("doctor_a", "wrong")
    unknown = _login("no_such_user", "wrong")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["errors"][0]["code"] == "login_failed"


def test_five_failures_lock_the_account_for_fifteen_minutes(world, db):
    for _ in range(5):
        assert _login("doctor_a", "wrong").status_code == 401
    # the right password no longer works while locked, and the reply is the same
    locked = _login("doctor_a", PASSWORD)
    assert locked.status_code == 401
    assert locked.json()["errors"][0]["code"] == "login_failed"
    user = User.objects.get(username="doctor_a")
    assert user.locked_until is not None
    assert AuditEvent.objects.filter(action="auth.login_failed", data__reason="locked").exists()
    assert AuditEvent.objects.filter(action="auth.login_failed", data__reason="bad_password").count() >= 5


def test_refresh_rotates_and_a_replayed_refresh_token_revokes_the_family(world, db):
    first = _login("admin_a", PASSWORD).json()
    client = APIClient()
    second = client.post("/api/v1/auth/refresh/", {"refresh": first["refresh"]}, format="json")
    assert second.status_code == 200
    assert second.json()["refresh"] != first["refresh"]

    # the old refresh token is presented again: stolen; everything of that family is revoked
    replay = client.post("/api/v1/auth/refresh/", {"refresh": first["refresh"]}, format="json")
    assert replay.status_code == 400
    assert replay.json()["errors"][0]["code"] == "refresh_invalid"
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {second.json()['access']}")
    assert client.get("/api/v1/me/").status_code == 401


def test_tokens_are_stored_hashed(world, db):
    tokens = _login("admin_a", PASSWORD).json()
    assert not AuditEvent.objects.filter(data__icontains=tokens["access"]).exists()
    assert not AuthToken.objects.filter(key_hash=tokens["access"]).exists()
    assert not AuthToken.objects.filter(key_hash=tokens["refresh"]).exists()


def test_logout_revokes_this_device_only(world, db):
    phone = login("admin_a")
    pc = login("admin_a")
    assert phone.post("/api/v1/auth/logout/").status_code == 204
    assert phone.get("/api/v1/me/").status_code == 401
    assert pc.get("/api/v1/me/").status_code == 200


def test_password_change_enforces_policy_and_revokes_every_token(world, db):
    client = login("admin_b")
    other = login("admin_b")
    weak = client.post(
        "/api/v1/auth/password/", {"old_password": PASSWORD, "new_password": "abcdefgh"}, format="json"
    )
    assert weak.status_code == 400
    assert weak.json()["errors"][0]["code"] == "password_policy"
    ok = client.post(
        "/api/v1/auth/password/", {"old_password": PASSWORD, "new_password": "N3w-Passw0rd"}, format="json"
    )
    assert ok.status_code == 204
    assert other.get("/api/v1/me/").status_code == 401
    assert _login("admin_b", "N3w-Passw0rd").status_code == 200

"""The privilege check the HIS and the anaesthesia system call, with per-system API keys (hashed, shown once,
revocable); an unknown key is 401 in the one error shape."""

from datetime import timedelta

from credentialing.models import ApiKey, Grant, Secondment
from django.utils import timezone
from django_tenants.utils import tenant_context
from rest_framework.test import APIClient

from tests.conftest import login
from tests.credentialing.conftest import A, B
from tests.credentialing.test_grants import make_grant

CHECK_A = "/h/hosp-a/api/v1/privilege-check/"
CHECK_B = "/h/hosp-b/api/v1/privilege-check/"


def system(key):
    return APIClient(HTTP_AUTHORIZATION=f"ApiKey {key}")


def new_key(username="admin_a", base=A):
    response = login(username).post(f"{base}/api-keys/", {"name": "HIS"}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_the_admin_creates_a_key_shown_once_and_stored_hashed(world, cred):
    created = new_key()
    assert created["key"].startswith("pk_")
    with tenant_context(world.tenant_a):
        stored = ApiKey.objects.get(pk=created["id"])
    assert created["key"] not in (stored.key_hash, stored.prefix)
    listing = login("admin_a").get(f"{A}/api-keys/").json()
    assert "key" not in listing["results"][0]
    # medical affairs and doctors may not manage keys
    assert login("ma_a").post(f"{A}/api-keys/", {"name": "x"}, format="json").status_code == 403
    assert login("doctor_a").get(f"{A}/api-keys/").status_code == 403


def test_the_check_answers_allowed_or_not_with_the_reason(world, cred):
    key = new_key()["key"]
    grant = make_grant(world, world.tenant_a, cred.appendectomy)
    make_grant(world, world.tenant_a, None, drug_class="antimicrobial", level="restricted")
    his = system(key)

    def ask(**body):
        response = his.post(CHECK_A, body, format="json")
        assert response.status_code == 200, response.content
        return response.json()

    licence = world.physician_a.licence_number
    # granted item, by the hospital code and by the national code
    answer = ask(licence_number=licence, procedure_code="47.0901")
    assert (answer["allowed"], answer["reason"], answer["grant_id"]) == (True, "granted", str(grant.id))
    assert ask(physician_id=str(world.physician_a.id), procedure_code="47.0100x001")["allowed"] is True
    # an item without a grant, a code outside the catalogue
    assert ask(licence_number=licence, procedure_code="52.7x01")["reason"] == "no_privilege"
    assert ask(licence_number=licence, procedure_code="99.9999")["reason"] == "not_in_catalogue"
    # antimicrobial tiers: restricted covers non-restricted, not special
    assert ask(licence_number=licence, drug_class="antimicrobial", level="non_restricted")["allowed"] is True
    assert (
        ask(licence_number=licence, drug_class="antimicrobial", level="special")["reason"] == "level_too_low"
    )
    assert ask(licence_number=licence, drug_class="narcotic")["reason"] == "no_privilege"
    # a physician of another hospital is unknown here
    assert (
        ask(licence_number=world.physician_b.licence_number, procedure_code="47.0901")["reason"]
        == "unknown_physician"
    )
    # suspended, and seconded
    with tenant_context(world.tenant_a):
        Grant.objects.filter(pk=grant.pk).update(status="suspended")
    assert ask(licence_number=licence, procedure_code="47.0901")["reason"] == "suspended"
    with tenant_context(world.tenant_a):
        Grant.objects.filter(pk=grant.pk).update(status="active")
        today = timezone.localdate()
        Secondment.objects.create(
            physician_id=world.physician_a.id,
            kind="study",
            starts_on=today,
            ends_on=today + timedelta(days=3),
        )
    assert ask(licence_number=licence, procedure_code="47.0901")["reason"] == "seconded"
    # no subject is a 400
    bad = his.post(CHECK_A, {"licence_number": licence}, format="json")
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["code"] == "subject_required"


def test_an_unknown_or_revoked_key_is_401_and_keys_are_per_hospital(world, cred):
    # no key, an unknown key
    assert (
        APIClient().post(CHECK_A, {"licence_number": "x", "procedure_code": "1"}, format="json").status_code
        == 401
    )
    response = system("pk_unknown").post(
        CHECK_A, {"licence_number": "x", "procedure_code": "1"}, format="json"
    )
    assert response.status_code == 401
    body = response.json()
    assert body["type"] == "client_error"
    assert body["errors"][0]["code"] == "invalid_api_key"
    # a user's bearer token is not a system key: a member is refused, a non-member does not see the hospital
    probe = {"licence_number": "x", "procedure_code": "1"}
    assert login("admin_a").post(CHECK_A, probe, format="json").status_code == 403
    assert login("admin_b").post(CHECK_A, probe, format="json").status_code == 404
    # hospital B's key does not open hospital A
    key_b = new_key("admin_b", B)["key"]
    assert (
        system(key_b).post(CHECK_A, {"licence_number": "x", "procedure_code": "1"}, format="json").status_code
        == 401
    )
    # a revoked key stops working
    created = new_key()
    assert (
        system(created["key"])
        .post(CHECK_A, {"licence_number": "x", "procedure_code": "1"}, format="json")
        .status_code
        == 200
    )
    assert (
        login("admin_a").post(f"{A}/api-keys/{created['id']}/revoke/", {}, format="json").status_code == 200
    )
    assert (
        system(created["key"])
        .post(CHECK_A, {"licence_number": "x", "procedure_code": "1"}, format="json")
        .status_code
        == 401
    )

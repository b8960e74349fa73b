"""The audit log query: read-only, within the caller's jurisdiction, filtered."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEvent
from audit.services import audit_record
from tests.audit import fixtures
from tests.audit.fixtures import make_user
from tests.conftest import login

delegation = fixtures.delegation  # the fixture, for this module
pytestmark = pytest.mark.usefixtures("delegation")


def _events(client, **params):
    response = client.get("/api/v1/audit-events/", {"page_size": 100, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def _ids(client, **params):
    return {e["id"] for e in _events(client, **params)}


def _reset(who, user_id):
    response = login(who).post(f"/api/v1/accounts/{user_id}/reset-password/")
    assert response.status_code == 200, response.content
    return AuditEvent.objects.get(action="accounts.password_reset", target_id=str(user_id))


def test_anonymous_gets_401_and_a_doctor_403(world, delegation):
    assert APIClient().get("/api/v1/audit-events/").status_code == 401
    response = login("doctor_a").get("/api/v1/audit-events/")
    assert response.status_code == 403


def test_the_audit_log_cannot_be_written_through_the_api(world, delegation):
    client = login("city_x_admin")
    event = AuditEvent.objects.first()
    before = AuditEvent.objects.count()
    for method in ("post", "put", "patch", "delete"):
        assert (
            getattr(client, method)("/api/v1/audit-events/", {"action": "x"}, format="json").status_code
            == 405
        )
    assert AuditEvent.objects.count() == before
    assert AuditEvent.objects.filter(pk=event.pk, action=event.action).exists()


def test_account_events_are_queryable_only_within_jurisdiction(world, delegation):
    # given a password reset in city X's county hospital, and one in city Y's hospital
    doctor_b = make_user("h2_doctor_b", world.hospital_b, "doctor")
    target = make_user("h2_target", delegation.county_hospital, "hospital_admin")
    in_x = _reset("city_x_admin", target.id)
    in_y = _reset("admin_b", doctor_b.id)

    # then city X, its county and the county hospital see the first; only hospital B sees the second
    for who in ("city_x_admin", "h2_county", "h2_county_hosp", "h2_province"):
        assert str(in_x.id) in _ids(login(who), action="accounts."), who
    for who in ("city_x_admin", "h2_county", "h2_county_hosp", "admin_a", "h2_industry"):
        assert str(in_y.id) not in _ids(login(who), action="accounts."), who
    assert str(in_y.id) in _ids(login("admin_b"), action="accounts.")
    for who in ("admin_a", "admin_b", "h2_industry"):
        assert str(in_x.id) not in _ids(login(who), action="accounts."), who


def test_logins_are_seen_by_the_members_organisation_and_its_commissions(world, delegation):
    # given the county hospital's administrator logged in
    login("h2_county_hosp")
    event = AuditEvent.objects.filter(action="auth.login", actor_id=delegation.county_hosp_admin.id).latest(
        "occurred_at"
    )

    # then its hospital and the commissions above see that login, other organisations do not
    for who in ("h2_county_hosp", "h2_county", "city_x_admin"):
        assert str(event.id) in _ids(login(who), action="auth."), who
    for who in ("admin_a", "admin_b", "h2_industry"):
        assert str(event.id) not in _ids(login(who), action="auth."), who


def test_the_filters(world, delegation):
    # given a few events about hospital A
    client = login("admin_a")
    old = AuditEvent.objects.create(
        occurred_at=timezone.now() - datetime.timedelta(days=10),
        action="accounts.updated",
        actor_id=world.admin_a.id,
        actor_name="admin_a",
        organization_id=world.hospital_a.id,
        region_path=world.hospital_a.region_path,
        target_type="accounts.user",
        target_id=str(world.doctor_a.id),
    )
    new = audit_record(
        action="accounts.password_reset",
        actor=world.city_admin,
        organization_id=world.hospital_a.id,
        region_path=world.hospital_a.region_path,
        target=world.admin_a,
    )
    today = timezone.localdate().isoformat()

    # then each filter narrows the list
    assert {str(old.id), str(new.id)} <= _ids(client, action="accounts.")
    assert str(old.id) not in _ids(client, action="accounts.password")
    assert str(new.id) in _ids(client, actor="city_x")
    assert str(old.id) not in _ids(client, actor="city_x")
    assert str(new.id) in _ids(client, date_from=today)
    assert str(old.id) not in _ids(client, date_from=today)
    assert str(old.id) in _ids(
        client, date_to=(timezone.localdate() - datetime.timedelta(days=5)).isoformat()
    )
    assert _ids(client, target_type="accounts.user", target_id=str(world.doctor_a.id)) == {str(old.id)}
    assert client.get("/api/v1/audit-events/", {"date_from": "yesterday"}).status_code == 400
    row = next(e for e in _events(client, target_id=str(world.admin_a.id)) if e["id"] == str(new.id))
    assert row["actor_name"] == "city_x_admin"
    assert row["organization_id"] == str(world.hospital_a.id)

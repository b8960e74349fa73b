"""Grants: adjust, suspend, resume, revoke; secondments; expiry; automatic suspension when the physician fails
the periodic assessment (outbox fan-out to every hospital where they hold privileges); every change in the
technical archive and the audit."""

from datetime import timedelta

from credentialing.models import Grant, GrantEvent
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from archives.models import ArchiveEntry
from audit.models import AuditEvent
from outbox.models import OutboxMessage
from outbox.services import outbox_drain, outbox_publish
from tests.conftest import login
from tests.credentialing.conftest import A, B


def make_grant(world, tenant, item=None, physician=None, **extra):
    today = timezone.localdate()
    with tenant_context(tenant):
        return Grant.objects.create(
            physician_id=(physician or world.physician_a).id,
            department_id=world.dept_a.id,
            kind="surgical" if item else "prescribing",
            item=item,
            valid_from=extra.pop("valid_from", today - timedelta(days=10)),
            valid_until=extra.pop("valid_until", today + timedelta(days=300)),
            **extra,
        )


def status_of(world, grant, tenant=None):
    with tenant_context(tenant or world.tenant_a):
        return Grant.objects.get(pk=grant.pk).status


def test_medical_affairs_adjusts_suspends_resumes_and_revokes_a_grant(world, cred):
    grant = make_grant(world, world.tenant_a, cred.appendectomy)
    ma = login("ma_a")
    new_end = (timezone.localdate() + timedelta(days=30)).isoformat()
    # adjust the validity
    response = ma.post(f"{A}/grants/{grant.id}/adjust/", {"valid_until": new_end}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["valid_until"] == new_end
    # suspend, resume, revoke
    assert (
        ma.post(f"{A}/grants/{grant.id}/suspend/", {"reason": "医疗纠纷调查"}, format="json").json()["status"]
        == "suspended"
    )
    assert ma.post(f"{A}/grants/{grant.id}/resume/", {}, format="json").json()["status"] == "active"
    body = ma.post(f"{A}/grants/{grant.id}/revoke/", {"reason": "离职"}, format="json").json()
    assert body["status"] == "revoked"
    assert [e["action"] for e in body["events"]] == ["adjusted", "suspended", "resumed", "revoked"]
    # then the archive and the audit have every change
    with tenant_context(world.tenant_a):
        kinds = list(ArchiveEntry.objects.order_by("created_at").values_list("kind", flat=True))
    assert kinds == ["privilege.adjusted", "privilege.suspended", "privilege.resumed", "privilege.revoked"]
    assert AuditEvent.objects.filter(action="credentialing.grant.revoked", target_id=str(grant.id)).exists()
    # a revoked grant cannot be resumed
    again = ma.post(f"{A}/grants/{grant.id}/resume/", {}, format="json")
    assert again.status_code == 409
    assert status_of(world, grant) == "revoked"


def test_grant_actions_authorization(world, cred):
    grant = make_grant(world, world.tenant_a, cred.appendectomy)
    from rest_framework.test import APIClient

    assert (
        APIClient().post(f"{A}/grants/{grant.id}/suspend/", {"reason": "x"}, format="json").status_code == 401
    )
    # a doctor and a department head have no manage permission
    assert (
        login("doctor_a").post(f"{A}/grants/{grant.id}/suspend/", {"reason": "x"}, format="json").status_code
        == 403
    )
    assert (
        login("head_a").post(f"{A}/grants/{grant.id}/suspend/", {"reason": "x"}, format="json").status_code
        == 403
    )
    # another hospital: 404 on A's route and on its own
    assert (
        login("admin_b").post(f"{A}/grants/{grant.id}/suspend/", {"reason": "x"}, format="json").status_code
        == 404
    )
    assert (
        login("admin_b").post(f"{B}/grants/{grant.id}/suspend/", {"reason": "x"}, format="json").status_code
        == 404
    )
    assert status_of(world, grant) == "active"
    # a department head reads the department's grants, the doctor their own
    assert login("head_a").get(f"{A}/grants/").json()["count"] == 1
    assert login("doctor_a").get(f"{A}/grants/{grant.id}/").status_code == 200


def test_a_secondment_suspends_grants_for_its_dates_and_they_come_back(world, cred):
    grant = make_grant(world, world.tenant_a, cred.appendectomy)
    today = timezone.localdate()
    # when the physician goes to the countryside from today for a month
    response = login("ma_a").post(
        f"{A}/secondments/",
        {
            "physician_id": str(world.physician_a.id),
            "kind": "rural",
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=30)).isoformat(),
            "place": "淳安县人民医院",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    # then the grant is suspended, with the end of the secondment
    with tenant_context(world.tenant_a):
        g = Grant.objects.get(pk=grant.pk)
        assert (g.status, g.status_reason, g.suspended_until) == (
            "suspended",
            "secondment",
            today + timedelta(days=30),
        )
        # when the daily task runs after the end
        from credentialing.services.privileges import grants_daily

        counts = grants_daily(today=today + timedelta(days=31))
    # then it is active again
    assert counts["resumed"] == 1
    assert status_of(world, grant) == "active"


def test_the_daily_task_expires_grants_past_validity(world, cred):
    today = timezone.localdate()
    grant = make_grant(world, world.tenant_a, cred.appendectomy, valid_until=today - timedelta(days=1))
    from credentialing.tasks import grants_daily_all_tenants

    out = grants_daily_all_tenants()
    assert out[world.tenant_a.schema_name]["expired"] == 1
    assert status_of(world, grant) == "expired"
    with tenant_context(world.tenant_a):
        assert GrantEvent.objects.filter(grant_id=grant.pk, action="expired").exists()


def test_a_failed_periodic_assessment_suspends_grants_in_every_hospital_of_the_physician(world, cred):
    # given physician_a holds grants in hospital A, and (multi-site practice) in hospital B
    from accounts.roles import Role
    from accounts.services import membership_grant

    membership_grant(user=world.doctor_a, organization=world.hospital_b, role=Role.DOCTOR)
    in_a = make_grant(world, world.tenant_a, cred.appendectomy)
    in_b = make_grant(world, world.tenant_b, None, drug_class="general")
    other = make_grant(world, world.tenant_b, None, physician=world.physician_b, drug_class="general")
    # when the assessment publishes the final fail into hospital A's schema (the physician's institution)
    payload = {
        "physician_id": str(world.physician_a.id),
        "cycle_id": "c1",
        "result_level": "fail",
        "enrolment_id": "e1",
    }
    OutboxMessage.objects.all().delete()
    outbox_publish(topic="assessment.final_fail", schema_name=world.tenant_a.schema_name, payload=payload)
    outbox_drain()
    outbox_drain()  # the fan-out message to hospital B
    # then the grants of physician_a are suspended in both hospitals, nobody else's
    assert status_of(world, in_a) == "suspended"
    assert status_of(world, in_b, world.tenant_b) == "suspended"
    assert status_of(world, other, world.tenant_b) == "active"
    assert OutboxMessage.objects.filter(processed_at__isnull=True).count() == 0
    with tenant_context(world.tenant_b):
        assert Grant.objects.get(pk=in_b.pk).status_reason == "assessment_failed"
    # and a repeated delivery changes nothing (idempotent)
    outbox_publish(topic="assessment.final_fail", schema_name=world.tenant_a.schema_name, payload=payload)
    outbox_drain()
    outbox_drain()
    with tenant_context(world.tenant_a):
        assert GrantEvent.objects.filter(grant_id=in_a.pk, action="suspended").count() == 1


def test_an_event_published_to_public_fans_out_to_the_hospitals(world, cred):
    in_a = make_grant(world, world.tenant_a, cred.appendectomy)
    OutboxMessage.objects.all().delete()
    with schema_context("public"):
        outbox_publish(
            topic="assessment.final_fail",
            schema_name="public",
            payload={"physician_id": str(world.physician_a.id)},
        )
    outbox_drain()
    outbox_drain()
    assert status_of(world, in_a) == "suspended"

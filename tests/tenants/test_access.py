"""Who may use a tenant route: members, and supervisors read-only. Everyone else gets 404, for every route,
also when the slug or an ID in the path is changed to another hospital's."""

import pytest

from audit.models import AuditEvent
from tests.conftest import login
from tests.routes import fill, params, routes

ROUTES = routes("config.urls_tenant")


def _path(template, world):
    """The route under hospital A's slug, every ID in it one that exists in A (its archive)."""
    return "/h/hosp-a/" + fill(template, {name: world.archive_a.id for _, name in params(template)})


def test_the_walk_covers_the_tenant_routes():
    assert ("api/v1/archives/<uuid:pk>/", ["get"]) in ROUTES
    assert len(ROUTES) >= 3


@pytest.mark.parametrize(("template", "methods"), ROUTES, ids=[r[0] for r in ROUTES])
def test_every_tenant_route_is_404_for_a_non_member(world, db, template, methods):
    # given the administrator of hospital B, and IDs that exist in hospital A
    client = login("admin_b")
    path = _path(template, world)
    audit_before = AuditEvent.objects.count()

    for method in methods:
        # when B calls A's route
        response = getattr(client, method)(path, {}, format="json")
        # then it is a 404, as if A did not exist, and nothing was written
        assert response.status_code == 404, (method, path, response.content)
        assert response.json()["errors"][0]["code"] == "not_found"
    assert AuditEvent.objects.count() == audit_before


@pytest.mark.parametrize(("template", "methods"), ROUTES, ids=[r[0] for r in ROUTES])
def test_every_tenant_route_is_404_for_a_user_without_any_membership(world, db, template, methods):
    client = login("nobody")
    path = _path(template, world)
    for method in methods:
        assert getattr(client, method)(path, {}, format="json").status_code == 404


@pytest.mark.parametrize(("template", "methods"), ROUTES, ids=[r[0] for r in ROUTES])
def test_every_tenant_route_needs_login(world, db, template, methods):
    from rest_framework.test import APIClient

    path = _path(template, world)
    for method in methods:
        response = getattr(APIClient(), method)(path, {}, format="json")
        assert response.status_code == 401
        assert response.json()["type"] == "client_error"


def test_another_hospitals_id_under_ones_own_slug_is_404(world, db):
    # given A's administrator, and the ID of an archive that exists in B's schema
    client = login("admin_a")

    # when A asks for it under A's own slug
    response = client.get(f"/h/hosp-a/api/v1/archives/{world.archive_b.id}/")

    # then it does not exist for A
    assert response.status_code == 404
    # while A's own archive is there
    assert client.get(f"/h/hosp-a/api/v1/archives/{world.archive_a.id}/").status_code == 200


def test_member_can_create_in_own_hospital_but_not_with_another_hospitals_physician(world, db):
    client = login("admin_a")
    response = client.post(
        "/h/hosp-a/api/v1/archives/", {"physician_id": str(world.physician_b.id)}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "code": "physician_not_in_hospital",
        "detail": "该医师不属于本院。",
        "attr": "physician_id",
    }


def test_a_doctor_without_the_permission_code_is_refused(world, db):
    client = login("doctor_a")
    response = client.get("/h/hosp-a/api/v1/archives/")
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "permission_denied"


def test_supervisor_reads_masked_and_audited_but_cannot_write(world, db):
    # given the city commission over hospital A's region
    client = login("city_x_admin")
    before = AuditEvent.objects.filter(action="supervision.read").count()

    # when it reads A's archives
    response = client.get("/h/hosp-a/api/v1/archives/")

    # then it sees them with personal data masked, and the read is audited
    assert response.status_code == 200
    row = response.json()["results"][0]
    assert row["phone"] == "138****1111"
    assert AuditEvent.objects.filter(action="supervision.read").count() == before + 1

    # and a write is refused, nothing stored
    from django_tenants.utils import tenant_context

    from archives.models import TechnicalArchive

    denied = client.post(
        "/h/hosp-a/api/v1/archives/", {"physician_id": str(world.physician_a.id)}, format="json"
    )
    assert denied.status_code == 403
    assert denied.json()["errors"][0]["code"] == "read_only_supervision"
    with tenant_context(world.tenant_a):
        assert TechnicalArchive.objects.count() == 1


def test_supervisor_outside_its_jurisdiction_gets_404(world, db):
    # hospital B is in another city
    client = login("city_x_admin")
    assert client.get("/h/hosp-b/api/v1/archives/").status_code == 404


def test_members_see_full_personal_data(world, db):
    client = login("admin_a")
    row = client.get("/h/hosp-a/api/v1/archives/").json()["results"][0]
    assert row["phone"] == "13800001111"

from django.db import connection
from django_tenants.utils import schema_context

from tenants.integrity import dangling_references
from tenants.routing import TenantRoutingMiddleware


def test_dangling_references_are_found_per_schema_and_column(world, db):
    # given hospital B's archive points at a physician that does not exist
    assert dangling_references(["h_hosp_a", "h_hosp_b"]) == {}
    with schema_context("h_hosp_b"), connection.cursor() as cur:
        cur.execute(
            "UPDATE archives_technicalarchive SET physician_id = '00000000-0000-0000-0000-000000000001'"
        )

    # then the check names the schema and the column
    assert dangling_references(["h_hosp_a", "h_hosp_b"]) == {
        "h_hosp_b": {"archives_technicalarchive.physician_id": 1}
    }


def test_tenant_route_answers_503_when_the_database_is_down(rf, monkeypatch):
    from django.db import OperationalError

    from tenants import routing

    def down(slug):
        raise OperationalError("connection refused")

    monkeypatch.setattr(routing, "lookup", down)
    response = TenantRoutingMiddleware(lambda r: None)(rf.get("/h/hosp-a/api/v1/archives/"))
    assert response.status_code == 503
    assert b"service_unavailable" in response.content

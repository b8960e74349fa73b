"""The committed OpenAPI file is the contract: it must match what the code generates."""

from io import StringIO
from pathlib import Path

from django.core.management import call_command

SCHEMA = Path(__file__).resolve().parents[2] / "backend" / "openapi.yaml"


def test_committed_openapi_matches_the_code():
    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--urlconf", "config.urls_schema", stdout=out)
    assert SCHEMA.read_text() == out.getvalue(), "run `make openapi` and commit backend/openapi.yaml"


def test_tenant_routes_are_documented_under_their_slug():
    text = SCHEMA.read_text()
    assert "/h/{tenant_slug}/api/v1/archives/:" in text
    assert "/api/v1/health/:" in text


def test_schema_and_docs_are_served_without_a_cdn(db):
    from rest_framework.test import APIClient

    client = APIClient()
    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/")
    assert schema.status_code == 200
    assert b"/h/{tenant_slug}/api/v1/archives/" in schema.content
    assert docs.status_code == 200
    assert b"/static/drf_spectacular_sidecar/" in docs.content
    assert b"cdn.jsdelivr" not in docs.content

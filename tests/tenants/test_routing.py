"""Routing by /h/<slug>/: the right schema, one SET search_path, JSON 404s, cheap reverse()."""

from django.db import connection
from django.urls import reverse

from tests.conftest import login


def test_unknown_slug_is_a_json_404_in_the_users_language(world, db):
    # given a logged-in hospital administrator
    client = login("admin_a")

    # when they call a hospital that does not exist, in Chinese and in English
    zh = client.get("/h/no-such-hospital/api/v1/context/")
    en = client.get("/h/no-such-hospital/api/v1/context/", HTTP_ACCEPT_LANGUAGE="en")

    # then both are 404 in the one error shape, with the message in the request's language
    assert zh.status_code == 404
    assert en.status_code == 404
    assert zh.json()["errors"][0]["code"] == "tenant_not_found"
    assert zh.json()["errors"][0]["detail"] == "未找到该医院。"
    assert en.json()["errors"][0]["detail"] == "Hospital not found."
    assert zh.json()["type"] == "client_error"


def test_unknown_path_inside_a_tenant_is_a_json_404(world, db):
    client = login("admin_a")
    response = client.get("/h/hosp-a/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"


def test_tenant_request_runs_in_its_schema_and_sees_only_its_rows(world, db):
    # given each hospital has one archive in its own schema
    client = login("admin_a")

    # when hospital A lists its archives
    response = client.get("/h/hosp-a/api/v1/archives/")

    # then it sees its own archive only, and links point back under its slug
    assert response.status_code == 200
    ids = [row["id"] for row in response.json()["results"]]
    assert ids == [str(world.archive_a.id)]
    assert connection.schema_name == "public"  # the connection went back to public after the request


def test_exactly_one_set_search_path_per_tenant_request_and_none_for_public(world, db):
    client = login("admin_a")
    statements: list[str] = []

    def capture(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    client.get("/api/v1/me/")  # warm the connection in public
    with connection.execute_wrapper(capture):
        client.get("/h/hosp-a/api/v1/archives/")
    tenant_sets = [s for s in statements if s.startswith("SET search_path")]

    statements.clear()
    client.get("/api/v1/me/")  # back to public: one SET to return there
    statements.clear()
    with connection.execute_wrapper(capture):
        client.get("/api/v1/me/")
    public_sets = [s for s in statements if s.startswith("SET search_path")]

    assert tenant_sets == ['SET search_path = "h_hosp_a","public"']
    assert public_sets == []


def test_reverse_inside_a_tenant_request_carries_the_slug(world, rf, db):
    from tenants.routing import TenantRoutingMiddleware

    seen = {}

    def view(request):
        seen["url"] = reverse("archive-list", urlconf=request.urlconf)
        from django.http import HttpResponse

        return HttpResponse()

    TenantRoutingMiddleware(view)(rf.get("/h/hosp-b/api/v1/archives/"))
    assert seen["url"] == "/h/hosp-b/api/v1/archives/"
    # and the script prefix is restored for whatever runs next in this thread
    assert reverse("health") == "/api/v1/health/"


def test_the_cached_tenant_is_reread_after_its_ttl(world, db, settings):
    from organizations.models import Organization
    from tenants import routing

    # given a cached tenant
    before = routing.lookup("hosp-a")
    Organization.objects.filter(pk=world.hospital_a.pk).update(region_path="330000/330200/")

    # then within the TTL this process still routes with what it cached
    assert routing.lookup("hosp-a").region_path == before.region_path

    # and after it, the change is seen without anyone calling forget()
    settings.TENANT_ROUTING_TTL = 0
    routing.forget()
    routing.lookup("hosp-a")
    Organization.objects.filter(pk=world.hospital_a.pk).update(region_path="330000/330100/")
    assert routing.lookup("hosp-a").region_path == "330000/330100/"

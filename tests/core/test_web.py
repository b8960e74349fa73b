"""The browser app served at `/` (core/web.py): files of the build, index.html for the app's own routes, the API
untouched, a clear 503 before the first build."""

import pytest
from django.test import Client


@pytest.fixture
def dist(tmp_path, settings):
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><div id=app></div>", encoding="utf-8")
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log(1)", encoding="utf-8")
    (tmp_path / "favicon.svg").write_text("<svg/>", encoding="utf-8")
    settings.WEB_DIST_DIR = tmp_path
    return tmp_path


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_root_and_deep_links_get_index_html(dist, db):
    # given
    client = Client()

    # when
    responses = [client.get(p) for p in ("/", "/accounts", "/assessment-bodies/applications/x?page=2")]

    # then
    for response in responses:
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        assert response["Cache-Control"] == "no-cache"
        assert b"<div id=app>" in _body(response)


def test_build_files_are_served_and_hashed_assets_cached(dist, db):
    # when
    asset = Client().get("/assets/index-abc123.js")
    icon = Client().get("/favicon.svg")
    missing = Client().get("/assets/gone-123.js")

    # then
    assert asset.status_code == 200
    assert "javascript" in asset["Content-Type"]
    assert "immutable" in asset["Cache-Control"]
    assert _body(asset) == b"console.log(1)"
    assert icon.status_code == 200
    assert icon["Cache-Control"] == "no-cache"
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["code"] == "not_found"


def test_nothing_outside_the_build_is_served(dist, db):
    # when
    response = Client().get("/..%2f..%2fetc/passwd")

    # then: the app page, never the file
    assert response.status_code == 200
    assert b"<div id=app>" in _body(response)


def test_the_api_is_not_the_app(dist, db):
    # when
    unknown = Client().get("/api/v1/does-not-exist/")
    tenant = Client().get("/h/no-such-hospital/api/v1/archives/")

    # then
    assert unknown.status_code == 404
    assert unknown.json()["errors"][0]["code"] == "not_found"
    assert tenant.status_code == 404
    assert tenant["Content-Type"] == "application/json"


def test_before_a_build_it_says_how_to_make_one(tmp_path, settings, db):
    # given
    settings.WEB_DIST_DIR = tmp_path / "nothing"

    # when
    response = Client().get("/accounts")

    # then
    assert response.status_code == 503
    assert response.json()["errors"][0]["code"] == "web_not_built"
    assert "make web" in response.json()["errors"][0]["detail"]


def test_only_reads(dist, db):
    assert Client().post("/accounts").status_code == 405


def test_the_page_may_run_its_own_scripts_only(dist, db):
    # when
    response = Client().get("/accounts")

    # then injected or inline script cannot run: the tokens in localStorage stay the app's
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy

"""One JSON error shape for every error, in the request's language."""

import pytest
from rest_framework.test import APIClient

from tests.conftest import login


def test_validation_error_shape_in_chinese_by_default_and_english_on_request(world, db):
    client = login("admin_a")
    zh = client.post("/h/hosp-a/api/v1/archives/", {"physician_id": "not-a-uuid"}, format="json")
    en = client.post(
        "/h/hosp-a/api/v1/archives/", {"physician_id": "not-a-uuid"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert zh.status_code == en.status_code == 400
    assert zh.json()["type"] == "validation_error"
    assert zh.json()["errors"][0]["attr"] == "physician_id"
    assert zh.json()["errors"][0]["code"] == en.json()["errors"][0]["code"] == "invalid"
    assert en.json()["errors"][0]["detail"] == "Must be a valid UUID."
    assert zh.json()["errors"][0]["detail"] != en.json()["errors"][0]["detail"]


def test_401_without_token(db):
    from rest_framework.test import APIClient

    response = APIClient().get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "not_authenticated"


def test_401_with_a_bad_token(db):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer nope")
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "token_invalid"


def test_unknown_public_url_is_json_404(db):
    from rest_framework.test import APIClient

    response = APIClient().get("/api/v1/does-not-exist/")
    assert response.status_code == 404
    assert response.json() == {
        "type": "client_error",
        "errors": [{"code": "not_found", "detail": "未找到。", "attr": None}],
    }


def test_409_conflict(world, db):
    client = login("admin_a")
    response = client.post(
        "/h/hosp-a/api/v1/archives/", {"physician_id": str(world.physician_a.id)}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "archive_exists"


def test_429_when_login_is_hammered(world, db):
    from django.core.cache import cache
    from rest_framework.settings import api_settings
    from rest_framework.test import APIClient

    cache.clear()
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "login": "3/min"}
    from rest_framework.throttling import ScopedRateThrottle

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ScopedRateThrottle, "THROTTLE_RATES", rates)
        client = APIClient()
        codes = [
            client.post("/api/v1/auth/login/", {"username": "x", "password": "y"}, format="json").status_code
            for _ in range(4)
        ]
        last = client.post("/api/v1/auth/login/", {"username": "x", "password": "y"}, format="json")
    cache.clear()
    assert codes[:3] == [401, 401, 401]
    assert last.status_code == 429
    assert last.json()["errors"][0]["code"] == "throttled"
    assert "Retry-After" in last.headers


def test_500_is_json_without_internals(rf):
    from core.exceptions import server_error_view

    response = server_error_view(rf.get("/x"))
    assert response.status_code == 500
    assert b'"type": "server_error"' in response.content


def test_503_when_redis_is_down_and_nothing_half_written(world, db, monkeypatch):
    # given Redis (which the login throttle uses) is unreachable
    from django.core.cache.backends.redis import RedisCache
    from rest_framework.throttling import ScopedRateThrottle

    from audit.models import AuditEvent

    dead = RedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}})
    monkeypatch.setattr(ScopedRateThrottle, "cache", dead)
    before = AuditEvent.objects.count()

    # when someone logs in
    client = APIClient(raise_request_exception=False)
    response = client.post("/api/v1/auth/login/", {"username": "admin_a", "password": "x"}, format="json")

    # then the reply is a clear 503 in the error shape, and nothing was written
    assert response.status_code == 503
    assert response.json()["errors"][0]["code"] == "service_unavailable"
    assert response.json()["type"] == "server_error"
    assert AuditEvent.objects.count() == before

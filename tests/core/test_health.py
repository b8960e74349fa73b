from django.test import override_settings
from rest_framework.test import APIClient


def test_health_reports_every_service_up_with_latency(db, celery_worker_process):
    response = APIClient().get("/api/v1/health/")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert set(body["services"]) == {"database", "redis", "object_store", "worker"}
    for service in body["services"].values():
        assert service["status"] == "up"
        assert service["latency_ms"] >= 0


def test_health_is_503_and_names_the_service_that_is_down(db):
    with override_settings(REDIS_URL="redis://127.0.0.1:1/0"):
        response = APIClient().get("/api/v1/health/")
    body = response.json()
    assert response.status_code == 503
    assert body["services"]["redis"]["status"] == "down"
    assert body["services"]["database"]["status"] == "up"


def test_health_reports_object_store_down(db):
    from core import storage

    storage.client.cache_clear()
    try:
        with override_settings(S3_ENDPOINT_URL="http://127.0.0.1:1"):
            response = APIClient().get("/api/v1/health/")
    finally:
        storage.client.cache_clear()
    assert response.status_code == 503
    assert response.json()["services"]["object_store"]["status"] == "down"

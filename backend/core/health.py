"""Health of the services the platform needs, each with its status and latency."""

import time

from django.conf import settings
from django.db import connection


def _timed(check) -> dict:
    started = time.perf_counter()
    try:
        detail = check()
    except Exception as exc:  # noqa: BLE001 - any failure means "down", reported by its class name
        return {
            "status": "down",
            "latency_ms": round((time.perf_counter() - started) * 1000, 1),
            "error": exc.__class__.__name__,
        }
    result = {"status": "up", "latency_ms": round((time.perf_counter() - started) * 1000, 1)}
    if detail:
        result.update(detail)
    return result


def _database():
    with connection.cursor() as cur:
        cur.execute("SELECT 1")


def _redis():
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    finally:
        client.close()


def _object_store():
    from core import storage

    storage.client().head_bucket(Bucket=storage.bucket())


def _worker():
    from config.celery import app

    replies = app.control.ping(timeout=1.0, limit=1)
    if not replies:
        raise RuntimeError("no worker replied")
    return {"workers": len(replies)}


CHECKS = {"database": _database, "redis": _redis, "object_store": _object_store, "worker": _worker}


def health_report() -> tuple[bool, dict]:
    results = {}
    for name, check in CHECKS.items():
        if name == "worker" and results.get("redis", {}).get("status") != "up":
            results[name] = {"status": "down", "latency_ms": 0.0, "error": "BrokerUnavailable"}
            continue
        results[name] = _timed(check)
    ok = all(r["status"] == "up" for r in results.values())
    return ok, results

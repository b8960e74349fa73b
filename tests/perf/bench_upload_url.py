"""Snapshot upload-URL figures (printed, not asserted): the cost of POST /me/proctoring/attempts/<id>/snapshots/
warm, in one process, through the whole Django stack (middleware, bearer-token authentication, the view, the
service, the database), for the signed PUT and for the POST policy; and the signing alone.

    .venv/bin/python tests/perf/bench_upload_url.py [--requests 2000] [--warmup 200]

Runs against its own database (`<db>_bench_upload`, dropped and re-created) on the configured PostgreSQL. One
hospital, one physician with a started proctored attempt of a 100-question paper; every request asks for the slot due now (the same
slot is re-issued with a new key, as a client retrying does: one read of the attempt, the session and the
slots, one UPDATE). Signing is local (boto3 makes no network call), so the store need not be reached. Django's
test client stands in for the HTTP server (no socket, no WSGI server): the figure is the application's cost.
Wall time and this process's CPU time per request are both printed: on a machine whose cores are shared,
the wall figure includes waiting for a core (and for PostgreSQL's). Goal from issue #5: the upload URL costs at
most 5 ms at p50.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "backend")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

PASSWORD = "Bench-Passw0rd!"
DEVICE = "bench-phone"
QUESTIONS = 100  # a realistic paper: the attempt row carries it (and the hot path must not read it)


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def line(name, value, goal=""):
    print(f"  {name:58} {value:>14}   {goal}", flush=True)


def setup_database(env_file: Path, suffix: str = "_bench_upload") -> None:
    import environ

    environ.Env.read_env(env_file, overwrite=False)
    url = os.environ["DATABASE_URL"]
    base, _, name = url.rpartition("/")
    bench = f"{name}{suffix}"
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{bench}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{bench}"')
    os.environ["DATABASE_URL"] = f"{base}/{bench}"


def make_user(username, organization, role):
    from accounts.models import User
    from accounts.services import membership_grant

    user = User(username=username, name=username, must_change_password=False)
    user.set_password(PASSWORD)
    user.save()
    membership_grant(user=user, organization=organization, role=role)
    return user


def login(username):
    from rest_framework.test import APIClient

    client = APIClient()
    response = client.post("/api/v1/auth/login/", {"username": username, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
    return client


def seed():
    """A hospital, its administrator and a physician with an account; an exam of one question, proctored;
    the physician's consent and started attempt."""
    from django.utils import timezone
    from exams.services import banks, papers
    from proctoring.models import ProctoringSettings

    from accounts.selectors import actor_for_membership
    from core.crypto import encrypt, keyed_hash
    from organizations.models import Organization, Region
    from physicians.models import Physician

    province = Region.objects.create(code="330000", name="浙江省", level="province", path="330000/")
    city = Region.objects.create(
        code="330100", name="杭州市", level="city", parent=province, path="330000/330100/"
    )
    hospital = Organization.objects.create(
        name="杭州市第一人民医院", kind="institution", region=city, region_path=city.path
    )
    admin = make_user("bench_admin", hospital, "hospital_admin")
    doctor = make_user("bench_doctor", hospital, "doctor")
    id_card = "330102198001011234"
    Physician.objects.create(
        name="张医生",
        organization=hospital,
        region_path=hospital.region_path,
        id_card_encrypted=encrypt(id_card),
        id_card_hash=keyed_hash(id_card),
        id_card_last4=id_card[-4:],
        licence_number="110330100000001",
        practice_category="clinical",
        phone="13800001111",
        title="主治医师",
        user=doctor,
    )
    actor = actor_for_membership(user=admin, organization_id=hospital.id)
    bank = banks.bank_create(actor=actor, user=admin, name="三基三严", purpose="exam")
    for i in range(QUESTIONS):
        banks.question_create(
            actor=actor,
            user=admin,
            bank_id=bank.id,
            kind="single",
            content={
                "stem": f"单选题{i}：" + "题干" * 40,
                "options": [{"key": k, "text": f"选项{k}" * 10} for k in "ABCD"],
                "answer": ["A"],
                "explanation": "解析" * 40,
            },
            classification={},
        )
    blueprint = papers.blueprint_create(
        actor=actor,
        user=admin,
        bank_id=bank.id,
        name="三基三严",
        rules=[{"kind": "single", "count": QUESTIONS, "points": "1"}],
        time_limit_minutes=120,
        pass_mark=1,
    )
    now = timezone.now()
    sitting = papers.sitting_create(
        actor=actor,
        user=admin,
        blueprint_id=blueprint.id,
        name="三基三严考试",
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(hours=3),
    )
    ProctoringSettings.objects.create(owner_id=hospital.id, sitting=sitting, snapshots=6, updated_by=admin)
    client = login("bench_doctor")
    text = client.get("/api/v1/me/proctoring/consent-text/").json()
    r = client.post(
        f"/api/v1/me/proctoring/sittings/{sitting.id}/consent/",
        {"version": text["version"], "agree": True},
        format="json",
    )
    assert r.status_code == 201, r.content
    r = client.post(f"/api/v1/me/exams/sittings/{sitting.id}/start/", HTTP_X_DEVICE_ID=DEVICE)
    assert r.status_code == 201, r.content
    return client, r.json()["attempt"]["id"]


def due_now(attempt_id) -> None:
    """Put the session's first slot at this moment (the bench outlasts one slot's 2-minute window)."""
    from django.utils import timezone
    from exams.models import Attempt
    from proctoring.services.snapshots import session_ensure

    attempt = Attempt.objects.get(pk=attempt_id)
    session = session_ensure(attempt)
    session.schedule = [int((timezone.now() - attempt.started_at).total_seconds())] + session.schedule[1:]
    session.save(update_fields=["schedule"])


def measure(client, attempt_id, body: dict, n: int, warmup: int) -> tuple[list[float], list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = f"/api/v1/me/proctoring/attempts/{attempt_id}/snapshots/"
    times, cpu = [], []
    for i in range(warmup + n):
        if i % 500 == 0:
            due_now(attempt_id)
        t, c = time.perf_counter(), time.process_time()
        r = client.post(url, body, format="json", HTTP_X_DEVICE_ID=DEVICE)
        elapsed, used = time.perf_counter() - t, time.process_time() - c
        assert r.status_code == 201, r.content
        if i >= warmup:
            times.append(elapsed * 1000)
            cpu.append(used * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.post(url, body, format="json", HTTP_X_DEVICE_ID=DEVICE)
    return times, cpu, len(queries)


def baseline(client, n: int, warmup: int) -> None:
    """The same stack with next to no work: the consent text (authentication and the permission check only),
    to show what the framework itself costs per request here."""
    times, cpu = [], []
    for i in range(warmup + n):
        t, c = time.perf_counter(), time.process_time()
        r = client.get("/api/v1/me/proctoring/consent-text/")
        elapsed, used = time.perf_counter() - t, time.process_time() - c
        assert r.status_code == 200, r.content
        if i >= warmup:
            times.append(elapsed * 1000)
            cpu.append(used * 1000)
    line("baseline GET consent text: p50 wall / p50 CPU", f"{pct(times, 50):.2f} / {pct(cpu, 50):.2f} ms")


def report(name: str, times: list[float], cpu: list[float], queries: int) -> None:
    line(f"{name}: p50 wall", f"{pct(times, 50):.2f} ms", "goal <= 5 ms")
    line(f"{name}: p95 / p99 wall", f"{pct(times, 95):.2f} / {pct(times, 99):.2f} ms")
    line(f"{name}: mean wall, {len(times)} requests", f"{statistics.mean(times):.2f} ms")
    line(f"{name}: p50 / p99 CPU of this process", f"{pct(cpu, 50):.2f} / {pct(cpu, 99):.2f} ms")
    line(f"{name}: SQL statements per request", f"{queries}")


def signing(n: int) -> None:
    from proctoring.services import staging

    from core import storage

    storage.client()  # built once per process
    for label, sign in (
        (
            "sign PUT (presigned_put)",
            lambda: storage.presigned_put(
                key="k/x.jpg", content_type="image/jpeg", size=1000, sha256_hex="a" * 64
            ),
        ),
        (
            "sign POST policy (generate_presigned_post)",
            lambda: staging.post_policy(key="k/x.jpg", content_type="image/jpeg", size=1000, expires=60),
        ),
    ):
        for _ in range(100):
            sign()
        times = []
        for _ in range(n):
            t = time.perf_counter()
            sign()
            times.append((time.perf_counter() - t) * 1000)
        line(f"{label}: p50 / p99", f"{pct(times, 50):.3f} / {pct(times, 99):.3f} ms")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=200)
    args = parser.parse_args()

    setup_database(ROOT / ".run" / "services.env")
    import django
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    django.setup()
    import logging

    logging.getLogger("django.request").setLevel(logging.ERROR)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate_schemas", shared=True, verbosity=0)
    print(
        f"\nUpload-URL bench: {args.requests} requests after {args.warmup} warm-up, one process, Django test "
        f"client, PostgreSQL {connection.cursor().connection.info.server_version}, "
        f"{os.cpu_count()} CPUs shared, load average {os.getloadavg()[0]:.1f} at the start\n"
    )
    client, attempt_id = seed()
    data = {"content_type": "image/jpeg", "size": 150_000, "sha256": "ab" * 32}
    baseline(client, args.requests, args.warmup)
    report("upload URL, signed PUT", *measure(client, attempt_id, data, args.requests, args.warmup))
    post = {**data, "method": "post"}
    report("upload URL, POST policy", *measure(client, attempt_id, post, args.requests, args.warmup))
    signing(args.requests)
    connection.close()
    print()


if __name__ == "__main__":
    main()

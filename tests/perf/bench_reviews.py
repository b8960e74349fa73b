"""Bulk review figures (printed, not asserted): approve 5,000 submissions at once, through the service and
through the API, at the institution (机构审核) and at the assessment body (复核).

    .venv/bin/python tests/perf/bench_reviews.py [--batch 5000] [--background 190000] [--rounds 3]

Runs against its own database (`<db>_bench_reviews`, dropped and re-created) on the configured PostgreSQL.
Seeds (COPY) a cycle with `background` enrolments spread over other institutions (so the table is the size of a
province: 200,000 at the default) and, in one hospital, `rounds` x 2 batches of `batch` submissions rated
by the department and assigned to one assessment body. Each round approves one fresh batch through the
service (reviews.review_bulk_approve), another through POST /api/v1/reviews/institution/bulk-approve/ (a
bearer token, the ids in the body), then re-reviews the first batch through
POST /api/v1/reviews/body/bulk-approve/. Listeners registered on the enrolment workflow (rollups,
notifications) run as they would in production. Goal from issue #4: bulk approve 5,000 in under 5 s.
"""

import argparse
import datetime
import hashlib
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "backend")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

PASSWORD = "Bench-Passw0rd!"


def line(name, value, goal=""):
    print(f"  {name:62} {value:>12}   {goal}", flush=True)


def setup_database(env_file: Path) -> None:
    import environ

    environ.Env.read_env(env_file, overwrite=False)
    url = os.environ["DATABASE_URL"]
    base, _, name = url.rpartition("/")
    bench = f"{name}_bench_reviews"
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{bench}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{bench}"')
    os.environ["DATABASE_URL"] = f"{base}/{bench}"


def make_user(username, organization, role, department=None):
    from accounts.models import Membership, User

    user = User(username=username, name=username, must_change_password=False)
    user.set_password(PASSWORD)
    user.save()
    Membership.objects.create(user=user, organization=organization, role=role, department=department)
    return user


def login(username):
    from rest_framework.test import APIClient

    client = APIClient()
    response = client.post("/api/v1/auth/login/", {"username": username, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
    return client


def _copy(table: str, columns: list[str], rows) -> None:
    from django.db import connection

    with (
        connection.cursor() as cur,
        cur.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def seed(batch: int, rounds: int, background: int) -> dict:
    """Regions, one hospital under review with a department, `background` institutions' worth of other
    enrolments, the cycle; physicians and enrolments by COPY."""
    from assessment.models import Cycle, CycleSettings

    from core.crypto import encrypt
    from organizations.models import Department, Organization, Region
    from tests.assessment.conftest import DEFAULT_SETTINGS, open_phases

    province = Region.objects.create(code="330000", name="浙江省", level="province", path="330000/")
    city = Region.objects.create(
        code="330100", name="杭州市", level="city", parent=province, path="330000/330100/"
    )
    Organization.objects.create(
        name="杭州市卫生健康委员会", kind="commission", region=city, region_path=city.path
    )
    hospital = Organization.objects.create(
        name="杭州市第一人民医院", kind="institution", region=city, region_path=city.path
    )
    department = Department.objects.create(organization=hospital, name="普外科")
    body = Organization.objects.create(
        name="杭州市医师协会",
        kind="industry_org",
        region=city,
        region_path=city.path,
        is_assessment_body=True,
    )
    others = Organization.objects.bulk_create(
        [
            Organization(name=f"医院{i:04d}", kind="institution", region=city, region_path=city.path)
            for i in range(max(1, min(3000, background // 60)))
        ]
    )
    admin = make_user("bench_admin", hospital, "hospital_admin")
    make_user("bench_body", body, "assessment_reviewer")
    cycle = Cycle.objects.create(
        code="2024-2026",
        name="2024—2026年度医师定期考核",
        starts_on=datetime.date(2024, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
        status="active",
        created_by=admin,
    )
    cycle.settings = CycleSettings.objects.create(
        cycle=cycle, version=1, phases=open_phases(), created_by=admin, **DEFAULT_SETTINGS
    )
    cycle.save(update_fields=["settings"])

    started = time.perf_counter()
    now = datetime.datetime.now(datetime.UTC)
    secret = encrypt("330102198001011234")  # one ciphertext for all: the figures never decrypt
    under_review = batch * 2 * rounds
    total = under_review + background
    physician_ids = [uuid.uuid4() for _ in range(total)]

    def org_of(i):
        return hospital if i < under_review else others[i % len(others)]

    _copy(
        "physicians_physician",
        [
            "id",
            "created_at",
            "updated_at",
            "name",
            "gender",
            "id_card_encrypted",
            "id_card_hash",
            "id_card_last4",
            "phone",
            "licence_number",
            "practice_category",
            "practice_scope",
            "title",
            "qualification_number",
            "education",
            "specialty",
            "post_type",
            "special_roles",
            "organization_id",
            "region_path",
            "department_id",
            "status",
        ],
        (
            (
                physician_ids[i],
                now,
                now,
                f"医师{i}",
                "",
                secret,
                hashlib.sha256(str(i).encode()).hexdigest(),
                "1234",
                "",
                f"1103{i:011d}",
                "clinical",
                "",
                "主治医师",
                "",
                "",
                "",
                "clinical",
                "[]",
                org_of(i).id,
                city.path,
                department.id if i < under_review else None,
                "active",
            )
            for i in range(total)
        ),
    )
    enrolment_ids = [uuid.uuid4() for _ in range(total)]
    _copy(
        "assessment_enrolment",
        [
            "id",
            "created_at",
            "updated_at",
            "cycle_id",
            "settings_id",
            "physician_id",
            "organization_id",
            "region_path",
            "department_id",
            "title",
            "assessment_body_id",
            "procedure",
            "status",
            "submitted_at",
            "enrolled_by_id",
            "result_level",
        ],
        (
            (
                enrolment_ids[i],
                now,
                now,
                cycle.id,
                cycle.settings_id,
                physician_ids[i],
                org_of(i).id,
                city.path,
                department.id if i < under_review else None,
                "主治医师",
                body.id if i < under_review else None,
                "general",
                "department_rated" if i < under_review else "enrolled",
                now if i < under_review else None,
                admin.id,
                "",
            )
            for i in range(total)
        ),
    )
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    batches = [enrolment_ids[k * batch : (k + 1) * batch] for k in range(2 * rounds)]
    return {
        "seconds": time.perf_counter() - started,
        "total": total,
        "admin": admin,
        "hospital": hospital,
        "batches": batches,
    }


def bench(world: dict, rounds: int) -> None:
    from assessment.models import Enrolment
    from assessment.selectors.reviews import Stage
    from assessment.services import reviews
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.selectors import actor_for_membership

    actor = actor_for_membership(user=world["admin"], organization_id=world["hospital"].id)
    admin_client = login("bench_admin")
    body_client = login("bench_body")
    batch = len(world["batches"][0])
    service, http, body_http, statements = [], [], [], 0
    for r in range(rounds):
        ids_service = world["batches"][2 * r]
        ids_http = [str(pk) for pk in world["batches"][2 * r + 1]]

        t0 = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            moved = reviews.review_bulk_approve(
                actor=actor, user=world["admin"], stage=Stage.INSTITUTION, enrolment_ids=ids_service
            )
        service.append(time.perf_counter() - t0)
        statements = len(captured.captured_queries)
        assert moved == batch

        t0 = time.perf_counter()
        response = admin_client.post(
            "/api/v1/reviews/institution/bulk-approve/", {"ids": ids_http}, format="json"
        )
        http.append(time.perf_counter() - t0)
        assert response.status_code == 200, response.content
        assert response.json()["approved"] == batch

        t0 = time.perf_counter()
        response = body_client.post(
            "/api/v1/reviews/body/bulk-approve/", {"ids": [str(pk) for pk in ids_service]}, format="json"
        )
        body_http.append(time.perf_counter() - t0)
        assert response.status_code == 200, response.content
        assert response.json()["approved"] == batch
    approved = Enrolment.objects.filter(status__in=["institution_approved", "body_approved"]).count()
    assert approved == 2 * batch * rounds, approved

    def fmt(values):
        return f"{statistics.median(values):.2f} s" + (f" (max {max(values):.2f})" if len(values) > 1 else "")

    line(f"SQL statements per bulk approval of {batch} (service)", f"{statements}", "constant")
    line(f"institution bulk approve {batch}, service, median of {rounds}", fmt(service), "goal < 5 s")
    line(f"institution bulk approve {batch}, HTTP, median of {rounds}", fmt(http), "goal < 5 s")
    line(f"body re-review bulk approve {batch}, HTTP, median of {rounds}", fmt(body_http), "goal < 5 s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--background", type=int, default=170_000, help="other enrolments in the table")
    args = parser.parse_args()

    setup_database(ROOT / ".run" / "services.env")
    import django
    from django.conf import settings

    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.ALLOWED_HOSTS = ["*"]
    django.setup()
    import logging

    logging.getLogger("celery").setLevel(logging.WARNING)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate_schemas", shared=True, verbosity=0)
    print(
        f"\nReview bench: bulk approve {args.batch}, {args.rounds} rounds, "
        f"PostgreSQL {connection.cursor().connection.info.server_version}\n"
    )
    world = seed(args.batch, args.rounds, args.background)
    line(f"seed {world['total']} physicians and enrolments (COPY)", f"{world['seconds']:.1f} s")
    bench(world, args.rounds)
    connection.close()
    print()


if __name__ == "__main__":
    main()

"""Progress statistics figures (printed, not asserted): the province, city and institution progress tables of
one cycle at the size of a province, from the maintained rollup, and what keeps the rollup costs.

    .venv/bin/python tests/perf/bench_assessment_stats.py [--enrolments 200000] [--institutions 3000]
                                                          [--calls 200]

Runs against its own database (`<db>_bench_stats`, dropped and re-created) on the configured PostgreSQL.
Seeds with COPY a province of 11 cities and 88 counties, the institutions spread over the counties with five
departments each, one assessment body per city, and one enrolment per physician in the cycle 2024-2026 with a
mid-cycle spread of statuses, titles, procedures and results (the rollup triggers count the COPY as it goes).
Then: `rollup_rebuild` of the cycle; the selector `progress_groups` and GET /api/v1/cycles/<id>/progress/
(bearer token, warm) `calls` times each for the province, a city and an institution: p50 and p95; and a
bulk workflow move of 5,000 (transition_many) with the triggers on. Goal from issue #4: province statistics
p95 <= 50 ms at 200,000 enrolments.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "backend")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

CITIES = [
    ("330100", "杭州市"),
    ("330200", "宁波市"),
    ("330300", "温州市"),
    ("330400", "嘉兴市"),
    ("330500", "湖州市"),
    ("330600", "绍兴市"),
    ("330700", "金华市"),
    ("330800", "衢州市"),
    ("330900", "舟山市"),
    ("331000", "台州市"),
    ("331100", "丽水市"),
]
TITLES = (["主任医师"] * 1, ["副主任医师"] * 2, ["主治医师"] * 4, ["医师"] * 3)
PROCEDURES = ["general"] * 14 + ["simplified"] * 5 + ["exempt"]
# Mid-cycle: percentages per status.
STATUSES = {
    "enrolled": 10,
    "drafting": 10,
    "submitted": 10,
    "department_rated": 8,
    "institution_approved": 8,
    "body_approved": 8,
    "scored": 6,
    "score_confirmed": 4,
    "publicized": 4,
    "passed": 20,
    "makeup_pending": 2,
    "makeup": 1,
    "makeup_scored": 1,
    "failed": 5,
    "withdrawn": 3,
}
PASSWORD = "Bench-Passw0rd!"


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def line(name, value, goal=""):
    print(f"  {name:62} {value:>22}   {goal}", flush=True)


def setup_database(env_file: Path) -> None:
    import environ

    environ.Env.read_env(env_file, overwrite=False)
    url = os.environ["DATABASE_URL"]
    base, _, name = url.rpartition("/")
    bench = f"{name}_bench_stats"
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


def seed(enrolments: int, institutions: int) -> dict:
    from assessment.models import Cycle, CycleSettings

    from core.crypto import encrypt
    from organizations.models import Department, Organization, Region
    from tests.assessment.conftest import DEFAULT_SETTINGS, open_phases

    rng = random.Random(4)
    province = Region.objects.create(code="330000", name="浙江省", level="province", path="330000/")
    cities, counties = [], []
    for code, name in CITIES:
        city = Region.objects.create(
            code=code, name=name, level="city", parent=province, path=f"{province.path}{code}/"
        )
        cities.append(city)
        for k in range(1, 9):
            c = f"{code[:4]}{k:02d}"
            counties.append(
                Region.objects.create(
                    code=c, name=f"{name}{k}区", level="county", parent=city, path=f"{city.path}{c}/"
                )
            )
    province_commission = Organization.objects.create(
        name="浙江省卫生健康委员会", kind="commission", region=province, region_path=province.path
    )
    city_commission = Organization.objects.create(
        name="杭州市卫生健康委员会", kind="commission", region=cities[0], region_path=cities[0].path
    )
    bodies = {
        city.path: Organization.objects.create(
            name=f"{city.name}医师协会",
            kind="industry_org",
            region=city,
            region_path=city.path,
            is_assessment_body=True,
        )
        for city in cities
    }
    orgs = Organization.objects.bulk_create(
        [
            Organization(
                name=f"医院{i:04d}",
                kind="institution",
                region=counties[i % len(counties)],
                region_path=counties[i % len(counties)].path,
            )
            for i in range(institutions)
        ],
        batch_size=1000,
    )
    departments = Department.objects.bulk_create(
        [Department(organization=o, name=f"科室{k}") for o in orgs for k in range(5)], batch_size=5000
    )
    depts_of: dict = {}
    for d in departments:
        depts_of.setdefault(d.organization_id, []).append(d.id)
    big = orgs[0]
    make_user("bench_province", province_commission, "province_admin")
    make_user("bench_city", city_commission, "city_admin")
    admin = make_user("bench_hospital", big, "hospital_admin")
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

    now = datetime.datetime.now(datetime.UTC)
    secret = encrypt("330102198001011234")
    titles = [t for group in TITLES for t in group]
    statuses = [s for s, n in STATUSES.items() for _ in range(n)]
    rows = []
    for i in range(enrolments):
        # the first institution is a big hospital (2,000 enrolments), the others share the rest
        org = big if i < 2000 else orgs[1 + i % (len(orgs) - 1)]
        status = rng.choice(statuses)
        result = ""
        if status in ("scored", "score_confirmed", "publicized", "passed"):
            result = "excellent" if rng.random() < 0.2 else "pass"
        if status in ("failed", "makeup_pending", "makeup", "makeup_scored"):
            result = "fail"
        city_path = "/".join(org.region_path.split("/")[:2]) + "/"
        rows.append(
            (
                uuid.uuid4(),
                uuid.uuid4(),
                org.id,
                org.region_path,
                rng.choice(depts_of[org.id]),
                rng.choice(titles),
                bodies[city_path].id,
                rng.choice(PROCEDURES) if status not in ("enrolled", "drafting") else "",
                status,
                result,
            )
        )
    started = time.perf_counter()
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
        ],  # fmt: skip
        (
            (
                r[1],
                now,
                now,
                f"医师{i}",
                "",
                secret,
                f"{i:064d}",
                "1234",
                "",
                f"1103{i:011d}",
                "clinical",
                "",
                r[5],
                "",
                "",
                "",
                "clinical",
                "[]",
                r[2],
                r[3],
                r[4],
                "active",
            )  # fmt: skip
            for i, r in enumerate(rows)
        ),
    )
    physicians_s = time.perf_counter() - started
    started = time.perf_counter()
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
            "enrolled_by_id",
            "result_level",
        ],  # fmt: skip
        (
            (
                r[0],
                now,
                now,
                cycle.id,
                cycle.settings_id,
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                r[6],
                r[7],
                r[8],
                admin.id,
                r[9],
            )  # fmt: skip
            for r in rows
        ),
    )
    enrolments_s = time.perf_counter() - started
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    return {
        "cycle": cycle,
        "admin": admin,
        "big": big,
        "physicians_s": physicians_s,
        "enrolments_s": enrolments_s,
        "enrolled_ids": [r[0] for r in rows if r[8] == "enrolled"],
    }


def bench(world: dict, calls: int) -> None:
    from assessment.models import Enrolment
    from assessment_stats import selectors, services
    from assessment_stats.models import ProgressRollup
    from django.db import connection

    from accounts.models import Membership
    from accounts.selectors import actor_for_membership
    from core.workflow import transition_many

    cycle = world["cycle"]
    line("seed physicians (COPY)", f"{world['physicians_s']:.1f} s")
    line("seed enrolments (COPY, rollup triggers on)", f"{world['enrolments_s']:.1f} s")
    assert selectors.rollup_diff(cycle.pk) == {}, "the triggers' rollup differs from a fresh GROUP BY"

    started = time.perf_counter()
    buckets = services.rollup_rebuild(cycle_id=cycle.pk)
    line(f"rollup_rebuild of the cycle ({buckets} buckets)", f"{time.perf_counter() - started:.2f} s")
    with connection.cursor() as cur:
        cur.execute("ANALYZE assessment_stats_progressrollup")
    started = time.perf_counter()
    assert selectors.rollup_diff(cycle.pk) == {}
    line(
        "rollup_check of the cycle (compare with a fresh GROUP BY)", f"{time.perf_counter() - started:.2f} s"
    )
    line("rollup rows of the cycle", f"{ProgressRollup.objects.filter(cycle=cycle).count()}")

    def actor(username):
        m = Membership.objects.get(user__username=username)
        return actor_for_membership(user=m.user, organization_id=m.organization_id)

    cases = [
        ("province", "bench_province", "region"),
        ("province", "bench_province", "organization"),
        ("city 330100", "bench_city", "region"),
        ("institution (2,000 enrolled)", "bench_hospital", "department"),
    ]
    for who, username, by in cases:
        a = actor(username)
        selectors.progress_groups(actor=a, cycle=cycle, by=by)  # warm
        durations = []
        for _ in range(calls):
            t0 = time.perf_counter()
            totals, groups = selectors.progress_groups(actor=a, cycle=cycle, by=by)
            durations.append(time.perf_counter() - t0)
        line(
            f"selector {who}, by={by} ({len(groups)} groups)",
            f"p50 {pct(durations, 50) * 1000:.1f} / p95 {pct(durations, 95) * 1000:.1f} ms",
            "goal p95 <= 50 ms" if who == "province" else "",
        )
    for who, username, by in cases:
        client = login(username)
        path = f"/api/v1/cycles/{cycle.pk}/progress/"
        assert client.get(path, {"by": by}).status_code == 200  # warm
        durations = []
        for _ in range(calls):
            t0 = time.perf_counter()
            response = client.get(path, {"by": by})
            durations.append(time.perf_counter() - t0)
            assert response.status_code == 200
        line(
            f"GET progress/ {who}, by={by}",
            f"p50 {pct(durations, 50) * 1000:.1f} / p95 {pct(durations, 95) * 1000:.1f} ms",
            "goal p95 <= 50 ms" if who == "province" else "",
        )

    ids = world["enrolled_ids"][: min(5000, len(world["enrolled_ids"]) - 100)]
    started = time.perf_counter()
    transition_many(Enrolment.objects.filter(pk__in=ids), "submit", actor_user=world["admin"])
    line(
        f"transition_many submit {len(ids)} (rollup kept by trigger)",
        f"{time.perf_counter() - started:.2f} s",
    )
    assert selectors.rollup_diff(cycle.pk) == {}
    median = statistics.median
    single = []
    for pk in world["enrolled_ids"][len(ids) : len(ids) + 100]:
        e = Enrolment.objects.get(pk=pk)
        t0 = time.perf_counter()
        from core.workflow import transition

        transition(e, "save", actor_user=world["admin"])
        single.append(time.perf_counter() - t0)
    line("single transition (lock, save, history, trigger), median", f"{median(single) * 1000:.1f} ms")
    assert selectors.rollup_diff(cycle.pk) == {}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--enrolments", type=int, default=200_000)
    parser.add_argument("--institutions", type=int, default=3_000)
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()

    setup_database(ROOT / ".run" / "services.env")
    import django
    from django.conf import settings

    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.ALLOWED_HOSTS = ["*"]
    django.setup()
    import logging

    logging.getLogger("celery").setLevel(logging.WARNING)
    logging.getLogger("django.request").setLevel(logging.ERROR)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate_schemas", shared=True, verbosity=0)
    print(
        f"\nProgress statistics bench: {args.enrolments} enrolments, {args.institutions} institutions, "
        f"{args.calls} calls each, PostgreSQL {connection.cursor().connection.info.server_version}\n"
    )
    world = seed(args.enrolments, args.institutions)
    bench(world, args.calls)
    connection.close()
    print()


if __name__ == "__main__":
    main()

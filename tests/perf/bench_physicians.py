"""Physician registry figures (printed, not asserted): the list for a city commission, the .xlsx export job,
the .xlsx import job.

    .venv/bin/python tests/perf/bench_physicians.py [--physicians 200000] [--institutions 3000] [--explain]

Runs against its own database (`<db>_bench_physicians`, dropped and re-created) on the configured PostgreSQL,
seeded with COPY: a province of 11 cities and 88 counties, the institutions spread over the counties with ten
departments each, and the physicians over the institutions; city X (330100) holds a fifth of them, every
fourth of those in the TCM category, so that city X's TCM physicians are exactly the export's 10,000 at the
default size. Every figure goes through the real API (APIClient with a bearer token from the login endpoint,
warm); jobs run inline (Celery eager), so their time is the request plus the whole job.
Goals are from issue #3; see docs/perf.md for the last figures.
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
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建文玉兰红云飞鹏辉志宏"
TITLES = ["主任医师", "副主任医师", "主治医师", "医师"]
CATEGORIES = ["clinical", "clinical", "tcm", "dental", "public_health"]
PASSWORD = "Bench-Passw0rd!"


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def line(name, value, goal=""):
    print(f"  {name:58} {value:>14}   {goal}", flush=True)


def setup_database(env_file: Path) -> None:
    import environ

    environ.Env.read_env(env_file, overwrite=False)
    url = os.environ["DATABASE_URL"]
    base, _, name = url.rpartition("/")
    bench = f"{name}_bench_physicians"
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{bench}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{bench}"')
    os.environ["DATABASE_URL"] = f"{base}/{bench}"


def id_card(region: str, birth: datetime.date, seq: int) -> str:
    from physicians.validators import id_card_with_check

    return id_card_with_check(f"{region}{birth:%Y%m%d}{seq % 1000:03d}")


def seed(n_physicians: int, n_institutions: int, rng: random.Random) -> dict:
    """Regions, commissions, institutions with departments, physicians (COPY). Returns what the figures need."""
    from django.db import connection

    from core.crypto import encrypt, keyed_hash
    from organizations.models import Department, Organization, Region

    province = Region.objects.create(code="330000", name="浙江省", level="province", path="330000/")
    cities, counties = [], []
    for code, name in CITIES:
        city = Region.objects.create(
            code=code, name=name, level="city", parent=province, path=f"330000/{code}/"
        )
        cities.append(city)
        for k in range(1, 9):
            county_code = f"{code[:4]}{k:02d}"
            counties.append(
                Region(
                    code=county_code,
                    name=f"{name}第{k}区",
                    level="county",
                    parent=city,
                    path=f"{city.path}{county_code}/",
                )
            )
    Region.objects.bulk_create(counties)
    commissions = {
        r.code: Organization(name=f"{r.name}卫生健康委员会", kind="commission", region=r, region_path=r.path)
        for r in [province, *cities]
    }
    Organization.objects.bulk_create(commissions.values())
    # A fifth of the institutions in city X (its counties are the first eight).
    institutions = []
    for i in range(n_institutions):
        county = counties[i % 8] if i < n_institutions // 5 else counties[8 + i % (len(counties) - 8)]
        institutions.append(
            Organization(
                name=f"{county.name}医院{i:04d}", kind="institution", region=county, region_path=county.path
            )
        )
    Organization.objects.bulk_create(institutions, batch_size=1000)
    departments = {}
    dept_rows = []
    for org in institutions:
        depts = [Department(organization=org, name=f"科室{k}") for k in range(10)]
        departments[org.id] = depts
        dept_rows += depts
    Department.objects.bulk_create(dept_rows, batch_size=5000)

    city_x_orgs = institutions[: n_institutions // 5]
    other_orgs = institutions[n_institutions // 5 :]
    n_city_x = n_physicians // 5
    now = datetime.datetime.now(datetime.UTC)
    columns = (
        "id, created_at, updated_at, name, gender, birth_date, id_card_encrypted, id_card_hash, id_card_last4, "
        "phone, licence_number, practice_category, practice_scope, title, qualification_number, education, "
        "specialty, post_type, special_roles, organization_id, region_path, department_id, status"
    )
    started = time.perf_counter()
    with (
        connection.cursor() as cur,
        cur.cursor.copy(f"COPY physicians_physician ({columns}) FROM STDIN") as copy,
    ):
        for i in range(n_physicians):
            if i < n_city_x:
                org = city_x_orgs[i % len(city_x_orgs)]
                category = (
                    "tcm" if i % 4 == 0 else rng.choice(["clinical", "clinical", "dental", "public_health"])
                )
            else:
                org = other_orgs[i % len(other_orgs)]
                category = rng.choice(CATEGORIES)
            birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=rng.randrange(0, 14000))
            # Sequence codes repeat every 1,000: make the number unique by the birth date and the index.
            number = id_card(org.region.code[:2] + f"{i // 1000:04d}", birth, i)
            copy.write_row(
                (
                    uuid.uuid4(),
                    now,
                    now,
                    rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2]))),
                    "男" if int(number[16]) % 2 else "女",
                    birth,
                    encrypt(number),
                    keyed_hash(number),
                    number[-4:],
                    f"139{i:08d}",
                    f"1103{i:011d}",
                    category,
                    "内科专业",
                    rng.choice(TITLES),
                    "",
                    "本科",
                    "",
                    "clinical",
                    "[]",
                    org.id,
                    org.region_path,
                    rng.choice(departments[org.id]).id,
                    "active",
                )
            )
    seeded = time.perf_counter() - started
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")  # the steady state autovacuum keeps a table in
    return {
        "province": province,
        "city_x": cities[0],
        "city_x_commission": commissions["330100"],
        "city_x_counties": counties[:8],
        "city_x_orgs": city_x_orgs,
        "seconds": seeded,
        "last_number": number,
    }


def make_user(username, organization, role):
    from accounts.models import Membership, User

    user = User(username=username, name=username, must_change_password=False)
    user.set_password(PASSWORD)  # once per bench user
    user.save()
    Membership.objects.create(user=user, organization=organization, role=role)
    return user


def login(username):
    from rest_framework.test import APIClient

    client = APIClient()
    response = client.post("/api/v1/auth/login/", {"username": username, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
    return client


def explain(params: dict, actor) -> None:
    from django.db import connection

    from physicians.selectors import physician_list_for_actor

    qs = physician_list_for_actor(actor=actor, **params)
    for label, query in (("page", qs[:20]), ("count", qs.order_by())):
        if label == "count":
            sql, args = query.query.get_compiler(connection=connection).as_sql()
            sql = f"SELECT count(*) FROM ({sql}) s"  # noqa: S608 - SQL the ORM compiled
        else:
            sql, args = query.query.sql_with_params()
        with connection.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, args)
            print(f"\n  -- {label} {params}")
            for (row,) in cur.fetchall():
                print("    " + row)


def bench_list(world: dict, rounds: int, show_plans: bool) -> None:
    from accounts.selectors import actor_for_membership

    user = make_user("bench_city_x", world["city_x_commission"], "city_admin")
    client = login("bench_city_x")
    county = world["city_x_counties"][3]
    org = world["city_x_orgs"][7]
    cases = {
        "no filter, page 1": {},
        "category + title": {"practice_category": "clinical", "title": "主治医师"},
        "name prefix": {"name": "王"},
        "county code": {"region": county.code},
        "county + category, page 5": {"region": county.code, "practice_category": "dental", "page": 5},
        "organisation": {"organization_id": str(org.id)},
        "status + post type, page 100": {"status": "active", "post_type": "clinical", "page": 100},
        "exact ID card": {"id_card": "nothing-here"},
        "licence number": {"licence_number": "110300000000007"},
    }
    if show_plans:
        actor = actor_for_membership(user=user, organization_id=world["city_x_commission"].id)
        for params in cases.values():
            explain({k: v for k, v in params.items() if k != "page"}, actor)
        print()
    for params in cases.values():  # warm
        response = client.get("/api/v1/physicians/", params)
        assert response.status_code == 200, response.content
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get("/api/v1/physicians/", {"practice_category": "clinical", "page_size": 100})
    line("SQL statements per list request (page of 100)", f"{len(captured.captured_queries)}", "no N+1")
    if show_plans:
        for q in captured.captured_queries:
            print("    " + q["sql"][:300])
    timings = {name: [] for name in cases}
    counts = {}
    for _ in range(rounds):
        for name, params in cases.items():
            t0 = time.perf_counter()
            response = client.get("/api/v1/physicians/", {**params, "page_size": 20})
            timings[name].append(time.perf_counter() - t0)
            counts[name] = response.json()["count"]
    for name, values in timings.items():
        line(f"list: {name} ({counts[name]} rows)", f"p95 {pct(values, 95) * 1000:.1f} ms")
    everything = [v for values in timings.values() for v in values]
    line(
        f"list for a city commission, all cases, {len(everything)} requests",
        f"p95 {pct(everything, 95) * 1000:.1f} ms",
        "goal <= 100 ms",
    )
    line("  median", f"{statistics.median(everything) * 1000:.1f} ms")


def bench_export(world: dict) -> None:
    from jobs.models import Job

    client = login("bench_city_x")
    t0 = time.perf_counter()
    response = client.post("/api/v1/physicians/export/", {"practice_category": "tcm"}, format="json")
    elapsed = time.perf_counter() - t0
    assert response.status_code == 202, response.content
    job = Job.objects.get(pk=response.json()["id"])
    assert job.status == "succeeded", job.errors
    line(f"export job, {job.summary['rows']} physicians to .xlsx", f"{elapsed:.2f} s", "goal < 10 s")


def import_file(n: int, start: int, *, bad_last: bool = False) -> bytes:
    from core.xlsx import write_workbook
    from physicians.jobs import IMPORT_COLUMNS

    rows = []
    birth = datetime.date(1985, 1, 1)
    for i in range(n):
        number = id_card(f"99{(start + i) // 1000:04d}", birth, start + i)
        values = {
            "name": f"导入{i}",
            "id_card_number": number,
            "licence_number": f"2203{start + i:011d}",
            "practice_category": "临床",
            "title": "主治医师",
            "department": f"科室{i % 10}",
            "phone": f"137{i:08d}",
            "hired_on": "2015-07-01",
        }
        rows.append([values.get(c.field, "") for c in IMPORT_COLUMNS])
    if bad_last:
        rows[-1][1] = rows[-1][1][:17] + ("0" if rows[-1][1][17] != "0" else "1")  # wrong check character
    return write_workbook([c.header for c in IMPORT_COLUMNS], rows)


def bench_import(world: dict, n: int) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jobs.models import Job
    from physicians.models import Physician

    hospital = world["city_x_orgs"][0]
    make_user("bench_hospital", hospital, "hospital_admin")
    client = login("bench_hospital")
    for label, data, expect in (
        (f"import job, {n} rows, one bad row: nothing stored", import_file(n, 0, bad_last=True), "failed"),
        (f"import job, {n} physicians with their accounts", import_file(n, 0), "succeeded"),
    ):
        before = Physician.objects.count()
        upload = SimpleUploadedFile("import.xlsx", data, content_type="application/octet-stream")
        t0 = time.perf_counter()
        response = client.post("/api/v1/physicians/import/", {"file": upload}, format="multipart")
        elapsed = time.perf_counter() - t0
        assert response.status_code == 202, response.content
        job = Job.objects.get(pk=response.json()["id"])
        assert job.status == expect, (job.status, job.errors[:3])
        stored = Physician.objects.count() - before
        line(label, f"{elapsed:.2f} s", f"goal < 60 s; {stored} stored, {len(job.errors)} row errors")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--physicians", type=int, default=200_000)
    parser.add_argument("--institutions", type=int, default=3_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--import-rows", type=int, default=5_000)
    parser.add_argument("--explain", action="store_true", help="print the list's query plans")
    args = parser.parse_args()

    setup_database(ROOT / ".run" / "services.env")
    import django
    from django.conf import settings

    settings.CELERY_TASK_ALWAYS_EAGER = True  # jobs run inline: the figure is the request plus the job
    settings.ALLOWED_HOSTS = ["*"]
    django.setup()
    import logging

    logging.getLogger("celery").setLevel(logging.WARNING)
    from django.core.management import call_command
    from django.db import connection

    from core import storage

    call_command("migrate_schemas", shared=True, verbosity=0)
    storage.ensure_bucket()
    print(
        f"\nPhysician registry bench: {args.physicians} physicians, {args.institutions} institutions, "
        f"PostgreSQL {connection.cursor().connection.info.server_version}\n"
    )
    world = seed(args.physicians, args.institutions, random.Random(3))
    line(f"seed {args.physicians} physicians (COPY, encrypted ID cards)", f"{world['seconds']:.1f} s")
    bench_list(world, args.rounds, args.explain)
    bench_export(world)
    bench_import(world, args.import_rows)
    connection.close()
    print()


if __name__ == "__main__":
    main()

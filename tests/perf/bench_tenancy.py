"""Tenancy figures (printed, not asserted): provisioning, tenant migrations, routing, connection memory.

    .venv/bin/python tests/perf/bench_tenancy.py [--tenants 1000]

Runs against its own database (`<db>_bench`, dropped and re-created) on the configured PostgreSQL. The additive
migration is a real one written into a temporary copy of the archives migrations (MIGRATION_MODULES), so the
repository is never touched. Goals are from issue #2; see docs/perf.md for the last figures.
"""

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "backend")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

ADDITIVE = """
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("archives", "{previous}")]
    operations = [
        migrations.AddField("technicalarchive", "bench_note", models.CharField(max_length=64, default="")),
        migrations.AddIndex(
            "technicalarchive", models.Index(fields=["employee_number"], name="bench_employee_idx")
        ),
    ]
"""


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def line(name, value, goal=""):
    print(f"  {name:58} {value:>14}   {goal}", flush=True)


def setup_database(env_file: Path) -> str:
    import environ

    environ.Env.read_env(env_file, overwrite=False)
    url = os.environ["DATABASE_URL"]
    base, _, name = url.rpartition("/")
    bench = f"{name}_bench"
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{bench}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{bench}"')
    os.environ["DATABASE_URL"] = f"{base}/{bench}"
    return f"{base}/{bench}"


def prepare_migrations(tmp: Path) -> Path:
    package = tmp / "bench_archives_migrations"
    shutil.copytree(
        ROOT / "backend" / "archives" / "migrations", package, ignore=shutil.ignore_patterns("__pycache__")
    )
    sys.path.insert(0, str(tmp))
    return package


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tenants", type=int, default=1000)
    args = parser.parse_args()
    n = args.tenants

    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    package = prepare_migrations(tmp)
    db_url = setup_database(ROOT / ".run" / "services.env")

    import django
    from django.conf import settings

    settings.MIGRATION_MODULES = {"archives": "bench_archives_migrations"}
    settings.TENANT_CONN_MAX_SCHEMAS = 50
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate_schemas", shared=True, verbosity=0)
    from organizations.models import Organization, Region
    from tenants import schema_sql
    from tenants.services import tenant_provision

    print(f"\nTenancy bench: {n} tenants, PostgreSQL {connection.cursor().connection.info.server_version}\n")
    region = Region.objects.create(code="330000", name="浙江省", level="province", path="330000/")
    orgs = Organization.objects.bulk_create(
        [
            Organization(name=f"医院{i:04d}", kind="institution", region=region, region_path=region.path)
            for i in range(n + 1)
        ]
    )

    # 1. provisioning -------------------------------------------------------------------------------------
    started = time.perf_counter()
    schema_sql.template_recording()
    line("template recording (once per migration set)", f"{(time.perf_counter() - started) * 1000:.0f} ms")
    durations = []
    started = time.perf_counter()
    for i, org in enumerate(orgs[:n]):
        t0 = time.perf_counter()
        tenant_provision(organization=org, slug=f"h{i:04d}")
        durations.append(time.perf_counter() - t0)
    total = time.perf_counter() - started
    line("provision one tenant p50", f"{statistics.median(durations) * 1000:.0f} ms")
    line("provision one tenant p95", f"{pct(durations, 95) * 1000:.0f} ms", "goal <= 2 s")
    line(f"provision {n} tenants, total", f"{total:.1f} s", "goal <= 600 s")
    t0 = time.perf_counter()
    tenant_provision(organization=orgs[n], slug="one-more")
    line(f"provision one more with {n} present", f"{(time.perf_counter() - t0) * 1000:.0f} ms", "goal <= 2 s")

    # 2. no-op migrate -------------------------------------------------------------------------------------
    child = (
        "import django; from django.conf import settings; "
        "settings.MIGRATION_MODULES = {'archives': 'bench_archives_migrations'}; django.setup(); "
        "from django.core.management import call_command; call_command('migrate_tenants')"
    )
    cmd = [sys.executable, "-c", child]
    env = {**os.environ, "DATABASE_URL": db_url, "PYTHONPATH": f"{tmp}:{ROOT}:{ROOT / 'backend'}"}

    def run_migrate(kill_after_line: str | None = None):
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        killed = False
        for out in proc.stdout:
            if kill_after_line and kill_after_line in out:
                proc.kill()
                killed = True
                break
        proc.wait()
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.perf_counter() - t0, usage.ru_maxrss / 1024, killed, proc.returncode

    elapsed, _rss, _k, rc = run_migrate()
    assert rc == 0
    line(
        f"migrate_tenants, nothing to apply, {n + 1} tenants",
        f"{elapsed:.2f} s",
        "goal <= 30 s (stock ~0.33 s/tenant)",
    )

    # 3. one additive migration, killed halfway then resumed -------------------------------------------------
    previous = sorted(p.stem for p in package.glob("0*.py"))[-1]
    (package / "9001_bench_additive.py").write_text(ADDITIVE.format(previous=previous))
    halfway = f"  {(n // 2) // 100 * 100}/"
    elapsed_killed, _rss, killed, _rc = run_migrate(kill_after_line=halfway if n >= 200 else None)
    pending = len(schema_sql.pending_by_schema())
    line("additive migration: run killed at about half", f"{elapsed_killed:.1f} s", f"{pending} schemas left")
    elapsed, rss, _k, rc = run_migrate()
    assert rc == 0
    left = len(schema_sql.pending_by_schema())
    line("additive migration: resumed run over the rest", f"{elapsed:.1f} s", f"{left} left after")
    line("additive migration: both runs together", f"{elapsed + elapsed_killed:.1f} s", "goal <= 120 s")
    line("peak memory of a migrate_tenants process", f"{rss:.0f} MB", "goal < 1.5 GB")

    # 4. routing: SET search_path count, overhead, reverse() ---------------------------------------------------
    from django.http import HttpResponse
    from django.test import RequestFactory
    from django.urls import reverse

    from tenants import routing

    def view(request):
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
        return HttpResponse("ok")

    middleware = routing.TenantRoutingMiddleware(view)
    rf = RequestFactory()
    statements = []

    def capture(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    middleware(rf.get("/h/h0001/api/v1/x/"))
    middleware(rf.get("/api/v1/x/"))
    with connection.execute_wrapper(capture):
        middleware(rf.get("/h/h0001/api/v1/x/"))
    tenant_sets = sum(s.startswith("SET search_path") for s in statements)
    statements.clear()
    middleware(rf.get("/api/v1/x/"))
    with connection.execute_wrapper(capture):
        middleware(rf.get("/api/v1/x/"))
    public_sets = sum(s.startswith("SET search_path") for s in statements)
    line(
        "SET search_path per tenant request / per public request",
        f"{tenant_sets} / {public_sets}",
        "goal 1 / 0",
    )

    def timed(path, rounds=3000):
        req = rf.get(path)
        t0 = time.perf_counter()
        for _ in range(rounds):
            req.path_info = path
            middleware(req)
        return (time.perf_counter() - t0) / rounds * 1e6

    public_us = statistics.median(timed("/api/v1/x/") for _ in range(3))
    tenant_us = statistics.median(timed("/h/h0001/api/v1/x/") for _ in range(3))
    line("trivial request through routing: public", f"{public_us:.0f} us")
    line("trivial request through routing: tenant", f"{tenant_us:.0f} us")
    line("tenant routing overhead", f"{tenant_us - public_us:.0f} us", "goal < 1000 us")

    seen = {}

    def reverse_view(request):
        t0 = time.perf_counter()
        for _ in range(1000):
            urlconf = getattr(request, "urlconf", None)
            reverse("archive-list", urlconf=urlconf) if urlconf else reverse("health")
        seen["us"] = (time.perf_counter() - t0) / 1000 * 1e6
        return HttpResponse()

    rmw = routing.TenantRoutingMiddleware(reverse_view)
    rmw(rf.get("/api/v1/x/"))
    public_rev = seen["us"]
    rmw(rf.get("/h/h0001/api/v1/x/"))
    line("reverse() in a public / a tenant request", f"{public_rev:.1f} / {seen['us']:.1f} us", "same order")

    # 5. connection memory ------------------------------------------------------------------------------------
    def backend_mb():
        with connection.cursor() as cur:
            cur.execute("SELECT sum(total_bytes) FROM pg_backend_memory_contexts")
            return cur.fetchone()[0] / 1024 / 1024

    def touch_view(request):
        from archives.models import TechnicalArchive

        TechnicalArchive.objects.count()
        return HttpResponse()

    connection.close()
    settings.TENANT_CONN_MAX_SCHEMAS = 10**9
    tmw = routing.TenantRoutingMiddleware(touch_view)
    base_mb = backend_mb()
    for i in range(n):
        tmw(rf.get(f"/h/h{i:04d}/api/v1/x/"))
    unbounded = backend_mb()
    connection.close()
    settings.TENANT_CONN_MAX_SCHEMAS = 50
    peak = 0.0
    for i in range(n):
        tmw(rf.get(f"/h/h{i:04d}/api/v1/x/"))
        if i % 10 == 9:
            peak = max(peak, backend_mb())
    line("backend memory, fresh connection", f"{base_mb:.1f} MB")
    line(f"backend memory after {n} tenants on one connection", f"{unbounded:.1f} MB", "without recycling")
    line("backend memory peak, recycled every 50 schemas", f"{peak:.1f} MB", "bounded")

    connection.close()
    shutil.rmtree(tmp, ignore_errors=True)
    print()


if __name__ == "__main__":
    main()

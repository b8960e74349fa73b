"""Privilege check figures (printed, not asserted): requests per second on ONE gunicorn worker process and
latency percentiles of POST /h/<slug>/api/v1/privilege-check/, with 2,000 physicians and 50,000 grants in
the hospital.

    .venv/bin/python tests/perf/bench_privilege_check.py [--physicians 2000] [--grants 50000] [--seconds 20]

Runs against its own database (`<db>_bench_cred`, dropped and re-created) on the configured PostgreSQL. Seeds
one hospital tenant, `physicians` physicians, a 400-item catalogue and `grants` grants (items and prescribing
classes, a tenth of them suspended or expired), one API key. Starts `gunicorn --workers 1` (sync worker,
DEBUG off) and drives it from this process with client threads pinned to another core than the server's when
the machine has two or more (`os.sched_setaffinity`). The request mix: 70 % procedure codes (45 % one the
physician holds, 15 % any catalogue code, 10 % unknown codes), 30 % drug classes with levels; physicians by licence number. Goal (issue 8): report.
"""

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "backend")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")


def line(name, value, goal=""):
    print(f"  {name:58} {value:>14}   {goal}", flush=True)


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def setup_database(env_file: Path) -> str:
    import environ

    environ.Env.read_env(env_file, overwrite=False)
    url = os.environ["DATABASE_URL"]
    base, _, name = url.rpartition("/")
    bench = f"{name}_bench_cred"
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{bench}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{bench}"')
    os.environ["DATABASE_URL"] = f"{base}/{bench}"
    return os.environ["DATABASE_URL"]


def seed(n_physicians: int, n_grants: int):
    from credentialing.models import CatalogueItem, Grant
    from credentialing.services.check import api_key_create
    from django_tenants.utils import tenant_context

    from core.crypto import keyed_hash
    from organizations.models import Department, Organization, Region
    from physicians.models import Physician
    from tenants.services import tenant_provision

    region = Region.objects.create(code="330000", name="浙江省", level="province", path="330000/")
    hospital = Organization.objects.create(
        name="基准医院", kind="institution", region=region, region_path=region.path
    )
    department = Department.objects.create(organization=hospital, name="普外科")
    tenant = tenant_provision(organization=hospital, slug="bench")
    titles = ["住院医师", "主治医师", "副主任医师", "主任医师"]
    physicians = Physician.objects.bulk_create(
        [
            Physician(
                name=f"医师{i:05d}",
                organization=hospital,
                region_path=hospital.region_path,
                department=department,
                id_card_encrypted="x",
                id_card_hash=keyed_hash(f"bench-{i}"),
                id_card_last4="0000",
                licence_number=f"B{i:014d}",
                practice_category="clinical",
                title=titles[i % 4],
            )
            for i in range(n_physicians)
        ],
        batch_size=1000,
    )
    from django.utils import timezone

    today = timezone.localdate()
    with tenant_context(tenant):
        items = CatalogueItem.objects.bulk_create(
            [
                CatalogueItem(
                    code=f"{10 + i // 100}.{i % 100:02d}01",
                    name=f"术式{i}",
                    category="surgery",
                    grade=1 + i % 4,
                    national_code=f"N{i:05d}",
                )
                for i in range(400)
            ]
        )
        per = max(1, n_grants // n_physicians)
        drugs = [("antimicrobial", "restricted"), ("oncology", "general"), ("general", ""), ("narcotic", "")]
        grants = []
        held = {}
        rng = random.Random(7)
        for p in physicians:
            chosen = rng.sample(items, per - 2)
            held[p.licence_number] = [i.code for i in chosen]
            for item in chosen:
                status = rng.choices(["active", "suspended", "expired"], [90, 5, 5])[0]
                grants.append(
                    Grant(
                        physician_id=p.id,
                        department_id=department.id,
                        kind="surgical",
                        item=item,
                        valid_from=today - timedelta(days=100),
                        valid_until=today + timedelta(days=900),
                        status=status,
                    )
                )
            for drug_class, level in rng.sample(drugs, 2):
                grants.append(
                    Grant(
                        physician_id=p.id,
                        department_id=department.id,
                        kind="prescribing",
                        drug_class=drug_class,
                        level=level,
                        valid_from=today - timedelta(days=100),
                        valid_until=today + timedelta(days=900),
                    )
                )
        Grant.objects.bulk_create(grants[:n_grants], batch_size=5000)
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        from accounts.models import User

        admin = User.objects.create(username="bench_admin", name="bench")
        _key, raw = api_key_create(user=admin, name="HIS")
        count = Grant.objects.count()
    return raw, held, [i.code for i in items], count


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--physicians", type=int, default=2000)
    parser.add_argument("--grants", type=int, default=50000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()

    db_url = setup_database(ROOT / ".run" / "services.env")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate_schemas", shared=True, verbosity=0)
    t0 = time.perf_counter()
    key, held, codes, n_grants = seed(args.physicians, args.grants)
    licences = list(held)
    print(f"\nPrivilege check bench: {len(licences)} physicians, {n_grants} grants, 400 catalogue items")
    line("seed", f"{time.perf_counter() - t0:.1f} s")

    cores = sorted(os.sched_getaffinity(0))
    server_core, client_cores = (cores[0], cores[1:]) if len(cores) > 1 else (cores[0], cores)
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "PYTHONPATH": f"{ROOT}:{ROOT / 'backend'}",
    }
    server = subprocess.Popen(
        [
            "taskset",
            "-c",
            str(server_core),
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT / "backend",
        env=env,
    )
    os.sched_setaffinity(0, set(client_cores))
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        rng = random.Random(11)

        def body():
            licence = rng.choice(licences)
            roll = rng.random()
            if roll < 0.45:
                return {"licence_number": licence, "procedure_code": rng.choice(held[licence])}
            if roll < 0.6:
                return {"licence_number": licence, "procedure_code": rng.choice(codes)}
            if roll < 0.7:
                return {"licence_number": licence, "procedure_code": f"99.{rng.randint(0, 9999):04d}"}
            drug, level = rng.choice(
                [
                    ("antimicrobial", "non_restricted"),
                    ("antimicrobial", "special"),
                    ("oncology", "general"),
                    ("tcm", ""),
                ]
            )
            return {"licence_number": licence, "drug_class": drug, "level": level}

        headers = {"Authorization": f"ApiKey {key}", "Content-Type": "application/json", "Host": "localhost"}
        path = "/h/bench/api/v1/privilege-check/"

        def call(conn):
            conn.request("POST", path, json.dumps(body()), headers)
            response = conn.getresponse()
            data = response.read()
            return response.status, data

        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)  # the worker loads the app first
        for _ in range(200):  # warm-up
            status, data = call(conn)
            if conn.sock is None or status != 200:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        assert status == 200, data

        def worker_cpu() -> float:
            """CPU seconds used so far by gunicorn's worker process (the master's child)."""
            children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
            fields = Path(f"/proc/{children[0]}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

        def run(n_threads):
            server_cpu0 = worker_cpu()
            latencies, errors, answers = [], [0], {"allowed": 0, "refused": 0}
            lock = threading.Lock()
            stop = time.monotonic() + args.seconds

            def worker():
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                while time.monotonic() < stop:
                    t = time.perf_counter()
                    try:
                        status, data = call(conn)
                    except (OSError, http.client.HTTPException):
                        conn.close()
                        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                        with lock:
                            errors[0] += 1
                        continue
                    elapsed = time.perf_counter() - t
                    conn.close()  # the sync worker closes after each response
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                    with lock:
                        latencies.append(elapsed)
                        if status != 200:
                            errors[0] += 1
                        else:
                            answers["allowed" if json.loads(data)["allowed"] else "refused"] += 1

            cpu0 = os.times()
            started = time.perf_counter()
            threads = [threading.Thread(target=worker) for _ in range(n_threads)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - started
            cpu1 = os.times()
            n = len(latencies)
            line("server", f"gunicorn sync, 1 worker, core {server_core}")
            line("client", f"{n_threads} threads, cores {','.join(map(str, client_cores))}")
            line("requests", f"{n} in {wall:.1f} s")
            line(f"requests per second, one worker, {n_threads} client thread(s)", f"{n / wall:.0f} req/s")
            line("latency p50", f"{statistics.median(latencies) * 1000:.1f} ms")
            line("latency p99", f"{pct(latencies, 99) * 1000:.1f} ms")
            line("errors (non-200 or connection)", f"{errors[0]}")
            line("answers allowed / refused", f"{answers['allowed']} / {answers['refused']}")
            client_cpu = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
            line("load generator CPU", f"{client_cpu / wall * 100:.0f} % of a core")
            per_request = (worker_cpu() - server_cpu0) / max(1, n)
            line("worker CPU per request (Python side, without PostgreSQL)", f"{per_request * 1000:.1f} ms")
            line(
                "so one worker on a free core could serve about",
                f"{1 / per_request:.0f} req/s" if per_request else "-",
            )

        line(
            "load average of the machine (1 min) before the run",
            f"{os.getloadavg()[0]:.1f}",
            f"{os.cpu_count()} cores",
        )
        run(1)
        run(args.threads)
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()

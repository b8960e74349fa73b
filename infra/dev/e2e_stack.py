"""The browser tests' own stack, for `make test` (`make web-e2e-ci`): nothing else needs to be running but the
embedded services (`make services`).

    python infra/dev/e2e_stack.py run [-- CMD ...]   start the stack, run CMD (default: `npm run e2e` in web/)
                                                     with WEB_E2E_URL set, stop everything, exit with CMD's code
    python infra/dev/e2e_stack.py serve              start the stack and keep it until Ctrl-C (debugging a test:
                                                     cd web && WEB_E2E_URL=<printed url> node --test e2e/x.test.mjs)

What it starts, kept apart from `make demo` and from pytest:
- a database of its own, dropped and created fresh each run (`platform_e2e` + $TEST_DB_SUFFIX, or $E2E_DB_NAME)
  on the PostgreSQL of DATABASE_URL (.run/services.env), migrated and seeded with `seed_demo`;
- a Redis db number of its own ($E2E_REDIS_DB; default 2, or 3-15 picked from $TEST_DB_SUFFIX: the demo uses 0,
  pytest 1) for the cache and the Celery broker, so its worker never takes another run's tasks; a bucket of its own (platform-e2e);
- the Django app under gunicorn on a free port (or $E2E_PORT), serving the built web/dist (`make web` first);
- a Celery worker on every queue (exports, imports and certificate batches are jobs).
Screenshots and the servers' logs go to tests/artifacts/web/ (git-ignored). The servers are stopped on exit,
on a failing test, on Ctrl-C and on SIGTERM; the database is dropped at the start of the next run (left in place
so a failure can be looked at).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zlib
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ARTIFACTS = Path(os.environ.get("WEB_E2E_ARTIFACTS", ROOT / "tests" / "artifacts" / "web"))
LOGS = ARTIFACTS / "logs"


def log(msg: str) -> None:
    print(f"[e2e-stack] {msg}", flush=True)


def read_env_file() -> dict[str, str]:
    path = ROOT / ".run" / "services.env"
    values = {}
    if path.exists():
        for line in path.read_text().splitlines():
            if "=" in line and not line.lstrip().startswith("#"):
                key, value = line.split("=", 1)
                values[key.strip()] = value.strip()
    return values


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def with_path(url: str, path: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, parts.fragment))


def stack_env() -> tuple[dict[str, str], str]:
    """The environment of every process of the stack; returns it and the database's name."""
    base = {**read_env_file(), **os.environ}  # real environment variables win, as in the settings
    if "DATABASE_URL" not in base or "REDIS_URL" not in base:
        raise SystemExit("[e2e-stack] no DATABASE_URL/REDIS_URL: run `make services` first")
    suffix = os.environ.get("TEST_DB_SUFFIX", "")
    db_name = os.environ.get("E2E_DB_NAME", "platform_e2e" + suffix)
    # 0 is the demo's, 1 pytest's; runs with different suffixes (parallel checkouts) get different dbs (3-15).
    redis_db = os.environ.get("E2E_REDIS_DB") or (
        str(3 + zlib.crc32(suffix.encode()) % 13) if suffix else "2"
    )
    redis_url = with_path(base["REDIS_URL"], f"/{redis_db}")
    env = {
        **base,
        "DATABASE_URL": with_path(base["DATABASE_URL"], f"/{db_name}"),
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "CELERY_RESULT_BACKEND": redis_url,
        "CACHE_KEY_PREFIX": f"e2e-{db_name}",
        "S3_BUCKET": os.environ.get("E2E_S3_BUCKET", "platform-e2e"),
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "false",  # errors as the API's JSON, as in production
        "LOGIN_THROTTLE_RATE": "10000/min",  # the tests sign in many times from one address
        "PYTHONPATH": f"{ROOT}:{ROOT / 'backend'}",
        "PYTHONUNBUFFERED": "1",
    }
    return env, db_name


def recreate_database(env: dict[str, str], db_name: str) -> None:
    import psycopg

    admin_url = with_path(env["DATABASE_URL"], "/postgres")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [db_name],
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{db_name}"')
        conn.execute(f'CREATE DATABASE "{db_name}"')


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "backend" / "manage.py"), *args], env=env, cwd=ROOT, check=True
    )


def flush_redis_db(env: dict[str, str]) -> None:
    """Tasks and cache entries a killed earlier run left in this run's Redis db."""
    import redis

    redis.Redis.from_url(env["REDIS_URL"]).flushdb()


class Stack:
    def __init__(self) -> None:
        self.procs: dict[str, subprocess.Popen] = {}
        self.logs: list = []
        self.url = ""

    def spawn(self, name: str, cmd: list[str], env: dict[str, str]) -> None:
        out = open(LOGS / f"{name}.log", "w")  # noqa: SIM115 - closed in stop()
        self.logs.append(out)
        # A session of its own: stop() ends the process and its children (gunicorn's and celery's workers).
        self.procs[name] = subprocess.Popen(
            cmd, cwd=ROOT / "backend", env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )

    def start(self) -> None:
        if not (ROOT / "web" / "dist" / "index.html").exists():
            raise SystemExit("[e2e-stack] web/dist is missing: run `make web` first")
        env, db_name = stack_env()
        shutil.rmtree(ARTIFACTS, ignore_errors=True)
        LOGS.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        log(f"database {db_name}: created fresh, migrated, seeded")
        recreate_database(env, db_name)
        flush_redis_db(env)
        manage(env, "migrate_schemas", "--shared", "-v", "0")
        manage(env, "migrate_tenants", "-v", "0")
        manage(env, "storage_init")
        manage(env, "seed_demo")
        port = int(os.environ.get("E2E_PORT") or free_port())
        self.url = f"http://127.0.0.1:{port}"
        env["PUBLIC_BASE_URL"] = self.url
        self.spawn(
            "gunicorn",
            [
                str(BIN / "gunicorn"),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--timeout",
                "120",
                "--access-logfile",
                "-",
            ],
            env,
        )
        self.spawn(
            "celery",
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "worker",
                "-n",
                f"e2e-{os.getpid()}@%h",
                "-Q",
                "default,faces,documents,reports",
                "--concurrency",
                "2",
                "-l",
                "INFO",
            ],
            env,
        )
        self.wait_ready()
        log(f"ready at {self.url} in {time.monotonic() - started:.1f} s (logs: {LOGS})")

    def wait_ready(self, timeout: float = 180.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    self.dump_logs()
                    raise SystemExit(f"[e2e-stack] {name} exited with {proc.returncode} while starting")
            try:
                with urllib.request.urlopen(f"{self.url}/api/v1/health/", timeout=3) as res:  # noqa: S310
                    if res.status == 200:
                        return
            except urllib.error.HTTPError:
                pass  # 503 until the worker answers its ping
            except OSError:
                pass
            time.sleep(0.5)
        self.dump_logs()
        raise SystemExit(f"[e2e-stack] the stack was not healthy within {timeout:.0f} s")

    def dump_logs(self, lines: int = 40) -> None:
        for f in self.logs:
            f.flush()
        for path in sorted(LOGS.glob("*.log")):
            tail = path.read_text(errors="replace").splitlines()[-lines:]
            print(f"--- {path.name} (last {len(tail)} lines) ---\n" + "\n".join(tail), flush=True)

    def stop(self) -> None:
        # Every process group, also of a process that has ended (a browser it left behind goes with its group).
        for proc in self.procs.values():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for proc in self.procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        for f in self.logs:
            f.close()
        if self.procs:
            log("stopped")


def on_signal(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("run", "serve"):
        print(__doc__)
        return 2
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    stack = Stack()
    try:
        stack.start()
        if argv[0] == "serve":
            print(f"\n  WEB_E2E_URL={stack.url}\n  Ctrl-C stops it.\n", flush=True)
            while all(p.poll() is None for p in stack.procs.values()):
                time.sleep(0.5)
            return 1
        cmd = argv[2:] if len(argv) > 1 and argv[1] == "--" else ["npm", "run", "--silent", "e2e"]
        env = {**os.environ, "WEB_E2E_URL": stack.url, "WEB_E2E_ARTIFACTS": str(ARTIFACTS)}
        started = time.monotonic()
        # Its own process group too: a SIGTERM to this script ends the tests' processes, not only npm.
        tests = subprocess.Popen(cmd, cwd=ROOT / "web", env=env, start_new_session=True)
        stack.procs["tests"] = tests
        code = tests.wait()
        log(
            f"{' '.join(cmd)} exited with {code} after {time.monotonic() - started:.1f} s; screenshots in {ARTIFACTS}"
        )
        if code != 0:
            stack.dump_logs()
        return code
    except KeyboardInterrupt:
        return 130
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

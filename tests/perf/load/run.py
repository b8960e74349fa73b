"""One command per load scenario of issue 5 (see docs/decisions/0019-load-scenarios.md and docs/perf.md).

    make load-exam-day   EXAMINEES=5000 DURATION=20     (minutes measured, after a ~1 min warm-up)
    make load-spike      EXAMINEES=5000
    make load-chaos      EXAMINEES=1000 DURATION=10 OFFLINE_SECONDS=300

Each: the private durable services (stack.py: PostgreSQL with fsync and synchronous_commit on, Redis), the
set-up (setup.py), the app under gunicorn (WORKERS sync workers, default 4, port LOAD_PORT 18100) pinned to
LOAD_SERVER_CPUS, the load client (client.py) pinned to LOAD_CLIENT_CPUS, then the ledger check (check.py)
and the removal of the run's photos from the object store. No Celery worker runs: the face analysis is queued
in the private Redis and never consumed (face workers stopped during API runs, as the issue asks).

chaos adds, during the exam day: a SIGKILL to one gunicorn worker every CHAOS_KILL_EVERY s (60), a crash
restart of PostgreSQL (pg_ctl -m immediate) at CHAOS_PG_AT s (120) and a restart of Redis at CHAOS_REDIS_AT s
(180) after the client starts, and OFFLINE clients (1) offline for OFFLINE_SECONDS (300) from 30 s; every
failed request is retried; at the end each attempt is submitted twice and the check requires exactly one
submission per attempt.
"""

from __future__ import annotations

import datetime
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import stack  # noqa: E402

PY = sys.executable
PORT = int(os.environ.get("LOAD_PORT", 18100))
EXAMINEES = int(os.environ.get("EXAMINEES", 1000))
DURATION = float(os.environ.get("DURATION", 20))
WORKERS = int(os.environ.get("WORKERS", 4))
RUN_FILE = stack.LOAD / "run.json"
LEDGER = stack.LOAD / "ledger.jsonl"


def log(msg: str) -> None:
    print(f"[load] {msg}", flush=True)


def conditions(scenario: str) -> None:
    load1, load5, _ = os.getloadavg()
    pg = subprocess.run(
        [
            str(stack.PG_BIN / "psql"),
            stack.database_url().replace("postgres://", "postgresql://"),
            "-tAc",
            "SELECT string_agg(name || '=' || setting, ' ') FROM pg_settings "
            "WHERE name IN ('fsync','synchronous_commit','full_page_writes')",
        ],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    log(
        f"{scenario} {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} cores, "
        f"load average {load1:.2f}/{load5:.2f} before the run; PostgreSQL {pg}; gunicorn {WORKERS} sync workers "
        f"on CPU {stack.SERVER_CPUS}, load client on CPU {stack.CLIENT_CPUS}"
    )


def setup(minutes: int) -> None:
    subprocess.run(
        [
            PY,
            str(HERE / "setup.py"),
            "--examinees",
            str(EXAMINEES),
            "--minutes",
            str(minutes),
            "--out",
            str(RUN_FILE),
        ],
        check=True,
    )


class Server:
    def __init__(self):
        env = {
            **stack.env(),
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
        }
        cmd = [
            str(Path(PY).parent / "gunicorn"),
            "config.wsgi",
            "--chdir",
            str(stack.ROOT / "backend"),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(WORKERS),
            "--backlog",
            "4096",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ]
        self.log = open(stack.LOAD / "gunicorn.log", "a")  # noqa: SIM115
        self.proc = subprocess.Popen(stack.pinned(cmd), env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while not stack.port_open(PORT):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise SystemExit("gunicorn did not start: see .load/gunicorn.log")
            time.sleep(0.2)
        time.sleep(2)  # the workers import the app
        log(f"gunicorn on 127.0.0.1:{PORT} (master {self.proc.pid})")

    def workers(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True, check=False)
        return [int(p) for p in out.stdout.split()]

    def kill_one_worker(self) -> int | None:
        pids = self.workers()
        if not pids:
            return None
        pid = random.choice(pids)
        os.kill(pid, signal.SIGKILL)
        return pid

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def _cpu_seconds(pid: int) -> float:
    """user + system time of a process and of its reaped children (clock ticks from /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False)
    return [int(p) for p in out.stdout.split()]


def server_cpu(server: Server) -> float:
    """CPU seconds used so far by the server side: gunicorn (master, workers, killed workers) and the private
    PostgreSQL (postmaster, backends, ended backends). Not counted: Redis, the object store."""
    pids = [server.proc.pid, *_children(server.proc.pid)]
    pidfile = stack.PG_DATA / "postmaster.pid"
    if pidfile.exists() and not os.environ.get("LOAD_DATABASE_URL"):
        postmaster = int(pidfile.read_text().split()[0])
        pids += [postmaster, *_children(postmaster)]
    return sum(_cpu_seconds(p) for p in pids)


def client(args: list[str], server: Server | None = None) -> int:
    cmd = [PY, str(HERE / "client.py"), *args, "--run", str(RUN_FILE), "--base", f"http://127.0.0.1:{PORT}"]
    cpu0, t0 = (server_cpu(server), time.monotonic()) if server else (0, 0)
    rc = subprocess.run(stack.pinned(cmd, stack.CLIENT_CPUS), check=False).returncode
    if server:
        used, wall = server_cpu(server) - cpu0, time.monotonic() - t0
        log(
            f"server side (gunicorn + PostgreSQL) used {used:.1f} CPU s in {wall:.0f} s of the whole client run "
            f"({used / wall:.2f} cores on average; a PostgreSQL restart loses its counts)"
        )
    return rc


def check(*extra: str) -> int:
    cmd = [PY, str(HERE / "check.py"), "--run", str(RUN_FILE), "--ledger", str(LEDGER), "--cleanup", *extra]
    return subprocess.run(cmd, check=False).returncode


def clear_broker() -> None:
    """The private Redis starts each run with an empty `faces` queue (so the check's count is this run's)."""
    if not os.environ.get("LOAD_REDIS_URL"):
        import redis

        redis.Redis.from_url(stack.redis_url()).delete("faces")


def exam_day(chaos: bool = False) -> int:
    stack.up()
    clear_broker()
    # the time limit outlasts the warm-up, the measured minutes and an offline client's replay
    setup(int(DURATION) + 15)
    conditions("chaos" if chaos else "exam day")
    server = Server()
    events: list[str] = []
    stop = threading.Event()

    def monkey() -> None:
        t0 = time.monotonic()
        kill_every = float(os.environ.get("CHAOS_KILL_EVERY", 60))
        pg_at = float(os.environ.get("CHAOS_PG_AT", 120))
        redis_at = float(os.environ.get("CHAOS_REDIS_AT", 180))
        next_kill, pg_done, redis_done = kill_every, False, False
        while not stop.wait(1):
            now = time.monotonic() - t0
            if now >= next_kill:
                pid = server.kill_one_worker()
                events.append(f"{now:5.0f} s  SIGKILL gunicorn worker {pid}")
                next_kill += kill_every
            if not pg_done and now >= pg_at:
                pg_done = True
                away = stack.pg_restart()
                events.append(f"{now:5.0f} s  PostgreSQL crash-restarted (immediate stop), away {away:.1f} s")
            if not redis_done and now >= redis_at:
                redis_done = True
                away = stack.redis_restart()
                events.append(f"{now:5.0f} s  Redis killed and restarted, away {away:.1f} s")
            for e in events[-1:]:
                if getattr(monkey, "printed", None) != e:
                    log(f"chaos: {e.strip()}")
                    monkey.printed = e

    args = ["exam-day", "--minutes", str(DURATION), "--ledger", str(LEDGER)]
    if chaos:
        args += [
            "--retry-all",
            "--offline",
            os.environ.get("OFFLINE", "1"),
            "--offline-seconds",
            os.environ.get("OFFLINE_SECONDS", "300"),
        ]
        thread = threading.Thread(target=monkey, daemon=True)
        thread.start()
    try:
        rc = client(args, server)
    finally:
        stop.set()
        server.stop()
    if chaos:
        print("\nChaos events:")
        for e in events:
            print(f"  {e}")
    rc_check = check("--submitted")
    return rc or rc_check


def spike() -> int:
    stack.up()
    setup(60)
    conditions("start spike")
    server = Server()
    try:
        rc = client(["spike", "--connections", os.environ.get("CONNECTIONS", "1000")], server)
    finally:
        server.stop()
    return rc


def main() -> int:
    scenario = sys.argv[1] if len(sys.argv) > 1 else ""
    if scenario == "exam-day":
        return exam_day()
    if scenario == "chaos":
        return exam_day(chaos=True)
    if scenario == "spike":
        return spike()
    raise SystemExit(__doc__)


if __name__ == "__main__":
    sys.exit(main())

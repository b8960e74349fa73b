"""`make demo`: serve the API (gunicorn), a Celery worker and beat on localhost until Ctrl-C, then stop them and
the embedded services. Run after `make seed` (the Makefile does)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PORT = os.environ.get("PORT", "8000")

ACCOUNTS = [
    ("zj_admin", "省卫健委管理员 province commission"),
    ("hz_admin", "杭州市卫健委管理员 city commission"),
    ("xh_admin", "西湖区卫健局管理员 county commission"),
    ("hz1_admin", "杭州市第一人民医院管理员 hospital admin (tenant hz-sdyrmyy)"),
    ("hz1_affairs", "医务部 medical affairs"),
    ("hz1_head", "科室主任 department head"),
    ("hz1_doctor", "医师 physician"),
    ("body1_reviewer", "考核机构审核员 assessment-body reviewer"),
    ("assoc_admin", "行业组织管理员 industry organisation"),
]


def main() -> int:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "PYTHONPATH": f"{ROOT}:{ROOT / 'backend'}",
        "PYTHONUNBUFFERED": "1",
    }
    backend = ROOT / "backend"
    procs = {
        "web": subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{PORT}",
                "--workers",
                "2",
                "--access-logfile",
                "-",
                "--env",
                "DJANGO_SETTINGS_MODULE=config.settings.local",
            ],
            cwd=backend,
            env=env,
        ),
        "worker": subprocess.Popen(
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "worker",
                "-Q",
                "default,faces,documents,reports",
                "--concurrency",
                "2",
                "-l",
                "WARNING",
            ],
            cwd=backend,
            env=env,
        ),
        "beat": subprocess.Popen(
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "beat",
                "-l",
                "WARNING",
                "--schedule",
                str(ROOT / ".run" / "celerybeat-schedule"),
            ],
            cwd=backend,
            env=env,
        ),
    }

    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    time.sleep(2)
    print(
        f"\n  平台已启动 The platform is running\n"
        f"  API      http://127.0.0.1:{PORT}/api/v1/\n"
        f"  API docs http://127.0.0.1:{PORT}/api/docs/\n"
        f"  health   http://127.0.0.1:{PORT}/api/v1/health/\n"
        f"  password for every demo account: Demo@2026\n"
        + "".join(f"    {u:16} {d}\n" for u, d in ACCOUNTS)
        + "  Ctrl-C stops everything.\n",
        flush=True,
    )
    code = 0
    while not stopping:
        for name, proc in procs.items():
            if proc.poll() is not None:
                print(f"[demo] {name} exited with {proc.returncode}; stopping", flush=True)
                code = 1
                stopping = True
        time.sleep(0.5)

    for proc in procs.values():
        if proc.poll() is None:
            proc.terminate()
    deadline = time.monotonic() + 15
    for proc in procs.values():
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
    subprocess.run([sys.executable, str(ROOT / "infra" / "dev" / "services.py"), "down"], check=False)
    return code


if __name__ == "__main__":
    sys.exit(main())

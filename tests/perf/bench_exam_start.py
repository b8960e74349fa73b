"""Exam start figures (printed, not asserted): the cost of starting an attempt with a paper drawn at the start
and with a paper prepared ahead of the sitting (exams.services.prepared), and the cost of the preparation.

    .venv/bin/python tests/perf/bench_exam_start.py [--physicians 150] [--questions 100] [--pool 600]

Runs against its own database (`<db>_bench_start`, dropped and re-created) on the configured PostgreSQL. One
hospital, a bank of `--pool` single-choice questions, a blueprint drawing `--questions` of them, an open sitting
(not proctored) and 2 x `--physicians` physicians with accounts. Half start without a prepared paper, the
other half after the preparation job's work. The start is timed at the service (`attempt_start`: the reads,
the draw or the prepared paper, the INSERT and its audit row), without HTTP and token checks, which are the
same for both. Wall and this process's CPU time are printed: on a shared machine the wall time includes waiting
for a core.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "backend")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_upload_url import line, pct, setup_database  # noqa: E402


def seed(physicians: int, questions: int, pool: int):
    from django.utils import timezone
    from exams.services import banks, papers

    from accounts.models import User
    from accounts.selectors import actor_for_membership
    from accounts.services import membership_grant
    from organizations.models import Organization, Region
    from physicians.models import Physician

    province = Region.objects.create(code="330000", name="浙江省", level="province", path="330000/")
    city = Region.objects.create(
        code="330100", name="杭州市", level="city", parent=province, path="330000/330100/"
    )
    hospital = Organization.objects.create(
        name="杭州市第一人民医院", kind="institution", region=city, region_path=city.path
    )
    admin = User.objects.create(username="bench_admin", name="admin", must_change_password=False)
    membership_grant(user=admin, organization=hospital, role="hospital_admin")
    users = User.objects.bulk_create(
        [User(username=f"bench_doc{i}", name=f"doc{i}", password="!") for i in range(2 * physicians)]
    )
    Physician.objects.bulk_create(
        [
            Physician(
                name=f"医生{i}",
                organization=hospital,
                region_path=hospital.region_path,
                id_card_encrypted="x",
                id_card_hash=f"bench-{i}",
                id_card_last4="0000",
                licence_number=f"1103301{i:08d}",
                practice_category="clinical",
                user=user,
            )
            for i, user in enumerate(users)
        ]
    )
    actor = actor_for_membership(user=admin, organization_id=hospital.id)
    bank = banks.bank_create(actor=actor, user=admin, name="三基三严", purpose="exam")
    for i in range(pool):
        banks.question_create(
            actor=actor,
            user=admin,
            bank_id=bank.id,
            kind="single",
            content={
                "stem": f"单选题{i}：" + "题干" * 40,
                "options": [{"key": k, "text": f"选项{k}" * 10} for k in "ABCD"],
                "answer": ["A"],
                "explanation": "解析" * 40,
            },
            classification={},
        )
    blueprint = papers.blueprint_create(
        actor=actor,
        user=admin,
        bank_id=bank.id,
        name="三基三严",
        rules=[{"kind": "single", "count": questions, "points": "1"}],
        time_limit_minutes=120,
        pass_mark=1,
    )
    now = timezone.now()
    sitting = papers.sitting_create(
        actor=actor,
        user=admin,
        blueprint_id=blueprint.id,
        name="三基三严考试",
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(hours=3),
    )
    return sitting, users[:physicians], users[physicians:]


def starts(sitting, users, label: str, expect_prepared: bool) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from exams.services.attempts import attempt_start

    times, cpu, queries = [], [], []
    for user in users:
        t, c = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as captured:
            attempt, created = attempt_start(user=user, sitting_id=sitting.id, device_id="bench")
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        queries.append(len(captured))
        assert created
        assert (attempt.prepared_paper_id is not None) == expect_prepared
    line(f"start, {label}: p50 / p95 wall", f"{pct(times, 50):.2f} / {pct(times, 95):.2f} ms")
    line(f"start, {label}: mean wall, {len(times)} starts", f"{statistics.mean(times):.2f} ms")
    line(f"start, {label}: p50 CPU of this process", f"{pct(cpu, 50):.2f} ms")
    line(f"start, {label}: SQL statements per start", f"{statistics.median(queries):.0f}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--physicians", type=int, default=150)
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--pool", type=int, default=600)
    args = parser.parse_args()

    setup_database(ROOT / ".run" / "services.env", suffix="_bench_start")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate_schemas", shared=True, verbosity=0)
    print(
        f"\nExam start bench: {args.physicians} starts each way, a {args.questions}-question paper from a pool of "
        f"{args.pool}, PostgreSQL {connection.cursor().connection.info.server_version}, {os.cpu_count()} CPUs "
        f"shared, load average {os.getloadavg()[0]:.1f} at the start\n"
    )
    sitting, drawn_users, prepared_users = seed(args.physicians, args.questions, args.pool)
    starts(sitting, drawn_users[:10], "warm-up (drawn)", False)
    starts(sitting, drawn_users[10:], "paper drawn at the start", False)

    from exams.services.prepared import papers_prepare

    t = time.perf_counter()
    summary = papers_prepare(sitting_id=sitting.id)
    elapsed = time.perf_counter() - t
    assert summary["prepared"] == len(prepared_users), summary
    line(
        f"preparation job: {summary['prepared']} papers",
        f"{elapsed:.2f} s",
        f"{elapsed * 1000 / max(1, summary['prepared']):.1f} ms a paper",
    )
    starts(sitting, prepared_users, "paper prepared ahead", True)
    connection.close()
    print()


if __name__ == "__main__":
    main()

"""The ledger check: what the load client was told (ledger.jsonl) against what the database holds.

    .venv/bin/python tests/perf/load/check.py --run .load/run.json --ledger .load/ledger.jsonl [--submitted] [--cleanup]

For every (attempt, question) with an acknowledged save, the stored answer must be the newest acknowledged
one or a newer one the client sent (a save whose reply was lost), never an older one, and its option keys must
be those of that save (the opaque option IDs mapped through the attempt's stored paper):
- lost: no stored answer, or a stored (epoch, seq) older than an acknowledged one (an older answer overwrote a
  newer, or an acknowledged commit vanished);
- mismatched: the stored (epoch, seq) is the acknowledged or a sent one but the choices differ;
- unknown: a stored (epoch, seq) the client never sent.
With --submitted: every attempt is submitted, and exactly once (one `exams.attempt_submitted` audit row).
With --cleanup: the run's snapshot objects are deleted from the object store afterwards.
Exit status 1 when anything is wrong.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from setup import django_setup  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--run", required=True)
    parser.add_argument("--ledger", required=True)
    parser.add_argument("--submitted", action="store_true")
    parser.add_argument("--cleanup", action="store_true")
    args = parser.parse_args()
    django_setup()
    from exams.models import Attempt, AttemptAnswer
    from exams.services.attempts import answerables
    from proctoring.models import Snapshot

    from audit.models import AuditEvent

    run = json.loads(Path(args.run).read_text())
    sent = collections.defaultdict(dict)  # (attempt, q) -> {(e, s): options}
    acked = collections.defaultdict(dict)
    submits = collections.defaultdict(list)
    for line in Path(args.ledger).read_text().splitlines():
        row = json.loads(line)
        if row["t"] == "sent":
            sent[(row["attempt"], row["q"])][(row["e"], row["s"])] = row["o"]
        elif row["t"] == "ack":
            acked[(row["attempt"], row["q"])][(row["e"], row["s"])] = row["o"]
        elif row["t"] == "submit":
            submits[row["attempt"]].append(row["state"])
    attempts = {a for a, _ in sent} | set(submits)
    papers = {
        str(pk): answerables(paper)
        for pk, paper in Attempt.objects.filter(pk__in=attempts).values_list("pk", "paper")
    }
    stored = {
        (str(a), item): (e, s, choices)
        for a, item, e, s, choices in AttemptAnswer.objects.filter(attempt_id__in=attempts).values_list(
            "attempt_id", "item", "client_epoch", "seq", "choices"
        )
    }
    lost, mismatched, unknown, newer_unacked = [], [], [], 0
    for key, acks in acked.items():
        newest = max(acks)
        row = stored.get(key)
        if row is None or (row[0], row[1]) < newest:
            lost.append((key, newest, row))
            continue
        es = (row[0], row[1])
        options = acks.get(es) or sent[key].get(es)
        if options is None:
            unknown.append((key, es))
            continue
        if es > newest:
            newer_unacked += 1
        keys = sorted(papers[key[0]][key[1]]["options"][o] for o in options)
        if keys != sorted(row[2]):
            mismatched.append((key, es, keys, row[2]))
    n_acks = sum(len(a) for a in acked.values())
    print()
    print(
        f"Ledger check: {n_acks} acknowledged saves over {len(acked)} (attempt, question) pairs in {len(attempts)} attempts"
    )
    print(f"  acknowledged answers lost or overwritten by an older one: {len(lost)}")
    print(f"  stored choices differing from the acknowledged save: {len(mismatched)}")
    print(f"  stored answers the client never sent: {len(unknown)}")
    print(f"  stored answer newer than the last acknowledged (sent, reply lost): {newer_unacked}")
    for item in (lost + mismatched + unknown)[:10]:
        print(f"    {item}")
    ok = not (lost or mismatched or unknown)
    if args.submitted:
        states = dict(Attempt.objects.filter(pk__in=attempts).values_list("pk", "status"))
        not_submitted = [str(pk) for pk, st in states.items() if st != "submitted"]
        audits = collections.Counter(
            AuditEvent.objects.filter(
                action="exams.attempt_submitted", target_id__in=[str(a) for a in attempts]
            ).values_list("target_id", flat=True)
        )
        not_once = {a: audits.get(a, 0) for a in attempts if audits.get(a, 0) != 1}
        requests = sum(len(v) for v in submits.values())
        print(
            f"  submissions: {len(attempts) - len(not_submitted)}/{len(attempts)} attempts submitted "
            f"({requests} submit requests); attempts not graded exactly once: {len(not_once)}"
        )
        for a, c in list(not_once.items())[:5]:
            print(f"    {a}: {c} submissions")
        ok = ok and not not_submitted and not not_once
    registered = Snapshot.objects.filter(
        session__sitting_id=run["sitting"], registered_at__isnull=False
    ).count()
    try:
        import redis
        from django.conf import settings

        queued = redis.Redis.from_url(settings.CELERY_BROKER_URL).llen("faces")
    except Exception as exc:  # noqa: BLE001 - a figure, not a check
        queued = f"unknown ({exc})"
    print(
        f"  snapshots registered: {registered}; face analyses waiting in the broker's `faces` queue: {queued} "
        "(no face worker runs during the API runs; fewer waiting than registered = analyses lost with a broker restart)"
    )
    print(f"LEDGER {'OK' if ok else 'FAILED'}")
    if args.cleanup:
        from core import storage

        prefix = f"proctoring/snapshots/{run['sitting']}/"
        s3, bucket, deleted = storage.client(), storage.bucket(), 0
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            keys = [{"Key": o["Key"]} for o in page.get("Contents", [])]
            for i in range(0, len(keys), 1000):
                s3.delete_objects(Bucket=bucket, Delete={"Objects": keys[i : i + 1000]})
                deleted += len(keys[i : i + 1000])
        print(f"  {deleted} snapshot objects of the run deleted from the object store")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

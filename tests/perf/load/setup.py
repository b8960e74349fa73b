"""Set-up of a load run on the load database (stack.py): what an exam day finds ready before the first
examinee arrives, made with the project's services where they exist and in bulk where it is registry data.

    .venv/bin/python tests/perf/load/setup.py --examinees 1000 --minutes 30 --out .load/run.json

- Once (kept between runs): a province (浙江省) with its commission (the sitting's owner) and a province
  administrator, 50 institutions over 10 cities, the exam bank (`banks.bank_create`, 120 questions through
  `banks.question_create`), and the physicians with their accounts and doctor memberships (bulk_create;
  passwords unusable: nobody hashes a password per row, the examinees hold tokens instead).
- Every run: a new blueprint (40 single x 1.5 + 10 multiple x 4 = 100 points, the run's time limit) and sitting
  (`papers.blueprint_create`, `papers.sitting_create`, open now), proctored with one snapshot slot per ~45 s of
  the time limit; each examinee's face consent for the sitting (rows as `consent.consent_give` writes them,
  in bulk) and a mini-program token pair from `accounts.services.auth.tokens_issue` (no password hash: the
  spike measures starts, logins belong before it).

Writes a JSON file for the load client: the sitting, the time limit, the snapshot cadence and, per examinee,
the user id and the bearer token (a local file under .load/, git-ignored).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import stack  # noqa: E402

EDGE = 20  # proctoring.services.snapshots.EDGE: seconds kept free at both ends of an attempt
SNAPSHOT_EVERY = 45  # seconds, the exam mix of issue 5
CITIES = [f"33{c:02d}00" for c in range(1, 11)]


def django_setup() -> None:
    os.environ.update(stack.env())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    sys.path[:0] = [str(stack.ROOT), str(stack.ROOT / "backend")]
    import django

    django.setup()


def question(kind: str, i: int) -> dict:
    keys = "ABCD" if kind == "single" else "ABCDE"
    return {
        "stem": f"压力测试{'单选' if kind == 'single' else '多选'}题{i}：下列哪项正确？",
        "options": [{"key": k, "text": f"选项{k}（题{i}）"} for k in keys],
        "answer": ["B"] if kind == "single" else ["A", "C"],
        "explanation": f"题{i}的解析",
    }


def world() -> dict:
    """The organisations, the administrator and the bank, made once."""
    from exams.models import QuestionBank
    from exams.services import banks

    from accounts.models import User
    from accounts.roles import Role
    from accounts.selectors import actor_for_membership
    from accounts.services import membership_grant
    from organizations.models import Organization, Region

    province = Region.objects.filter(code="330000").first()
    if province is None:
        province = Region.objects.create(code="330000", name="浙江省", level="province", path="330000/")
        cities = Region.objects.bulk_create(
            Region(code=c, name=f"城市{c}", level="city", parent=province, path=f"330000/{c}/")
            for c in CITIES
        )
        Organization.objects.create(
            name="浙江省卫生健康委员会", kind="commission", region=province, region_path=province.path
        )
        Organization.objects.bulk_create(
            Organization(
                name=f"压力测试医院{i:02d}",
                kind="institution",
                region=cities[i % len(cities)],
                region_path=cities[i % len(cities)].path,
            )
            for i in range(50)
        )
    commission = Organization.objects.get(kind="commission", region=province)
    admin = User.objects.filter(username="load_admin").first()
    if admin is None:
        admin = User(username="load_admin", name="压测管理员", must_change_password=False)
        admin.set_unusable_password()
        admin.save()
        membership_grant(user=admin, organization=commission, role=Role.PROVINCE_ADMIN)
    actor = actor_for_membership(user=admin, organization_id=commission.id)
    bank = QuestionBank.objects.filter(owner_id=commission.id, name="压力测试题库").first()
    if bank is None:
        bank = banks.bank_create(actor=actor, user=admin, name="压力测试题库", purpose="exam")
        for i in range(120):
            kind = "single" if i < 90 else "multiple"
            banks.question_create(
                actor=actor,
                user=admin,
                bank_id=bank.id,
                kind=kind,
                content=question(kind, i),
                classification={},
            )
    return {"commission": commission, "admin": admin, "actor": actor, "bank": bank}


def physicians(n: int) -> list:
    """At least n physicians with accounts and doctor memberships (bulk, no password hashing)."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from accounts.models import Membership, User
    from accounts.roles import Role
    from core.crypto import encrypt, keyed_hash
    from organizations.models import Organization
    from physicians.models import Physician
    from physicians.validators import id_card_with_check

    have = Physician.objects.filter(licence_number__startswith="LOAD").count()
    if have < n:
        institutions = list(Organization.objects.filter(kind="institution", name__startswith="压力测试医院"))
        started = time.perf_counter()
        with transaction.atomic():
            users, docs, members = [], [], []
            for i in range(have, n):
                org = institutions[i % len(institutions)]
                user = User(
                    username=f"load{i:06d}",
                    name=f"压测医师{i}",
                    must_change_password=False,
                    password=make_password(None),  # unusable: no hash computed
                )
                users.append(user)
                birth = datetime.date(1970, 1, 1) + datetime.timedelta(days=i % 9000)
                number = id_card_with_check(f"33{i // 1000:04d}{birth:%Y%m%d}{i % 1000:03d}")
                docs.append(
                    Physician(
                        user=user,
                        name=f"压测医师{i}",
                        organization=org,
                        region_path=org.region_path,
                        id_card_encrypted=encrypt(number),
                        id_card_hash=keyed_hash(number),
                        id_card_last4=number[-4:],
                        licence_number=f"LOAD{i:011d}",
                        practice_category="clinical",
                        phone=f"137{i:08d}",
                        title="主治医师",
                    )
                )
                members.append(Membership(user=user, organization=org, role=Role.DOCTOR, is_active=True))
            User.objects.bulk_create(users, batch_size=2000)
            Physician.objects.bulk_create(docs, batch_size=2000)
            Membership.objects.bulk_create(members, batch_size=2000)
        print(f"  {n - have} physicians with accounts created in {time.perf_counter() - started:.1f} s")
    return list(
        Physician.objects.filter(licence_number__startswith="LOAD")
        .select_related("user")
        .order_by("licence_number")[:n]
    )


def sitting(w: dict, minutes: int, label: str):
    from django.utils import timezone
    from exams.services import papers
    from proctoring.models import ProctoringSettings

    now = timezone.now()
    blueprint = papers.blueprint_create(
        actor=w["actor"],
        user=w["admin"],
        bank_id=w["bank"].id,
        name=f"压测方案 {label}",
        rules=[
            {"kind": "single", "count": 40, "points": "1.5"},
            {"kind": "multiple", "count": 10, "points": "4"},
        ],
        time_limit_minutes=minutes,
        pass_mark=60,
    )
    s = papers.sitting_create(
        actor=w["actor"],
        user=w["admin"],
        blueprint_id=blueprint.id,
        name=f"压测考试 {label}",
        opens_at=now - datetime.timedelta(minutes=1),
        closes_at=now + datetime.timedelta(minutes=minutes + 120),
    )
    usable = minutes * 60 - 2 * EDGE
    count = max(1, usable // SNAPSHOT_EVERY)
    ProctoringSettings.objects.create(owner_id=s.owner_id, sitting=s, snapshots=count, updated_by=w["admin"])
    return s, count, usable / count


def consents_and_tokens(s, docs) -> list[dict]:
    from django.db import transaction
    from django.utils import timezone
    from proctoring import consent_text
    from proctoring.models import FaceConsent

    from accounts.services.auth import MINIPROGRAM, tokens_issue

    now = timezone.now()
    version = consent_text.CURRENT_VERSION
    digest = consent_text.text_sha256(version)
    out = []
    with transaction.atomic():
        FaceConsent.objects.bulk_create(
            [
                FaceConsent(
                    owner_id=s.owner_id,
                    sitting=s,
                    physician=d,
                    user=d.user,
                    text_version=version,
                    text_sha256=digest,
                    given_at=now,
                    device_id=f"phone-{d.user_id}",
                )
                for d in docs
            ],
            batch_size=2000,
        )
        for d in docs:
            pair = tokens_issue(user=d.user, client=MINIPROGRAM)
            out.append({"user": str(d.user_id), "token": pair.access})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--examinees", type=int, default=1000)
    parser.add_argument("--minutes", type=int, default=60, help="the blueprint's time limit")
    parser.add_argument("--out", default=str(stack.LOAD / "run.json"))
    args = parser.parse_args()
    django_setup()
    started = time.perf_counter()
    w = world()
    docs = physicians(args.examinees)
    label = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    s, count, part = sitting(w, args.minutes, label)
    t0 = time.perf_counter()
    examinees = consents_and_tokens(s, docs)
    print(f"  consents and token pairs for {len(examinees)} examinees in {time.perf_counter() - t0:.1f} s")
    Path(args.out).write_text(
        json.dumps(
            {
                "sitting": str(s.id),
                "time_limit_minutes": args.minutes,
                "snapshots": count,
                "snapshot_part_seconds": part,
                "edge_seconds": EDGE,
                "examinees": examinees,
            }
        )
    )
    print(
        f"  sitting {s.id} ({count} snapshot slots, one per {part:.1f} s); set-up {time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()

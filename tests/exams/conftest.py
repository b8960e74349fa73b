"""Fixtures of the exam engine: a bank of hospital A with single, multiple and case questions, a blueprint
that draws exactly the bank's clinical questions, and an open sitting; doctor_a is physician_a's account.
Function-scoped (rolled back after each test)."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone
from exams.services import banks, papers

from accounts.selectors import actor_for_membership


def single(stem, answer="A", **extra):
    return {
        "stem": stem,
        "options": [{"key": k, "text": f"{stem}-{k}"} for k in "ABCD"],
        "answer": [answer],
        "explanation": f"{stem}的解析",
        **extra,
    }


def multiple(stem, answer=("A", "B")):
    return {
        "stem": stem,
        "options": [{"key": k, "text": f"{stem}-{k}"} for k in "ABCDE"],
        "answer": list(answer),
        "explanation": f"{stem}的解析",
    }


def case(stem):
    return {
        "stem": stem,
        "items": [
            {"kind": "single", **single(f"{stem}小题1", "B")},
            {"kind": "multiple", **multiple(f"{stem}小题2", ("C", "D"))},
        ],
        "explanation": "病例解析",
    }


def actor_of(user, org):
    return actor_for_membership(user=user, organization_id=org.id)


@pytest.fixture
def exam(world, db):
    """Bank (hospital A): 3 single + 2 multiple + 1 case for clinical physicians, 1 single for dentists.
    Blueprint: 3 single x 2, 2 multiple x 3, 1 case x 4 = 16 points, pass mark 10, 30 minutes."""
    world.physician_a.user = world.doctor_a
    world.physician_a.save(update_fields=["user"])
    actor = actor_of(world.admin_a, world.hospital_a)
    bank = banks.bank_create(actor=actor, user=world.admin_a, name="三基三严题库", purpose="exam")
    qs = {}
    for i in range(3):
        qs[f"s{i}"] = banks.question_create(
            actor=actor,
            user=world.admin_a,
            bank_id=bank.id,
            kind="single",
            content=single(f"单选{i}"),
            classification={"practice_category": "clinical"},
        )
    for i in range(2):
        qs[f"m{i}"] = banks.question_create(
            actor=actor,
            user=world.admin_a,
            bank_id=bank.id,
            kind="multiple",
            content=multiple(f"多选{i}"),
            classification={},
        )
    qs["c0"] = banks.question_create(
        actor=actor,
        user=world.admin_a,
        bank_id=bank.id,
        kind="case",
        content=case("病例一"),
        classification={},
    )
    qs["dental"] = banks.question_create(
        actor=actor,
        user=world.admin_a,
        bank_id=bank.id,
        kind="single",
        content=single("口腔题"),
        classification={"practice_category": "dental"},
    )
    blueprint = papers.blueprint_create(
        actor=actor,
        user=world.admin_a,
        bank_id=bank.id,
        name="三基考试方案",
        rules=[
            {"kind": "single", "count": 3, "points": "2"},
            {"kind": "multiple", "count": 2, "points": "3"},
            {"kind": "case", "count": 1, "points": "4"},
        ],
        time_limit_minutes=30,
        pass_mark=10,
    )
    now = timezone.now()
    sitting = papers.sitting_create(
        actor=actor,
        user=world.admin_a,
        blueprint_id=blueprint.id,
        name="2025年三基考试",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(hours=2),
    )
    return SimpleNamespace(actor=actor, bank=bank, questions=qs, blueprint=blueprint, sitting=sitting)

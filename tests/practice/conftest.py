"""Fixtures of 学习: hospital A's exam (tests/exams/conftest.py `exam`: exam bank, blueprint, open sitting), a
practice bank of hospital A big enough for a mock test of that blueprint, and a province commission with an
exam bank and a practice bank of its own. Function-scoped (rolled back after each test)."""

from types import SimpleNamespace

import pytest
from exams.models import QuestionVersion
from exams.services import banks

from accounts.models import User
from accounts.roles import Role
from accounts.services import membership_grant
from organizations.models import Organization
from tests.conftest import PASSWORD
from tests.exams import conftest as exam_fixtures
from tests.exams.conftest import actor_of, case, multiple, single

exam = exam_fixtures.exam  # the exam engine's fixture, used here


def question(actor, user, bank, kind, content, **classification):
    return banks.question_create(
        actor=actor, user=user, bank_id=bank.id, kind=kind, content=content, classification=classification
    )


@pytest.fixture
def practice(world, db, exam):
    """Hospital A's practice bank: 4 single (3 内科 of which one hard, 1 外科), 1 dental single, 3 multiple
    (内科), 2 case groups; the province's exam bank (1 single) and practice bank (1 single 内科)."""
    actor = exam.actor
    user = world.admin_a
    bank = banks.bank_create(actor=actor, user=user, name="三基练习题库", purpose="practice")
    qs = {}
    for i in range(3):
        qs[f"ps{i}"] = question(
            actor,
            user,
            bank,
            "single",
            single(f"练习单选{i}"),
            specialty="内科",
            difficulty=3 if i == 2 else 2,
        )
    qs["ps_surgery"] = question(actor, user, bank, "single", single("练习外科单选"), specialty="外科")
    qs["ps_dental"] = question(
        actor, user, bank, "single", single("练习口腔单选"), specialty="内科", practice_category="dental"
    )
    for i in range(3):
        qs[f"pm{i}"] = question(actor, user, bank, "multiple", multiple(f"练习多选{i}"), specialty="内科")
    for i in range(2):
        qs[f"pc{i}"] = question(actor, user, bank, "case", case(f"练习病例{i}"), specialty="内科")

    province = Organization.objects.create(
        name="浙江省卫生健康委员会", kind="commission", region=world.province, region_path=world.province.path
    )
    province_admin = User(username="province_admin", name="省卫健委", must_change_password=False)
    province_admin.set_password(PASSWORD)
    province_admin.save()
    membership_grant(user=province_admin, organization=province, role=Role.PROVINCE_ADMIN)
    p_actor = actor_of(province_admin, province)
    province_exam_bank = banks.bank_create(
        actor=p_actor, user=province_admin, name="省考试题库", purpose="exam"
    )
    province_exam_q = question(
        p_actor, province_admin, province_exam_bank, "single", single("省考试真题"), specialty="内科"
    )
    province_practice_bank = banks.bank_create(
        actor=p_actor, user=province_admin, name="省练习题库", purpose="practice"
    )
    province_practice_q = question(
        p_actor, province_admin, province_practice_bank, "single", single("省练习题"), specialty="内科"
    )
    return SimpleNamespace(
        exam=exam,
        bank=bank,
        questions=qs,
        province=province,
        province_admin=province_admin,
        province_exam_bank=province_exam_bank,
        province_exam_q=province_exam_q,
        province_practice_bank=province_practice_bank,
        province_practice_q=province_practice_q,
    )


@pytest.fixture
def doctor_b(world, db):
    """A second physician with an account: physician_b of hospital B, user doctor_b."""
    user = User(username="doctor_b", name="李医生", must_change_password=False)
    user.set_password(PASSWORD)
    user.save()
    membership_grant(user=user, organization=world.hospital_b, role=Role.DOCTOR)
    world.physician_b.user = user
    world.physician_b.save(update_fields=["user"])
    return user


def keys_in_session(session_paper: dict) -> dict:
    """Opaque question ID -> (right option IDs, wrong option IDs) of a session or attempt paper, from the
    server's side (the test knows the bank)."""
    out = {}
    for item in session_paper["items"]:
        version = QuestionVersion.objects.get(pk=item["version"])
        for q in item["subs"] if item["kind"] == "case" else [item]:
            key = version.items[q["index"]]["answer"] if item["kind"] == "case" else version.answer
            out[q["id"]] = (
                [oid for oid, k in q["options"] if k in key],
                [oid for oid, k in q["options"] if k not in key],
            )
    return out

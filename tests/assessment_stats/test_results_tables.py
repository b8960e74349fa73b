"""GET cycles/<id>/progress/makeup/ and final/: the make-up results and final results tables, from enrolments
moved through the workflow (the make-up flag comes from their history)."""

import pytest
from assessment.enums import EnrolmentStatus as S
from assessment.enums import ResultLevel
from assessment.models import Enrolment

from core.workflow import transition, transition_many
from tests.assessment.enrolment.conftest import make_physician
from tests.assessment_stats.conftest import assert_in_step
from tests.conftest import login


@pytest.fixture
def makeup_in_b(world, cycle, spread):
    """Four more of hospital B failed into the make-up list: one awaits the province, one was refused the
    make-up, one passed it, one failed it."""
    made = [
        Enrolment.objects.create(
            cycle=cycle,
            settings=cycle.settings,
            physician=make_physician(f"补考{i}", world.hospital_b, seq=600 + i, department=world.dept_b),
            organization=world.hospital_b,
            region_path=world.hospital_b.region_path,
            department=world.dept_b,
            title="主治医师",
            procedure="general",
            status=S.PUBLICIZED,
            enrolled_by=world.admin_b,
        )
        for i in range(4)
    ]
    user = world.admin_b
    transition_many(Enrolment.objects.filter(pk__in=[e.pk for e in made]), "finalize_fail", actor_user=user)
    transition(Enrolment.objects.get(pk=made[1].pk), "refuse_makeup", actor_user=user)
    sitting = Enrolment.objects.filter(pk__in=[made[2].pk, made[3].pk])
    transition_many(sitting, "allow_makeup", actor_user=user)
    transition_many(sitting, "score_makeup", actor_user=user)
    passing = Enrolment.objects.get(pk=made[2].pk)
    passing.result_level = ResultLevel.PASS
    transition(passing, "finalize_pass", actor_user=user, update_fields=["result_level"])
    transition(Enrolment.objects.get(pk=made[3].pk), "finalize_fail_no_makeup", actor_user=user)
    assert_in_step(cycle)
    return made


def _groups(username, cycle, table, **params):
    response = login(username).get(f"/api/v1/cycles/{cycle.pk}/progress/{table}/", params)
    assert response.status_code == 200, response.content
    body = response.json()
    return body["totals"], {g["label"]: g for g in body["results"]}


def test_the_makeup_table(world, cycle, makeup_in_b, province_admin):
    totals, groups = _groups("st_province", cycle, "makeup", by="organization")

    b = groups["宁波市第二医院"]
    assert {k: b[k] for k in b if k.startswith("makeup_")} == {
        "makeup_listed": 4,
        "makeup_awaiting": 1,
        "makeup_refused": 1,
        "makeup_sitting": 0,
        "makeup_passed": 1,
        "makeup_failed": 1,
        "makeup_pass_rate": 0.5,
    }
    # 赵医生 of hospital A failed without a make-up: not on the make-up list
    assert groups["杭州市第一人民医院"]["makeup_listed"] == 0
    assert groups["杭州市第一人民医院"]["makeup_pass_rate"] is None
    assert totals["makeup_listed"] == 4
    assert set(groups["宁波市第二医院"]) == {
        "key",
        "label",
        "enrolled",
        "makeup_listed",
        "makeup_awaiting",
        "makeup_refused",
        "makeup_sitting",
        "makeup_passed",
        "makeup_failed",
        "makeup_pass_rate",
    }


def test_the_final_table(world, cycle, makeup_in_b, province_admin):
    totals, groups = _groups("st_province", cycle, "final", by="organization")

    b = groups["宁波市第二医院"]
    assert (b["enrolled"], b["finalized"], b["pending"]) == (6, 4, 2)
    assert (b["passed"], b["passed_after_makeup"], b["failed"], b["pass_rate"]) == (2, 1, 2, 0.5)
    a = groups["杭州市第一人民医院"]
    assert (a["passed"], a["excellent"], a["failed"], a["excellent_rate"]) == (
        2,
        1,
        1,
        pytest.approx(1 / 3, abs=1e-4),
    )
    assert (totals["finalized"], totals["passed"], totals["failed"]) == (7, 4, 3)


def test_the_tables_keep_the_reach(world, cycle, makeup_in_b):
    totals, groups = _groups("admin_a", cycle, "makeup")
    assert totals["makeup_listed"] == 0  # hospital B's make-up list is not hospital A's business
    totals, _groups_ = _groups("city_x_admin", cycle, "final")
    assert totals["failed"] == 1

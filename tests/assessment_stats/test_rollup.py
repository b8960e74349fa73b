"""The maintained rollup equals a fresh GROUP BY of the enrolments after every kind of write: the
institution's enrolment services (one, bulk: bulk_create), withdraw, delete, single and bulk workflow moves,
the make-up path, a plain queryset.update(); rollup_rebuild, the nightly check and the command repair drift."""

import io

import pytest
from assessment.enums import EnrolmentStatus as S
from assessment.enums import ResultLevel
from assessment.models import Enrolment
from assessment.services import enrolments as enrolment_services
from assessment_stats import selectors, services
from assessment_stats.models import Makeup, ProgressRollup
from django.core.management import call_command
from django.db import connection

from accounts.selectors import actor_for_membership
from core.workflow import transition, transition_many
from tests.assessment.enrolment.conftest import make_physician
from tests.assessment_stats.conftest import assert_in_step


def _count(cycle, **filters) -> int:
    return sum(ProgressRollup.objects.filter(cycle_id=cycle.pk, **filters).values_list("count", flat=True))


def _admin_a(world):
    return actor_for_membership(user=world.admin_a, organization_id=world.hospital_a.pk)


@pytest.fixture
def three_in_a(world, db):
    return [
        make_physician(f"医师{i}", world.hospital_a, seq=300 + i, department=world.dept_a) for i in range(3)
    ]


def test_the_services_enrolments_are_counted(world, cycle, three_in_a):
    # when the institution enrols one physician, then three at once (both stored with bulk_create)
    actor = _admin_a(world)
    enrolment_services.enrolment_create(
        actor=actor, user=world.admin_a, cycle_id=cycle.pk, physician_id=world.physician_a.pk
    )
    enrolment_services.enrolments_bulk_create(
        actor=actor, user=world.admin_a, cycle_id=cycle.pk, physician_ids=[p.pk for p in three_in_a]
    )

    # then the rollup holds four enrolled in hospital A's department, as a fresh count does
    assert (
        _count(cycle, organization_id=world.hospital_a.pk, department_id=world.dept_a.pk, status=S.ENROLLED)
        == 4
    )
    assert_in_step(cycle)


def test_withdraw_and_delete_move_the_counts(world, cycle, three_in_a):
    actor = _admin_a(world)
    made = enrolment_services.enrolments_bulk_create(
        actor=actor, user=world.admin_a, cycle_id=cycle.pk, physician_ids=[p.pk for p in three_in_a]
    )

    # when one is withdrawn and another deleted (added by mistake)
    enrolment_services.enrolment_withdraw(actor=actor, user=world.admin_a, enrolment_id=made[0].pk)
    enrolment_services.enrolment_delete(actor=actor, user=world.admin_a, enrolment_id=made[1].pk)

    # then one is enrolled, one withdrawn, the deleted one gone
    assert _count(cycle, status=S.ENROLLED) == 1
    assert _count(cycle, status=S.WITHDRAWN) == 1
    assert _count(cycle) == 2
    assert_in_step(cycle)


def test_single_and_bulk_workflow_moves_are_counted(world, cycle, spread):
    # given four submitted enrolments of hospital A's department
    extra = [
        Enrolment.objects.create(
            cycle=cycle,
            settings=cycle.settings,
            physician=p,
            organization=world.hospital_a,
            region_path=world.hospital_a.region_path,
            department=world.dept_a,
            title=p.title,
            status=S.SUBMITTED,
            enrolled_by=world.admin_a,
        )
        for p in [
            make_physician(f"批量{i}", world.hospital_a, seq=400 + i, department=world.dept_a)
            for i in range(4)
        ]
    ]
    assert_in_step(cycle)

    # when one is approved alone and the other three (with 孙医生) in one bulk approval
    transition(extra[0], "institution_approve", actor_user=world.admin_a)
    transition_many(
        Enrolment.objects.filter(pk__in=[e.pk for e in extra[1:]] + [spread["孙医生"].pk]),
        "institution_approve",
        actor_user=world.admin_a,
    )

    # then five are institution-approved and none of them submitted any more
    assert _count(cycle, status=S.INSTITUTION_APPROVED) == 5
    assert _count(cycle, status=S.SUBMITTED) == 0
    assert_in_step(cycle)


def test_an_illegal_bulk_move_changes_no_count(world, cycle, spread):
    before = selectors.rollup_buckets(cycle.pk)
    from core.workflow import IllegalTransition

    with pytest.raises(IllegalTransition):
        transition_many(
            Enrolment.objects.filter(cycle=cycle), "institution_approve", actor_user=world.admin_a
        )

    assert selectors.rollup_buckets(cycle.pk) == before


def test_the_makeup_path_is_counted_with_its_flag(world, cycle, spread):
    # given three publicized enrolments
    wu = spread["吴医生"]
    others = [
        Enrolment.objects.create(
            cycle=cycle,
            settings=cycle.settings,
            physician=make_physician(f"补考{i}", world.hospital_b, seq=500 + i),
            organization=world.hospital_b,
            region_path=world.hospital_b.region_path,
            status=S.PUBLICIZED,
            procedure="general",
            enrolled_by=world.admin_b,
        )
        for i in range(2)
    ]

    # when all three fail into the make-up list (one bulk move), one is refused the make-up, the other two
    # sit it, one passes it (result level saved with the move) and one fails it
    transition_many(
        Enrolment.objects.filter(pk__in=[wu.pk, *(e.pk for e in others)]),
        "finalize_fail",
        actor_user=world.admin_b,
    )
    assert _count(cycle, status=S.MAKEUP_PENDING, makeup=Makeup.LISTED) == 3
    transition(Enrolment.objects.get(pk=wu.pk), "refuse_makeup", actor_user=world.admin_b)
    transition_many(
        Enrolment.objects.filter(pk__in=[e.pk for e in others]), "allow_makeup", actor_user=world.admin_b
    )
    transition_many(
        Enrolment.objects.filter(pk__in=[e.pk for e in others]), "score_makeup", actor_user=world.admin_b
    )
    passing = Enrolment.objects.get(pk=others[0].pk)
    passing.result_level = ResultLevel.PASS
    transition(passing, "finalize_pass", actor_user=world.admin_b, update_fields=["result_level"])
    transition_many(
        Enrolment.objects.filter(pk=others[1].pk), "finalize_fail_no_makeup", actor_user=world.admin_b
    )

    # then the rollup tells the refused, the make-up pass and the make-up fail apart, as a fresh count does
    assert _count(cycle, status=S.FAILED, makeup=Makeup.LISTED) == 1
    assert _count(cycle, status=S.PASSED, makeup=Makeup.SAT, result_level=ResultLevel.PASS) == 1
    assert _count(cycle, status=S.FAILED, makeup=Makeup.SAT) == 1
    assert_in_step(cycle)

    # and a later change of the result (a plain update) keeps the flag
    Enrolment.objects.filter(pk=others[1].pk).update(result_level=ResultLevel.FAIL)
    assert _count(cycle, status=S.FAILED, makeup=Makeup.SAT, result_level=ResultLevel.FAIL) == 1
    assert_in_step(cycle)


def test_plain_updates_and_deletes_are_counted(world, cycle, spread):
    # when results are written with queryset.update() and an enrolment moves department with save()
    Enrolment.objects.filter(status=S.PASSED).update(result_level=ResultLevel.EXCELLENT)
    sun = spread["孙医生"]
    sun.department = world.dept_a
    sun.save()
    Enrolment.objects.filter(pk=spread["郑医生"].pk).delete()

    # then
    assert _count(cycle, status=S.PASSED, result_level=ResultLevel.EXCELLENT) == 3
    assert _count(cycle, organization_id=world.hospital_b.pk) == 1
    assert_in_step(cycle)


def _drift(cycle):
    ProgressRollup.objects.filter(cycle_id=cycle.pk, status=S.PASSED).update(count=99)
    ProgressRollup.objects.filter(cycle_id=cycle.pk, status=S.SUBMITTED).delete()


def test_rebuild_and_the_nightly_check_repair_drift(world, cycle, spread):
    # given a rollup that drifted (edited by hand)
    _drift(cycle)
    assert selectors.rollup_diff(cycle.pk)

    # when the nightly check runs: it reports the cycle and repairs it
    drifted = services.rollup_check(repair=True)
    assert set(drifted) == {str(cycle.pk)}
    assert_in_step(cycle)
    assert services.rollup_check() == {}

    # and rollup_rebuild alone does too
    _drift(cycle)
    assert services.rollup_rebuild(cycle_id=cycle.pk) == len(selectors.fresh_buckets(cycle.pk))
    assert_in_step(cycle)


def test_the_management_command_checks_and_rebuilds(world, cycle, spread):
    _drift(cycle)
    out = io.StringIO()
    call_command("rollup_rebuild", cycle.code, "--check", stdout=out)
    assert "buckets differ" in out.getvalue()
    assert selectors.rollup_diff(cycle.pk)  # --check repairs nothing

    call_command("rollup_rebuild", cycle.code, stdout=out)
    assert "rebuilt" in out.getvalue()
    assert_in_step(cycle)


def test_the_rollup_is_kept_by_triggers_on_the_enrolment_table(db):
    # the rollup does not depend on which Python code writes an enrolment: the database keeps it
    with connection.cursor() as cur:
        cur.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'assessment_enrolment'::regclass AND NOT tgisinternal"
        )
        names = {row[0] for row in cur.fetchall()}
    assert {"progress_rollup_insert", "progress_rollup_update", "progress_rollup_delete"} <= names


def test_the_region_rollup_is_checked_and_rebuilt_too(world, cycle, spread):
    from assessment_stats.models import ProgressRegionRollup

    # given the region rollup (commission tables by region read it) drifted alone
    ProgressRegionRollup.objects.filter(cycle_id=cycle.pk, status=S.PASSED).update(count=0)
    assert any(key[0] == "region" for key in selectors.rollup_diff(cycle.pk))

    # when the nightly check runs, then it is repaired
    assert set(services.rollup_check(repair=True)) == {str(cycle.pk)}
    assert_in_step(cycle)
    assert sum(ProgressRegionRollup.objects.filter(cycle_id=cycle.pk).values_list("count", flat=True)) == 8

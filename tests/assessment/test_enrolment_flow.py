"""The enrolment's state machine: single moves with history, bulk moves all or nothing."""

import pytest
from assessment.enums import EnrolmentStatus
from assessment.models import EnrolmentHistory

from core.workflow import IllegalTransition, transition, transition_many
from tests.assessment.conftest import enrol


def test_a_move_writes_its_history(world, enrolment_a):
    transition(enrolment_a, "submit", actor_user=world.doctor_a, comment="已填写完毕")

    enrolment_a.refresh_from_db()
    assert enrolment_a.status == EnrolmentStatus.SUBMITTED
    row = EnrolmentHistory.objects.get(subject=enrolment_a)
    assert (row.from_state, row.to_state, row.action, row.actor_id, row.comment) == (
        "enrolled",
        "submitted",
        "submit",
        world.doctor_a.id,
        "已填写完毕",
    )


def test_an_illegal_move_is_refused_and_changes_nothing(world, enrolment_a):
    with pytest.raises(IllegalTransition) as refused:
        transition(enrolment_a, "institution_approve", actor_user=world.admin_a)

    assert "已参加" in str(refused.value.detail)
    enrolment_a.refresh_from_db()
    assert enrolment_a.status == EnrolmentStatus.ENROLLED
    assert not EnrolmentHistory.objects.filter(subject=enrolment_a).exists()


def test_bulk_approve_moves_all_or_none(world, cycle, enrolment_a, enrolment_b):
    # given one submitted and one still enrolled
    enrolment_a.status = EnrolmentStatus.SUBMITTED
    enrolment_a.save()
    both = type(enrolment_a).objects.filter(pk__in=[enrolment_a.pk, enrolment_b.pk])

    # when both are approved at once, the one that cannot move refuses the whole batch
    with pytest.raises(IllegalTransition):
        transition_many(both, "institution_approve", actor_user=world.admin_a)
    enrolment_a.refresh_from_db()
    assert enrolment_a.status == EnrolmentStatus.SUBMITTED

    # and once both can move, they move together with one history row each
    enrolment_b.status = EnrolmentStatus.DEPARTMENT_RATED
    enrolment_b.save()
    moved = transition_many(both, "institution_approve", actor_user=world.admin_a, comment="批量通过")
    assert {m.status for m in moved} == {EnrolmentStatus.INSTITUTION_APPROVED}
    assert set(EnrolmentHistory.objects.filter(subject__in=both).values_list("from_state", flat=True)) == {
        "submitted",
        "department_rated",
    }


def test_listeners_see_every_move(world, cycle, enrolment_a):
    from assessment.workflow import ENROLMENT_FLOW

    seen = []

    def listener(objs, from_state, to_state, action):
        seen.append((len(objs), from_state, to_state, action))

    ENROLMENT_FLOW.listen(listener)
    try:
        transition(enrolment_a, "submit", actor_user=world.doctor_a)
        other = enrol(cycle, world.physician_b, by=world.admin_b, status="submitted")
        transition_many(type(other).objects.filter(pk=other.pk), "department_rate", actor_user=world.admin_b)
    finally:
        ENROLMENT_FLOW.listeners.remove(listener)
    assert seen == [
        (1, "enrolled", "submitted", "submit"),
        (1, "submitted", "department_rated", "department_rate"),
    ]

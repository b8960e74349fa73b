"""Phase start and deadline reminders (the beat task): only to those who still have to act, never twice."""

from datetime import timedelta

from assessment.enums import EnrolmentStatus as S
from django.db import connection
from django.test.utils import CaptureQueriesContext
from notifications.models import Notification
from notifications.services import reminders_run
from notifications.tasks import notification_reminders_task

from accounts.roles import Role
from organizations.models import Organization
from tests.assessment.conftest import open_phases
from tests.notifications.conftest import (
    TODAY,
    enrol,
    make_cycle,
    make_user,
    physician_with_account,
    set_status,
)

SOON = TODAY + timedelta(days=2)
LATER = TODAY + timedelta(days=20)
STARTED = TODAY - timedelta(days=5)


def closing(day):
    return open_phases(
        **dict.fromkeys(
            ("self_report", "department_rating", "institution_review", "body_review"), (STARTED, day)
        )
    )


def kinds_of(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", "phase"))


def test_the_deadline_reminder_goes_only_to_those_who_still_have_to_act(world, db, doctor_a, doctor_b):
    # given the phases close in two days
    cycle = make_cycle(world, phases=closing(SOON))
    body = Organization.objects.create(
        name="杭州市医师协会",
        kind="industry_org",
        region=world.city_x,
        region_path=world.city_x.path,
        is_assessment_body=True,
    )
    body_reviewer = make_user("ntf_body_x", body, Role.ASSESSMENT_REVIEWER)
    idle_body = Organization.objects.create(
        name="宁波市医师协会", kind="industry_org", region=world.city_y, region_path=world.city_y.path
    )
    idle_reviewer = make_user("ntf_body_y", idle_body, Role.ASSESSMENT_REVIEWER)
    head_a = make_user("ntf_head_a", world.hospital_a, Role.DEPARTMENT_HEAD, department=world.dept_a)
    head_b = make_user("ntf_head_b", world.hospital_b, Role.DEPARTMENT_HEAD, department=world.dept_b)
    # A is still drafting; B has submitted and is waiting for the department (B's head must act);
    drafting = set_status(enrol(cycle, world.physician_a, by=world.admin_a), S.DRAFTING)
    set_status(enrol(cycle, world.physician_b, by=world.admin_b), S.SUBMITTED)
    # one of hospital A waits for the institution, one for the body's re-review
    rated, rated_user = physician_with_account(world, department=world.dept_a)
    set_status(enrol(cycle, rated, by=world.admin_a), S.DEPARTMENT_RATED)
    approved, approved_user = physician_with_account(world, department=world.dept_a)
    set_status(enrol(cycle, approved, by=world.admin_a, assessment_body=body), S.INSTITUTION_APPROVED)

    # when the reminders run
    made = reminders_run()

    # then the physician who has not submitted is reminded, and nobody else among physicians
    assert kinds_of(doctor_a) == [("deadline_approaching", "self_report")]
    assert kinds_of(doctor_b) == []
    assert kinds_of(rated_user) == []
    assert kinds_of(approved_user) == []
    row = Notification.objects.get(recipient=doctor_a)
    assert (row.link_type, row.link_id, row.occasion) == ("my_enrolment", drafting.pk, SOON.isoformat())
    assert SOON.isoformat() in row.body
    # the reviewers who have something pending, with the count, in-app only
    assert kinds_of(head_b) == [("deadline_approaching", "department_rating")]
    assert kinds_of(head_a) == []
    assert kinds_of(world.admin_a) == [("deadline_approaching", "institution_review")]
    assert kinds_of(world.admin_b) == []
    assert kinds_of(body_reviewer) == [("deadline_approaching", "body_review")]
    assert kinds_of(idle_reviewer) == []
    staff = Notification.objects.get(recipient=world.admin_a)
    assert "1 份待处理" in staff.body
    assert staff.subject_id == world.hospital_a.pk
    assert staff.sms_status == ""
    assert made == {"self_report": 1, "department_rating": 1, "institution_review": 1, "body_review": 1}


def test_a_second_run_the_same_day_makes_nothing(world, db, doctor_a):
    cycle = make_cycle(world, phases=closing(SOON))
    set_status(enrol(cycle, world.physician_a, by=world.admin_a), S.ENROLLED)
    set_status(enrol(cycle, world.physician_b, by=world.admin_b), S.DEPARTMENT_RATED)

    notification_reminders_task()
    first = Notification.objects.count()
    made = notification_reminders_task()

    assert first == 2
    assert Notification.objects.count() == first
    assert sum(made.values()) == 0


def test_a_phase_far_from_its_end_is_announced_once_then_reminded_before_it_closes(world, db, doctor_a):
    # given a self-report phase closing in 20 days
    cycle = make_cycle(world, phases=closing(LATER))
    enrol(cycle, world.physician_a, by=world.admin_a)

    # when the reminders run now and again three days before the close
    reminders_run()
    reminders_run()
    reminders_run(today=LATER - timedelta(days=3))
    reminders_run(today=LATER - timedelta(days=1))

    # then the physician was told the phase started, and once that it is closing
    assert kinds_of(doctor_a) == [("deadline_approaching", "self_report"), ("phase_started", "self_report")]
    started = Notification.objects.get(recipient=doctor_a, kind="phase_started")
    assert started.occasion == STARTED.isoformat()


def test_no_reminder_outside_the_window_without_an_active_cycle_or_for_phases_the_cycle_skips(
    world, db, doctor_a
):
    cycle = make_cycle(world, phases=closing(SOON), department_rating=False, body_review=False)
    set_status(enrol(cycle, world.physician_b, by=world.admin_b), S.SUBMITTED)
    make_user("ntf_head_b2", world.hospital_b, Role.DEPARTMENT_HEAD, department=world.dept_b)
    enrol(cycle, world.physician_a, by=world.admin_a)

    closed = reminders_run(today=SOON + timedelta(days=1))
    not_yet = reminders_run(today=STARTED - timedelta(days=1))
    assert closed == {}
    assert not_yet == {}

    made = reminders_run()
    # without the department rating, the submitted report waits for the institution
    assert made == {"self_report": 1, "institution_review": 1}
    assert kinds_of(world.admin_b) == [("deadline_approaching", "institution_review")]

    cycle.status = "closed"
    cycle.save(update_fields=["status"])
    assert reminders_run() == {}


def test_reminders_read_per_phase_not_per_physician(world, db):
    # given many physicians still drafting
    cycle = make_cycle(world, phases=closing(SOON))
    for _ in range(8):
        physician, _user = physician_with_account(world)
        enrol(cycle, physician, by=world.admin_a)

    with CaptureQueriesContext(connection) as few:
        reminders_run()
    for _ in range(8):
        physician, _user = physician_with_account(world)
        enrol(cycle, physician, by=world.admin_a)
    with CaptureQueriesContext(connection) as more:
        made = reminders_run()

    # then twice as many physicians cost no more queries
    assert made["self_report"] == 8
    assert len(more.captured_queries) <= len(few.captured_queries)

"""A returned submission and a published result notify the physician in-app, and by SMS after commit."""

import pytest
from assessment.enums import EnrolmentStatus as S
from assessment.models import Enrolment
from django.db import connection
from django.test.utils import CaptureQueriesContext
from notifications.models import Notification

from accounts.models import User
from accounts.sms import FakeSmsAdapter, SmsUnavailable
from core.workflow import transition, transition_many
from tests.conftest import login
from tests.notifications.conftest import enrol, physician_with_account, set_status

INST = "/api/v1/reviews/institution/"


def test_a_returned_submission_notifies_the_physician_once_in_app_and_by_sms_after_commit(
    world, cycle, doctor_a, eager, django_capture_on_commit_callbacks
):
    # given a submitted report of physician A
    enrolment = set_status(enrol(cycle, world.physician_a, by=world.admin_a), S.DEPARTMENT_RATED)

    # when the institution returns it with a comment
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = login("admin_a").post(
            f"{INST}{enrolment.pk}/return/", {"comment": "工作成绩填写不完整"}, format="json"
        )
        # then nothing was sent during the request
        assert response.status_code == 200, response.content
        assert eager == []

    # and one in-app notification exists, with the comment
    notification = Notification.objects.get(recipient=doctor_a)
    assert notification.kind == "submission_returned"
    assert notification.link_type == "my_enrolment"
    assert notification.link_id == enrolment.pk
    assert "工作成绩填写不完整" in notification.body
    assert "所在机构" in notification.body
    assert notification.sms_status == "pending"

    # when the transaction commits
    for callback in callbacks:
        callback()

    # then one SMS went to the physician's phone through the fake adapter, and it is recorded
    assert [(m.phone, m.template) for m in eager] == [("13800001111", "assessment_returned")]
    assert eager[0].params["by"] == "所在机构"
    notification.refresh_from_db()
    assert (notification.sms_status, notification.sms_attempts) == ("sent", 1)
    assert notification.sms_sent_at is not None


def test_a_second_return_after_resubmission_is_told_again_and_a_draft_save_is_not(
    world, cycle, doctor_a, eager
):
    enrolment = set_status(enrol(cycle, world.physician_a, by=world.admin_a), S.SUBMITTED)

    transition(enrolment, "department_return", actor_user=world.admin_a, comment="第一次退回")
    transition(enrolment, "save", actor_user=doctor_a)  # the physician saves the returned draft
    transition(enrolment, "submit", actor_user=doctor_a)
    transition(enrolment, "institution_return", actor_user=world.admin_a, comment="第二次退回")

    bodies = sorted(Notification.objects.filter(recipient=doctor_a).values_list("body", flat=True))
    assert len(bodies) == 2
    assert any("第一次退回" in b for b in bodies)
    assert any("第二次退回" in b for b in bodies)


def test_the_listener_called_twice_for_one_return_makes_one_row(world, cycle, doctor_a, eager):
    from notifications.services import notify_on_transition

    enrolment = set_status(enrol(cycle, world.physician_a, by=world.admin_a), S.SUBMITTED)
    transition(enrolment, "department_return", actor_user=world.admin_a, comment="退回")

    notify_on_transition([enrolment], S.SUBMITTED, S.RETURNED, "department_return")

    assert Notification.objects.filter(recipient=doctor_a).count() == 1


def test_a_physician_without_an_account_gets_nothing_and_nothing_fails(world, cycle, eager):
    enrolment = set_status(enrol(cycle, world.physician_a, by=world.admin_a), S.SUBMITTED)  # not linked

    transition(enrolment, "department_return", actor_user=world.admin_a, comment="退回")

    assert Enrolment.objects.get(pk=enrolment.pk).status == S.RETURNED
    assert Notification.objects.count() == 0


def test_a_bulk_publish_of_n_makes_n_notifications_with_one_insert(
    world, cycle, eager, django_capture_on_commit_callbacks
):
    # given N physicians with confirmed scores
    n = 6
    users = []
    for _ in range(n):
        physician, user = physician_with_account(world)
        set_status(
            enrol(cycle, physician, by=world.admin_a),
            S.SCORE_CONFIRMED,
            result_level="pass",
            total_score=80,
        )
        users.append(user)
    enrolments = Enrolment.objects.filter(cycle=cycle, status=S.SCORE_CONFIRMED)
    Enrolment.objects.filter(pk__in=enrolments.values("pk")).update(publicity_ends_on="2026-03-08")

    # when they are published in one bulk move
    with django_capture_on_commit_callbacks(execute=True), CaptureQueriesContext(connection) as queries:
        transition_many(enrolments, "publicize", actor_user=world.city_admin)

    # then each physician has one notification, made by one INSERT
    inserts = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "notifications')
    ]
    assert len(inserts) == 1
    rows = Notification.objects.filter(kind="result_published")
    assert sorted(r.recipient_id for r in rows) == sorted(u.pk for u in users)
    assert all("合格" in r.body and "2026-03-08" in r.body for r in rows)
    # and each got its SMS after the commit
    assert len(eager) == n
    assert {m.template for m in eager} == {"assessment_result_published"}
    assert set(rows.values_list("sms_status", flat=True)) == {"sent"}


def test_staff_get_no_sms(world, cycle, eager, django_capture_on_commit_callbacks):
    from notifications.services import reminders_run

    make_pending = set_status(enrol(cycle, world.physician_a, by=world.admin_a), S.DEPARTMENT_RATED)
    assert make_pending.status == S.DEPARTMENT_RATED

    with django_capture_on_commit_callbacks(execute=True):
        reminders_run()

    staff = Notification.objects.filter(recipient=world.admin_a)
    assert staff.count() == 1
    assert staff.get().sms_status == ""
    assert eager == []


def test_a_failing_sms_is_retried_and_each_attempt_recorded(
    world, cycle, doctor_a, eager, monkeypatch, django_capture_on_commit_callbacks
):
    # given a provider that fails twice, then accepts
    calls = []

    def flaky(self, phone, template, params):
        calls.append(phone)
        if len(calls) <= 2:
            raise SmsUnavailable()
        eager.append((phone, template))

    monkeypatch.setattr(FakeSmsAdapter, "send", flaky)
    enrolment = set_status(enrol(cycle, world.physician_a, by=world.admin_a), S.SUBMITTED)

    # when the submission is returned and the transaction commits
    with django_capture_on_commit_callbacks(execute=True):
        transition(enrolment, "department_return", actor_user=world.admin_a, comment="退回")

    # then the third attempt sent it, and the attempts are on the row
    notification = Notification.objects.get(recipient=doctor_a)
    assert len(calls) == 3
    assert (notification.sms_status, notification.sms_attempts, notification.sms_error) == ("sent", 3, "")


def test_an_sms_that_never_goes_through_is_marked_failed_with_its_error(
    world, cycle, doctor_a, eager, monkeypatch, django_capture_on_commit_callbacks
):
    def down(self, phone, template, params):
        raise SmsUnavailable()

    monkeypatch.setattr(FakeSmsAdapter, "send", down)
    enrolment = set_status(enrol(cycle, world.physician_a, by=world.admin_a), S.SUBMITTED)

    with django_capture_on_commit_callbacks(execute=True):
        transition(enrolment, "department_return", actor_user=world.admin_a, comment="退回")

    notification = Notification.objects.get(recipient=doctor_a)
    assert notification.sms_status == "failed"
    assert notification.sms_attempts == 5
    assert "SmsUnavailable" in notification.sms_error
    # the in-app notification stays readable
    assert login("doctor_a").get("/api/v1/notifications/").json()["count"] == 1


@pytest.mark.parametrize("registry_phone", ["", "13700009999"])
def test_the_sms_goes_to_the_account_phone_else_the_registry_and_is_skipped_without_one(
    world, cycle, eager, django_capture_on_commit_callbacks, registry_phone
):
    physician, user = physician_with_account(world, phone=registry_phone)
    User.objects.filter(pk=user.pk).update(phone="")
    enrolment = set_status(enrol(cycle, physician, by=world.admin_a), S.SUBMITTED)

    with django_capture_on_commit_callbacks(execute=True):
        transition(enrolment, "department_return", actor_user=world.admin_a, comment="退回")

    notification = Notification.objects.get(recipient=user)
    if registry_phone:
        assert [m.phone for m in eager] == [registry_phone]
        assert notification.sms_status == "sent"
    else:
        assert eager == []
        assert notification.sms_status == "skipped"

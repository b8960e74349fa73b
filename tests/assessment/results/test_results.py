"""The body confirms and publishes, the committee confirms after the publicity, the make-up list and the
province's decisions, make-up results, final results and the outbox event of a final fail; the physician's
own result."""

import io
import uuid
from datetime import timedelta

import pytest
from assessment.models import Enrolment, EnrolmentHistory
from assessment.services.results import record_competence_test
from openpyxl import load_workbook

from audit.models import AuditEvent
from core import storage
from jobs.services import job_run_now
from outbox.models import OutboxMessage
from tests.assessment.conftest import TODAY
from tests.assessment.results.helpers import (
    BODY,
    COMMITTEE,
    FINAL,
    MAKEUP,
    S,
    codes,
    end_publicity,
    fresh,
    publish,
    score_all,
    status_of,
)
from tests.conftest import login

pytestmark = pytest.mark.django_db


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [r["id"] for r in response.json()["results"]]


# --- the body -------------------------------------------------------------------------------------------


def test_the_body_confirms_and_publishes(world, cycle, approved_a):
    score_all(approved_a)
    client = login("res_body_x")
    assert ids(client.get(BODY, {"status": "scored"})) == [str(approved_a.pk)]

    # when the body confirms the scores and publishes the result
    confirmed = client.post(f"{BODY}{approved_a.pk}/confirm/", {"comment": "成绩无误"}, format="json")
    published = client.post(f"{BODY}{approved_a.pk}/publish/", {}, format="json")

    # then the result is in publicity for the settings' 7 days, with history and audit
    assert confirmed.status_code == 200, confirmed.content
    assert published.status_code == 200, published.content
    e = fresh(approved_a)
    assert e.status == S.PUBLICIZED
    assert e.publicity_ends_on == TODAY + timedelta(days=7)
    history = EnrolmentHistory.objects.filter(subject=e).order_by("created_at")
    assert [(h.action, h.actor_name) for h in history] == [
        ("score", "res_expert_x"),
        ("confirm_score", "res_body_x"),
        ("publicize", "res_body_x"),
    ]
    assert history[1].comment == "成绩无误"
    actions = set(AuditEvent.objects.filter(target_id=str(e.pk)).values_list("action", flat=True))
    assert {"assessment.result.scores_confirmed", "assessment.result.published"} <= actions


def test_confirming_twice_is_refused(world, approved_a):
    score_all(approved_a)
    client = login("res_body_x")
    assert client.post(f"{BODY}{approved_a.pk}/confirm/", {}, format="json").status_code == 200

    again = client.post(f"{BODY}{approved_a.pk}/confirm/", {}, format="json")

    assert again.status_code == 409
    assert codes(again) == ["illegal_transition"]
    assert EnrolmentHistory.objects.filter(subject=approved_a, action="confirm_score").count() == 1


def test_confirming_or_publishing_before_all_scores_is_refused(world, approved_a):
    # given only the test is in
    record_competence_test(
        enrolment_id=approved_a.pk, score=80, passed=True, exam_attempt_id=uuid.uuid4(), sitting="main"
    )
    client = login("res_body_x")

    confirm = client.post(f"{BODY}{approved_a.pk}/confirm/", {}, format="json")
    publish_ = client.post(f"{BODY}{approved_a.pk}/publish/", {}, format="json")

    assert confirm.status_code == 409
    assert codes(confirm) == ["scores_incomplete"]
    assert "工作成绩" in confirm.json()["errors"][0]["detail"]
    assert publish_.status_code == 409
    assert codes(publish_) == ["scores_not_confirmed"]
    assert status_of(approved_a) == S.BODY_APPROVED
    assert fresh(approved_a).publicity_ends_on is None


def test_bulk_confirm_is_all_or_nothing(world, cycle, approved_a, body_x):
    from tests.assessment.conftest import enrol
    from tests.assessment.enrolment.conftest import make_physician
    from tests.assessment.reports.conftest import set_status

    other = set_status(
        enrol(
            cycle,
            make_physician("赵医生", world.hospital_a, seq=301),
            by=world.admin_a,
            assessment_body=body_x,
        ),
        S.BODY_APPROVED,
    )
    score_all(approved_a)
    client = login("res_body_x")
    payload = {"ids": [str(approved_a.pk), str(other.pk)]}

    # when one of the two is not complete, nothing moves
    refused = client.post(f"{BODY}bulk-confirm/", payload, format="json")
    assert refused.status_code == 409
    assert codes(refused) == ["scores_incomplete"]
    assert status_of(approved_a) == S.SCORED

    # and once both are, both move, then both are published together
    score_all(other)
    response = client.post(f"{BODY}bulk-confirm/", payload, format="json")
    assert response.json() == {"count": 2}
    assert client.post(f"{BODY}bulk-publish/", payload, format="json").json() == {"count": 2}
    assert {status_of(approved_a), status_of(other)} == {S.PUBLICIZED}
    assert AuditEvent.objects.filter(action="assessment.result.scores_confirmed_bulk").count() == 1

    # an id outside the body's reach refuses the whole batch
    assert client.post(f"{BODY}bulk-confirm/", {"ids": [str(uuid.uuid4())]}, format="json").status_code == 404


# --- the committee --------------------------------------------------------------------------------------


def test_the_committee_confirms_after_the_publicity(world, approved_a, doctor_a):
    score_all(approved_a)
    publish(approved_a)
    client = login("city_x_admin")
    assert ids(client.get(COMMITTEE)) == [str(approved_a.pk)]
    assert ids(client.get(COMMITTEE, {"publicity_over": "true"})) == []

    # before the publicity ends: refused, nothing changes
    early = client.post(f"{COMMITTEE}{approved_a.pk}/confirm/", {}, format="json")
    assert early.status_code == 409
    assert codes(early) == ["publicity_not_over"]
    assert status_of(approved_a) == S.PUBLICIZED

    # after it: the pass is final
    end_publicity(approved_a)
    response = client.post(f"{COMMITTEE}{approved_a.pk}/confirm/", {}, format="json")
    assert response.status_code == 200, response.content
    e = fresh(approved_a)
    assert e.status == S.PASSED
    assert e.finalized_at is not None
    assert not OutboxMessage.objects.filter(topic="assessment.final_fail").exists()
    assert ids(login("admin_a").get(FINAL)) == [str(e.pk)]

    # and again is refused
    assert client.post(f"{COMMITTEE}{approved_a.pk}/confirm/", {}, format="json").status_code == 404


def test_the_nearest_commission_confirms(world, approved_a, approved_b, province):
    score_all(approved_b, expert="res_expert_y")
    publish(approved_b, body="res_body_y")

    # city X's commission does not reach city Y; the province does (city Y has no commission)
    assert login("city_x_admin").get(f"{COMMITTEE}{approved_b.pk}/").status_code == 404
    assert (
        login("city_x_admin").post(f"{COMMITTEE}{approved_b.pk}/confirm/", {}, format="json").status_code
        == 404
    )
    assert ids(login("res_province").get(COMMITTEE)) == [str(approved_b.pk)]
    # a body may not confirm results at all
    assert (
        login("res_body_y").post(f"{COMMITTEE}{approved_b.pk}/confirm/", {}, format="json").status_code == 403
    )
    assert status_of(approved_b) == S.PUBLICIZED


def test_a_fail_without_make_up_is_final_and_emits_the_event(world, cycle, approved_a):
    settings = cycle.settings
    settings.makeup_allowed = False
    settings.save()
    score_all(approved_a, test=30, passed=False)
    publish(approved_a)
    end_publicity(approved_a)

    response = login("city_x_admin").post(
        f"{COMMITTEE}bulk-confirm/", {"ids": [str(approved_a.pk)]}, format="json"
    )

    assert response.json() == {"passed": 0, "makeup_pending": 0, "failed": 1}
    assert status_of(approved_a) == S.FAILED
    message = OutboxMessage.objects.get(topic="assessment.final_fail")
    assert message.payload["enrolment_id"] == str(approved_a.pk)
    assert message.payload["physician_id"] == str(world.physician_a.pk)
    assert message.payload["organization_id"] == str(world.hospital_a.pk)
    assert message.schema_name == world.tenant_a.schema_name


# --- make-up --------------------------------------------------------------------------------------------


def _to_makeup_list(enrolment, body="res_body_x", expert="res_expert_x", committee="city_x_admin"):
    score_all(enrolment, test=40, passed=False, expert=expert)
    publish(enrolment, body=body)
    end_publicity(enrolment)
    response = login(committee).post(f"{COMMITTEE}{enrolment.pk}/confirm/", {}, format="json")
    assert response.status_code == 200, response.content
    assert status_of(enrolment) == S.MAKEUP_PENDING


def test_the_make_up_list_and_the_provinces_decision(world, approved_a, province, doctor_a):
    _to_makeup_list(approved_a)

    # the institution, the body and the commission read the make-up list
    for username in ("admin_a", "res_body_x", "city_x_admin", "res_province"):
        assert ids(login(username).get(MAKEUP)) == [str(approved_a.pk)], username
    assert ids(login("admin_b").get(MAKEUP)) == []

    # only the province decides
    for username in ("city_x_admin", "admin_a", "res_body_x"):
        assert login(username).post(f"{MAKEUP}{approved_a.pk}/allow/", {}, format="json").status_code == 403
    assert status_of(approved_a) == S.MAKEUP_PENDING

    response = login("res_province").post(f"{MAKEUP}{approved_a.pk}/allow/", {}, format="json")
    assert response.status_code == 200, response.content
    assert status_of(approved_a) == S.MAKEUP
    again = login("res_province").post(f"{MAKEUP}{approved_a.pk}/allow/", {}, format="json")
    assert again.status_code == 409

    # the make-up test (the only component sat again) makes the make-up result; work performance and
    # ethics carry over: 70*0.6 + 90*0.2 + 70*0.2 = 74
    record_competence_test(
        enrolment_id=approved_a.pk, score=70, passed=True, exam_attempt_id=uuid.uuid4(), sitting="makeup"
    )
    e = fresh(approved_a)
    assert (e.status, str(e.total_score), e.result_level) == (S.MAKEUP_SCORED, "74.00", "pass")

    # the committee confirms it at once (no second publicity): final pass
    assert ids(login("city_x_admin").get(COMMITTEE, {"publicity_over": "true"})) == [str(e.pk)]
    done = login("city_x_admin").post(f"{COMMITTEE}{e.pk}/confirm/", {}, format="json")
    assert done.status_code == 200
    assert status_of(e) == S.PASSED
    # it stays in the make-up list (its progress) and is a final result
    assert ids(login("admin_a").get(MAKEUP, {"status": "passed"})) == [str(e.pk)]
    assert ids(login("admin_a").get(FINAL)) == [str(e.pk)]

    # the physician sees the scores of both sittings
    mine = login("doctor_a").get(f"/api/v1/me/enrolments/{e.pk}/result/").json()
    assert mine["final"] is True
    assert {(s["component"], s["sitting"]) for s in mine["scores"]} >= {
        ("competence_test", "main"),
        ("competence_test", "makeup"),
    }


def test_a_failed_make_up_is_a_final_fail(world, approved_a, province):
    _to_makeup_list(approved_a)
    login("res_province").post(f"{MAKEUP}bulk-allow/", {"ids": [str(approved_a.pk)]}, format="json")
    record_competence_test(
        enrolment_id=approved_a.pk, score=50, passed=False, exam_attempt_id=uuid.uuid4(), sitting="makeup"
    )

    login("city_x_admin").post(f"{COMMITTEE}{approved_a.pk}/confirm/", {}, format="json")

    assert status_of(approved_a) == S.FAILED
    assert (
        OutboxMessage.objects.filter(
            topic="assessment.final_fail", payload__enrolment_id=str(approved_a.pk)
        ).count()
        == 1
    )


def test_bulk_refusal_fails_all_or_nothing(world, approved_a, approved_b, province):
    _to_makeup_list(approved_a)
    client = login("res_province")
    payload = {"ids": [str(approved_a.pk), str(approved_b.pk)], "comment": "逾期未报名"}

    # B is not on the make-up list: nothing changes
    refused = client.post(f"{MAKEUP}bulk-refuse/", payload, format="json")
    assert refused.status_code == 409
    assert codes(refused) == ["illegal_transition"]
    assert status_of(approved_a) == S.MAKEUP_PENDING
    assert not OutboxMessage.objects.filter(topic="assessment.final_fail").exists()

    # A alone: a final fail with its event
    response = client.post(f"{MAKEUP}bulk-refuse/", {"ids": [str(approved_a.pk)]}, format="json")
    assert response.json() == {"count": 1}
    e = fresh(approved_a)
    assert (e.status, e.finalized_at is not None) == (S.FAILED, True)
    assert OutboxMessage.objects.get(topic="assessment.final_fail").payload["physician_id"] == str(
        world.physician_a.pk
    )
    assert AuditEvent.objects.filter(action="assessment.result.makeup_refused").count() == 1


def test_the_make_up_list_exports(world, approved_a):
    _to_makeup_list(approved_a)

    response = login("admin_a").post(f"{MAKEUP}export/", {}, format="json")
    assert response.status_code == 202, response.content
    job = job_run_now(response.json()["id"])

    assert job.status == "succeeded", job.errors
    data = storage.client().get_object(Bucket=storage.bucket(), Key=job.result_key)["Body"].read()
    rows = list(load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][1] == "张医生"
    assert rows[1][2].endswith("1234")
    assert "*" in rows[1][2]
    assert rows[1][8] == "待确认补考"
    assert AuditEvent.objects.filter(action="assessment.results.exported").count() == 1
    assert login("doctor_a").post(f"{MAKEUP}export/", {}, format="json").status_code == 403


# --- the physician --------------------------------------------------------------------------------------


def test_the_physician_sees_scores_only_once_published(world, approved_a, approved_b, doctor_a):
    url = f"/api/v1/me/enrolments/{approved_a.pk}/result/"
    score_all(approved_a)
    client = login("doctor_a")

    before = client.get(url).json()
    assert (before["published"], before["scores"], before["total_score"], before["result_level"]) == (
        False,
        [],
        None,
        None,
    )

    publish(approved_a)
    after = client.get(url).json()
    assert after["published"] is True
    assert after["total_score"] == "80.00"
    assert {s["component"]: s["score"] for s in after["scores"]} == {
        "competence_test": "80.00",
        "work_performance": "90.00",
        "ethics": "70.00",
    }
    # someone else's enrolment is a 404
    assert client.get(f"/api/v1/me/enrolments/{approved_b.pk}/result/").status_code == 404


def test_queues_refuse_anonymous_and_the_unauthorised(world, approved_a):
    anonymous = login("admin_a")
    anonymous.credentials()
    for url in (BODY, COMMITTEE, MAKEUP, FINAL):
        assert anonymous.get(url).status_code == 401
    for url in (BODY, COMMITTEE, MAKEUP, FINAL):
        assert login("doctor_a").get(url).status_code == 403
    assert login("admin_a").get(BODY).status_code == 403
    assert login("admin_a").post(f"{BODY}{approved_a.pk}/confirm/", {}, format="json").status_code == 403
    assert Enrolment.objects.get(pk=approved_a.pk).status == S.BODY_APPROVED


def test_the_progress_rollup_stays_in_step(world, cycle, approved_a, approved_b, province):
    from assessment_stats.selectors import rollup_diff

    # given one pass and one fail through make-up refusal, by single and bulk moves
    score_all(approved_a)
    publish(approved_a)
    _to_makeup_list(approved_b, body="res_body_y", expert="res_expert_y", committee="res_province")
    end_publicity(approved_a)
    login("city_x_admin").post(f"{COMMITTEE}bulk-confirm/", {"ids": [str(approved_a.pk)]}, format="json")
    login("res_province").post(f"{MAKEUP}{approved_b.pk}/refuse/", {}, format="json")

    # then the statistics rollup agrees with the enrolments
    assert (status_of(approved_a), status_of(approved_b)) == (S.PASSED, S.FAILED)
    assert rollup_diff(cycle.pk) == {}

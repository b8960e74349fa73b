"""Scores: the exam engine's interface, expert entry with attachments, totals and levels from the cycle's
settings (under the version the enrolment is scored with), simplified and exempt enrolments."""

import uuid

import pytest
from assessment.enums import ResultLevel
from assessment.models import CycleSettings, EnrolmentAttachment, EnrolmentHistory, ScoreEntry
from assessment.services.results import record_competence_test
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from core.errors import ApplicationError, Conflict
from tests.assessment.conftest import DEFAULT_SETTINGS, open_phases
from tests.assessment.results.helpers import SCORING, S, codes, enter, fresh, score_all, status_of
from tests.conftest import login

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_the_engine_records_a_test_once_per_attempt(world, approved_a, approved_b):
    attempt = uuid.uuid4()

    # when the engine reports the same attempt twice
    first = record_competence_test(
        enrolment_id=approved_a.pk, score=75.5, passed=True, exam_attempt_id=attempt, sitting="main"
    )
    again = record_competence_test(
        enrolment_id=approved_a.pk, score=75.5, passed=True, exam_attempt_id=attempt, sitting="main"
    )

    # then one score is stored, and the enrolment waits for the other components
    assert first.pk == again.pk
    assert ScoreEntry.objects.filter(enrolment=approved_a).count() == 1
    assert fresh(approved_a).result_settings_id == approved_a.cycle.settings_id
    assert status_of(approved_a) == S.BODY_APPROVED
    assert AuditEvent.objects.filter(action="assessment.score.competence_test_recorded").count() == 1

    # and the same attempt for another physician is refused without a change
    with pytest.raises(Conflict) as refused:
        record_competence_test(
            enrolment_id=approved_b.pk, score=90, passed=True, exam_attempt_id=attempt, sitting="main"
        )
    assert refused.value.get_codes() == "attempt_mismatch"
    assert not ScoreEntry.objects.filter(enrolment=approved_b).exists()


def test_all_components_in_make_the_total_and_the_level(world, approved_a):
    # when the test (weight 60) and work performance and ethics (20 each) are in
    response = score_all(approved_a, test=80, wp=90, ethics=70)

    # then the enrolment is scored: (80*60 + 90*20 + 70*20) / 100 = 80.00, 合格 (pass from 60, excellent 90)
    body = response.json()
    assert body["status"] == S.SCORED
    assert body["total_score"] == "80.00"
    assert body["result_level"] == ResultLevel.PASS
    assert body["missing_components"] == []
    e = fresh(approved_a)
    assert (e.status, str(e.total_score), e.result_level) == (S.SCORED, "80.00", "pass")
    assert EnrolmentHistory.objects.filter(subject=e, action="score").count() == 1


def test_excellent_and_a_failed_test(world, approved_a, approved_b, body_y):
    score_all(approved_a, test=95, wp=92, ethics=90)
    assert fresh(approved_a).result_level == ResultLevel.EXCELLENT

    # a test the engine says was failed fails the result whatever the total
    score_all(approved_b, test=59, passed=False, wp=100, ethics=100, expert="res_expert_y")
    b = fresh(approved_b)
    assert (str(b.total_score), b.result_level) == ("75.40", ResultLevel.FAIL)


def test_a_correction_before_confirmation_recomputes(world, approved_a):
    score_all(approved_a, test=80, wp=90, ethics=70)

    response = enter("res_expert_x", approved_a, "ethics", 30)

    assert response.status_code == 200
    e = fresh(approved_a)
    assert (e.status, str(e.total_score)) == (S.SCORED, "72.00")
    assert EnrolmentHistory.objects.filter(subject=e, action="rescore").count() == 1


def test_the_settings_version_scored_under_stays(world, cycle, approved_a):
    # given the first score under version 1
    record_competence_test(
        enrolment_id=approved_a.pk, score=50, passed=True, exam_attempt_id=uuid.uuid4(), sitting="main"
    )
    # when the province makes version 2 with other weights
    v2 = CycleSettings.objects.create(
        cycle=cycle,
        version=2,
        phases=open_phases(),
        created_by=world.city_admin,
        **{
            **DEFAULT_SETTINGS,
            "components": [
                {"component": "competence_test", "weight": 20, "procedures": ["general"]},
                {"component": "work_performance", "weight": 40, "procedures": ["general", "simplified"]},
                {"component": "ethics", "weight": 40, "procedures": ["general", "simplified"]},
            ],
        },
    )
    cycle.settings = v2
    cycle.save(update_fields=["settings"])
    enter("res_expert_x", approved_a, "work_performance", 100)
    enter("res_expert_x", approved_a, "ethics", 100)

    # then the total uses version 1's weights: 50*0.6 + 100*0.2 + 100*0.2 = 70
    e = fresh(approved_a)
    assert (str(e.total_score), e.result_settings.version) == ("70.00", 1)
    assert set(ScoreEntry.objects.filter(enrolment=e).values_list("settings__version", flat=True)) == {1}


def test_score_out_of_range_is_refused(world, approved_a):
    response = enter("res_expert_x", approved_a, "ethics", 101)

    assert response.status_code == 400
    assert codes(response) == ["score_out_of_range"]
    assert response.json()["errors"][0]["attr"] == "score"
    assert not ScoreEntry.objects.filter(enrolment=approved_a).exists()
    assert enter("res_expert_x", approved_a, "ethics", -1).status_code == 400


def test_experts_do_not_enter_the_competence_test(world, approved_a):
    response = enter("res_expert_x", approved_a, "competence_test", 80)

    assert response.status_code == 400
    assert not ScoreEntry.objects.filter(enrolment=approved_a).exists()


def test_scoring_someone_elses_physician_is_404(world, approved_a, body_y):
    # body Y's expert and reviewer do not reach body X's enrolment
    for username in ("res_expert_y", "res_body_y"):
        assert enter(username, approved_a, "ethics", 80).status_code == 404
    assert (
        login("res_body_y")
        .post(
            f"/api/v1/results/body/{approved_a.pk}/competence-test/",
            {"score": 80, "passed": True},
            format="json",
        )
        .status_code
        == 404
    )
    assert login("res_expert_y").get(f"{SCORING}{approved_a.pk}/").status_code == 404
    assert not ScoreEntry.objects.filter(enrolment=approved_a).exists()


def test_scoring_needs_the_permission(world, approved_a):
    assert enter("admin_a", approved_a, "ethics", 80).status_code == 403
    assert enter("doctor_a", approved_a, "ethics", 80).status_code == 403
    anonymous = login("admin_a")
    anonymous.credentials()
    assert anonymous.get(SCORING).status_code == 401
    assert not ScoreEntry.objects.filter(enrolment=approved_a).exists()


def test_the_queue_lists_what_the_body_scores(world, approved_a, approved_b):
    response = login("res_expert_x").get(SCORING)

    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(approved_a.pk)]
    assert login("res_expert_y").get(SCORING, {"name": "张"}).json()["count"] == 0


def test_a_body_records_the_test_by_hand(world, approved_a):
    response = login("res_body_x").post(
        f"/api/v1/results/body/{approved_a.pk}/competence-test/",
        {"score": "66.5", "passed": True, "comment": "纸笔考试"},
        format="json",
    )

    assert response.status_code == 200, response.content
    entry = ScoreEntry.objects.get(enrolment=approved_a, component="competence_test")
    assert (str(entry.score), entry.entered_by.username) == ("66.50", "res_body_x")
    # an expert may not
    assert (
        login("res_expert_x")
        .post(
            f"/api/v1/results/body/{approved_a.pk}/competence-test/",
            {"score": 1, "passed": True},
            format="json",
        )
        .status_code
        == 403
    )


def test_scores_before_the_re_review_are_refused(world, approved_a):
    approved_a.status = S.INSTITUTION_APPROVED
    approved_a.save()

    with pytest.raises(Conflict):
        record_competence_test(
            enrolment_id=approved_a.pk, score=80, passed=True, exam_attempt_id=uuid.uuid4(), sitting="main"
        )
    assert not ScoreEntry.objects.filter(enrolment=approved_a).exists()


def test_simplified_and_exempt_need_no_competence_test(world, approved_a, approved_b, body_y):
    # given A on the simplified procedure and B exempt
    approved_a.procedure = "simplified"
    approved_a.save()
    approved_b.procedure = "exempt"
    approved_b.save()

    # then the engine cannot record a test for either
    for e in (approved_a, approved_b):
        with pytest.raises(ApplicationError):
            record_competence_test(
                enrolment_id=e.pk, score=80, passed=True, exam_attempt_id=uuid.uuid4(), sitting="main"
            )

    # the simplified one is scored on work performance and ethics alone: (80 + 70) / 2 = 75
    enter("res_expert_x", approved_a, "work_performance", 80)
    enter("res_expert_x", approved_a, "ethics", 70)
    a = fresh(approved_a)
    assert (a.status, str(a.total_score), a.result_level) == (S.SCORED, "75.00", "pass")

    # the exempt one has nothing to score: the body's confirmation gives 合格 without a total
    response = login("res_body_y").post(f"/api/v1/results/body/{approved_b.pk}/confirm/", {}, format="json")
    assert response.status_code == 200, response.content
    b = fresh(approved_b)
    assert (b.status, b.total_score, b.result_level) == (S.SCORE_CONFIRMED, None, "pass")
    assert list(EnrolmentHistory.objects.filter(subject=b).values_list("action", flat=True)) == [
        "score",
        "confirm_score",
    ]


def test_skills_material_is_attached_where_the_cycle_has_skills(world, cycle, approved_a, body_y):
    url = f"{SCORING}{approved_a.pk}/attachments/"
    upload = SimpleUploadedFile("技能操作.pdf", PDF, content_type="application/pdf")

    # the default settings have no skills assessment
    refused = login("res_expert_x").post(url, {"file": upload, "purpose": "skills"}, format="multipart")
    assert refused.status_code == 400
    assert codes(refused) == ["component_not_in_settings"]
    assert not EnrolmentAttachment.objects.filter(enrolment=approved_a).exists()

    # when the cycle includes skills and case review
    settings = cycle.settings
    settings.components = [
        {"component": "competence_test", "weight": 40, "procedures": ["general"]},
        {"component": "skills", "weight": 30, "procedures": ["general"]},
        {"component": "case_review", "weight": 30, "procedures": ["general"]},
    ]
    settings.save()
    upload = SimpleUploadedFile("技能操作.pdf", PDF, content_type="application/pdf")
    response = login("res_expert_x").post(url, {"file": upload, "purpose": "skills"}, format="multipart")

    # then the material is stored and the scores make the total
    assert response.status_code == 201, response.content
    assert EnrolmentAttachment.objects.get(enrolment=approved_a).purpose == "skills"
    record_competence_test(
        enrolment_id=approved_a.pk, score=70, passed=True, exam_attempt_id=uuid.uuid4(), sitting="main"
    )
    enter("res_expert_x", approved_a, "skills", 80)
    detail = enter("res_expert_x", approved_a, "case_review", 90).json()
    assert (detail["status"], detail["total_score"]) == (S.SCORED, "79.00")
    assert [a["purpose"] for a in detail["attachments"]] == ["skills"]
    link = login("res_expert_x").post(f"{url}{detail['attachments'][0]['id']}/download/")
    assert link.status_code == 200
    assert login("res_expert_y").post(f"{url}{detail['attachments'][0]['id']}/download/").status_code == 404


def test_scores_after_confirmation_are_refused(world, approved_a):
    score_all(approved_a)
    assert (
        login("res_body_x")
        .post(f"/api/v1/results/body/{approved_a.pk}/confirm/", {}, format="json")
        .status_code
        == 200
    )

    response = enter("res_expert_x", approved_a, "ethics", 100)

    assert response.status_code == 409
    assert codes(response) == ["not_ready_for_scoring"]
    assert str(fresh(approved_a).total_score) == "80.00"
    assert ScoreEntry.objects.get(enrolment=approved_a, component="ethics").score == 70

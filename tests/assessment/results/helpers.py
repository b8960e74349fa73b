"""Small helpers of the result tests."""

import uuid
from datetime import timedelta

from assessment.enums import EnrolmentStatus
from assessment.models import Enrolment
from assessment.services.results import record_competence_test

from tests.assessment.conftest import TODAY
from tests.conftest import login

S = EnrolmentStatus
SCORING = "/api/v1/results/scoring/"
BODY = "/api/v1/results/body/"
COMMITTEE = "/api/v1/results/committee/"
MAKEUP = "/api/v1/results/makeup/"
FINAL = "/api/v1/results/final/"


def codes(response):
    return [e["code"] for e in response.json()["errors"]]


def fresh(enrolment) -> Enrolment:
    return Enrolment.objects.get(pk=enrolment.pk)


def status_of(enrolment) -> str:
    return Enrolment.objects.values_list("status", flat=True).get(pk=enrolment.pk)


def enter(username, enrolment, component, score, sitting="main"):
    return login(username).post(
        f"{SCORING}{enrolment.pk}/scores/",
        {"component": component, "score": score, "sitting": sitting},
        format="json",
    )


def score_all(enrolment, *, test=80, passed=True, wp=90, ethics=70, expert="res_expert_x"):
    """The exam engine reports the test, the expert enters work performance and ethics."""
    record_competence_test(
        enrolment_id=enrolment.pk, score=test, passed=passed, exam_attempt_id=uuid.uuid4(), sitting="main"
    )
    assert enter(expert, enrolment, "work_performance", wp).status_code == 200
    response = enter(expert, enrolment, "ethics", ethics)
    assert response.status_code == 200, response.content
    return response


def end_publicity(*enrolments):
    Enrolment.objects.filter(pk__in=[e.pk for e in enrolments]).update(
        publicity_ends_on=TODAY - timedelta(days=1)
    )


def publish(enrolment, body="res_body_x"):
    client = login(body)
    assert client.post(f"{BODY}{enrolment.pk}/confirm/", {}, format="json").status_code == 200
    response = client.post(f"{BODY}{enrolment.pk}/publish/", {}, format="json")
    assert response.status_code == 200, response.content
    return response

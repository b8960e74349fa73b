"""The whole path of a self-report through its reviews, through the API, with its history."""

from assessment.enums import EnrolmentStatus
from assessment.models import Enrolment, EnrolmentHistory

from tests.assessment.reports.conftest import FORMS_OK
from tests.conftest import login


def test_draft_submit_return_resubmit_rate_approve_re_review(world, doctor_a, head_a, body_x, enrolment_a):
    Enrolment.objects.filter(pk=enrolment_a.pk).update(assessment_body=body_x)
    me = f"/api/v1/me/enrolments/{enrolment_a.pk}/report/"
    doctor, head, admin, body = (
        login("doctor_a"),
        login("rep_head_a"),
        login("admin_a"),
        login("rep_body_x"),
    )

    # the physician saves a draft, then submits
    assert doctor.put(me, {"forms": FORMS_OK}, format="json").status_code == 200
    assert doctor.post(f"{me}submit/", {"procedure": "general"}, format="json").status_code == 200
    # the department head returns it
    response = head.post(
        f"/api/v1/reviews/department/{enrolment_a.pk}/return/", {"comment": "请补充工作量"}, format="json"
    )
    assert response.status_code == 200
    # the physician corrects and submits again
    forms = {"work_performance": {**FORMS_OK["work_performance"], "operations": 180}}
    assert doctor.put(me, {"forms": forms}, format="json").status_code == 200
    assert doctor.post(f"{me}submit/", {"procedure": "general"}, format="json").status_code == 200
    # the department head rates, the institution approves, the body approves
    rated = head.post(
        f"/api/v1/reviews/department/{enrolment_a.pk}/rate/",
        {"work_performance": "good", "ethics": "excellent", "comment": "同意"},
        format="json",
    )
    assert rated.status_code == 200, rated.content
    assert (
        admin.post(f"/api/v1/reviews/institution/{enrolment_a.pk}/approve/", {}, format="json").status_code
        == 200
    )
    final = body.post(
        f"/api/v1/reviews/body/{enrolment_a.pk}/approve/", {"comment": "复核通过"}, format="json"
    )
    assert final.status_code == 200, final.content

    # then the history tells the whole story, who and from where to where
    rows = list(
        EnrolmentHistory.objects.filter(subject=enrolment_a)
        .order_by("created_at")
        .values_list("action", "from_state", "to_state", "actor_name")
    )
    assert rows == [
        ("save", "enrolled", "drafting", "doctor_a"),
        ("submit", "drafting", "submitted", "doctor_a"),
        ("department_return", "submitted", "returned", "rep_head_a"),
        ("save", "returned", "returned", "doctor_a"),
        ("submit", "returned", "submitted", "doctor_a"),
        ("department_rate", "submitted", "department_rated", "rep_head_a"),
        ("institution_approve", "department_rated", "institution_approved", "admin_a"),
        ("body_approve", "institution_approved", "body_approved", "rep_body_x"),
    ]
    assert [h["action"] for h in final.json()["history"]] == [r[0] for r in rows]
    enrolment_a.refresh_from_db()
    assert enrolment_a.status == EnrolmentStatus.BODY_APPROVED
    # and the physician sees where they stand
    mine = doctor.get("/api/v1/me/enrolments/").json()["results"][0]
    assert (mine["status"], mine["procedure"]) == ("body_approved", "general")

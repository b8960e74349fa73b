"""The review of self-reports: department rating (科室评定), institution review (机构审核), re-review (复核):
who reaches what, the settings' requirements, deadlines, bulk approval all or nothing, history and audit."""

from datetime import timedelta

import pytest
from assessment.enums import EnrolmentStatus
from assessment.models import DepartmentRating, Enrolment, EnrolmentAttachment, EnrolmentHistory
from rest_framework.test import APIClient

from accounts.roles import Role
from audit.models import AuditEvent
from core.crypto import encrypt, keyed_hash
from organizations.models import Organization, Region
from physicians.models import Physician
from tests.assessment.conftest import TODAY, enrol, open_phases
from tests.assessment.reports.conftest import make_user, rate, set_status
from tests.conftest import login

DEPT = "/api/v1/reviews/department/"
INST = "/api/v1/reviews/institution/"
BODY = "/api/v1/reviews/body/"
S = EnrolmentStatus


def codes(response):
    return [e["code"] for e in response.json()["errors"]]


def status_of(enrolment):
    return Enrolment.objects.values_list("status", flat=True).get(pk=enrolment.pk)


def close_phase(cycle, phase):
    settings = cycle.settings
    settings.phases = open_phases(**{phase: (TODAY - timedelta(days=20), TODAY - timedelta(days=1))})
    settings.save(update_fields=["phases"])


def set_settings(cycle, **fields):
    settings = cycle.settings
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.save()


# --- department rating --------------------------------------------------------------------------------


def test_department_routes_refuse_anonymous_and_doctors(enrolment_a):
    set_status(enrolment_a, S.SUBMITTED)
    anonymous = APIClient()
    doctor = login("doctor_a")

    assert anonymous.get(DEPT).status_code == 401
    assert anonymous.post(f"{DEPT}{enrolment_a.pk}/rate/", {}, format="json").status_code == 401
    assert doctor.get(DEPT).status_code == 403
    assert (
        doctor.post(
            f"{DEPT}{enrolment_a.pk}/rate/", {"work_performance": "good", "ethics": "good"}, format="json"
        ).status_code
        == 403
    )
    assert status_of(enrolment_a) == S.SUBMITTED


def test_a_department_head_sees_only_their_department(
    world, cycle, head_a, head_a_other, head_b, enrolment_a, enrolment_b
):
    # given both submitted
    set_status(enrolment_a, S.SUBMITTED)
    set_status(enrolment_b, S.SUBMITTED)

    # when / then
    assert [r["id"] for r in login("rep_head_a").get(DEPT).json()["results"]] == [str(enrolment_a.pk)]
    assert login("rep_head_a2").get(DEPT).json()["count"] == 0
    assert login("rep_head_b").get(DEPT).json()["count"] == 1
    for username in ("rep_head_a2", "rep_head_b"):
        client = login(username)
        assert client.get(f"{DEPT}{enrolment_a.pk}/").status_code == 404
        rated = client.post(
            f"{DEPT}{enrolment_a.pk}/rate/", {"work_performance": "good", "ethics": "good"}, format="json"
        )
        assert rated.status_code == 404
        assert (
            client.post(f"{DEPT}{enrolment_a.pk}/return/", {"comment": "x"}, format="json").status_code == 404
        )
    assert status_of(enrolment_a) == S.SUBMITTED
    assert not DepartmentRating.objects.filter(enrolment=enrolment_a).exists()


def test_drafts_are_not_shown_to_reviewers(head_a, enrolment_a):
    set_status(enrolment_a, S.DRAFTING)

    assert login("rep_head_a").get(DEPT).json()["count"] == 0
    assert login("rep_head_a").get(f"{DEPT}{enrolment_a.pk}/").status_code == 404
    assert login("admin_a").get(f"{INST}{enrolment_a.pk}/").status_code == 404


def test_the_department_head_rates_with_a_comment(world, head_a, enrolment_a):
    set_status(enrolment_a, S.SUBMITTED)

    # when
    response = login("rep_head_a").post(
        f"{DEPT}{enrolment_a.pk}/rate/",
        {"work_performance": "excellent", "ethics": "good", "comment": "工作扎实，医德良好。"},
        format="json",
    )

    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "department_rated"
    assert body["department_rating"]["work_performance"] == "excellent"
    assert body["department_rating"]["comment"] == "工作扎实，医德良好。"
    assert body["history"][-1]["action"] == "department_rate"
    assert body["actions"] == []
    rating = DepartmentRating.objects.get(enrolment=enrolment_a)
    assert (rating.ethics, rating.rated_by.username) == ("good", "rep_head_a")
    assert AuditEvent.objects.filter(action="assessment.enrolment.department_rate").count() == 1


def test_the_department_head_returns_with_a_comment(head_a, enrolment_a):
    set_status(enrolment_a, S.SUBMITTED)
    client = login("rep_head_a")

    no_comment = client.post(f"{DEPT}{enrolment_a.pk}/return/", {}, format="json")
    returned = client.post(
        f"{DEPT}{enrolment_a.pk}/return/", {"comment": "职业道德自评过于简单"}, format="json"
    )

    assert no_comment.status_code == 400
    assert returned.status_code == 200
    assert status_of(enrolment_a) == S.RETURNED
    row = EnrolmentHistory.objects.get(subject=enrolment_a)
    assert (row.action, row.comment, row.from_state, row.to_state) == (
        "department_return",
        "职业道德自评过于简单",
        "submitted",
        "returned",
    )


def test_rating_refused_when_the_cycle_has_none_or_the_phase_is_closed(cycle, head_a, enrolment_a):
    set_status(enrolment_a, S.SUBMITTED)
    client = login("rep_head_a")
    payload = {"work_performance": "good", "ethics": "good"}

    close_phase(cycle, "department_rating")
    closed = client.post(f"{DEPT}{enrolment_a.pk}/rate/", payload, format="json")
    set_settings(cycle, phases=open_phases(), department_rating=False)
    not_required = client.post(f"{DEPT}{enrolment_a.pk}/rate/", payload, format="json")

    assert (closed.status_code, codes(closed)) == (409, ["phase_closed"])
    assert (not_required.status_code, codes(not_required)) == (409, ["department_rating_not_required"])
    assert status_of(enrolment_a) == S.SUBMITTED


# --- institution review -------------------------------------------------------------------------------


def test_institution_routes_refuse_anonymous_doctors_and_department_heads(head_a, enrolment_a):
    set_status(enrolment_a, S.SUBMITTED)

    assert APIClient().get(INST).status_code == 401
    assert (
        APIClient().post(f"{INST}bulk-approve/", {"ids": [str(enrolment_a.pk)]}, format="json").status_code
        == 401
    )
    for username in ("doctor_a", "rep_head_a"):
        client = login(username)
        assert client.get(INST).status_code == 403
        assert client.get(f"{INST}{enrolment_a.pk}/").status_code == 403
        assert client.post(f"{INST}{enrolment_a.pk}/approve/", {}, format="json").status_code == 403
    assert status_of(enrolment_a) == S.SUBMITTED


def test_another_hospital_gets_404_and_nothing_changes(world, head_a, enrolment_a):
    rate(enrolment_a, head_a)
    client = login("admin_b")

    assert client.get(INST).json()["count"] == 0
    assert client.get(f"{INST}{enrolment_a.pk}/").status_code == 404
    assert client.post(f"{INST}{enrolment_a.pk}/approve/", {}, format="json").status_code == 404
    assert client.post(f"{INST}{enrolment_a.pk}/return/", {"comment": "x"}, format="json").status_code == 404
    assert (
        client.post(f"{INST}bulk-approve/", {"ids": [str(enrolment_a.pk)]}, format="json").status_code == 404
    )
    assert status_of(enrolment_a) == S.DEPARTMENT_RATED
    assert not EnrolmentHistory.objects.filter(subject=enrolment_a).exists()


def test_the_institution_lists_by_procedure_and_status(world, cycle, head_a, enrolment_a):
    # given one general rated, one simplified submitted, one exempt submitted
    rate(enrolment_a, head_a)
    others = []
    for i, procedure in enumerate(["simplified", "exempt"]):
        id_card = f"33010219700101{i:03d}X"
        physician = Physician.objects.create(
            name=f"审核{i}",
            organization=world.hospital_a,
            region_path=world.hospital_a.region_path,
            department=world.dept_a,
            id_card_encrypted=encrypt(id_card),
            id_card_hash=keyed_hash(id_card),
            id_card_last4=id_card[-4:],
            licence_number=f"1103301009{i:05d}",
            practice_category="clinical",
        )
        others.append(set_status(enrol(cycle, physician, by=world.admin_a), S.SUBMITTED, procedure=procedure))
    client = login("admin_a")

    # when / then
    assert client.get(INST).json()["count"] == 3
    assert [r["id"] for r in client.get(INST, {"procedure": "exempt"}).json()["results"]] == [
        str(others[1].pk)
    ]
    assert client.get(INST, {"status": "department_rated"}).json()["results"][0]["id"] == str(enrolment_a.pk)
    assert client.get(INST, {"procedure": "bogus"}).status_code == 400


def test_approval_needs_the_department_rating_when_the_cycle_asks(cycle, head_a, enrolment_a):
    set_status(enrolment_a, S.SUBMITTED)
    client = login("admin_a")

    refused = client.post(f"{INST}{enrolment_a.pk}/approve/", {}, format="json")

    assert (refused.status_code, codes(refused)) == (409, ["department_rating_required"])
    assert status_of(enrolment_a) == S.SUBMITTED
    # and without a department rating in the cycle's settings, the institution approves directly
    set_settings(cycle, department_rating=False)
    assert client.post(f"{INST}{enrolment_a.pk}/approve/", {}, format="json").status_code == 200
    assert status_of(enrolment_a) == S.INSTITUTION_APPROVED


def test_approve_and_approving_twice(world, head_a, affairs_a, enrolment_a):
    rate(enrolment_a, head_a)
    client = login("rep_affairs_a")  # medical affairs review as well as the hospital's admin

    first = client.post(f"{INST}{enrolment_a.pk}/approve/", {"comment": "同意"}, format="json")
    second = client.post(f"{INST}{enrolment_a.pk}/approve/", {}, format="json")

    assert first.status_code == 200, first.content
    assert first.json()["status"] == "institution_approved"
    assert (second.status_code, codes(second)) == (409, ["illegal_transition"])
    assert EnrolmentHistory.objects.filter(subject=enrolment_a, action="institution_approve").count() == 1


def test_the_institution_returns_with_a_required_comment(head_a, enrolment_a):
    rate(enrolment_a, head_a)
    client = login("admin_a")

    assert client.post(f"{INST}{enrolment_a.pk}/return/", {"comment": ""}, format="json").status_code == 400
    returned = client.post(f"{INST}{enrolment_a.pk}/return/", {"comment": "执业经历不完整"}, format="json")

    assert returned.status_code == 200
    assert status_of(enrolment_a) == S.RETURNED
    assert EnrolmentHistory.objects.get(subject=enrolment_a).comment == "执业经历不完整"


def test_review_is_refused_after_its_deadline(cycle, head_a, enrolment_a):
    rate(enrolment_a, head_a)
    close_phase(cycle, "institution_review")
    client = login("admin_a")

    one = client.post(f"{INST}{enrolment_a.pk}/approve/", {}, format="json")
    bulk = client.post(f"{INST}bulk-approve/", {"ids": [str(enrolment_a.pk)]}, format="json")

    assert codes(one) == ["phase_closed"]
    assert codes(bulk) == ["phase_closed"]
    assert status_of(enrolment_a) == S.DEPARTMENT_RATED


def test_the_detail_shows_report_rating_attachments_and_history(world, head_a, enrolment_a):
    from core.workflow import transition

    set_status(enrolment_a, S.ENROLLED)
    transition(enrolment_a, "submit", actor_user=world.doctor_a)
    set_status(enrolment_a, S.SUBMITTED)
    EnrolmentAttachment.objects.create(
        enrolment=enrolment_a,
        purpose="exemption",
        object_key=f"test/{enrolment_a.pk}",
        file_name="证明.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        uploaded_by=world.admin_a,
    )

    body = login("admin_a").get(f"{INST}{enrolment_a.pk}/").json()

    assert body["forms"]["ethics"]["self_rating"] == "good"
    assert body["department_rating"] is None
    assert [a["file_name"] for a in body["attachments"]] == ["证明.pdf"]
    assert [(h["action"], h["actor_name"]) for h in body["history"]] == [("submit", "doctor_a")]
    assert body["actions"] == ["approve", "return"]
    assert body["id_card_masked"].endswith("1234")


# --- bulk approval ------------------------------------------------------------------------------------


def _more_in_a(world, cycle, n, status=S.SUBMITTED):
    made = []
    for i in range(n):
        id_card = f"33010219800101{i:03d}X"
        physician = Physician.objects.create(
            name=f"批量{i}",
            organization=world.hospital_a,
            region_path=world.hospital_a.region_path,
            department=None,
            id_card_encrypted=encrypt(id_card),
            id_card_hash=keyed_hash(id_card),
            id_card_last4=id_card[-4:],
            licence_number=f"1103301008{i:05d}",
            practice_category="clinical",
        )
        made.append(set_status(enrol(cycle, physician, by=world.admin_a), status))
    return made


def test_bulk_approve_moves_all_with_one_audit_row(world, cycle, head_a, enrolment_a):
    # given a rated one and three without a department (no rating needed)
    rate(enrolment_a, head_a)
    more = _more_in_a(world, cycle, 3)
    ids = [str(e.pk) for e in [enrolment_a, *more]]

    # when
    response = login("admin_a").post(
        f"{INST}bulk-approve/", {"ids": ids, "comment": "批量通过"}, format="json"
    )

    # then
    assert response.status_code == 200, response.content
    assert response.json() == {"approved": 4}
    assert set(Enrolment.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        S.INSTITUTION_APPROVED
    }
    assert EnrolmentHistory.objects.filter(subject_id__in=ids, comment="批量通过").count() == 4
    audit = AuditEvent.objects.get(action="assessment.enrolment.institution_approve_bulk")
    assert audit.data["count"] == 4


def test_bulk_approve_is_all_or_nothing(world, cycle, head_a, enrolment_a, enrolment_b):
    more = _more_in_a(world, cycle, 2)
    set_status(enrolment_a, S.SUBMITTED)  # not rated: refuses the batch
    client = login("admin_a")
    ids = [str(e.pk) for e in more]

    unrated = client.post(f"{INST}bulk-approve/", {"ids": [*ids, str(enrolment_a.pk)]}, format="json")
    set_status(more[0], S.INSTITUTION_APPROVED)  # already approved: refuses the batch
    twice = client.post(f"{INST}bulk-approve/", {"ids": ids}, format="json")
    set_status(more[0], S.SUBMITTED)
    set_status(enrolment_b, S.SUBMITTED)  # another hospital's: the batch is a 404
    foreign = client.post(f"{INST}bulk-approve/", {"ids": [*ids, str(enrolment_b.pk)]}, format="json")

    assert (unrated.status_code, codes(unrated)) == (409, ["department_rating_required"])
    assert (twice.status_code, codes(twice)) == (409, ["illegal_transition"])
    assert foreign.status_code == 404
    assert set(Enrolment.objects.filter(pk__in=ids).values_list("status", flat=True)) == {S.SUBMITTED}
    assert not EnrolmentHistory.objects.filter(subject__in=[*more, enrolment_b]).exists()
    assert not AuditEvent.objects.filter(action="assessment.enrolment.institution_approve_bulk").exists()


def test_bulk_approve_validates_its_input(enrolment_a):
    client = login("admin_a")

    assert client.post(f"{INST}bulk-approve/", {"ids": []}, format="json").status_code == 400
    assert client.post(f"{INST}bulk-approve/", {"ids": ["nope"]}, format="json").status_code == 400


# --- re-review ----------------------------------------------------------------------------------------


def test_the_assigned_body_re_reviews(world, body_x, body_y, enrolment_a):
    set_status(enrolment_a, S.INSTITUTION_APPROVED, assessment_body=body_x)
    client = login("rep_body_x")

    # when
    listed = client.get(BODY).json()
    first = client.post(f"{BODY}{enrolment_a.pk}/approve/", {"comment": "复核通过"}, format="json")
    second = client.post(f"{BODY}{enrolment_a.pk}/approve/", {}, format="json")

    # then
    assert [r["id"] for r in listed["results"]] == [str(enrolment_a.pk)]
    assert first.status_code == 200, first.content
    assert first.json()["status"] == "body_approved"
    assert (second.status_code, codes(second)) == (409, ["illegal_transition"])


def test_others_cannot_re_review(world, body_x, body_y, enrolment_a):
    set_status(enrolment_a, S.INSTITUTION_APPROVED, assessment_body=body_x)

    assert APIClient().get(BODY).status_code == 401
    assert login("admin_a").get(BODY).status_code == 403  # the institution reviews, it does not re-review
    assert login("doctor_a").post(f"{BODY}{enrolment_a.pk}/approve/", {}, format="json").status_code == 403
    other = login("rep_body_y")
    assert other.get(BODY).json()["count"] == 0
    assert other.get(f"{BODY}{enrolment_a.pk}/").status_code == 404
    assert other.post(f"{BODY}{enrolment_a.pk}/approve/", {}, format="json").status_code == 404
    assert (
        other.post(f"{BODY}bulk-approve/", {"ids": [str(enrolment_a.pk)]}, format="json").status_code == 404
    )
    # the city commission does not re-review what a body was assigned
    assert login("city_x_admin").get(f"{BODY}{enrolment_a.pk}/").status_code == 404
    assert status_of(enrolment_a) == S.INSTITUTION_APPROVED


def test_the_body_sees_nothing_before_the_institution_approved(body_x, head_a, enrolment_a):
    rate(enrolment_a, head_a)
    Enrolment.objects.filter(pk=enrolment_a.pk).update(assessment_body=body_x)

    assert login("rep_body_x").get(f"{BODY}{enrolment_a.pk}/").status_code == 404


def test_the_body_returns_with_a_comment(body_x, enrolment_a):
    set_status(enrolment_a, S.INSTITUTION_APPROVED, assessment_body=body_x)

    response = login("rep_body_x").post(
        f"{BODY}{enrolment_a.pk}/return/", {"comment": "证明材料不清晰"}, format="json"
    )

    assert response.status_code == 200
    assert status_of(enrolment_a) == S.RETURNED


def test_re_review_refused_when_the_cycle_has_none(cycle, body_x, enrolment_a):
    set_status(enrolment_a, S.INSTITUTION_APPROVED, assessment_body=body_x)
    set_settings(cycle, body_review=False)

    response = login("rep_body_x").post(f"{BODY}{enrolment_a.pk}/approve/", {}, format="json")

    assert (response.status_code, codes(response)) == (409, ["body_review_not_required"])


def test_without_a_body_the_nearest_commission_re_reviews(world, cycle, enrolment_a, enrolment_b):
    # given A (city X, no county commission) and a hospital in a county of city X that has a commission
    set_status(enrolment_a, S.INSTITUTION_APPROVED)
    set_status(enrolment_b, S.INSTITUTION_APPROVED)
    county = Region.objects.create(
        code="330106", name="西湖区", level="county", parent=world.city_x, path="330000/330100/330106/"
    )
    county_commission = Organization.objects.create(
        name="西湖区卫生健康局", kind="commission", region=county, region_path=county.path
    )
    make_user("rep_county", county_commission, Role.COUNTY_ADMIN)
    hospital_c = Organization.objects.create(
        name="西湖区人民医院", kind="institution", region=county, region_path=county.path
    )
    physician_c = Physician.objects.create(
        name="王医生",
        organization=hospital_c,
        region_path=county.path,
        id_card_encrypted=encrypt("x"),
        id_card_hash=keyed_hash("330106197001010011"),
        id_card_last4="0011",
        licence_number="110330106000001",
        practice_category="clinical",
    )
    enrolment_c = set_status(enrol(cycle, physician_c, by=world.admin_a), S.INSTITUTION_APPROVED)
    city = login("city_x_admin")

    # when / then: the city commission re-reviews A, the county commission C, nobody here B (city Y)
    assert [r["id"] for r in city.get(BODY).json()["results"]] == [str(enrolment_a.pk)]
    assert [r["id"] for r in login("rep_county").get(BODY).json()["results"]] == [str(enrolment_c.pk)]
    assert city.get(f"{BODY}{enrolment_b.pk}/").status_code == 404
    assert city.get(f"{BODY}{enrolment_c.pk}/").status_code == 404
    # and a commission's read of a report is audited
    assert city.get(f"{BODY}{enrolment_a.pk}/").status_code == 200
    assert AuditEvent.objects.filter(
        action="assessment.enrolment.review_read", target_id=str(enrolment_a.pk)
    ).exists()
    assert city.post(f"{BODY}bulk-approve/", {"ids": [str(enrolment_a.pk)]}, format="json").json() == {
        "approved": 1
    }
    assert status_of(enrolment_a) == S.BODY_APPROVED


def test_a_reviewer_downloads_an_attachment_and_others_cannot(world, body_x, doctor_a, enrolment_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("证明.pdf", b"%PDF-1.4 proof", content_type="application/pdf")
    attachment_id = (
        login("doctor_a")
        .post(f"/api/v1/me/enrolments/{enrolment_a.pk}/report/attachments/", {"file": upload})
        .json()["id"]
    )
    set_status(enrolment_a, S.INSTITUTION_APPROVED, assessment_body=body_x)
    path = f"{BODY}{enrolment_a.pk}/attachments/{attachment_id}/download/"

    ok = login("rep_body_x").post(path)
    foreign = login("admin_b").post(f"{INST}{enrolment_a.pk}/attachments/{attachment_id}/download/")

    assert ok.status_code == 200
    assert ok.json()["file_name"] == "证明.pdf"
    assert foreign.status_code == 404
    assert AuditEvent.objects.filter(
        action="assessment.enrolment.attachment_downloaded", actor_name="rep_body_x"
    ).exists()


@pytest.mark.parametrize("stage", ["department", "institution", "body"])
def test_unknown_ids_are_404(world, head_a, body_x, stage):
    users = {"department": "rep_head_a", "institution": "admin_a", "body": "rep_body_x"}

    response = login(users[stage]).get(f"/api/v1/reviews/{stage}/00000000-0000-0000-0000-000000000000/")

    assert response.status_code == 404

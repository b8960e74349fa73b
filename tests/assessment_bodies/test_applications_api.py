"""Applications to be an assessment body: who sees and does what, the workflow, attachments on real S3."""

import pytest
import requests

from assessment_bodies.models import (
    AssessmentBodyApplication,
    AssessmentBodyApplicationAttachment,
    AssessmentBodyApplicationHistory,
)
from audit.models import AuditEvent
from core import storage
from organizations.models import Organization
from tests.assessment_bodies.helpers import APPS, PNG, allow, draft, pdf, submitted
from tests.conftest import login

# --- list and create --------------------------------------------------------------------------------


def test_anonymous_gets_401_everywhere(ab):
    # given an application of hospital A
    allow(ab.hospital_a)
    app_id = draft("admin_a")
    client = login("admin_a")
    client.credentials()

    # when / then
    assert client.get(APPS).status_code == 401
    assert client.post(APPS, {}, format="json").status_code == 401
    assert client.get(f"{APPS}{app_id}/").status_code == 401
    assert client.post(f"{APPS}{app_id}/submit/", {}, format="json").status_code == 401
    assert client.get(f"{APPS}{app_id}/history/").status_code == 401


def test_doctor_gets_403_and_nothing_is_created(ab):
    # given
    allow(ab.hospital_a)
    app_id = draft("admin_a")
    doctor = login("doctor_a")

    # when / then
    assert doctor.get(APPS).status_code == 403
    assert doctor.post(APPS, {}, format="json").status_code == 403
    assert doctor.get(f"{APPS}{app_id}/").status_code == 403
    assert doctor.post(f"{APPS}{app_id}/submit/", {}, format="json").status_code == 403
    assert doctor.post(f"{APPS}{app_id}/approve/", {}, format="json").status_code == 403
    assert AssessmentBodyApplication.objects.count() == 1


def test_an_organisation_not_allowed_to_apply_gets_403_and_nothing_is_stored(ab):
    # given hospital A is not allowed to apply (the default)
    client = login("admin_a")
    audits = AuditEvent.objects.count()

    # when
    response = client.post(APPS, {"applied_scope": "临床类别"}, format="json")

    # then
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "apply_not_allowed"
    assert AssessmentBodyApplication.objects.count() == 0
    assert AuditEvent.objects.count() == audits


def test_an_allowed_institution_opens_a_draft_once(ab):
    # given
    allow(ab.hospital_a)
    client = login("admin_a")

    # when
    response = client.post(APPS, {"applied_scope": "临床类别", "description": "三甲医院"}, format="json")

    # then a draft is stored and audited
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft"
    assert body["organization"]["id"] == str(ab.hospital_a.id)
    assert set(body["actions"]) == {"submit", "withdraw"}
    assert AuditEvent.objects.filter(
        action="assessment_bodies.application_created", target_id=body["id"]
    ).exists()
    # and a second open application is refused
    again = client.post(APPS, {}, format="json")
    assert again.status_code == 409
    assert again.json()["errors"][0]["code"] == "application_open"


def test_an_industry_organisation_may_apply(ab):
    # given
    allow(ab.industry)

    # when
    app_id = submitted("ab_industry_admin")

    # then the city commission of the industry organisation sees it
    listed = login("city_x_admin").get(APPS).json()["results"]
    assert app_id in [a["id"] for a in listed]


def test_a_commission_cannot_apply(ab):
    # when
    response = login("city_x_admin").post(APPS, {}, format="json")

    # then
    assert response.status_code == 403
    assert AssessmentBodyApplication.objects.count() == 0


def test_an_assessment_body_cannot_apply_again(ab):
    # given
    allow(ab.hospital_a)
    Organization.objects.filter(pk=ab.hospital_a.pk).update(is_assessment_body=True)

    # when
    response = login("admin_a").post(APPS, {}, format="json")

    # then
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "already_assessment_body"


def test_lists_show_own_applications_and_submitted_ones_in_the_jurisdiction(ab):
    # given a submitted application of A (city X), a draft of C (county in city X), a submitted one of B (city Y)
    for org in (ab.hospital_a, ab.hospital_b, ab.hospital_c):
        allow(org)
    app_a = submitted("admin_a")
    app_c = draft("ab_admin_c")
    app_b = submitted("admin_b")

    def ids(username, **params):
        response = login(username).get(APPS, params)
        assert response.status_code == 200, response.content
        return {a["id"] for a in response.json()["results"]}

    # then each applicant sees only its own, commissions only submitted ones below them
    assert ids("admin_a") == {app_a}
    assert ids("admin_b") == {app_b}
    assert ids("ab_admin_c") == {app_c}
    assert ids("city_x_admin") == {app_a}
    assert ids("ab_city_y_admin") == {app_b}
    assert ids("ab_county_admin") == set()
    assert ids("ab_province_admin") == {app_a, app_b}
    assert ids("ab_province_admin", region="330200") == {app_b}
    assert ids("ab_province_admin", status="draft") == set()
    assert ids("ab_province_admin", search="宁波") == {app_b}


# --- detail and edit --------------------------------------------------------------------------------


def test_hospital_b_cannot_see_or_touch_hospital_as_application(ab):
    # given a draft of hospital A with an attachment
    allow(ab.hospital_a)
    app_id = draft("admin_a")
    attachment = login("admin_a").post(f"{APPS}{app_id}/attachments/", {"file": pdf()}, format="multipart")
    attachment_id = attachment.json()["id"]
    b = login("admin_b")
    before = AssessmentBodyApplication.objects.get(pk=app_id)
    audits = AuditEvent.objects.count()

    # when hospital B tries every route
    responses = [
        b.get(f"{APPS}{app_id}/"),
        b.patch(f"{APPS}{app_id}/", {"description": "x"}, format="json"),
        b.post(f"{APPS}{app_id}/submit/", {}, format="json"),
        b.post(f"{APPS}{app_id}/withdraw/", {}, format="json"),
        b.get(f"{APPS}{app_id}/history/"),
        b.post(f"{APPS}{app_id}/attachments/", {"file": pdf()}, format="multipart"),
        b.get(f"{APPS}{app_id}/attachments/{attachment_id}/download/"),
        b.delete(f"{APPS}{app_id}/attachments/{attachment_id}/"),
    ]

    # then all are 404 and nothing changed
    assert [r.status_code for r in responses] == [404] * len(responses)
    after = AssessmentBodyApplication.objects.get(pk=app_id)
    assert (after.status, after.description, after.updated_at) == (
        before.status,
        before.description,
        before.updated_at,
    )
    assert AssessmentBodyApplicationAttachment.objects.filter(application_id=app_id).count() == 1
    assert AuditEvent.objects.count() == audits


def test_the_commission_sees_the_applicants_basic_information_and_attachments(ab):
    # given
    allow(ab.hospital_a)
    app_id = submitted("admin_a")

    # when
    response = login("city_x_admin").get(f"{APPS}{app_id}/")

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["organization"]["name"] == ab.hospital_a.name
    assert body["organization"]["unified_social_credit_code"] == ab.hospital_a.unified_social_credit_code
    assert [a["file_name"] for a in body["attachments"]] == ["资质证明.pdf"]
    assert set(body["actions"]) == {"approve", "reject", "return"}


def test_a_commission_does_not_see_drafts(ab):
    # given
    allow(ab.hospital_a)
    app_id = draft("admin_a")

    # when / then
    assert login("city_x_admin").get(f"{APPS}{app_id}/").status_code == 404


def test_the_applicant_edits_a_draft_but_not_a_submitted_application(ab):
    # given
    allow(ab.hospital_a)
    app_id = draft("admin_a")
    client = login("admin_a")

    # when
    edited = client.patch(
        f"{APPS}{app_id}/", {"description": "新的说明", "contact_name": "王"}, format="json"
    )

    # then
    assert edited.status_code == 200
    assert edited.json()["description"] == "新的说明"
    client.post(f"{APPS}{app_id}/attachments/", {"file": pdf()}, format="multipart")
    client.post(f"{APPS}{app_id}/submit/", {}, format="json")
    locked = client.patch(f"{APPS}{app_id}/", {"description": "再改"}, format="json")
    assert locked.status_code == 409
    assert locked.json()["errors"][0]["code"] == "application_locked"
    assert AssessmentBodyApplication.objects.get(pk=app_id).description == "新的说明"


def test_a_commission_cannot_edit_an_application(ab):
    # given
    allow(ab.hospital_a)
    app_id = submitted("admin_a")

    # when
    response = login("city_x_admin").patch(f"{APPS}{app_id}/", {"description": "x"}, format="json")

    # then
    assert response.status_code == 403
    assert AssessmentBodyApplication.objects.get(pk=app_id).description == ""


# --- workflow ---------------------------------------------------------------------------------------


def test_submit_needs_an_attachment(ab):
    # given
    allow(ab.hospital_a)
    app_id = draft("admin_a")

    # when
    response = login("admin_a").post(f"{APPS}{app_id}/submit/", {}, format="json")

    # then
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "attachments_required"
    assert AssessmentBodyApplication.objects.get(pk=app_id).status == "draft"
    assert not AssessmentBodyApplicationHistory.objects.filter(subject_id=app_id).exists()


def test_submit_is_refused_when_the_commission_disallowed_applying_meanwhile(ab):
    # given a draft with an attachment, then the commission withdraws the permission to apply
    allow(ab.hospital_a)
    app_id = draft("admin_a")
    client = login("admin_a")
    client.post(f"{APPS}{app_id}/attachments/", {"file": pdf()}, format="multipart")
    Organization.objects.filter(pk=ab.hospital_a.pk).update(may_apply_assessment_body=False)

    # when
    response = client.post(f"{APPS}{app_id}/submit/", {}, format="json")

    # then
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "apply_not_allowed"
    assert AssessmentBodyApplication.objects.get(pk=app_id).status == "draft"


def test_full_workflow_return_resubmit_approve_makes_the_organisation_a_body(ab):
    # given a submitted application of hospital A
    allow(ab.hospital_a)
    app_id = submitted("admin_a")
    commission = login("city_x_admin")
    applicant = login("admin_a")

    # when the commission returns it, the applicant edits and resubmits, the commission approves
    returned = commission.post(f"{APPS}{app_id}/return/", {"comment": "请补充执业许可证"}, format="json")
    assert returned.status_code == 200, returned.content
    assert returned.json()["status"] == "returned"
    assert returned.json()["review_comment"] == "请补充执业许可证"
    assert (
        applicant.post(
            f"{APPS}{app_id}/attachments/", {"file": pdf("许可证.png", PNG, "image/png")}, format="multipart"
        ).status_code
        == 201
    )
    assert applicant.patch(f"{APPS}{app_id}/", {"description": "已补充"}, format="json").status_code == 200
    assert applicant.post(f"{APPS}{app_id}/submit/", {"comment": "已补充"}, format="json").status_code == 200
    approved = commission.post(f"{APPS}{app_id}/approve/", {"comment": "同意"}, format="json")

    # then the organisation is an assessment body
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved"
    assert approved.json()["organization"]["is_assessment_body"] is True
    assert approved.json()["reviewer_name"] == "杭州市卫健委"
    assert Organization.objects.get(pk=ab.hospital_a.pk).is_assessment_body is True
    # and every step is in the history, readable by both sides
    history = applicant.get(f"{APPS}{app_id}/history/").json()["results"]
    assert [(h["action"], h["from_state"], h["to_state"]) for h in history] == [
        ("submit", "draft", "submitted"),
        ("return", "submitted", "returned"),
        ("submit", "returned", "submitted"),
        ("approve", "submitted", "approved"),
    ]
    assert [h["actor_name"] for h in history] == ["admin_a", "city_x_admin", "admin_a", "city_x_admin"]
    assert history[1]["comment"] == "请补充执业许可证"
    assert commission.get(f"{APPS}{app_id}/history/").json()["count"] == 4
    # and audited
    actions = set(AuditEvent.objects.filter(target_id=app_id).values_list("action", flat=True))
    assert {
        "assessment_bodies.application_submit",
        "assessment_bodies.application_return",
        "assessment_bodies.application_approve",
        "assessment_bodies.attachment_uploaded",
        "assessment_bodies.application_updated",
    } <= actions


def test_reject_needs_a_comment_and_keeps_the_organisation_as_it_was(ab):
    # given
    allow(ab.hospital_a)
    app_id = submitted("admin_a")
    commission = login("city_x_admin")

    # when
    without = commission.post(f"{APPS}{app_id}/reject/", {}, format="json")
    rejected = commission.post(f"{APPS}{app_id}/reject/", {"comment": "条件不足"}, format="json")

    # then
    assert without.status_code == 400
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "rejected"
    assert Organization.objects.get(pk=ab.hospital_a.pk).is_assessment_body is False
    # and after a rejection the organisation may apply again
    assert login("admin_a").post(APPS, {}, format="json").status_code == 201


def test_the_applicant_withdraws(ab):
    # given
    allow(ab.hospital_a)
    app_id = submitted("admin_a")

    # when
    response = login("admin_a").post(f"{APPS}{app_id}/withdraw/", {}, format="json")

    # then
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    assert response.json()["actions"] == []


def test_illegal_transition_is_409_naming_the_current_state(ab):
    # given an approved application
    allow(ab.hospital_a)
    app_id = submitted("admin_a")
    commission = login("city_x_admin")
    commission.post(f"{APPS}{app_id}/approve/", {}, format="json")
    history = AssessmentBodyApplicationHistory.objects.filter(subject_id=app_id).count()

    # when it is approved again, or withdrawn
    again = commission.post(f"{APPS}{app_id}/approve/", {}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    withdraw = login("admin_a").post(f"{APPS}{app_id}/withdraw/", {}, format="json")

    # then
    assert again.status_code == 409
    error = again.json()["errors"][0]
    assert error["code"] == "illegal_transition"
    assert "已通过" in error["detail"]
    assert withdraw.status_code == 409
    assert AssessmentBodyApplicationHistory.objects.filter(subject_id=app_id).count() == history


def test_city_y_cannot_review_city_xs_applicant(ab):
    # given a submitted application of hospital A (city X)
    allow(ab.hospital_a)
    app_id = submitted("admin_a")
    city_y = login("ab_city_y_admin")

    # when
    responses = [
        city_y.get(f"{APPS}{app_id}/"),
        city_y.post(f"{APPS}{app_id}/approve/", {"comment": "x"}, format="json"),
        city_y.post(f"{APPS}{app_id}/reject/", {"comment": "x"}, format="json"),
        city_y.post(f"{APPS}{app_id}/return/", {"comment": "x"}, format="json"),
    ]

    # then
    assert [r.status_code for r in responses] == [404] * 4
    app = AssessmentBodyApplication.objects.get(pk=app_id)
    assert (app.status, app.reviewed_by_id) == ("submitted", None)
    assert Organization.objects.get(pk=ab.hospital_a.pk).is_assessment_body is False


def test_a_county_commission_sees_but_does_not_decide(ab):
    # given a submitted application of hospital C (in the county)
    allow(ab.hospital_c)
    app_id = submitted("ab_admin_c")
    county = login("ab_county_admin")

    # when
    seen = county.get(f"{APPS}{app_id}/")
    approve = county.post(f"{APPS}{app_id}/approve/", {}, format="json")

    # then
    assert seen.status_code == 200
    assert seen.json()["actions"] == []
    assert approve.status_code == 403
    assert approve.json()["errors"][0]["code"] == "not_the_reviewer"
    assert AssessmentBodyApplication.objects.get(pk=app_id).status == "submitted"


def test_the_province_may_decide(ab):
    # given
    allow(ab.hospital_b)
    app_id = submitted("admin_b")

    # when
    response = login("ab_province_admin").post(f"{APPS}{app_id}/approve/", {}, format="json")

    # then
    assert response.status_code == 200
    assert Organization.objects.get(pk=ab.hospital_b.pk).is_assessment_body is True


def test_the_applicant_cannot_review_its_own_application(ab):
    # given
    allow(ab.hospital_a)
    app_id = submitted("admin_a")

    # when
    response = login("admin_a").post(f"{APPS}{app_id}/approve/", {}, format="json")

    # then
    assert response.status_code == 403
    assert AssessmentBodyApplication.objects.get(pk=app_id).status == "submitted"


# --- attachments ------------------------------------------------------------------------------------


def test_attachment_is_stored_on_object_storage_and_downloaded_through_a_presigned_url(ab):
    # given
    allow(ab.hospital_a)
    app_id = draft("admin_a")

    # when
    response = login("admin_a").post(f"{APPS}{app_id}/attachments/", {"file": pdf()}, format="multipart")

    # then the bytes are on S3 with their hash
    assert response.status_code == 201, response.content
    attachment = AssessmentBodyApplicationAttachment.objects.get(pk=response.json()["id"])
    assert storage.head(attachment.object_key)["ContentLength"] == attachment.size
    import hashlib

    assert response.json()["sha256"] == hashlib.sha256(pdf().read()).hexdigest()
    # and the applicant downloads them through a short-lived link, audited
    link = login("admin_a").get(f"{APPS}{app_id}/attachments/{attachment.id}/download/")
    assert link.status_code == 200
    assert requests.get(link.json()["url"], timeout=10).content == pdf().read()
    assert AuditEvent.objects.filter(
        action="assessment_bodies.attachment_downloaded", target_id=app_id
    ).exists()


def test_the_reviewing_commission_downloads_attachments_and_city_y_does_not(ab):
    # given
    allow(ab.hospital_a)
    app_id = submitted("admin_a")
    attachment_id = str(AssessmentBodyApplicationAttachment.objects.get(application_id=app_id).id)
    path = f"{APPS}{app_id}/attachments/{attachment_id}/download/"

    # when / then
    assert login("city_x_admin").get(path).status_code == 200
    assert login("ab_city_y_admin").get(path).status_code == 404
    assert login("doctor_a").get(path).status_code == 403


@pytest.mark.parametrize(
    ("name", "data", "content_type", "code"),
    [
        ("a.txt", b"hello", "text/plain", "unsupported_file_type"),
        ("a.docx", b"PK\x03\x04", "application/msword", "unsupported_file_type"),
        ("a.pdf", PNG, "application/pdf", "file_content_mismatch"),
        ("a.pdf", b"%PDF-" + b"0" * (20 * 1024 * 1024), "application/pdf", "file_too_large"),
    ],
)
def test_attachment_type_and_size_are_checked_and_nothing_is_stored(ab, name, data, content_type, code):
    # given
    allow(ab.hospital_a)
    app_id = draft("admin_a")

    # when
    response = login("admin_a").post(
        f"{APPS}{app_id}/attachments/", {"file": pdf(name, data, content_type)}, format="multipart"
    )

    # then
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == code
    assert not AssessmentBodyApplicationAttachment.objects.filter(application_id=app_id).exists()


def test_attachments_are_deleted_while_draft_and_locked_after_submit(ab, django_capture_on_commit_callbacks):
    # given a draft with two attachments
    allow(ab.hospital_a)
    app_id = draft("admin_a")
    client = login("admin_a")
    first = client.post(f"{APPS}{app_id}/attachments/", {"file": pdf()}, format="multipart").json()["id"]
    second = client.post(f"{APPS}{app_id}/attachments/", {"file": pdf("b.pdf")}, format="multipart").json()[
        "id"
    ]
    key = AssessmentBodyApplicationAttachment.objects.get(pk=first).object_key

    # when the first is deleted
    with django_capture_on_commit_callbacks(execute=True):
        deleted = client.delete(f"{APPS}{app_id}/attachments/{first}/")

    # then it is gone, from the store too
    assert deleted.status_code == 204
    assert storage.head(key) is None
    # and after submitting, attachments can be neither added nor deleted
    assert client.post(f"{APPS}{app_id}/submit/", {}, format="json").status_code == 200
    locked = client.delete(f"{APPS}{app_id}/attachments/{second}/")
    assert locked.status_code == 409
    assert client.post(f"{APPS}{app_id}/attachments/", {"file": pdf()}, format="multipart").status_code == 409
    assert AssessmentBodyApplicationAttachment.objects.filter(application_id=app_id).count() == 1


def test_a_commission_cannot_upload_or_delete_attachments(ab):
    # given
    allow(ab.hospital_a)
    app_id = submitted("admin_a")
    attachment_id = AssessmentBodyApplicationAttachment.objects.get(application_id=app_id).id
    commission = login("city_x_admin")

    # when / then
    assert (
        commission.post(f"{APPS}{app_id}/attachments/", {"file": pdf()}, format="multipart").status_code
        == 403
    )
    assert commission.delete(f"{APPS}{app_id}/attachments/{attachment_id}/").status_code == 403
    assert AssessmentBodyApplicationAttachment.objects.filter(application_id=app_id).count() == 1

"""The physician's self-report (填报信息): own enrolments only, drafts, submission with the procedure's
rules, deadlines, attachments, mini-program access."""

from datetime import date, timedelta

import pytest
from assessment.enums import EnrolmentStatus
from assessment.models import AdverseRecord, EnrolmentAttachment, EnrolmentHistory, SelfReport
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from audit.models import AuditEvent
from core import storage
from physicians.models import Physician, PracticeRecord
from tests.assessment.conftest import TODAY, enrol, open_phases
from tests.assessment.reports.conftest import FORMS_OK, set_status
from tests.conftest import PASSWORD, login

MINE = "/api/v1/me/enrolments/"
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def report_url(enrolment):
    return f"{MINE}{enrolment.pk}/report/"


def submit_url(enrolment):
    return f"{report_url(enrolment)}submit/"


def attachments_url(enrolment):
    return f"{report_url(enrolment)}attachments/"


def pdf_upload(name="证明.pdf", data=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def close_phase(cycle, phase="self_report"):
    settings = cycle.settings
    settings.phases = open_phases(**{phase: (TODAY - timedelta(days=20), TODAY - timedelta(days=1))})
    settings.save(update_fields=["phases"])


def codes(response):
    return [e["code"] for e in response.json()["errors"]]


# --- access -------------------------------------------------------------------------------------------


def test_anonymous_is_refused_everywhere(enrolment_a):
    client = APIClient()
    assert client.get(MINE).status_code == 401
    assert client.get(report_url(enrolment_a)).status_code == 401
    assert client.put(report_url(enrolment_a), {}, format="json").status_code == 401
    assert client.post(submit_url(enrolment_a), {}, format="json").status_code == 401
    assert client.post(attachments_url(enrolment_a), {}).status_code == 401


def test_my_enrolments_lists_only_mine(doctor_a, enrolment_a, enrolment_b):
    # when
    response = login("doctor_a").get(MINE)

    # then
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["id"] for r in rows] == [str(enrolment_a.pk)]
    assert rows[0]["status"] == "enrolled"
    assert rows[0]["cycle_code"] == "2024-2026"
    assert rows[0]["result_level"] is None


def test_the_result_shows_once_published(doctor_a, enrolment_a):
    # given
    set_status(enrolment_a, EnrolmentStatus.PASSED, result_level="pass", total_score=88)

    # when
    row = login("doctor_a").get(MINE).json()["results"][0]

    # then
    assert (row["result_level"], row["total_score"], row["procedure"]) == ("pass", "88.00", "general")


def test_another_physicians_enrolment_is_not_found_and_unchanged(
    doctor_a, doctor_b, enrolment_a, enrolment_b
):
    client = login("rep_doctor_b")

    assert client.get(report_url(enrolment_a)).status_code == 404
    assert client.put(report_url(enrolment_a), {"forms": FORMS_OK}, format="json").status_code == 404
    assert client.post(submit_url(enrolment_a), {"procedure": "general"}, format="json").status_code == 404
    assert client.post(attachments_url(enrolment_a), {"file": pdf_upload()}).status_code == 404

    enrolment_a.refresh_from_db()
    assert enrolment_a.status == EnrolmentStatus.ENROLLED
    assert not SelfReport.objects.filter(enrolment=enrolment_a).exists()
    assert not EnrolmentAttachment.objects.filter(enrolment=enrolment_a).exists()


def test_staff_without_self_service_are_refused(enrolment_a):
    response = login("admin_a").get(report_url(enrolment_a))

    assert response.status_code == 403


def test_the_mini_program_token_is_accepted(doctor_a, enrolment_a):
    # given a login from the mini-program
    body = APIClient().post(
        "/api/v1/auth/login/",
        {"username": "doctor_a", "password": PASSWORD, "client": "miniprogram"},
        format="json",
    )
    assert body.status_code == 200, body.content
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {body.json()['access']}")

    # when / then
    assert client.get(MINE).status_code == 200
    assert client.get(report_url(enrolment_a)).status_code == 200
    assert client.put(report_url(enrolment_a), {"forms": FORMS_OK}, format="json").status_code == 200
    assert client.post(submit_url(enrolment_a), {"procedure": "general"}, format="json").status_code == 200


# --- the report ---------------------------------------------------------------------------------------


def test_the_report_is_prefilled_from_the_registry(world, doctor_a, enrolment_a):
    # given
    PracticeRecord.objects.create(
        physician=world.physician_a, organization_name="杭州市第二医院", started_on=date(2003, 7, 1)
    )

    # when
    body = login("doctor_a").get(report_url(enrolment_a)).json()

    # then
    assert body["forms"]["basic"]["name"] == "张医生"
    assert body["forms"]["practice"]["licence_number"] == "110330100000001"
    assert body["forms"]["practice"]["department_name"] == "普外科"
    assert body["forms"]["experience"]["practice_records"][0]["organization_name"] == "杭州市第二医院"
    assert body["forms"]["work_performance"] == {}
    assert body["required_forms"] == ["basic", "practice", "experience", "work_performance", "ethics"]
    assert body["editable"] is True
    assert body["exemption_reasons"] == ["援外医疗", "重大公共卫生事件一线工作"]
    assert body["simplified"] == {"eligible": True, "reasons": []}  # practising since 2003
    assert body["phase"]["open"] is True


def test_a_draft_is_saved_then_read_back(doctor_a, enrolment_a):
    client = login("doctor_a")

    # when a partial draft is saved
    response = client.put(
        report_url(enrolment_a),
        {"forms": {"work_performance": {"summary": "草稿"}}, "procedure": "general"},
        format="json",
    )

    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["forms"]["work_performance"] == {"summary": "草稿"}
    assert body["procedure"] == "general"
    assert body["enrolment"]["status"] == "drafting"
    enrolment_a.refresh_from_db()
    assert enrolment_a.status == EnrolmentStatus.DRAFTING
    assert EnrolmentHistory.objects.get(subject=enrolment_a).action == "save"


def test_a_draft_with_bad_types_is_refused_with_field_errors(doctor_a, enrolment_a):
    response = login("doctor_a").put(
        report_url(enrolment_a),
        {"forms": {"work_performance": {"outpatient_visits": -3}, "ethics": {"self_rating": "super"}}},
        format="json",
    )

    assert response.status_code == 400
    attrs = {e["attr"] for e in response.json()["errors"]}
    assert "forms.work_performance.outpatient_visits" in attrs or "forms.ethics.self_rating" in attrs
    enrolment_a.refresh_from_db()
    assert enrolment_a.status == EnrolmentStatus.ENROLLED
    assert not SelfReport.objects.filter(enrolment=enrolment_a).exists()


def test_submission_needs_every_required_form_complete(doctor_a, enrolment_a):
    client = login("doctor_a")
    forms = {**FORMS_OK, "ethics": {"self_rating": "good"}}
    forms.pop("work_performance")

    # when
    response = client.post(submit_url(enrolment_a), {"forms": forms, "procedure": "general"}, format="json")

    # then
    assert response.status_code == 400
    errors = {e["attr"]: e["code"] for e in response.json()["errors"]}
    assert errors["forms.work_performance"] == "form_required"
    assert errors["forms.ethics.statement"] == "required"
    enrolment_a.refresh_from_db()
    assert enrolment_a.status == EnrolmentStatus.ENROLLED
    assert enrolment_a.submitted_at is None


def test_submission_of_the_general_procedure(doctor_a, enrolment_a):
    client = login("doctor_a")
    client.put(report_url(enrolment_a), {"forms": FORMS_OK}, format="json")

    # when
    response = client.post(submit_url(enrolment_a), {"procedure": "general"}, format="json")

    # then
    assert response.status_code == 200, response.content
    assert response.json()["editable"] is False
    enrolment_a.refresh_from_db()
    assert (enrolment_a.status, enrolment_a.procedure) == (EnrolmentStatus.SUBMITTED, "general")
    assert enrolment_a.submitted_at is not None
    report = SelfReport.objects.get(enrolment=enrolment_a)
    assert report.submitted_forms["work_performance"]["summary"] == FORMS_OK["work_performance"]["summary"]
    assert AuditEvent.objects.filter(
        action="assessment.self_report.submitted", target_id=str(enrolment_a.pk)
    ).exists()
    # and once submitted, neither saving nor submitting again is legal
    again = client.post(submit_url(enrolment_a), {"procedure": "general"}, format="json")
    assert again.status_code == 409
    assert codes(again) == ["illegal_transition"]
    assert client.put(report_url(enrolment_a), {"forms": FORMS_OK}, format="json").status_code == 409


def test_a_procedure_is_required(doctor_a, enrolment_a):
    response = login("doctor_a").post(submit_url(enrolment_a), {"forms": FORMS_OK}, format="json")

    assert response.status_code == 400
    assert codes(response) == ["procedure_required"]


def test_submitting_after_the_deadline_is_refused(cycle, doctor_a, enrolment_a):
    # given the self-report phase closed yesterday
    close_phase(cycle)
    client = login("doctor_a")

    # when
    response = client.post(
        submit_url(enrolment_a), {"forms": FORMS_OK, "procedure": "general"}, format="json"
    )
    draft = client.put(report_url(enrolment_a), {"forms": FORMS_OK}, format="json")

    # then
    assert response.status_code == 409
    assert codes(response) == ["phase_closed"]
    assert codes(draft) == ["phase_closed"]
    enrolment_a.refresh_from_db()
    assert enrolment_a.status == EnrolmentStatus.ENROLLED
    assert not SelfReport.objects.filter(enrolment=enrolment_a).exists()
    assert login("doctor_a").get(report_url(enrolment_a)).json()["editable"] is False


def test_simplified_procedure_refused_when_not_eligible(world, doctor_a, enrolment_a):
    # given 10 years of practice (the rule asks 15)
    Physician.objects.filter(pk=world.physician_a.pk).update(hired_on=TODAY.replace(year=TODAY.year - 10))

    # when
    response = login("doctor_a").post(
        submit_url(enrolment_a), {"forms": FORMS_OK, "procedure": "simplified"}, format="json"
    )

    # then
    assert response.status_code == 400
    assert codes(response) == ["not_eligible_simplified"]
    assert "15" in response.json()["errors"][0]["detail"]
    enrolment_a.refresh_from_db()
    assert enrolment_a.status == EnrolmentStatus.ENROLLED


def test_simplified_procedure_refused_with_an_adverse_record(world, cycle, doctor_a, enrolment_a):
    # given long enough practice but an adverse record in the cycle
    Physician.objects.filter(pk=world.physician_a.pk).update(hired_on=date(2000, 1, 1))
    AdverseRecord.objects.create(
        physician=world.physician_a,
        id_card_hash=world.physician_a.id_card_hash,
        name="张医生",
        region_path=world.physician_a.region_path,
        kind="行政处罚",
        occurred_on=date(2024, 6, 1),
        imported_by=world.city_admin,
    )

    # when
    response = login("doctor_a").post(
        submit_url(enrolment_a), {"forms": FORMS_OK, "procedure": "simplified"}, format="json"
    )

    # then
    assert response.status_code == 400
    assert codes(response) == ["not_eligible_simplified"]
    assert "不良记录" in response.json()["errors"][0]["detail"]


def test_simplified_procedure_accepted_when_eligible(world, doctor_a, enrolment_a):
    # given 20 years since hiring, no adverse record
    Physician.objects.filter(pk=world.physician_a.pk).update(hired_on=date(2004, 1, 1))
    client = login("doctor_a")
    assert client.get(report_url(enrolment_a)).json()["simplified"] == {"eligible": True, "reasons": []}

    # when
    response = client.post(
        submit_url(enrolment_a), {"forms": FORMS_OK, "procedure": "simplified"}, format="json"
    )

    # then
    assert response.status_code == 200, response.content
    enrolment_a.refresh_from_db()
    assert enrolment_a.procedure == "simplified"


def test_exemption_without_its_attachment_is_refused(doctor_a, enrolment_a):
    response = login("doctor_a").post(
        submit_url(enrolment_a),
        {"forms": FORMS_OK, "procedure": "exempt", "exemption_reason": "援外医疗"},
        format="json",
    )

    assert response.status_code == 400
    assert codes(response) == ["exemption_attachment_required"]
    enrolment_a.refresh_from_db()
    assert (enrolment_a.status, enrolment_a.procedure) == (EnrolmentStatus.ENROLLED, "")


def test_exemption_needs_a_reason_from_the_settings(doctor_a, enrolment_a):
    response = login("doctor_a").post(
        submit_url(enrolment_a),
        {"forms": FORMS_OK, "procedure": "exempt", "exemption_reason": "工作太忙"},
        format="json",
    )

    assert response.status_code == 400
    assert codes(response) == ["invalid_exemption_reason"]


def test_exemption_with_its_attachment_is_submitted(doctor_a, enrolment_a):
    client = login("doctor_a")

    # given the proof uploaded
    uploaded = client.post(attachments_url(enrolment_a), {"file": pdf_upload(), "purpose": "exemption"})
    assert uploaded.status_code == 201, uploaded.content
    attachment = EnrolmentAttachment.objects.get(pk=uploaded.json()["id"])
    assert storage.head(attachment.object_key) is not None

    # when
    response = client.post(
        submit_url(enrolment_a),
        {"forms": FORMS_OK, "procedure": "exempt", "exemption_reason": "援外医疗"},
        format="json",
    )

    # then
    assert response.status_code == 200, response.content
    assert response.json()["exemption_reason"] == "援外医疗"
    enrolment_a.refresh_from_db()
    assert enrolment_a.procedure == "exempt"


def test_attachments_are_checked_by_type_size_and_content(doctor_a, enrolment_a):
    client = login("doctor_a")

    fake = client.post(attachments_url(enrolment_a), {"file": pdf_upload(data=b"MZ\x90\x00 not a pdf")})
    wrong_type = client.post(
        attachments_url(enrolment_a), {"file": pdf_upload("a.exe", b"MZ", "application/x-msdownload")}
    )

    assert fake.status_code == 400
    assert codes(fake) == ["file_content_mismatch"]
    assert codes(wrong_type) == ["unsupported_file_type"]
    assert not EnrolmentAttachment.objects.filter(enrolment=enrolment_a).exists()


def test_an_attachment_is_downloaded_and_deleted(doctor_a, enrolment_a):
    client = login("doctor_a")
    attachment_id = client.post(attachments_url(enrolment_a), {"file": pdf_upload()}).json()["id"]

    # when
    link = client.post(f"{attachments_url(enrolment_a)}{attachment_id}/download/")
    deleted = client.delete(f"{attachments_url(enrolment_a)}{attachment_id}/")

    # then
    assert link.status_code == 200
    assert link.json()["url"].startswith("http")
    assert AuditEvent.objects.filter(action="assessment.enrolment.attachment_downloaded").exists()
    assert deleted.status_code == 204
    assert not EnrolmentAttachment.objects.filter(pk=attachment_id).exists()


def test_a_returned_report_is_corrected_and_resubmitted(world, doctor_a, enrolment_a):
    # given a report the institution returned with a comment
    client = login("doctor_a")
    client.post(submit_url(enrolment_a), {"forms": FORMS_OK, "procedure": "general"}, format="json")
    from core.workflow import transition

    transition(enrolment_a, "institution_return", actor_user=world.admin_a, comment="工作量数据缺失")

    # when the physician reads, corrects and submits again
    body = client.get(report_url(enrolment_a)).json()
    corrected = {**FORMS_OK["work_performance"], "inpatient_cases": 120}
    saved = client.put(report_url(enrolment_a), {"forms": {"work_performance": corrected}}, format="json")
    again = client.post(submit_url(enrolment_a), {"procedure": "general"}, format="json")

    # then
    assert body["editable"] is True
    assert body["last_return"]["comment"] == "工作量数据缺失"
    assert saved.status_code == 200
    assert again.status_code == 200, again.content
    enrolment_a.refresh_from_db()
    assert enrolment_a.status == EnrolmentStatus.SUBMITTED
    assert (
        SelfReport.objects.get(enrolment=enrolment_a).submitted_forms["work_performance"]["inpatient_cases"]
        == 120
    )
    actions = list(
        EnrolmentHistory.objects.filter(subject=enrolment_a)
        .order_by("created_at")
        .values_list("action", flat=True)
    )
    assert actions == ["submit", "institution_return", "save", "submit"]


@pytest.mark.parametrize("status", [EnrolmentStatus.WITHDRAWN, EnrolmentStatus.INSTITUTION_APPROVED])
def test_a_report_past_submission_cannot_take_attachments(doctor_a, enrolment_a, status):
    set_status(enrolment_a, status)

    response = login("doctor_a").post(attachments_url(enrolment_a), {"file": pdf_upload()})

    assert response.status_code == 409
    assert not EnrolmentAttachment.objects.filter(enrolment=enrolment_a).exists()


def test_enrolments_of_a_past_cycle_stay_readable(world, doctor_a, enrolment_a):
    from assessment.models import Cycle, CycleSettings

    from tests.assessment.conftest import DEFAULT_SETTINGS

    past = Cycle.objects.create(
        code="2021-2023",
        name="2021—2023年度医师定期考核",
        starts_on=date(2021, 1, 1),
        ends_on=date(2023, 12, 31),
        status="closed",
        created_by=world.city_admin,
    )
    past.settings = CycleSettings.objects.create(
        cycle=past, version=1, phases=open_phases(), created_by=world.city_admin, **DEFAULT_SETTINGS
    )
    past.save(update_fields=["settings"])
    enrol(past, world.physician_a, by=world.admin_a, status="passed")

    rows = login("doctor_a").get(MINE).json()["results"]

    assert [r["cycle_code"] for r in rows] == ["2024-2026", "2021-2023"]

"""Privilege applications through the approvals engine: item by item, limited by title and by the catalogues,
prescribing with its own forms and tiers, refused until a required exam is passed; the approval creates the
grant and writes the technical archive."""

import uuid

from credentialing.models import ExamRequirement, Grant, PrivilegeApplication, SurgeryRecord
from django_tenants.utils import tenant_context

from archives.models import ArchiveEntry
from tests.conftest import login
from tests.credentialing.conftest import A, B, approve


def count_in_a(world, model):
    with tenant_context(world.tenant_a):
        return model.objects.count()


def test_a_physician_applies_for_a_surgical_item_and_the_approval_grants_it(world, cred):
    # given doctor_a assisted twice and led once an appendectomy (imported surgery records)
    with tenant_context(world.tenant_a):
        from credentialing.models import ImportBatch

        batch = ImportBatch.objects.create(kind="operations", rows=3)
        for i, role in enumerate(["first_assistant", "first_assistant", "lead"]):
            SurgeryRecord.objects.create(
                batch=batch,
                record_no=f"R{i}",
                performed_on=f"2026-01-0{i + 1}",
                department_id=world.dept_a.id,
                procedure_code="47.0901",
                item=cred.appendectomy,
                lead_id=world.physician_a.id if role == "lead" else None,
                first_assistant_id=world.physician_a.id if role == "first_assistant" else None,
            )
    doctor = login("doctor_a")
    # when the physician applies for the grade-2 item
    response = doctor.post(
        f"{A}/applications/",
        {"kind": "surgical", "item_id": str(cred.appendectomy.id), "form": {"reason": "已独立完成"}},
        format="json",
    )
    # then it is pending in the approvals engine, with the applicant's own record
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending"
    assert body["approval"]["status"] == "pending"
    assert body["record"] == {"lead": 1, "first_assistant": 2, "second_assistant": 0, "department_volume": 3}
    assert count_in_a(world, Grant) == 0
    # when medical affairs approves
    approve(world, cred.ma, body["approval"]["id"])
    # then the grant exists, active, for three years, and the archive has the line
    with tenant_context(world.tenant_a):
        grant = Grant.objects.get()
        assert (grant.status, grant.item_id, grant.physician_id) == (
            "active",
            cred.appendectomy.id,
            world.physician_a.id,
        )
        assert (grant.valid_until - grant.valid_from).days in (1094, 1095)
        assert PrivilegeApplication.objects.get().status == "approved"
        entry = ArchiveEntry.objects.get(kind="privilege.granted")
        assert "47.0901" in entry.summary
    # and the physician sees it among their grants
    mine = doctor.get(f"{A}/grants/", {"mine": "true"}).json()
    assert [g["item"]["code"] for g in mine["results"]] == ["47.0901"]


def test_an_item_above_the_title_is_refused_and_nothing_is_written(world, cred):
    # when a 主治医师 applies for a grade-4 operation
    response = login("doctor_a").post(
        f"{A}/applications/",
        {"kind": "surgical", "item_id": str(cred.whipple.id), "form": {"reason": "x"}},
        format="json",
    )
    # then it is refused with the rule in the message
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["code"] == "title_too_low"
    assert "主任医师" in error["detail"]
    assert count_in_a(world, PrivilegeApplication) == 0


def test_the_title_rules_are_configurable(world, cred):
    # given medical affairs lowers grade 4 to 主治医师 (rank 2)
    ma = login("ma_a")
    rules = ma.put(f"{A}/title-rules/", {"rules": [{"grade": 4, "min_rank": 2}]}, format="json")
    assert rules.status_code == 200, rules.content
    assert {r["grade"]: r["min_title"] for r in rules.json()["rules"]}[4] == "主治医师"
    # when the 主治医师 applies for the grade-4 item
    response = login("doctor_a").post(
        f"{A}/applications/",
        {"kind": "surgical", "item_id": str(cred.whipple.id), "form": {"reason": "x"}},
        format="json",
    )
    # then it goes to approval
    assert response.status_code == 201, response.content


def test_an_item_outside_the_catalogues_is_refused(world, cred):
    doctor = login("doctor_a")
    # an unknown item
    response = doctor.post(
        f"{A}/applications/",
        {"kind": "surgical", "item_id": str(uuid.uuid4()), "form": {"reason": "x"}},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "item_not_in_catalogue"
    # an item of the hospital catalogue that the department has not got
    with tenant_context(world.tenant_a):
        from credentialing.models import CatalogueItem

        other = CatalogueItem.objects.create(code="36.1001", name="冠脉搭桥", category="surgery", grade=1)
    response = doctor.post(
        f"{A}/applications/",
        {"kind": "surgical", "item_id": str(other.id), "form": {"reason": "x"}},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "item_not_in_department_catalogue"
    assert count_in_a(world, PrivilegeApplication) == 0


def test_prescribing_forms_and_tiers(world, cred):
    doctor = login("doctor_a")
    # the antimicrobial form requires its fields
    response = doctor.post(
        f"{A}/applications/",
        {
            "kind": "prescribing",
            "drug_class": "antimicrobial",
            "level": "restricted",
            "form": {"training_date": "2026-01-01"},
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "code": "form_field_required",
        "detail": "申请表缺少必填项：training_score。",
        "attr": "form.training_score",
    }
    # the special tier needs a senior title
    response = doctor.post(
        f"{A}/applications/",
        {
            "kind": "prescribing",
            "drug_class": "antimicrobial",
            "level": "special",
            "form": {"training_date": "2026-01-01", "training_score": "90"},
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "title_too_low"
    # a tier that does not exist
    response = doctor.post(
        f"{A}/applications/",
        {"kind": "prescribing", "drug_class": "antimicrobial", "level": "gold"},
        format="json",
    )
    assert response.json()["errors"][0]["code"] == "invalid_level"
    # the restricted tier for a 主治医师 with the form filled goes to approval
    response = doctor.post(
        f"{A}/applications/",
        {
            "kind": "prescribing",
            "drug_class": "antimicrobial",
            "level": "restricted",
            "form": {"training_date": "2026-01-01", "training_score": "90"},
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    # and the forms are published for the client
    forms = {f["key"]: f for f in doctor.get(f"{A}/application-forms/").json()}
    assert forms["prescribing:antimicrobial"]["levels"] == ["non_restricted", "restricted", "special"]
    assert forms["prescribing:narcotic"]["fields"] == ["training_certificate_no", "training_date"]


def test_an_application_needing_an_exam_is_refused_until_it_is_passed(world, cred):
    # given the hospital requires its exam (a blueprint nobody passed) for TCM prescribing
    with tenant_context(world.tenant_a):
        ExamRequirement.objects.create(key="prescribing:tcm", exam_blueprint_id=uuid.uuid4())
    # when the physician applies
    response = login("doctor_a").post(
        f"{A}/applications/",
        {"kind": "prescribing", "drug_class": "tcm", "form": {"tcm_training": "西学中 2025"}},
        format="json",
    )
    # then it is refused
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "exam_not_passed"
    assert count_in_a(world, PrivilegeApplication) == 0


def test_anaesthesia_by_grade_and_special_practice(world, cred):
    doctor = login("doctor_a")
    # anaesthesia by grade above the title is refused, within it accepted
    assert (
        doctor.post(
            f"{A}/applications/",
            {"kind": "anaesthesia", "anaesthesia_grade": 3, "form": {"reason": "x"}},
            format="json",
        ).json()["errors"][0]["code"]
        == "title_too_low"
    )
    ok = doctor.post(
        f"{A}/applications/",
        {"kind": "anaesthesia", "anaesthesia_grade": 2, "form": {"reason": "x"}},
        format="json",
    )
    assert ok.status_code == 201, ok.content
    # special practice needs its form
    bad = doctor.post(f"{A}/applications/", {"kind": "special", "special": "brain_death"}, format="json")
    assert bad.json()["errors"][0]["code"] == "form_field_required"
    ok = doctor.post(
        f"{A}/applications/",
        {"kind": "special", "special": "brain_death", "form": {"training_certificate_no": "NJ-001"}},
        format="json",
    )
    assert ok.status_code == 201, ok.content


def test_a_second_application_for_the_same_item_conflicts(world, cred):
    doctor = login("doctor_a")
    payload = {"kind": "surgical", "item_id": str(cred.appendectomy.id), "form": {"reason": "x"}}
    assert doctor.post(f"{A}/applications/", payload, format="json").status_code == 201
    again = doctor.post(f"{A}/applications/", payload, format="json")
    assert again.status_code == 409
    assert again.json()["errors"][0]["code"] == "application_pending"


def test_without_an_approval_chain_nothing_is_written(world, cred):
    # given the hospital's privilege chain is gone
    with tenant_context(world.tenant_a):
        from approvals.models import ApprovalChain

        ApprovalChain.objects.filter(type_code="credentialing.privilege").update(is_active=False)
    # when the physician applies
    response = login("doctor_a").post(
        f"{A}/applications/",
        {"kind": "surgical", "item_id": str(cred.appendectomy.id), "form": {"reason": "x"}},
        format="json",
    )
    # then the engine's error, and no application row
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "approval_chain_missing"
    assert count_in_a(world, PrivilegeApplication) == 0


def test_a_rejection_closes_the_application_without_a_grant(world, cred):
    body = (
        login("doctor_a")
        .post(
            f"{A}/applications/",
            {"kind": "surgical", "item_id": str(cred.appendectomy.id), "form": {"reason": "x"}},
            format="json",
        )
        .json()
    )
    approve(world, cred.ma, body["approval"]["id"], decision="reject", comment="例数不足")
    with tenant_context(world.tenant_a):
        assert PrivilegeApplication.objects.get().status == "rejected"
        assert Grant.objects.count() == 0


def test_department_catalogue_request_goes_through_medical_affairs(world, cred):
    with tenant_context(world.tenant_a):
        from credentialing.models import CatalogueItem, DepartmentItem

        item = CatalogueItem.objects.create(
            code="51.2301", name="腹腔镜胆囊切除术", category="surgery", grade=3
        )
    head = login("head_a")
    # the head asks for their own department
    response = head.post(
        f"{A}/department-items/",
        {"department_id": str(world.dept_a.id), "item_id": str(item.id)},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "pending"
    with tenant_context(world.tenant_a):
        from approvals.selectors import approval_request_for_subject

        request = approval_request_for_subject(
            type_code="credentialing.department_item", subject_id=response.json()["id"]
        )
    approve(world, cred.ma, request.id)
    with tenant_context(world.tenant_a):
        assert DepartmentItem.objects.get(pk=response.json()["id"]).status == "approved"
    # a head cannot ask for another department (404), a doctor has no permission (403)
    with tenant_context(world.tenant_a):
        from organizations.models import Department

        other = Department.objects.create(organization=world.hospital_a, name="骨科")
    assert (
        head.post(
            f"{A}/department-items/", {"department_id": str(other.id), "item_id": str(item.id)}, format="json"
        ).status_code
        == 404
    )
    assert (
        login("doctor_a")
        .post(
            f"{A}/department-items/",
            {"department_id": str(world.dept_a.id), "item_id": str(item.id)},
            format="json",
        )
        .status_code
        == 403
    )


def test_authorization_matrix_of_applications(world, cred):
    from rest_framework.test import APIClient

    payload = {"kind": "surgical", "item_id": str(cred.appendectomy.id), "form": {"reason": "x"}}
    # anonymous
    assert APIClient().post(f"{A}/applications/", payload, format="json").status_code == 401
    # a user without a membership in the hospital
    assert login("nobody").post(f"{A}/applications/", payload, format="json").status_code == 404
    # another hospital's administrator on hospital A's route
    assert login("admin_b").get(f"{A}/applications/").status_code == 404
    # hospital B's own route does not show A's application
    created = login("doctor_a").post(f"{A}/applications/", payload, format="json").json()
    assert login("admin_b").get(f"{B}/applications/{created['id']}/").status_code == 404
    # medical affairs of A reads it; a physician without a physician record here cannot apply
    assert login("ma_a").get(f"{A}/applications/{created['id']}/").status_code == 200
    assert (
        login("ma_a").post(f"{A}/applications/", payload, format="json").json()["errors"][0]["code"]
        == "not_a_physician_here"
    )


def test_a_head_maintains_their_departments_catalogue(world, cred):
    with tenant_context(world.tenant_a):
        from credentialing.models import DepartmentItem

        from organizations.models import Department

        line = DepartmentItem.objects.get(department_id=world.dept_a.id, item=cred.gastroscopy)
        other_dept = Department.objects.create(organization=world.hospital_a, name="消化科")
        other = DepartmentItem.objects.create(
            department_id=other_dept.id, item=cred.gastroscopy, status="approved"
        )
    head = login("head_a")
    # another department's line is out of reach, the doctor has no permission
    assert head.post(f"{A}/department-items/{other.id}/remove/", {}, format="json").status_code == 404
    assert (
        login("doctor_a").post(f"{A}/department-items/{line.id}/remove/", {}, format="json").status_code
        == 403
    )
    # the head removes their own department's line
    response = head.post(f"{A}/department-items/{line.id}/remove/", {}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "removed"
    # and the item can no longer be applied for in that department
    refused = login("doctor_a").post(
        f"{A}/applications/",
        {"kind": "procedural", "item_id": str(cred.gastroscopy.id), "form": {"reason": "x"}},
        format="json",
    )
    assert refused.json()["errors"][0]["code"] == "item_not_in_department_catalogue"


def test_an_application_quotes_the_applicants_training_history(world, cred):
    doctor = login("doctor_a")
    entry = doctor.post(
        f"{A}/physicians/{world.physician_a.id}/career/",
        {
            "kind": "training",
            "organization_name": "上海瑞金医院",
            "starts_on": "2025-03-01",
            "ends_on": "2025-08-31",
        },
        format="json",
    ).json()
    # a foreign or unknown entry is refused
    bad = doctor.post(
        f"{A}/applications/",
        {
            "kind": "surgical",
            "item_id": str(cred.appendectomy.id),
            "form": {"reason": "x", "career_ids": str(uuid.uuid4())},
        },
        format="json",
    )
    assert bad.json()["errors"][0]["code"] == "career_not_found"
    # the own entry is copied into the application
    ok = doctor.post(
        f"{A}/applications/",
        {
            "kind": "surgical",
            "item_id": str(cred.appendectomy.id),
            "form": {"reason": "x", "career_ids": entry["id"]},
        },
        format="json",
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["form"]["career"][0]["organization_name"] == "上海瑞金医院"


def test_the_hospital_sets_how_anaesthesia_is_granted(world, cred):
    ma = login("ma_a")
    # medical affairs switches anaesthesia to grade only
    response = ma.put(f"{A}/settings/", {"anaesthesia_mode": "grade"}, format="json")
    assert response.status_code == 200, response.content
    assert (
        login("doctor_a").put(f"{A}/settings/", {"anaesthesia_mode": "both"}, format="json").status_code
        == 403
    )
    # an application by catalogue item is refused, by grade accepted
    doctor = login("doctor_a")
    refused = doctor.post(
        f"{A}/applications/",
        {"kind": "anaesthesia", "item_id": str(cred.appendectomy.id), "form": {"reason": "x"}},
        format="json",
    )
    assert refused.json()["errors"][0]["code"] == "anaesthesia_mode"
    accepted = doctor.post(
        f"{A}/applications/",
        {"kind": "anaesthesia", "anaesthesia_grade": 1, "form": {"reason": "x"}},
        format="json",
    )
    assert accepted.status_code == 201, accepted.content
    assert ma.get(f"{A}/settings/").json() == {"anaesthesia_mode": "grade"}


def test_a_returned_application_is_resubmitted_and_a_withdrawn_one_closes(world, cred):
    from approvals.services import approval_resubmit, approval_withdraw

    doctor = login("doctor_a")
    body = doctor.post(
        f"{A}/applications/",
        {"kind": "surgical", "item_id": str(cred.appendectomy.id), "form": {"reason": "x"}},
        format="json",
    ).json()
    request_id = body["approval"]["id"]
    # medical affairs returns it for correction; it stays open and shows the engine's status
    approve(world, cred.ma, request_id, decision="return", comment="补充一助例数")
    shown = doctor.get(f"{A}/applications/{body['id']}/").json()
    assert (shown["status"], shown["approval"]["status"]) == ("pending", "returned")
    # the applicant resubmits (the facts are recomputed by credentialing) and then withdraws
    with tenant_context(world.tenant_a):
        approval_resubmit(actor=world.doctor_a, request_id=request_id)
        approval_withdraw(actor=world.doctor_a, request_id=request_id)
        assert PrivilegeApplication.objects.get(pk=body["id"]).status == "withdrawn"
        assert Grant.objects.count() == 0
    # and a new application for the same item is possible again
    again = doctor.post(
        f"{A}/applications/",
        {"kind": "surgical", "item_id": str(cred.appendectomy.id), "form": {"reason": "x"}},
        format="json",
    )
    assert again.status_code == 201, again.content


def test_once_the_hospital_exam_is_passed_the_application_goes_through(world, cred):
    from datetime import timedelta

    from django.utils import timezone
    from exams.models import Attempt, Blueprint, QuestionBank, Sitting

    # given hospital A's antimicrobial exam, which physician_a passed (a submitted, passed attempt)
    now = timezone.now()
    bank = QuestionBank.objects.create(
        owner=world.hospital_a, name="抗菌药物考试题库", created_by=world.admin_a
    )
    blueprint = Blueprint.objects.create(
        owner=world.hospital_a,
        bank=bank,
        name="抗菌药物处方权考试",
        time_limit_minutes=30,
        pass_mark=60,
        created_by=world.admin_a,
    )
    sitting = Sitting.objects.create(
        owner=world.hospital_a,
        blueprint=blueprint,
        name="2026年抗菌药物考试",
        opens_at=now - timedelta(days=2),
        closes_at=now - timedelta(days=1),
        created_by=world.admin_a,
    )
    with tenant_context(world.tenant_a):
        ExamRequirement.objects.create(key="prescribing:antimicrobial", exam_blueprint_id=blueprint.id)
    payload = {
        "kind": "prescribing",
        "drug_class": "antimicrobial",
        "level": "non_restricted",
        "form": {"training_date": "2026-01-01", "training_score": "88"},
    }
    doctor = login("doctor_a")
    # before the attempt is passed: refused
    assert (
        doctor.post(f"{A}/applications/", payload, format="json").json()["errors"][0]["code"]
        == "exam_not_passed"
    )
    Attempt.objects.create(
        owner=world.hospital_a,
        sitting=sitting,
        physician=world.physician_a,
        user=world.doctor_a,
        seed=1,
        secret="s",
        started_at=now - timedelta(days=2),
        deadline=now - timedelta(days=2) + timedelta(minutes=30),
        device_id="d",
        max_score=100,
        status="submitted",
        passed=True,
    )
    # when the physician applies again
    response = doctor.post(f"{A}/applications/", payload, format="json")
    # then it goes to approval, with the passed exam among the facts for auto-approval rules
    assert response.status_code == 201, response.content
    with tenant_context(world.tenant_a):
        from approvals.models import ApprovalRequest

        assert ApprovalRequest.objects.get(pk=response.json()["approval"]["id"]).facts["passed_exam"] is True


def test_the_application_list_reads_the_approvals_of_a_page_in_one_query(world, cred):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    doctor = login("doctor_a")
    ma = login("ma_a")

    def listed():
        with CaptureQueriesContext(connection) as queries:
            body = ma.get(f"{A}/applications/").json()
        return body["results"], len(queries)

    # given one pending application
    first = {"kind": "surgical", "item_id": str(cred.appendectomy.id), "form": {"reason": "x"}}
    assert doctor.post(f"{A}/applications/", first, format="json").status_code == 201
    one, queries_for_one = listed()
    # when a second one is added
    second = {"kind": "procedural", "item_id": str(cred.gastroscopy.id), "form": {"reason": "x"}}
    assert doctor.post(f"{A}/applications/", second, format="json").status_code == 201
    two, queries_for_two = listed()
    # then both carry their approval, and the page costs the same number of queries
    assert [r["approval"]["status"] for r in one] == ["pending"]
    assert [r["approval"]["status"] for r in two] == ["pending", "pending"]
    assert queries_for_two == queries_for_one

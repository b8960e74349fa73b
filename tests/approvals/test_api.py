"""The approvals API under hospital A's tenant URLconf: authorization matrix, the flow, bad input."""

import pytest
from approvals.models import ApprovalChain, ApprovalHistory, ApprovalRequest, ApprovalTask
from django_tenants.utils import tenant_context

from audit.models import AuditEvent
from tests.approvals.conftest import TYPE, make_chain, step, submit
from tests.conftest import login

BASE = "/h/hosp-a/api/v1/approvals"


def chain_body(staff):
    return {
        "type_code": TYPE,
        "note": "2026 版",
        "steps": [
            {"name": "科室审核", "approver_kind": "department_head", "due_hours": 48},
            {
                "name": "委员会会签",
                "approver_kind": "users",
                "user_ids": [str(staff.c1.pk), str(staff.c2.pk)],
                "mode": "all",
                "auto_rule": {"all": [{"fact": "applicant_title", "op": "in", "value": ["主任医师"]}]},
            },
        ],
    }


def counts(world):
    with tenant_context(world.tenant_a):
        return (
            ApprovalChain.objects.count(),
            ApprovalRequest.objects.filter(status="pending").count(),
            ApprovalTask.objects.exclude(decision="").count(),
            ApprovalHistory.objects.count(),
        )


def test_chain_configuration_authorization_matrix(world, staff):
    from rest_framework.test import APIClient

    before = counts(world)
    audits = AuditEvent.objects.filter(action="approvals.chain_created").count()
    body = chain_body(staff)

    # anonymous 401
    assert APIClient().post(f"{BASE}/chains/", body, format="json").status_code == 401
    # a doctor of the hospital (no approvals.configure) 403
    denied = login("doctor_a").post(f"{BASE}/chains/", body, format="json")
    assert denied.status_code == 403
    assert denied.json()["errors"][0]["code"] == "permission_denied"
    assert login("doctor_a").get(f"{BASE}/chains/").status_code == 403
    # another hospital's administrator 404
    assert login("admin_b").post(f"{BASE}/chains/", body, format="json").status_code == 404
    assert login("admin_b").get(f"{BASE}/chains/").status_code == 404
    # the supervising commission may not write
    assert login("city_x_admin").post(f"{BASE}/chains/", body, format="json").status_code == 403
    # nothing changed by any of them
    assert counts(world) == before
    assert AuditEvent.objects.filter(action="approvals.chain_created").count() == audits

    # own administrator 201, and medical affairs may configure too
    created = login("admin_a").post(f"{BASE}/chains/", body, format="json")
    assert created.status_code == 201, created.content
    chain = created.json()
    assert (chain["version"], chain["is_active"], len(chain["steps"])) == (1, True, 2)
    assert chain["steps"][1]["mode"] == "all"
    again = login("ap_ma1").post(f"{BASE}/chains/", body, format="json")
    assert again.status_code == 201
    assert again.json()["version"] == 2
    assert AuditEvent.objects.filter(action="approvals.chain_created").count() == audits + 2

    listed = login("admin_a").get(f"{BASE}/chains/", {"type_code": TYPE})
    assert listed.status_code == 200
    assert [(c["version"], c["is_active"]) for c in listed.json()["results"]] == [(2, True), (1, False)]
    active = login("admin_a").get(f"{BASE}/chains/", {"active": "true"}).json()
    assert [c["version"] for c in active["results"]] == [2]
    detail = login("admin_a").get(f"{BASE}/chains/{chain['id']}/")
    assert detail.status_code == 200
    assert detail.json()["version"] == 1
    types = login("admin_a").get(f"{BASE}/types/").json()
    assert {
        "code": TYPE,
        "label": "测试申请",
        "fact_names": ["applicant_title", "passed_exam", "surgical_grade"],
    } in types


def test_chain_bad_input_is_one_error_shape_and_stores_nothing(world, staff):
    client = login("admin_a")
    body = chain_body(staff)
    body["steps"][1]["user_ids"] = [str(world.admin_b.pk)]  # not a member of hospital A

    response = client.post(f"{BASE}/chains/", body, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "approval_user_not_member"
    assert response.json()["errors"][0]["attr"] == "steps[1]"
    bad_kind = client.post(
        f"{BASE}/chains/",
        {"type_code": TYPE, "steps": [{"name": "x", "approver_kind": "boss"}]},
        format="json",
    )
    assert bad_kind.status_code == 400
    assert bad_kind.json()["type"] == "validation_error"
    bad_rule = client.post(
        f"{BASE}/chains/",
        {
            "type_code": TYPE,
            "steps": [{"name": "x", "approver_kind": "department_head", "auto_rule": "1==1"}],
        },
        format="json",
    )
    assert bad_rule.status_code == 400
    assert bad_rule.json()["errors"][0]["code"] == "approval_rule_invalid"
    with tenant_context(world.tenant_a):
        assert ApprovalChain.objects.count() == 0


def test_queue_decide_and_detail_through_the_api(world, staff):
    # given a chain 科室 > 委员会会签 and a request
    login("admin_a").post(f"{BASE}/chains/", chain_body(staff), format="json")
    request = submit(world, staff, title="冠脉介入授权")
    head = login("ap_head")

    # the head's queue shows it; the committee's does not yet
    queue = head.get(f"{BASE}/queue/", {"type_code": TYPE})
    assert queue.status_code == 200
    assert [r["id"] for r in queue.json()["results"]] == [str(request.pk)]
    assert queue.json()["results"][0]["current_step_name"] == "科室审核"
    assert login("ap_c1").get(f"{BASE}/queue/").json()["count"] == 0
    assert head.get(f"{BASE}/queue/", {"type_code": "other"}).json()["count"] == 0

    # out of turn: a committee member deciding now is refused, nothing changes
    before = counts(world)
    early = login("ap_c1").post(
        f"{BASE}/requests/{request.pk}/decide/", {"decision": "approve"}, format="json"
    )
    assert early.status_code == 409
    assert early.json()["errors"][0]["code"] == "approval_not_your_turn"
    assert counts(world) == before

    # the head approves
    decided = head.post(
        f"{BASE}/requests/{request.pk}/decide/", {"decision": "approve", "comment": "同意"}, format="json"
    )
    assert decided.status_code == 200, decided.content
    assert decided.json()["current_step"] == 1
    assert decided.json()["can_decide"] is False

    # both members countersign
    c1 = login("ap_c1")
    assert c1.get(f"{BASE}/requests/{request.pk}/").json()["can_decide"] is True
    c1.post(f"{BASE}/requests/{request.pk}/decide/", {"decision": "approve"}, format="json")
    done = login("ap_c2").post(
        f"{BASE}/requests/{request.pk}/decide/", {"decision": "approve"}, format="json"
    )
    assert done.json()["status"] == "approved"
    decided_rows = AuditEvent.objects.filter(action="approvals.decided", target_id=str(request.pk))
    assert sorted(decided_rows.values_list("actor_name", flat=True)) == ["ap_c1", "ap_c2", "ap_head"]
    assert decided_rows.get(actor_name="ap_c2").schema_name == world.tenant_a.schema_name

    # the applicant reads the detail with its complete history
    detail = login("doctor_a").get(f"{BASE}/requests/{request.pk}/")
    assert detail.status_code == 200
    body = detail.json()
    assert body["chain_version"] == 1
    assert body["applicant_name"] == "张医生"
    assert [(h["action"], h["actor_name"], h["to_status"]) for h in body["history"]] == [
        ("submit", "张医生", "pending"),
        ("approve", "ap_head", "pending"),
        ("approve", "ap_c1", "pending"),
        ("approve", "ap_c2", "approved"),
    ]
    assert {(t["user_name"], t["decision"]) for t in body["tasks"]} == {
        ("ap_head", "approve"),
        ("ap_c1", "approve"),
        ("ap_c2", "approve"),
    }
    mine = login("doctor_a").get(f"{BASE}/requests/", {"mine": "true", "status": "approved"})
    assert [r["id"] for r in mine.json()["results"]] == [str(request.pk)]


def test_request_routes_authorization_matrix(world, staff):
    from rest_framework.test import APIClient

    make_chain(world, [step("科室审核", "department_head")])
    request = submit(world, staff)
    before = counts(world)
    audits = AuditEvent.objects.filter(action__startswith="approvals.").count()
    detail = f"{BASE}/requests/{request.pk}/"
    decide = f"{BASE}/requests/{request.pk}/decide/"

    # anonymous 401
    assert APIClient().get(detail).status_code == 401
    assert APIClient().post(decide, {"decision": "approve"}, format="json").status_code == 401
    # the supervising commission has no approvals.use: 403
    assert login("city_x_admin").get(f"{BASE}/queue/").status_code == 403
    # another hospital's administrator: 404 (and under its own slug A's ID does not exist)
    assert login("admin_b").get(detail).status_code == 404
    assert login("admin_b").post(decide, {"decision": "approve"}, format="json").status_code == 404
    assert login("admin_b").get(f"/h/hosp-b/api/v1/approvals/requests/{request.pk}/").status_code == 404
    # a member of A with no part in the request: 404
    assert login("ap_outsider").get(detail).status_code == 404
    assert login("ap_outsider").post(decide, {"decision": "approve"}, format="json").status_code == 404
    # nothing changed, nothing audited
    assert counts(world) == before
    assert AuditEvent.objects.filter(action__startswith="approvals.").count() == audits

    # own: the approver 200, and medical affairs oversees every request of the hospital
    assert login("ap_head").get(detail).status_code == 200
    assert login("ap_ma1").get(detail).status_code == 200
    assert str(request.pk) in {r["id"] for r in login("ap_ma1").get(f"{BASE}/requests/").json()["results"]}
    assert login("ap_outsider").get(f"{BASE}/requests/").json()["count"] == 0


def test_return_resubmit_and_withdraw_through_the_api(world, staff):
    make_chain(world, [step("科室审核", "department_head")])
    request = submit(world, staff)
    head, applicant = login("ap_head"), login("doctor_a")

    bare = head.post(f"{BASE}/requests/{request.pk}/decide/", {"decision": "return"}, format="json")
    assert bare.status_code == 400
    assert bare.json()["errors"][0]["code"] == "approval_comment_required"
    returned = head.post(
        f"{BASE}/requests/{request.pk}/decide/", {"decision": "return", "comment": "材料不全"}, format="json"
    )
    assert returned.json()["status"] == "returned"

    # only the applicant resubmits
    other = head.post(f"{BASE}/requests/{request.pk}/resubmit/", {}, format="json")
    assert other.status_code == 409
    assert other.json()["errors"][0]["code"] == "approval_not_applicant"
    again = applicant.post(f"{BASE}/requests/{request.pk}/resubmit/", {"comment": "已补充"}, format="json")
    assert again.status_code == 200
    assert again.json()["round"] == 2
    assert again.json()["status"] == "pending"

    withdrawn = applicant.post(f"{BASE}/requests/{request.pk}/withdraw/", {}, format="json")
    assert withdrawn.json()["status"] == "withdrawn"
    assert staff.calls.withdrawn == [request.pk]
    assert head.get(f"{BASE}/queue/").json()["count"] == 0


@pytest.mark.parametrize("decision", ["maybe", ""])
def test_decide_with_an_unknown_decision_is_a_validation_error(world, staff, decision):
    make_chain(world, [step("科室审核", "department_head")])
    request = submit(world, staff)
    response = login("ap_head").post(
        f"{BASE}/requests/{request.pk}/decide/", {"decision": decision}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "decision"

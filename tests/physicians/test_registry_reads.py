"""The registry read side: list and detail by jurisdiction, masking, audit of commissions' reads, the
physician's own record."""

from rest_framework.test import APIClient

from audit.models import AuditEvent
from tests.conftest import login

LIST = "/api/v1/physicians/"


def _ids(response) -> set[str]:
    return {row["id"] for row in response.json()["results"]}


def test_anonymous_callers_get_401_everywhere(world, registry):
    client = APIClient()
    assert client.get(LIST).status_code == 401
    assert client.get(f"{LIST}{world.physician_a.id}/").status_code == 401
    assert client.get("/api/v1/me/physician/").status_code == 401


def test_a_doctor_may_not_read_the_registry(world, registry):
    # when a doctor lists or opens physicians
    client = login("doctor_a")

    # then 403
    assert client.get(LIST).status_code == 403
    assert client.get(f"{LIST}{world.physician_a.id}/").status_code == 403


def test_an_institution_lists_only_its_own_physicians_unmasked_phone_masked_id_card(world, registry):
    # when hospital A's administrator lists
    before = AuditEvent.objects.filter(action="physicians.read").count()
    response = login("admin_a").get(LIST, {"page_size": 100})

    # then hospital A's physicians only, phone whole, ID card masked, not audited
    assert response.status_code == 200
    ids = _ids(response)
    assert str(world.physician_a.id) in ids
    assert str(world.physician_b.id) not in ids
    row = next(r for r in response.json()["results"] if r["id"] == str(world.physician_a.id))
    assert row["phone"] == "13800001111"
    assert row["id_card_masked"] == "**************1234"
    assert "330102198001011234" not in response.content.decode()
    assert row["organization_name"] == world.hospital_a.name
    assert row["department_name"] == world.dept_a.name
    assert AuditEvent.objects.filter(action="physicians.read").count() == before


def test_a_city_commission_sees_its_city_masked_and_each_read_is_audited(world, registry):
    # when city X's commission lists with a filter
    response = login("city_x_admin").get(LIST, {"practice_category": "clinical", "page_size": 100})

    # then city X's physicians with phones masked, not city Y's
    assert response.status_code == 200
    ids = _ids(response)
    assert str(world.physician_a.id) in ids
    assert str(world.physician_b.id) not in ids
    row = next(r for r in response.json()["results"] if r["id"] == str(world.physician_a.id))
    assert row["phone"] == "138****1111"
    assert row["id_card_masked"].endswith("1234")
    assert "13800001111" not in response.content.decode()
    # and one audit row for the request, with the filters
    event = AuditEvent.objects.filter(action="physicians.read", actor_id=world.city_admin.id).latest(
        "occurred_at"
    )
    assert event.data["filters"] == {"practice_category": "clinical"}
    assert event.data["rows"] == len(ids)


def test_a_commission_reads_one_physician_masked_and_audited_but_not_another_city(world, registry):
    client = login("city_x_admin")

    # when city X opens its physician and city Y's
    own = client.get(f"{LIST}{world.physician_a.id}/")
    other = client.get(f"{LIST}{world.physician_b.id}/")

    # then its own masked and audited, the other a 404
    assert own.status_code == 200
    assert own.json()["phone"] == "138****1111"
    assert own.json()["id_card_number"] is None
    assert AuditEvent.objects.filter(action="physicians.read", target_id=str(world.physician_a.id)).exists()
    assert other.status_code == 404
    assert not AuditEvent.objects.filter(
        action="physicians.read", target_id=str(world.physician_b.id)
    ).exists()


def test_city_y_commission_sees_city_y_only(world, registry):
    response = login("h4_city_y").get(LIST, {"page_size": 100})
    assert response.status_code == 200
    assert _ids(response) == {str(world.physician_b.id)}


def test_another_hospital_gets_404_for_a_physician(world, registry):
    assert login("admin_b").get(f"{LIST}{world.physician_a.id}/").status_code == 404


def test_the_detail_carries_sites_records_and_transfers(world, registry):
    # when hospital A opens a physician
    response = login("admin_a").get(f"{LIST}{world.physician_a.id}/")

    # then the nested lists are there and the ID card is masked
    assert response.status_code == 200
    body = response.json()
    assert {"sites", "education_records", "practice_records", "transfers"} <= set(body)
    assert body["id_card_number"] is None
    assert body["id_card_masked"] == "**************1234"


def test_search_by_exact_id_card_number(world, registry):
    client = login("admin_a")

    # when searching by the whole number, by a lower-case x variant of nothing, and by a partial number
    exact = client.get(LIST, {"id_card": "330102198001011234"})
    partial = client.get(LIST, {"id_card": "3301021980"})

    # then only the exact value finds the physician
    assert _ids(exact) == {str(world.physician_a.id)}
    assert _ids(partial) == set()


def test_the_search_for_an_id_card_is_audited_masked(world, registry):
    login("city_x_admin").get(LIST, {"id_card": "330102198001011234"})
    event = AuditEvent.objects.filter(action="physicians.read", actor_id=world.city_admin.id).latest(
        "occurred_at"
    )
    assert event.data["filters"]["id_card"] == "**************1234"


def test_filters_by_licence_region_name_and_department(world, registry):
    client = login("city_x_admin")
    assert _ids(client.get(LIST, {"licence_number": "110330100000001"})) == {str(world.physician_a.id)}
    assert str(world.physician_a.id) in _ids(client.get(LIST, {"region": "330100"}))
    assert _ids(client.get(LIST, {"region": "330200"})) == set()  # outside the jurisdiction: nothing
    assert _ids(client.get(LIST, {"name": "张"})) >= {str(world.physician_a.id)}
    assert _ids(client.get(LIST, {"name": "医生"})) == set()  # a prefix, not a substring
    assert str(world.physician_a.id) in _ids(client.get(LIST, {"name_contains": "医生"}))
    assert _ids(client.get(LIST, {"department_id": str(world.dept_a.id)})) == {
        str(world.physician_a.id),
        str(registry.own.id),
    }


def test_an_unknown_region_code_is_a_clear_400(world, registry):
    response = login("city_x_admin").get(LIST, {"region": "999999"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "region"
    assert response.json()["errors"][0]["code"] == "unknown_region"


def test_the_list_is_paginated_in_a_stable_order(world, registry):
    response = login("admin_a").get(LIST, {"page_size": 1})
    body = response.json()
    assert body["count"] >= 2
    assert len(body["results"]) == 1
    second = login("admin_a").get(LIST, {"page_size": 1, "page": 2}).json()["results"][0]
    assert second["id"] != body["results"][0]["id"]


def test_the_physician_reads_their_own_record_with_the_whole_id_card(world, registry):
    # when the physician opens their own record
    response = login("h4_doctor").get("/api/v1/me/physician/")

    # then the number is whole
    assert response.status_code == 200
    assert response.json()["id"] == str(registry.own.id)
    assert response.json()["id_card_number"] == registry.own_number
    assert response.json()["phone"] == "13811112222"


def test_own_record_is_403_for_staff_and_404_for_a_doctor_without_one(world, registry):
    assert login("admin_a").get("/api/v1/me/physician/").status_code == 403
    response = login("doctor_a").get("/api/v1/me/physician/")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "no_physician_record"


def test_the_physician_fills_in_their_basic_information(world, registry):
    # when the physician changes their phone and education
    response = login("h4_doctor").patch(
        "/api/v1/me/physician/", {"phone": "13900009999", "education": "硕士研究生"}, format="json"
    )

    # then it is stored and audited
    assert response.status_code == 200, response.content
    registry.own.refresh_from_db()
    assert (registry.own.phone, registry.own.education) == ("13900009999", "硕士研究生")
    assert AuditEvent.objects.filter(
        action="physicians.self_updated", target_id=str(registry.own.id)
    ).exists()


def test_a_bad_phone_in_self_service_changes_nothing(world, registry):
    response = login("h4_doctor").patch("/api/v1/me/physician/", {"phone": "abc"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "phone"
    registry.own.refresh_from_db()
    assert registry.own.phone == "13811112222"


def test_an_assessment_body_also_reads_the_institutions_assigned_to_it(world, registry):
    # given an industry organisation that is an assessment body, assigned to hospital B by a commission
    from accounts.roles import Role
    from assessment_bodies.models import AssessmentBodyAssignment
    from organizations.models import Organization
    from tests.physicians.conftest import make_user

    body = Organization.objects.create(
        name="考核机构(h4)",
        kind="industry_org",
        region=world.city_x,
        region_path=world.city_x.path,
        is_assessment_body=True,
    )
    make_user("h4_reviewer", body, Role.ASSESSMENT_REVIEWER)
    AssessmentBodyAssignment.objects.create(
        body=body,
        target_organization=world.hospital_b,
        target_region_path=world.hospital_b.region_path,
        assigned_by=registry.city_y_commission,
        assigned_by_region_path=registry.city_y_commission.region_path,
    )
    client = login("h4_reviewer")

    # when its reviewer lists and opens physicians
    listed = _ids(client.get(LIST, {"page_size": 100}))

    # then hospital B's physicians are in reach, hospital A's are not
    assert listed == {str(world.physician_b.id)}
    assert client.get(f"{LIST}{world.physician_b.id}/").status_code == 200
    assert client.get(f"{LIST}{world.physician_a.id}/").status_code == 404
    # and reading is not writing
    assert client.patch(f"{LIST}{world.physician_b.id}/", {"title": "x"}, format="json").status_code == 403

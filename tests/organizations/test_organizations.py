"""Organisations: who reads which, the caller's own organisation ("mine"), and what a commission does to the
organisations below it (edit, move, deactivate, activate)."""

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEvent
from organizations.models import Organization
from organizations.validators import uscc_with_check
from physicians.models import Physician
from tests.conftest import login

LIST = "/api/v1/organizations/"
MINE = "/api/v1/organizations/mine/"


def detail(org):
    return f"/api/v1/organizations/{org.id}/"


def names(response):
    return {row["name"] for row in response.json()["results"]}


def fields(org, *names_):
    org.refresh_from_db()
    return {n: getattr(org, n) for n in names_}


# --- authorisation matrix ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", LIST),
        ("get", MINE),
        ("patch", MINE),
        ("get", "/api/v1/organizations/{a}/"),
        ("patch", "/api/v1/organizations/{a}/"),
        ("post", "/api/v1/organizations/{a}/deactivate/"),
        ("post", "/api/v1/organizations/{a}/activate/"),
    ],
)
def test_anonymous_gets_401(world, db, method, path):
    # when
    response = getattr(APIClient(), method)(path.format(a=world.hospital_a.id), {}, format="json")

    # then
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", LIST, None),
        ("get", MINE, None),
        ("patch", MINE, {"address": "x"}),
        ("get", "/api/v1/organizations/{a}/", None),
        ("patch", "/api/v1/organizations/{a}/", {"address": "x"}),
        ("post", "/api/v1/organizations/{a}/deactivate/", None),
        ("post", "/api/v1/organizations/{a}/activate/", None),
    ],
)
@pytest.mark.parametrize("username", ["doctor_a", "nobody"])
def test_without_permission_403_and_nothing_changes(world, db, method, path, body, username):
    # given
    client = login(username)
    before = fields(world.hospital_a, "address", "status", "updated_at")
    audits = AuditEvent.objects.count()

    # when
    response = getattr(client, method)(path.format(a=world.hospital_a.id), body, format="json")

    # then
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "permission_denied"
    assert fields(world.hospital_a, "address", "status", "updated_at") == before
    assert AuditEvent.objects.count() == audits


def test_medical_affairs_reads_its_organisation_but_cannot_edit_it(world, orgs):
    # given
    client = login("h3_affairs_a")

    # when
    read = client.get(MINE)
    write = client.patch(MINE, {"address": "新地址"}, format="json")

    # then
    assert read.status_code == 200
    assert read.json()["id"] == str(world.hospital_a.id)
    assert write.status_code == 403
    assert fields(world.hospital_a, "address")["address"] == ""


# --- reads --------------------------------------------------------------------------------------------


def test_commission_lists_its_region_subtree_only(world, db):
    # when
    response = login("city_x_admin").get(LIST, {"page_size": 100})

    # then
    assert response.status_code == 200
    assert names(response) == {world.commission_x.name, world.hospital_a.name}


def test_province_commission_lists_every_city(world, orgs):
    # when
    response = login("h3_province").get(LIST, {"page_size": 100})

    # then
    assert {world.commission_x.name, world.hospital_a.name, world.hospital_b.name} <= names(response)


def test_institution_lists_itself_only(world, db):
    # when
    response = login("admin_b").get(LIST)

    # then
    assert response.json()["count"] == 1
    assert names(response) == {world.hospital_b.name}


def test_list_filters(world, orgs):
    # given
    Organization.objects.filter(pk=world.hospital_b.pk).update(
        grade="三级甲等", institution_type="综合医院", is_assessment_body=True
    )
    client = login("h3_province")

    def listed(**params):
        return names(client.get(LIST, {"page_size": 100, **params}))

    # then
    assert listed(kind="institution") == {world.hospital_a.name, world.hospital_b.name}
    assert listed(region_code="330200") == {world.hospital_b.name}
    assert listed(region_code="999999") == set()
    assert listed(grade="三级甲等") == {world.hospital_b.name}
    assert listed(institution_type="综合医院") == {world.hospital_b.name}
    assert listed(is_assessment_body="true") == {world.hospital_b.name}
    assert listed(search="第一人民") == {world.hospital_a.name}
    assert listed(search="12330200B") == {world.hospital_b.name}
    assert listed(status="inactive") == set()
    assert client.get(LIST, {"kind": "planet"}).status_code == 400


def test_list_is_paginated(world, orgs):
    # when
    response = login("h3_province").get(LIST, {"page_size": 2})

    # then
    body = response.json()
    assert body["count"] >= 4
    assert len(body["results"]) == 2
    assert body["next"]


def test_commission_reads_an_institution_of_its_region_with_its_tenant(world, db):
    # when
    response = login("city_x_admin").get(detail(world.hospital_a))

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == world.hospital_a.name
    assert body["region_code"] == "330100"
    assert body["tenant_slug"] == "hosp-a"
    assert body["unified_social_credit_code"] == world.hospital_a.unified_social_credit_code


def test_an_organisation_without_tenant_has_no_slug(world, db):
    # when
    response = login("city_x_admin").get(MINE)

    # then
    assert response.json()["id"] == str(world.commission_x.id)
    assert response.json()["tenant_slug"] is None


@pytest.mark.parametrize(
    ("username", "target"),
    [("city_x_admin", "hospital_b"), ("admin_b", "hospital_a"), ("admin_a", "commission_x")],
)
def test_outside_the_reach_is_404(world, db, username, target):
    # when
    response = login(username).get(detail(getattr(world, target)))

    # then
    assert response.status_code == 404


# --- mine ---------------------------------------------------------------------------------------------


def test_institution_edits_its_basic_information(world, db):
    # given
    client = login("admin_a")
    uscc = uscc_with_check("12330100MB0000001")

    # when
    response = client.patch(
        MINE,
        {
            "address": "杭州市上城区解放路1号",
            "contact_name": "李主任",
            "contact_phone": "0571-88888888",
            "email": "office@hosp-a.example",
            "grade": "三级甲等",
            "unified_social_credit_code": uscc.lower(),
        },
        format="json",
    )

    # then
    assert response.status_code == 200, response.content
    assert response.json()["address"] == "杭州市上城区解放路1号"
    assert response.json()["unified_social_credit_code"] == uscc
    assert fields(world.hospital_a, "grade", "contact_name") == {
        "grade": "三级甲等",
        "contact_name": "李主任",
    }
    event = AuditEvent.objects.filter(
        action="organizations.updated", target_id=str(world.hospital_a.id)
    ).get()
    assert event.organization_id == world.hospital_a.id
    assert event.region_path == world.hospital_a.region_path
    assert set(event.data["fields"]) >= {"address", "unified_social_credit_code"}


def test_commission_edits_its_committee_and_office(world, db):
    # given
    client = login("city_x_admin")
    body = {
        "committee_name": "杭州市医师定期考核管理委员会",
        "committee_director": "王主任",
        "committee_phone": "0571-87000001",
        "office_name": "杭州市医师定期考核办公室",
        "office_director": "赵科长",
        "office_phone": "0571-87000002",
        "office_address": "杭州市江干区",
    }

    # when
    response = client.patch(MINE, body, format="json")

    # then
    assert response.status_code == 200, response.content
    assert {k: response.json()[k] for k in body} == body
    assert fields(world.commission_x, *body) == body
    event = AuditEvent.objects.get(action="organizations.updated", target_id=str(world.commission_x.id))
    assert event.organization_id == world.commission_x.id
    assert set(event.data["fields"]) == set(body)


def test_an_institution_has_no_committee(world, db):
    # when
    response = login("admin_a").patch(MINE, {"committee_name": "委员会"}, format="json")

    # then
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "commission_fields_only"
    assert response.json()["errors"][0]["attr"] == "committee_name"
    assert fields(world.hospital_a, "committee_name")["committee_name"] == ""


@pytest.mark.parametrize(("field", "value"), [("region_code", "330200"), ("kind", "commission")])
def test_region_and_kind_are_not_editable_on_mine(world, db, field, value):
    # given
    client = login("admin_a")
    audits = AuditEvent.objects.count()

    # when
    response = client.patch(MINE, {field: value, "address": "x"}, format="json")

    # then
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == field
    assert response.json()["errors"][0]["code"] == "not_editable"
    assert fields(world.hospital_a, "kind", "region_path", "address") == {
        "kind": "institution",
        "region_path": "330000/330100/",
        "address": "",
    }
    assert AuditEvent.objects.count() == audits


def test_own_region_is_not_moved_through_the_detail_route_either(world, orgs):
    # when
    response = login("admin_a").patch(detail(world.hospital_a), {"region_code": "330106"}, format="json")

    # then
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "region_change_not_allowed"
    assert fields(world.hospital_a, "region_path")["region_path"] == "330000/330100/"


@pytest.mark.parametrize("code", ["12330100A000000014", "123", "12330100A00000001I"])
def test_malformed_uscc_is_400_with_its_field(world, db, code):
    # when
    response = login("admin_a").patch(MINE, {"unified_social_credit_code": code}, format="json")

    # then
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["code"], error["attr"]) == ("invalid_uscc", "unified_social_credit_code")
    assert fields(world.hospital_a, "unified_social_credit_code") == {
        "unified_social_credit_code": "12330100A000000013"
    }


def test_uscc_of_another_organisation_is_409(world, db):
    # when
    response = login("admin_a").patch(
        MINE, {"unified_social_credit_code": world.hospital_b.unified_social_credit_code}, format="json"
    )

    # then
    assert response.status_code == 409
    error = response.json()["errors"][0]
    assert (error["code"], error["attr"]) == ("uscc_taken", "unified_social_credit_code")
    assert fields(world.hospital_a, "unified_social_credit_code") == {
        "unified_social_credit_code": "12330100A000000013"
    }


def test_keeping_ones_own_uscc_is_no_conflict(world, db):
    # when
    response = login("admin_a").patch(
        MINE, {"unified_social_credit_code": world.hospital_a.unified_social_credit_code}, format="json"
    )

    # then
    assert response.status_code == 200


# --- a commission and the organisations below it -------------------------------------------------------


def test_commission_edits_an_institution_below_it(world, db):
    # when
    response = login("city_x_admin").patch(
        detail(world.hospital_a), {"name": "杭州市第一人民医院(新)", "grade": "三级乙等"}, format="json"
    )

    # then
    assert response.status_code == 200, response.content
    assert fields(world.hospital_a, "name", "grade") == {
        "name": "杭州市第一人民医院(新)",
        "grade": "三级乙等",
    }
    event = AuditEvent.objects.get(action="organizations.updated", target_id=str(world.hospital_a.id))
    assert event.actor_id == world.city_admin.id
    assert event.organization_id == world.hospital_a.id


def test_commission_moves_an_institution_and_its_physicians_follow(world, orgs):
    # when
    response = login("city_x_admin").patch(detail(world.hospital_a), {"region_code": "330106"}, format="json")

    # then
    assert response.status_code == 200, response.content
    assert response.json()["region_code"] == "330106"
    assert response.json()["region_path"] == "330000/330100/330106/"
    assert fields(world.hospital_a, "region_path")["region_path"] == "330000/330100/330106/"
    assert set(
        Physician.objects.filter(organization=world.hospital_a).values_list("region_path", flat=True)
    ) == {"330000/330100/330106/"}
    assert Physician.objects.get(pk=world.physician_b.pk).region_path == "330000/330200/"
    event = AuditEvent.objects.get(action="organizations.updated", target_id=str(world.hospital_a.id))
    assert event.data["region"]["from"] == "330000/330100/"
    assert event.data["region"]["to"] == "330000/330100/330106/"
    assert event.region_path == "330000/330100/330106/"


@pytest.mark.parametrize(
    ("code", "error"), [("330200", "region_outside_jurisdiction"), ("999999", "unknown_region")]
)
def test_a_move_stays_in_the_jurisdiction(world, orgs, code, error):
    # when
    response = login("city_x_admin").patch(detail(world.hospital_a), {"region_code": code}, format="json")

    # then
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == error
    assert response.json()["errors"][0]["attr"] == "region_code"
    assert fields(world.hospital_a, "region_path")["region_path"] == "330000/330100/"
    assert Physician.objects.get(pk=world.physician_a.pk).region_path == "330000/330100/"


def test_a_commission_is_not_moved(world, orgs):
    # when
    response = login("h3_province").patch(
        detail(world.commission_x), {"region_code": "330106"}, format="json"
    )

    # then
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "commission_region_fixed"


def test_the_committee_of_a_commission_below_is_its_own_business(world, orgs):
    # when
    response = login("h3_province").patch(
        detail(world.commission_x), {"committee_name": "委员会"}, format="json"
    )

    # then
    assert response.status_code == 400
    assert fields(world.commission_x, "committee_name")["committee_name"] == ""


@pytest.mark.parametrize(
    ("username", "target", "status"),
    [
        ("city_x_admin", "hospital_b", 404),
        ("admin_b", "hospital_a", 404),
        ("admin_a", "commission_x", 404),
    ],
)
def test_edits_outside_the_reach_are_404_and_change_nothing(world, db, username, target, status):
    # given
    client = login(username)
    org = getattr(world, target)
    before = fields(org, "name", "address", "updated_at")
    audits = AuditEvent.objects.count()

    # when
    response = client.patch(detail(org), {"address": "篡改"}, format="json")

    # then
    assert response.status_code == status
    assert fields(org, "name", "address", "updated_at") == before
    assert AuditEvent.objects.count() == audits


# --- deactivate / activate ---------------------------------------------------------------------------


def test_deactivated_hospitals_members_are_refused_until_it_is_activated_again(world, db):
    # given
    city = login("city_x_admin")
    admin_a = login("admin_a")
    assert admin_a.get(MINE).status_code == 200

    # when
    deactivated = city.post(f"{detail(world.hospital_a)}deactivate/")

    # then
    assert deactivated.status_code == 200
    assert deactivated.json()["status"] == "inactive"
    assert admin_a.get(MINE).status_code == 403
    assert admin_a.post("/api/v1/departments/", {"name": "新科室"}, format="json").status_code == 403
    assert AuditEvent.objects.filter(
        action="organizations.deactivated", target_id=str(world.hospital_a.id), actor_id=world.city_admin.id
    ).exists()
    assert city.get(LIST, {"status": "inactive"}).json()["count"] == 1

    # when activated again
    activated = city.post(f"{detail(world.hospital_a)}activate/")

    # then
    assert activated.json()["status"] == "active"
    assert admin_a.get(MINE).status_code == 200
    assert AuditEvent.objects.filter(action="organizations.activated").count() == 1


def test_deactivating_twice_changes_nothing_more(world, db):
    # given
    city = login("city_x_admin")
    city.post(f"{detail(world.hospital_a)}deactivate/")

    # when
    again = city.post(f"{detail(world.hospital_a)}deactivate/")

    # then
    assert again.status_code == 200
    assert AuditEvent.objects.filter(action="organizations.deactivated").count() == 1


def test_province_deactivates_a_city_commission(world, orgs):
    # when
    response = login("h3_province").post(f"{detail(world.commission_x)}deactivate/")

    # then
    assert response.status_code == 200
    assert login("city_x_admin").get(LIST).status_code == 403


@pytest.mark.parametrize(
    ("username", "target", "status", "code"),
    [
        ("city_x_admin", "commission_x", 403, "organization_not_below"),
        ("admin_a", "hospital_a", 403, "organization_not_below"),
        ("city_x_admin", "hospital_b", 404, "not_found"),
        ("admin_b", "hospital_a", 404, "not_found"),
    ],
)
def test_only_a_commission_above_deactivates(world, db, username, target, status, code):
    # given
    client = login(username)
    org = getattr(world, target)
    audits = AuditEvent.objects.count()

    # when
    response = client.post(f"{detail(org)}deactivate/")

    # then
    assert response.status_code == status
    assert response.json()["errors"][0]["code"] == code
    assert fields(org, "status")["status"] == "active"
    assert AuditEvent.objects.count() == audits

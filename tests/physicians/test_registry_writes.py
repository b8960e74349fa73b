"""Writes to the registry: create (with the account), edit, nested records, change of institution."""

from unittest import mock

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from rest_framework.test import APIClient

from accounts.models import Membership, User
from audit.models import AuditEvent
from physicians.models import Physician, PhysicianTransfer, PracticeSite
from tests.conftest import login
from tests.physicians.conftest import id_card

LIST = "/api/v1/physicians/"


def _new(number=None, licence="110330100001001", **extra):
    return {
        "name": "赵医生",
        "id_card_number": number or id_card("330106", "19820704", "135"),
        "licence_number": licence,
        "practice_category": "clinical",
        "title": "主治医师",
        "phone": "13700001234",
        **extra,
    }


def _error(response):
    return response.json()["errors"][0]


# --- create ---------------------------------------------------------------------------------------------


def test_creating_is_refused_to_anonymous_doctors_and_commissions(world, registry):
    before = Physician.objects.count()
    assert APIClient().post(LIST, _new(), format="json").status_code == 401
    assert login("doctor_a").post(LIST, _new(), format="json").status_code == 403
    assert login("city_x_admin").post(LIST, _new(), format="json").status_code == 403
    assert Physician.objects.count() == before


def test_an_institution_creates_a_physician_with_an_inactive_account(world, registry):
    # given a valid ID card of a man born 1982-07-04
    number = id_card("330106", "19820704", "135")

    # when medical affairs of hospital A adds the physician
    client = login("h4_affairs_a")
    with mock.patch.object(MD5PasswordHasher, "encode", autospec=True) as encode:
        response = client.post(LIST, _new(number, department_id=str(world.dept_a.id)), format="json")

    # then the record is in hospital A, gender and birth date derived, the number encrypted
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["gender"], body["birth_date"]) == ("男", "1982-07-04")
    assert body["organization_id"] == str(world.hospital_a.id)
    assert body["id_card_masked"].endswith(number[-4:])
    physician = Physician.objects.get(pk=body["id"])
    assert number not in physician.id_card_encrypted
    assert physician.region_path == world.hospital_a.region_path
    # and an inactive account without a usable password (nothing hashed) and a doctor membership
    user = physician.user
    assert user.username == "110330100001001"
    assert not user.is_active
    assert not user.has_usable_password()
    assert user.must_change_password
    assert encode.call_count == 0
    assert Membership.objects.filter(user=user, organization=world.hospital_a, role="doctor").exists()
    assert AuditEvent.objects.filter(action="physicians.created", target_id=body["id"]).exists()


def test_create_with_nested_sites_and_records(world, registry):
    response = login("admin_a").post(
        LIST,
        _new(
            sites=[
                {"organization_id": str(world.hospital_a.id), "is_primary": True},
                {"site_name": "某诊所"},
            ],
            education_records=[{"school": "浙江大学", "degree": "硕士", "started_on": "2000-09-01"}],
            practice_records=[{"organization_name": "旧医院", "started_on": "2005-07-01"}],
        ),
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert [s["site_name"] for s in body["sites"]] == [world.hospital_a.name, "某诊所"]
    assert body["education_records"][0]["school"] == "浙江大学"
    assert body["practice_records"][0]["organization_name"] == "旧医院"


@pytest.mark.parametrize(
    "number",
    [
        "33010619820704135",  # 17 characters
        "3301061982070413XX",
        "330106198207041350",  # wrong check character (the valid one is not 0)
    ],
)
def test_a_bad_id_card_is_a_400_on_id_card_number(world, registry, number):
    # given the number's check character really is wrong
    if len(number) == 18 and number[:17].isdigit():
        assert id_card("330106", "19820704", "135") != number
    before = Physician.objects.count()

    # when it is posted
    response = login("admin_a").post(LIST, _new(number), format="json")

    # then 400 on the field, nothing stored
    assert response.status_code == 400
    assert _error(response)["attr"] == "id_card_number"
    assert _error(response)["code"] == "invalid_id_card"
    assert Physician.objects.count() == before


def test_a_duplicate_id_card_is_a_409(world, registry):
    before = Physician.objects.count()
    response = login("admin_a").post(LIST, _new(registry.own_number), format="json")
    assert response.status_code == 409
    assert (_error(response)["code"], _error(response)["attr"]) == ("id_card_taken", "id_card_number")
    assert Physician.objects.count() == before


def test_a_duplicate_licence_number_is_a_409_even_across_institutions(world, registry):
    before = Physician.objects.count()
    response = login("admin_a").post(LIST, _new(licence=world.physician_b.licence_number), format="json")
    assert response.status_code == 409
    assert (_error(response)["code"], _error(response)["attr"]) == ("licence_number_taken", "licence_number")
    assert Physician.objects.count() == before


def test_a_licence_number_used_as_a_username_is_a_409(world, registry):
    User.objects.create(username="110330100009999", name="x", must_change_password=False)
    response = login("admin_a").post(
        LIST, _new(id_card("330106", "19820705", "135"), licence="110330100009999"), format="json"
    )
    assert response.status_code == 409
    assert _error(response)["code"] == "username_taken"


def test_a_department_of_another_institution_is_refused(world, registry):
    before = Physician.objects.count()
    response = login("admin_a").post(LIST, _new(department_id=str(world.dept_b.id)), format="json")
    assert response.status_code == 400
    assert (_error(response)["code"], _error(response)["attr"]) == ("unknown_department", "department_id")
    assert Physician.objects.count() == before


def test_a_bad_licence_number_is_a_400(world, registry):
    response = login("admin_a").post(LIST, _new(licence="12 34"), format="json")
    assert response.status_code == 400
    assert _error(response)["attr"] == "licence_number"


# --- edit ---------------------------------------------------------------------------------------------


def test_editing_another_hospitals_physician_is_a_404_and_changes_nothing(world, registry):
    before = Physician.objects.get(pk=world.physician_a.pk).updated_at
    url = f"{LIST}{world.physician_a.id}/"
    assert login("admin_b").patch(url, {"title": "主任医师"}, format="json").status_code == 404
    assert (
        login("admin_b").patch(url, {"title": "x" * 99}, format="json").status_code == 404
    )  # 404 before 400
    assert login("city_x_admin").patch(url, {"title": "主任医师"}, format="json").status_code == 403
    assert APIClient().patch(url, {"title": "主任医师"}, format="json").status_code == 401
    physician = Physician.objects.get(pk=world.physician_a.pk)
    assert (physician.title, physician.updated_at) == ("主治医师", before)


def test_an_institution_edits_its_physician(world, registry):
    # when hospital A changes the title and the ID card
    number = id_card("330106", "19750505", "246")
    response = login("admin_a").patch(
        f"{LIST}{world.physician_a.id}/", {"title": "主任医师", "id_card_number": number}, format="json"
    )

    # then both are stored, gender and birth date follow the number, and the change is audited
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "主任医师"
    assert (response.json()["gender"], response.json()["birth_date"]) == ("女", "1975-05-05")
    assert login("admin_a").get(LIST, {"id_card": number}).json()["count"] == 1
    event = AuditEvent.objects.filter(
        action="physicians.updated", target_id=str(world.physician_a.id)
    ).latest("occurred_at")
    assert "title" in event.data["fields"]
    assert number not in str(event.data)


def test_editing_to_a_taken_id_card_is_a_409(world, registry):
    response = login("admin_a").patch(
        f"{LIST}{world.physician_a.id}/", {"id_card_number": registry.own_number}, format="json"
    )
    assert response.status_code == 409
    assert _error(response)["code"] == "id_card_taken"


def test_sites_are_replaced_with_at_most_one_primary(world, registry):
    url = f"{LIST}{world.physician_a.id}/sites/"
    client = login("admin_a")

    # when two primary sites are sent, then one
    two = client.put(
        url,
        {"sites": [{"site_name": "甲", "is_primary": True}, {"site_name": "乙", "is_primary": True}]},
        format="json",
    )
    one = client.put(
        url, {"sites": [{"site_name": "甲", "is_primary": True}, {"site_name": "乙"}]}, format="json"
    )

    # then the first is refused and the second stored
    assert two.status_code == 400
    assert _error(two)["code"] == "several_primary_sites"
    assert one.status_code == 200, one.content
    assert [s["site_name"] for s in one.json()["sites"]] == ["甲", "乙"]
    # and another hospital cannot touch them
    assert login("admin_b").put(url, {"sites": []}, format="json").status_code == 404
    assert PracticeSite.objects.filter(physician=world.physician_a).count() == 2


def test_education_and_practice_records_are_replaced(world, registry):
    client = login("admin_a")
    base = f"{LIST}{world.physician_a.id}/"
    education = client.put(
        base + "education-records/",
        {
            "education_records": [
                {"school": "复旦大学", "started_on": "1998-09-01", "finished_on": "2003-07-01"}
            ]
        },
        format="json",
    )
    practice = client.put(
        base + "practice-records/",
        {"practice_records": [{"organization_name": "旧院", "started_on": "2003-08-01"}]},
        format="json",
    )
    bad = client.put(
        base + "education-records/",
        {"education_records": [{"school": "x", "started_on": "2003-09-01", "finished_on": "2001-07-01"}]},
        format="json",
    )
    assert education.status_code == 200
    assert practice.status_code == 200
    assert practice.json()["education_records"][0]["school"] == "复旦大学"
    assert practice.json()["practice_records"][0]["organization_name"] == "旧院"
    assert bad.status_code == 400
    assert (
        login("admin_b").put(base + "practice-records/", {"practice_records": []}, format="json").status_code
        == 404
    )


# --- change of institution ---------------------------------------------------------------------------------


def test_a_physician_changes_institution_with_history(world, registry):
    # given the physician's account and primary site at hospital A
    physician = registry.own
    PracticeSite.objects.create(
        physician=physician, organization=world.hospital_a, site_name="甲院", is_primary=True
    )

    # when hospital A's medical affairs transfers them to hospital B
    response = login("h4_affairs_a").post(
        f"{LIST}{physician.id}/transfer/",
        {
            "to_organization": str(world.hospital_b.id),
            "to_department": str(world.dept_b.id),
            "reason": "调动",
        },
        format="json",
    )

    # then the transfer is recorded and the physician, their membership and primary site moved
    assert response.status_code == 201, response.content
    assert response.json()["to_organization_name"] == world.hospital_b.name
    physician.refresh_from_db()
    assert physician.organization_id == world.hospital_b.id
    assert physician.region_path == world.hospital_b.region_path
    assert physician.department_id == world.dept_b.id
    transfer = PhysicianTransfer.objects.get(physician=physician)
    assert (transfer.from_organization_id, transfer.from_department_id) == (
        world.hospital_a.id,
        world.dept_a.id,
    )
    assert transfer.transferred_by == registry.affairs_a
    assert (
        Membership.objects.get(user=registry.own_user, role="doctor").organization_id == world.hospital_b.id
    )
    assert PracticeSite.objects.get(physician=physician).organization_id == world.hospital_b.id
    assert AuditEvent.objects.filter(
        action="physicians.transferred", organization_id=world.hospital_a.id
    ).exists()
    assert AuditEvent.objects.filter(
        action="physicians.transferred_in", organization_id=world.hospital_b.id
    ).exists()
    # and hospital A no longer reaches them while hospital B sees them with the history
    assert login("admin_a").get(f"{LIST}{physician.id}/").status_code == 404
    detail = login("admin_b").get(f"{LIST}{physician.id}/")
    assert detail.status_code == 200
    assert detail.json()["transfers"][0]["from_organization_name"] == world.hospital_a.name
    # and the physician still reads their own record
    assert login("h4_doctor").get("/api/v1/me/physician/").json()["organization_id"] == str(
        world.hospital_b.id
    )


def test_only_the_current_institution_transfers(world, registry):
    url = f"{LIST}{world.physician_a.id}/transfer/"
    body = {"to_organization": str(world.hospital_b.id)}
    assert APIClient().post(url, body, format="json").status_code == 401
    assert login("doctor_a").post(url, body, format="json").status_code == 403
    assert login("city_x_admin").post(url, body, format="json").status_code == 403
    assert login("admin_b").post(url, body, format="json").status_code == 404
    assert login("admin_b").post(url, {}, format="json").status_code == 404
    world.physician_a.refresh_from_db()
    assert world.physician_a.organization_id == world.hospital_a.id
    assert not PhysicianTransfer.objects.filter(physician=world.physician_a).exists()


def test_the_target_must_be_an_active_institution_and_the_department_its_own(world, registry):
    client = login("admin_a")
    url = f"{LIST}{world.physician_a.id}/transfer/"
    to_commission = client.post(url, {"to_organization": str(world.commission_x.id)}, format="json")
    to_self = client.post(url, {"to_organization": str(world.hospital_a.id)}, format="json")
    wrong_dept = client.post(
        url,
        {"to_organization": str(world.hospital_b.id), "to_department": str(world.dept_a.id)},
        format="json",
    )
    assert _error(to_commission)["code"] == "invalid_target_organization"
    assert _error(to_self)["code"] == "same_organization"
    assert (_error(wrong_dept)["code"], _error(wrong_dept)["attr"]) == ("unknown_department", "to_department")
    assert not PhysicianTransfer.objects.filter(physician=world.physician_a).exists()

"""Certificate endpoints: the physician's own, institutions and commissions within their reach, printing,
and the authorization matrix of each."""

import requests
from assessment.models import Certificate
from rest_framework.test import APIClient

from audit.models import AuditEvent
from tests.assessment.certificates.conftest import make_passed, pdf_text
from tests.assessment.conftest import enrol
from tests.conftest import login

MINE = "/api/v1/me/certificates/"
LIST = "/api/v1/certificates/"


def _mine_download(enrolment_id) -> str:
    return f"/api/v1/me/certificates/{enrolment_id}/download/"


def _download(enrolment_id) -> str:
    return f"/api/v1/certificates/{enrolment_id}/download/"


# --- the physician's own ------------------------------------------------------------------------------


def test_own_certificates_need_a_login_and_self_service(world, passed_a, doctor_linked):
    assert APIClient().get(MINE).status_code == 401
    assert APIClient().post(_mine_download(passed_a.pk)).status_code == 401
    assert login("admin_a").get(MINE).status_code == 403
    assert login("admin_a").post(_mine_download(passed_a.pk)).status_code == 403
    assert not Certificate.objects.exists()


def test_a_physician_lists_and_prints_their_own(world, passed_a, passed_b, doctor_linked):
    client = login("doctor_a")

    # when the physician lists their certificates before any was issued
    listed = client.get(MINE)

    # then their passed cycle is there, not yet issued, and nobody else's
    assert listed.status_code == 200
    assert [(r["id"], r["certificate_status"], r["serial"]) for r in listed.json()["results"]] == [
        (str(passed_a.pk), "not_issued", None)
    ]

    # when they print it
    response = client.post(_mine_download(passed_a.pk))

    # then they get a link to a real PDF with their name, and the list shows the serial
    assert response.status_code == 200, response.content
    certificate = Certificate.objects.get(enrolment=passed_a)
    assert response.json()["file_name"] == f"certificate-{certificate.serial}.pdf"
    pdf = requests.get(response.json()["url"], timeout=10)
    assert pdf.status_code == 200
    assert "张医生" in pdf_text(pdf.content)
    row = client.get(MINE).json()["results"][0]
    assert (row["certificate_status"], row["serial"]) == ("valid", certificate.serial)
    assert AuditEvent.objects.filter(
        action="assessment.certificate.downloaded", actor_id=world.doctor_a.pk
    ).exists()


def test_a_physician_cannot_print_someone_elses(world, passed_a, passed_b, doctor_linked):
    # when the physician asks for another physician's certificate
    response = login("doctor_a").post(_mine_download(passed_b.pk))

    # then it does not exist for them, and nothing was issued
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"
    assert not Certificate.objects.exists()


def test_a_physician_who_did_not_pass_gets_409(world, enrolment_a, doctor_linked):
    response = login("doctor_a").post(_mine_download(enrolment_a.pk))

    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "not_passed"
    assert not Certificate.objects.exists()


# --- institutions and commissions -----------------------------------------------------------------------


def test_institution_list_matrix(world, passed_a, passed_b):
    assert APIClient().get(LIST).status_code == 401
    assert login("doctor_a").get(LIST).status_code == 403
    assert login("nobody").get(LIST).status_code == 403
    # each hospital sees its own physicians only; the city commission its city's
    assert [r["id"] for r in login("admin_a").get(LIST).json()["results"]] == [str(passed_a.pk)]
    assert [r["id"] for r in login("admin_b").get(LIST).json()["results"]] == [str(passed_b.pk)]
    assert [r["id"] for r in login("city_x_admin").get(LIST).json()["results"]] == [str(passed_a.pk)]


def test_institution_list_filters_and_past_cycles(world, passed_a, past_cycle, more_in_a):
    # given a physician who also passed the past cycle
    old = make_passed(enrol(past_cycle, world.physician_a, by=world.admin_a))
    client = login("admin_a")

    # then every passed enrolment is listed, past cycles too, failed ones not
    rows = client.get(LIST).json()["results"]
    assert {r["physician_name"] for r in rows} == {"张医生", "王小明", "赵丽"}
    assert str(old.pk) in {r["id"] for r in rows}
    # and the filters narrow it
    by_cycle = client.get(LIST, {"cycle": str(past_cycle.pk)}).json()["results"]
    assert [r["id"] for r in by_cycle] == [str(old.pk)]
    by_name = client.get(LIST, {"name": "王"}).json()["results"]
    assert [r["physician_name"] for r in by_name] == ["王小明"]
    assert client.get(LIST, {"department": str(world.dept_b.pk)}).json()["count"] == 0
    assert client.get(LIST, {"department": str(world.dept_a.pk)}).json()["count"] == 4
    assert client.get(LIST, {"cycle": "not-a-uuid"}).status_code == 400

    # and a past cycle's certificate prints
    response = client.post(_download(old.pk))
    assert response.status_code == 200, response.content
    assert Certificate.objects.get(enrolment=old).serial.startswith("2021-2023-330100-")


def test_institution_download_matrix(world, passed_a):
    assert APIClient().post(_download(passed_a.pk)).status_code == 401
    assert login("doctor_a").post(_download(passed_a.pk)).status_code == 403
    assert login("nobody").post(_download(passed_a.pk)).status_code == 403
    # another institution: as if it did not exist, and nothing was issued
    other = login("admin_b").post(_download(passed_a.pk))
    assert other.status_code == 404
    assert other.json()["errors"][0]["code"] == "not_found"
    assert not Certificate.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="assessment.certificate.").exists()
    # own institution
    own = login("admin_a").post(_download(passed_a.pk))
    assert own.status_code == 200, own.content
    assert requests.get(own.json()["url"], timeout=10).content.startswith(b"%PDF-")


def test_a_commission_prints_within_its_region_only(world, passed_a, passed_b):
    client = login("city_x_admin")
    assert client.post(_download(passed_b.pk)).status_code == 404
    assert client.post(_download(passed_a.pk)).status_code == 200
    assert Certificate.objects.count() == 1


def test_institution_download_of_a_non_passed_enrolment_is_409(world, enrolment_a):
    response = login("admin_a").post(_download(enrolment_a.pk))

    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "not_passed"
    assert not Certificate.objects.exists()


def test_download_of_a_revoked_certificate_is_409(world, passed_a):
    from assessment.services.certificates import certificate_issue, certificate_revoke

    certificate_revoke(
        certificate=certificate_issue(enrolment=passed_a), actor_user=world.city_admin, reason="成绩更正"
    )

    response = login("admin_a").post(_download(passed_a.pk))

    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "certificate_revoked"

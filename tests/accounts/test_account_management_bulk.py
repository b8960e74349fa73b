"""Bulk account management: activation with one hashed password, allow / disallow applying to be an assessment
body, .xlsx import (all or nothing, with a row report) and export, as background jobs."""

from unittest import mock

import pytest
import requests
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.jobs import EXPORT_HEADERS, IMPORT_COLUMNS
from accounts.models import Membership, User
from audit.models import AuditEvent
from core.xlsx import XLSX_CONTENT_TYPE, Column, read_rows, write_workbook
from jobs.models import Job, JobStatus
from jobs.services import job_run_now
from organizations.models import Organization
from organizations.validators import uscc_with_check
from tests.audit import fixtures
from tests.audit.fixtures import make_user
from tests.conftest import login

delegation = fixtures.delegation  # the fixture, for this module
pytestmark = pytest.mark.usefixtures("delegation")


def _errors(response):
    return [(e["code"], e["attr"]) for e in response.json()["errors"]]


def _count_hashing():
    """Counts real password hashing (the test hasher's encode), not the cheap unusable-password marker."""
    return mock.patch.object(MD5PasswordHasher, "encode", autospec=True, side_effect=MD5PasswordHasher.encode)


# --- bulk activate ------------------------------------------------------------------------------------


def test_bulk_activate_hashes_one_password_once_for_all(world, delegation):
    # given three institution administrators without passwords (as an import leaves them)
    users = [
        make_user(f"h2_bulk_{i}", delegation.county_hospital, "hospital_admin", password=None)
        for i in range(3)
    ]
    User.objects.filter(pk__in=[u.pk for u in users]).update(is_active=False)
    city = login("city_x_admin")

    # when the city activates them together
    with _count_hashing() as encode:
        response = city.post(
            "/api/v1/accounts/bulk-activate/", {"ids": [str(u.id) for u in users]}, format="json"
        )

    # then one password was hashed once and all share that hash
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["activated"] == 3
    assert sorted(body["given_password"]) == sorted(str(u.id) for u in users)
    assert encode.call_count == 1
    stored = User.objects.filter(pk__in=[u.pk for u in users])
    assert len({u.password for u in stored}) == 1
    assert all(u.is_active and u.must_change_password for u in stored)
    # and each logs in with it
    for u in users:
        assert login(u.username, body["initial_password"]) is not None
    assert (
        AuditEvent.objects.filter(
            action="accounts.activated", target_id__in=[str(u.id) for u in users]
        ).count()
        == 3
    )


def test_bulk_activate_with_one_account_out_of_reach_changes_nothing(world, delegation):
    # given an account below the city and one of another city
    user = make_user("h2_bulk_x", delegation.county_hospital, "hospital_admin", password=None)
    User.objects.filter(pk__in=[user.pk, world.admin_b.pk]).update(is_active=False)
    before_audit = AuditEvent.objects.count()

    # when the city activates both
    response = login("city_x_admin").post(
        "/api/v1/accounts/bulk-activate/", {"ids": [str(user.id), str(world.admin_b.id)]}, format="json"
    )

    # then 404 and nobody was activated
    assert response.status_code == 404
    assert not User.objects.filter(pk__in=[user.pk, world.admin_b.pk], is_active=True).exists()
    assert not User.objects.get(pk=user.pk).has_usable_password()
    assert AuditEvent.objects.count() == before_audit + 1  # the city's login only
    User.objects.filter(pk=world.admin_b.pk).update(is_active=True)


def test_a_hospital_cannot_bulk_activate_its_peer_administrator(world, delegation):
    peer = make_user("h2_peer", world.hospital_a, "hospital_admin", password=None)
    response = login("admin_a").post(
        "/api/v1/accounts/bulk-activate/", {"ids": [str(peer.id)]}, format="json"
    )
    assert response.status_code == 403
    assert _errors(response) == [("account_not_manageable", None)]
    assert not User.objects.get(pk=peer.pk).has_usable_password()


# --- allow / disallow applying to be an assessment body ------------------------------------------------


def test_a_commission_allows_and_disallows_applying_in_bulk(world, delegation):
    # given an institution and an industry organisation below the city
    ids = [str(world.hospital_a.id), str(delegation.industry.id)]
    city = login("city_x_admin")

    # when it allows them, then disallows them
    allowed = city.post("/api/v1/organizations/bulk-allow-apply/", {"ids": ids}, format="json")
    flags_after_allow = set(
        Organization.objects.filter(pk__in=ids).values_list("may_apply_assessment_body", flat=True)
    )
    disallowed = city.post("/api/v1/organizations/bulk-disallow-apply/", {"ids": ids}, format="json")

    # then both took effect, each audited with the organisation
    assert allowed.status_code == 200
    assert allowed.json() == {"updated": 2}
    assert flags_after_allow == {True}
    assert disallowed.status_code == 200
    assert not Organization.objects.filter(pk__in=ids, may_apply_assessment_body=True).exists()
    events = AuditEvent.objects.filter(action__startswith="organizations.may_apply_")
    assert set(events.values_list("organization_id", flat=True)) == {
        world.hospital_a.id,
        delegation.industry.id,
    }
    assert events.count() == 4


@pytest.mark.parametrize(
    ("who", "targets", "status", "code"),
    [
        ("city_x_admin", ["hospital_a", "hospital_b"], 404, "not_found"),  # one in another city
        ("h2_county", ["county_hospital", "hospital_a"], 404, "not_found"),  # one above the county
        ("city_x_admin", ["county_commission"], 404, "not_found"),  # commissions do not apply
        ("admin_a", ["hospital_a"], 403, "commission_only"),
        ("doctor_a", ["hospital_a"], 403, "permission_denied"),
    ],
)
def test_bulk_allow_out_of_reach_changes_nothing(world, delegation, who, targets, status, code):
    # given organisations of which one is out of the caller's reach
    orgs = {
        "hospital_a": world.hospital_a,
        "hospital_b": world.hospital_b,
        "county_hospital": delegation.county_hospital,
        "county_commission": delegation.county_commission,
    }
    ids = [str(orgs[t].id) for t in targets]
    client = login(who)
    before_audit = AuditEvent.objects.count()

    # when the caller allows them
    response = client.post("/api/v1/organizations/bulk-allow-apply/", {"ids": ids}, format="json")

    # then refused, and none was changed
    assert response.status_code == status
    assert response.json()["errors"][0]["code"] == code
    assert not Organization.objects.filter(pk__in=ids, may_apply_assessment_body=True).exists()
    assert AuditEvent.objects.count() == before_audit


# --- import -------------------------------------------------------------------------------------------

HEADERS = [c.header for c in IMPORT_COLUMNS]


def _row(name, uscc17, username, region="330106", kind="医疗卫生机构", uscc=None):
    return [
        name,
        kind,
        region,
        uscc or uscc_with_check(uscc17),
        "综合医院",
        "二级甲等",
        "某路1号",
        "联系人",
        "0571-1234567",
        username,
        f"{name}管理员",
    ]


def _upload(rows, headers=HEADERS, name="accounts.xlsx"):
    return SimpleUploadedFile(name, write_workbook(headers, rows), content_type=XLSX_CONTENT_TYPE)


def _import(client, upload, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post("/api/v1/accounts/import/", {"file": upload}, format="multipart")
    assert response.status_code == 202, response.content
    return job_run_now(response.json()["id"])


def test_an_import_stores_every_row_without_hashing(world, delegation, django_capture_on_commit_callbacks):
    # given a file of two institutions and an industry organisation with their administrators
    rows = [
        _row("导入医院一", "12330106J00000001", "h2_imp_1"),
        _row("导入医院二", "12330100J00000002", "h2_imp_2", region="330100"),
        _row("导入协会", "51330106MJ0000003", "h2_imp_3", kind="行业组织"),
    ]

    client = login("city_x_admin")

    # when the city imports it
    with _count_hashing() as encode:
        job = _import(client, _upload(rows), django_capture_on_commit_callbacks)

    # then all are stored, accounts inactive without a usable password, and nothing was hashed per row
    assert job.status == JobStatus.SUCCEEDED, job.errors
    assert job.summary == {"rows": 3, "created": 3}
    assert encode.call_count == 0
    users = User.objects.filter(username__startswith="h2_imp_")
    assert users.count() == 3
    assert not any(u.is_active or u.has_usable_password() for u in users)
    roles = dict(Membership.objects.filter(user__in=users).values_list("user__username", "role"))
    assert roles == {"h2_imp_1": "hospital_admin", "h2_imp_2": "hospital_admin", "h2_imp_3": "industry_admin"}
    org = Organization.objects.get(name="导入医院一")
    assert (org.kind, org.region_path, org.grade) == ("institution", delegation.county.path, "二级甲等")
    assert AuditEvent.objects.filter(action="accounts.imported", actor_id=world.city_admin.id).exists()
    # and they show in the list as not activated, ready for bulk activation
    listed = login("city_x_admin").get("/api/v1/accounts/", {"search": "h2_imp_"}).json()["results"]
    assert {r["username"]: r["activated"] for r in listed} == {
        "h2_imp_1": False,
        "h2_imp_2": False,
        "h2_imp_3": False,
    }


def test_an_import_with_bad_rows_stores_nothing_and_reports_each(
    world, delegation, django_capture_on_commit_callbacks
):
    # given a file with one good row and bad ones
    good = uscc_with_check("12330106J00000001")
    rows = [
        _row("好医院", "12330106J00000001", "h2_ok"),  # row 2
        _row("坏区划", "12330106J00000002", "h2_bad_1", region="999999"),  # row 3
        _row("外市", "12330200J00000003", "h2_bad_2", region="330200"),  # row 4
        _row("坏代码", "", "h2_bad_3", uscc="12330106J0000000?"),  # row 5
        _row("重复代码", "", "h2_bad_4", uscc=good),  # row 6
        _row("已有代码", "", "h2_bad_5", uscc="12330100A000000013"),  # row 7
        _row("已有用户", "12330106J00000007", "admin_b"),  # row 8
        _row("文件内重名", "12330106J00000008", "h2_ok"),  # row 9
        [
            "缺字段",
            "医疗卫生机构",
            "330106",
            uscc_with_check("12330106J00000009"),
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],  # 10
        _row("类别错", "12330106J00000010", "h2_bad_6", kind="星球"),  # row 11
    ]
    before = (Organization.objects.count(), User.objects.count())

    # when the city imports it
    job = _import(login("city_x_admin"), _upload(rows), django_capture_on_commit_callbacks)

    # then the job failed with one report line per problem, and nothing was stored
    assert job.status == JobStatus.FAILED
    report = {(e["row"], e["attr"], e["code"]) for e in job.errors}
    assert report == {
        (3, "region_code", "unknown_region"),
        (4, "region_code", "region_outside_jurisdiction"),
        (5, "unified_social_credit_code", "invalid_uscc"),
        (6, "unified_social_credit_code", "duplicate_in_file"),
        (7, "unified_social_credit_code", "uscc_taken"),
        (8, "username", "username_taken"),
        (9, "username", "duplicate_in_file"),
        (10, "username", "required"),
        (10, "admin_name", "required"),
        (11, "kind", "invalid_kind"),
    }
    assert all(e["detail"] for e in job.errors)
    assert (Organization.objects.count(), User.objects.count()) == before
    # and the owner reads the report through the jobs API
    body = login("city_x_admin").get(f"/api/v1/jobs/{job.id}/").json()
    assert body["status"] == "failed"
    assert len(body["errors"]) == len(report)


def test_an_import_file_that_is_not_xlsx_or_too_big_is_refused(
    world, delegation, django_capture_on_commit_callbacks
):
    client = login("city_x_admin")
    before = Job.objects.count()

    not_xlsx = client.post(
        "/api/v1/accounts/import/",
        {"file": SimpleUploadedFile("a.xlsx", b"name,kind\n1,2\n", content_type=XLSX_CONTENT_TYPE)},
        format="multipart",
    )
    fake_zip = client.post(
        "/api/v1/accounts/import/",
        {"file": SimpleUploadedFile("a.xlsx", b"PK\x03\x04garbage", content_type=XLSX_CONTENT_TYPE)},
        format="multipart",
    )
    big = client.post(
        "/api/v1/accounts/import/",
        {
            "file": SimpleUploadedFile(
                "a.xlsx", b"PK\x03\x04" + b"0" * (10 * 1024 * 1024), content_type=XLSX_CONTENT_TYPE
            )
        },
        format="multipart",
    )
    missing = client.post("/api/v1/accounts/import/", {}, format="multipart")

    assert (not_xlsx.status_code, _errors(not_xlsx)) == (400, [("not_xlsx", "file")])
    assert (fake_zip.status_code, _errors(fake_zip)) == (400, [("not_xlsx", "file")])
    assert (big.status_code, _errors(big)) == (400, [("file_too_large", "file")])
    assert (missing.status_code, _errors(missing)) == (400, [("file_required", "file")])
    assert Job.objects.count() == before


def test_an_import_with_the_wrong_headers_fails_as_a_whole(
    world, delegation, django_capture_on_commit_callbacks
):
    job = _import(
        login("city_x_admin"), _upload([["x"]], headers=["姓名"]), django_capture_on_commit_callbacks
    )
    assert job.status == JobStatus.FAILED
    assert job.errors[0]["code"] == "missing_header"


def test_only_commissions_import(world, delegation):
    response = login("admin_a").post(
        "/api/v1/accounts/import/",
        {"file": _upload([_row("x", "12330106J00000001", "h2_x")])},
        format="multipart",
    )
    assert response.status_code == 403
    assert _errors(response) == [("commission_only", None)]


def test_the_import_template_has_the_import_columns(world, delegation):
    response = login("city_x_admin").get("/api/v1/accounts/import-template/")
    assert response.status_code == 200
    data = requests.get(response.json()["url"], timeout=10).content
    # every column of the template is found by the import's reader, and there are no rows
    assert read_rows(data, IMPORT_COLUMNS) == []
    assert response.json()["file_name"].endswith(".xlsx")


# --- export -------------------------------------------------------------------------------------------


def test_an_export_has_the_listed_rows_masked(world, delegation, django_capture_on_commit_callbacks):
    # given the city's institutions' administrators, one with a phone
    User.objects.filter(pk=delegation.county_hosp_admin.pk).update(phone="13600005678")
    client = login("city_x_admin")

    # when it exports the institutions' accounts
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post("/api/v1/accounts/export/", {"kind": "institution"}, format="json")
    assert response.status_code == 202, response.content
    job = job_run_now(response.json()["id"])

    # then the file holds the same rows as the list, phones masked, and the export is audited
    assert job.status == JobStatus.SUCCEEDED, job.errors
    link = client.post(f"/api/v1/jobs/{job.id}/download/").json()["url"]
    columns = [Column(h, h, required=True) for h in EXPORT_HEADERS]
    rows = [r for _, r in read_rows(requests.get(link, timeout=10).content, columns)]
    assert {r["用户名"] for r in rows} == {"admin_a", "h2_county_hosp"}
    assert next(r for r in rows if r["用户名"] == "h2_county_hosp")["手机号"] == "136****5678"
    listed = client.get("/api/v1/accounts/", {"kind": "institution"}).json()["results"]
    assert {r["username"] for r in listed} == {r["用户名"] for r in rows}
    assert AuditEvent.objects.filter(action="accounts.exported", target_id=str(job.id)).exists()
    assert AuditEvent.objects.filter(
        action="accounts.export.started", organization_id=world.commission_x.id
    ).exists()


def test_a_hospital_exports_only_its_own_accounts(world, delegation, django_capture_on_commit_callbacks):
    client = login("admin_a")
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post("/api/v1/accounts/export/", {}, format="json")
    job = job_run_now(response.json()["id"])
    link = client.post(f"/api/v1/jobs/{job.id}/download/").json()["url"]
    rows = read_rows(requests.get(link, timeout=10).content, [Column("用户名", "username")])
    assert {r["username"] for _, r in rows} == {"admin_a", "doctor_a"}
    # and another hospital cannot fetch the file
    assert login("admin_b").post(f"/api/v1/jobs/{job.id}/download/").status_code == 404

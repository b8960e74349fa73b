"""Issuing and rendering certificates: a real Chinese PDF, one certificate and one PDF per enrolment."""

import re

import pytest
from assessment.models import Certificate
from assessment.services import certificates as services

from audit.models import AuditEvent
from core.errors import Conflict
from tests.assessment.certificates.conftest import make_passed, pdf_bytes, pdf_text


def test_a_passed_enrolment_gets_a_real_chinese_pdf(world, passed_a):
    # when the certificate is issued
    certificate = services.certificate_issue(enrolment=passed_a, actor_user=world.admin_a)

    # then it has a serial of the cycle and the institution's region, an unguessable token and a stored PDF
    assert re.fullmatch(r"2024-2026-330100-\d{7}", certificate.serial)
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", certificate.token)
    assert certificate.pdf_key == f"certificates/{passed_a.cycle_id}/{certificate.pk}.pdf"
    data = pdf_bytes(certificate.pdf_key)
    assert data.startswith(b"%PDF-")
    assert len(data) <= 250 * 1024
    # and its text is Chinese, with the name, serial, institution, cycle, result and issuing commission
    text = pdf_text(data)
    for expected in [
        "张医生",
        certificate.serial,
        "杭州市第一人民医院",
        "2024—2026年度医师定期考核",
        "合格",
        "杭州市卫生健康委员会",
    ]:
        assert expected in text
    assert AuditEvent.objects.filter(
        action="assessment.certificate.issued", target_id=str(certificate.pk)
    ).exists()


def test_the_qr_code_carries_the_public_verification_link(world, passed_a, settings):
    # given the public address of the platform
    settings.PUBLIC_BASE_URL = "https://kaohe.example.cn/"

    # when the certificate is issued
    certificate = services.certificate_issue(enrolment=passed_a, render=False)

    # then its QR code points at the verification page of its token
    content = services.certificate_content(certificate, passed_a)
    assert content.verify_url == f"https://kaohe.example.cn/verify/{certificate.token}"


def test_issuing_twice_gives_the_same_certificate_and_renders_once(world, passed_a, monkeypatch):
    # given a renderer that counts
    calls = []
    render = services.certificate_pdf_render
    monkeypatch.setattr(
        services, "certificate_pdf_render", lambda content: calls.append(1) or render(content)
    )

    # when the certificate is issued twice
    first = services.certificate_issue(enrolment=passed_a)
    second = services.certificate_issue(enrolment=passed_a)

    # then it is the same certificate, rendered once
    assert (first.pk, first.serial, first.token, first.pdf_key) == (
        second.pk,
        second.serial,
        second.token,
        second.pdf_key,
    )
    assert Certificate.objects.filter(enrolment=passed_a).count() == 1
    assert len(calls) == 1


def test_a_lost_pdf_is_rendered_again_to_the_same_key(world, passed_a):
    # given an issued certificate whose object was lost
    certificate = services.certificate_issue(enrolment=passed_a)
    from core import storage

    storage.client().delete_object(Bucket=storage.bucket(), Key=certificate.pdf_key)

    # when it is downloaded
    url, _ = services.certificate_download_url(enrolment=passed_a, user=world.admin_a)

    # then it is rendered again under the same key
    assert certificate.pdf_key in url
    assert pdf_bytes(certificate.pdf_key).startswith(b"%PDF-")


def test_a_non_passed_enrolment_gets_no_certificate(world, enrolment_a):
    # when an enrolment still in progress asks for a certificate
    with pytest.raises(Conflict) as refused:
        services.certificate_issue(enrolment=enrolment_a)

    # then it is refused and nothing was made
    assert refused.value.get_codes() == "not_passed"
    assert not Certificate.objects.filter(enrolment=enrolment_a).exists()


def test_serials_of_one_cycle_are_distinct_and_consecutive(world, passed_a, passed_b):
    # when two physicians of one cycle get their certificates
    a = services.certificate_issue(enrolment=passed_a, render=False)
    b = services.certificate_issue(enrolment=passed_b, render=False)

    # then the numbers follow each other, each with the region of its institution
    assert a.serial.startswith("2024-2026-330100-")
    assert b.serial.startswith("2024-2026-330200-")
    assert int(b.serial[-7:]) == int(a.serial[-7:]) + 1


def test_an_excellent_result_is_printed_as_such(world, enrolment_a):
    # given an excellent result
    make_passed(enrolment_a, level="excellent")

    # when the certificate is issued
    certificate = services.certificate_issue(enrolment=enrolment_a)

    # then the PDF says 优秀
    assert "优秀" in pdf_text(pdf_bytes(certificate.pdf_key))


def test_a_revoked_certificate_cannot_be_downloaded(world, passed_a):
    # given a revoked certificate
    certificate = services.certificate_issue(enrolment=passed_a)
    services.certificate_revoke(certificate=certificate, actor_user=world.city_admin, reason="成绩更正")

    # when it is downloaded
    with pytest.raises(Conflict) as refused:
        services.certificate_download_url(enrolment=passed_a, user=world.admin_a)

    # then it is refused
    assert refused.value.get_codes() == "certificate_revoked"
    assert AuditEvent.objects.filter(action="assessment.certificate.revoked").count() == 1

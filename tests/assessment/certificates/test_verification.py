"""The public verification behind the QR code: validity and masked numbers only; forged tokens are 404."""

import secrets

from assessment.services.certificates import certificate_issue, certificate_revoke
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient


def _verify(token, **extra):
    ip = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}"
    return APIClient(REMOTE_ADDR=ip).get(f"/api/v1/certificates/verify/{token}/", **extra)


def test_anyone_verifies_a_valid_certificate_and_sees_masked_data_only(world, passed_a):
    # given an issued certificate
    certificate = certificate_issue(enrolment=passed_a, render=False)

    # when someone without an account scans its QR code
    response = _verify(certificate.token)

    # then the certificate is valid, with the name and masked numbers, and nothing else
    assert response.status_code == 200, response.content
    assert response.json() == {
        "valid": True,
        "status": "valid",
        "serial": certificate.serial,
        "name": "张医生",
        "id_card_masked": "**************1234",
        "licence_number_masked": "***********0001",
        "institution": "杭州市第一人民医院",
        "cycle_name": "2024—2026年度医师定期考核",
        "result": "合格",
        "issued_on": timezone.localtime(certificate.issued_at).date().isoformat(),
        "revoked_on": None,
    }
    assert "330102198001011234" not in response.content.decode()


def test_a_revoked_certificate_verifies_as_revoked(world, passed_a):
    certificate = certificate_revoke(
        certificate=certificate_issue(enrolment=passed_a, render=False),
        actor_user=world.city_admin,
        reason="更正",
    )

    response = _verify(certificate.token)

    assert response.status_code == 200
    assert (response.json()["valid"], response.json()["status"]) == (False, "revoked")
    assert response.json()["revoked_on"] is not None


def test_a_forged_or_malformed_token_is_404_in_the_error_shape(world, passed_a):
    # given a real certificate
    certificate = certificate_issue(enrolment=passed_a, render=False)

    # when tokens that are not its own are tried: a well-formed forgery, its serial, a truncated token
    for token in [secrets.token_urlsafe(32), certificate.serial, certificate.token[:-1], "x" * 200]:
        response = _verify(token)

        # then each is a 404 in the one error shape, saying nothing of the certificate
        assert response.status_code == 404, token
        body = response.json()
        assert body["type"] == "client_error"
        assert body["errors"][0]["code"] == "certificate_not_found"
        assert "张医生" not in response.content.decode()


def test_verification_ignores_a_bad_login_token(world, passed_a):
    certificate = certificate_issue(enrolment=passed_a, render=False)

    response = _verify(certificate.token, HTTP_AUTHORIZATION="Bearer not-a-token")

    assert response.status_code == 200


@override_settings(CERTIFICATE_VERIFY_THROTTLE_RATE="3/min")
def test_verification_is_throttled_per_client(world, passed_a):
    # given one client that tries many tokens
    client = APIClient(REMOTE_ADDR=f"10.250.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}")
    url = f"/api/v1/certificates/verify/{secrets.token_urlsafe(32)}/"

    # when it goes past the rate
    codes = [client.get(url).status_code for _ in range(4)]

    # then it is refused
    assert codes == [404, 404, 404, 429]

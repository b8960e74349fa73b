"""Object storage against the real S3-compatible store: write-once presigned uploads, POST policies, GETs."""

import hashlib
import uuid

import pytest
import requests

from core import storage
from core.errors import ApplicationError


def _key():
    return f"tests/{uuid.uuid4()}.jpg"


def _put(grant, body, **override):
    headers = {**grant["headers"], **override}
    return requests.put(grant["url"], data=body, headers=headers, timeout=10)


def test_presigned_put_stores_exactly_the_signed_bytes_once():
    body = b"\xff\xd8\xff" + b"photo" * 100
    key = _key()
    grant = storage.presigned_put(
        key=key, content_type="image/jpeg", size=len(body), sha256_hex=hashlib.sha256(body).hexdigest()
    )

    # the first upload succeeds and is readable through a presigned GET
    assert _put(grant, body).status_code == 200
    assert storage.head(key)["ContentLength"] == len(body)
    assert requests.get(storage.presigned_get(key=key), timeout=10).content == body

    # the same URL cannot overwrite the evidence
    assert _put(grant, body).status_code == 412
    assert requests.get(storage.presigned_get(key=key), timeout=10).content == body


def test_presigned_put_refuses_other_bytes_than_signed():
    body = b"original-bytes"
    grant = storage.presigned_put(
        key=_key(), content_type="image/jpeg", size=len(body), sha256_hex=hashlib.sha256(body).hexdigest()
    )
    tampered = b"tampered-bytes"  # same length, other content
    assert _put(grant, tampered).status_code == 400


def test_presigned_url_with_a_tampered_signature_or_expired_is_refused():
    body = b"x" * 10
    key = _key()
    grant = storage.presigned_put(
        key=key, content_type="image/jpeg", size=10, sha256_hex=hashlib.sha256(body).hexdigest()
    )
    bad = dict(grant, url=grant["url"].replace("X-Amz-Signature=", "X-Amz-Signature=0"))
    assert _put(bad, body).status_code == 403
    expired = storage.presigned_put(
        key=key, content_type="image/jpeg", size=10, sha256_hex=hashlib.sha256(body).hexdigest(), expires=1
    )
    import time

    time.sleep(2)
    assert _put(expired, body).status_code == 403
    assert storage.head(key) is None


def test_presigned_post_enforces_type_and_size():
    key = _key()
    policy = storage.presigned_post(key=key, content_type="image/jpeg", max_bytes=1000)
    ok = requests.post(
        policy["url"], data=policy["fields"], files={"file": ("a.jpg", b"a" * 100)}, timeout=10
    )
    assert ok.status_code in (200, 204)
    assert storage.head(key)["ContentLength"] == 100

    big_key = _key()
    big = storage.presigned_post(key=big_key, content_type="image/jpeg", max_bytes=1000)
    too_big = requests.post(
        big["url"], data=big["fields"], files={"file": ("a.jpg", b"a" * 2000)}, timeout=10
    )
    assert too_big.status_code == 400
    assert storage.head(big_key) is None


def test_presigned_get_of_a_private_object_needs_the_signature():
    key = _key()
    storage.put_bytes(key=key, data=b"secret", content_type="text/plain")
    from django.conf import settings

    anonymous = requests.get(f"{settings.S3_ENDPOINT_URL}/{settings.S3_BUCKET}/{key}", timeout=10)
    assert anonymous.status_code == 403
    assert requests.get(storage.presigned_get(key=key), timeout=10).content == b"secret"


@pytest.mark.parametrize(
    ("content_type", "size", "code"),
    [
        ("application/x-msdownload", 10, "unsupported_file_type"),
        ("image/jpeg", 0, "file_too_large"),
        ("image/jpeg", 10_000_001, "file_too_large"),
    ],
)
def test_upload_checks_type_and_size(content_type, size, code):
    with pytest.raises(ApplicationError) as exc:
        storage.check_upload(
            content_type=content_type, size=size, allowed_types={"image/jpeg"}, max_bytes=10_000_000
        )
    assert exc.value.get_codes() == code

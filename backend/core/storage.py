"""Object storage through boto3: a private bucket, presigned uploads and downloads with expiry, type and
size limits. The same code talks to the embedded SeaweedFS locally and to a cloud bucket in production."""

import base64
import hashlib
import uuid
from dataclasses import dataclass
from functools import cache

import boto3
from botocore.config import Config
from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import ApplicationError


@cache
def client():
    return boto3.client(
        "s3",
        endpoint_url=settings.S3_ENDPOINT_URL,
        region_name=settings.S3_REGION,
        aws_access_key_id=settings.S3_ACCESS_KEY_ID,
        aws_secret_access_key=settings.S3_SECRET_ACCESS_KEY,
        config=Config(
            signature_version="s3v4",
            s3={"addressing_style": "path"},
            connect_timeout=2,
            read_timeout=10,
            retries={"max_attempts": 2},
        ),
    )


def bucket() -> str:
    return settings.S3_BUCKET


def ensure_bucket() -> None:
    """Create the bucket if missing (embedded store, first run). Private: no public ACL or policy is set."""
    s3 = client()
    try:
        s3.head_bucket(Bucket=bucket())
    except s3.exceptions.ClientError:
        s3.create_bucket(Bucket=bucket())


def check_upload(*, content_type: str, size: int, allowed_types: set[str], max_bytes: int) -> None:
    if content_type not in allowed_types:
        raise ApplicationError(
            _("不支持的文件类型：%(type)s。") % {"type": content_type}, code="unsupported_file_type"
        )
    if size <= 0 or size > max_bytes:
        raise ApplicationError(
            _("文件大小须在 1 字节到 %(mb).1f MB 之间。") % {"mb": max_bytes / 1024 / 1024},
            code="file_too_large",
        )


def presigned_put(
    *, key: str, content_type: str, size: int, sha256_hex: str, expires: int | None = None
) -> dict:
    """A write-once upload URL: the client must send exactly these bytes (length and SHA-256 are signed) and
    the store refuses a second write to the key (`If-None-Match: *`), so a reused URL cannot overwrite."""
    checksum = base64.b64encode(bytes.fromhex(sha256_hex)).decode()
    url = client().generate_presigned_url(
        "put_object",
        Params={
            "Bucket": bucket(),
            "Key": key,
            "ContentType": content_type,
            "ContentLength": size,
            "ChecksumSHA256": checksum,
            "IfNoneMatch": "*",
        },
        ExpiresIn=expires or int(settings.S3_PRESIGN_EXPIRY.total_seconds()),
    )
    return {
        "method": "PUT",
        "url": url,
        "headers": {
            "Content-Type": content_type,
            "Content-Length": str(size),
            "x-amz-checksum-sha256": checksum,
            "If-None-Match": "*",
        },
    }


def presigned_post(*, key: str, content_type: str, max_bytes: int, expires: int | None = None) -> dict:
    """A POST policy (for wx.uploadFile, which only sends multipart POST): type fixed, size capped."""
    return client().generate_presigned_post(
        Bucket=bucket(),
        Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
        ExpiresIn=expires or int(settings.S3_PRESIGN_EXPIRY.total_seconds()),
    )


def presigned_get(*, key: str, expires: int | None = None, filename: str | None = None) -> str:
    params = {"Bucket": bucket(), "Key": key}
    if filename:
        params["ResponseContentDisposition"] = f"attachment; filename*=UTF-8''{filename}"
    return client().generate_presigned_url(
        "get_object", Params=params, ExpiresIn=expires or int(settings.S3_PRESIGN_EXPIRY.total_seconds())
    )


def head(key: str) -> dict | None:
    s3 = client()
    try:
        return s3.head_object(Bucket=bucket(), Key=key, ChecksumMode="ENABLED")
    except s3.exceptions.ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
            return None
        raise


def put_bytes(*, key: str, data: bytes, content_type: str) -> None:
    """Server-side write (generated exports, certificates)."""
    client().put_object(
        Bucket=bucket(),
        Key=key,
        Body=data,
        ContentType=content_type,
        ChecksumSHA256=base64.b64encode(hashlib.sha256(data).digest()).decode(),
    )


# Documents people attach (applications, exemption proofs, expert reviews): PDF and images, checked by their
# first bytes as well as by the declared type.
DOCUMENT_TYPES = {"application/pdf", "image/jpeg", "image/png"}
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
_MAGIC = {
    "application/pdf": b"%PDF-",
    "image/jpeg": b"\xff\xd8\xff",
    "image/png": b"\x89PNG\r\n\x1a\n",
}


@dataclass(frozen=True)
class StoredFile:
    object_key: str
    file_name: str
    content_type: str
    size: int
    sha256: str


def store_document(upload, *, prefix: str, max_bytes: int = DOCUMENT_MAX_BYTES) -> StoredFile:
    """Check an uploaded document (type, size, and that its bytes are what the type says) and store it under
    a server-chosen key below `prefix`. Raises ApplicationError (400) and stores nothing on bad input."""
    content_type = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    check_upload(
        content_type=content_type, size=upload.size, allowed_types=DOCUMENT_TYPES, max_bytes=max_bytes
    )
    data = upload.read()
    if not data.startswith(_MAGIC[content_type]):
        raise ApplicationError(_("文件内容与声明的类型不符。"), code="file_content_mismatch", attr="file")
    key = f"{prefix.rstrip('/')}/{uuid.uuid4().hex}"
    put_bytes(key=key, data=data, content_type=content_type)
    return StoredFile(
        object_key=key,
        file_name=(upload.name or "file")[-255:],
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )

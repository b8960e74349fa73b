"""POST-policy snapshot uploads, for WeChat's `wx.uploadFile` (it sends only multipart POST).

- Issue (`post_policy`): the server chooses two keys, a *staging* key the client may POST to and the final
  key (never signed to anyone). The policy fixes the exact content type and `content-length-range` to the
  declared size (both bounds), and expires after PROCTORING_UPLOAD_URL_SECONDS. Signing is local (no call
  to the store). Seen on SeaweedFS: a body of another length 400, another content type 403.
- A POST policy cannot say "write once": a second POST with the same policy replaces the staging object.
  Evidence is therefore pinned at registration: `snapshot_register` HEADs the staging key (409
  `upload_not_found` when nothing is there) and stores its ETag. The worker copies with
  `CopySourceIfMatch` = that ETag, so it copies exactly the registered object or nothing; if the staging
  object was replaced in between (a second POST before the copy), the store refuses the copy (412) and the
  snapshot is flagged `upload_replaced` with no photo (reviewers see the flag; the replacement is never
  taken as evidence). The policy's short expiry bounds the window in which a second POST is possible at all.
- The worker (`snapshot_copy`, Celery task `snapshot_copy_task` on the `default` queue: short I/O that
  closes that window and must not wait behind face analyses on `faces`) copies server-side, streams the
  final object to compute its SHA-256 (never in the web process), checks the type by its magic bytes,
  deletes the staging object, flags a SHA-256 already seen for the physician (`repeated_hash`, as for PUT)
  and only then queues the face analysis. Idempotent: a redelivered task finds the copy done (by the final
  key's ETag, or `copied_at`) and finishes the rest.
"""

import hashlib
import logging

from django.db import transaction
from django.utils import timezone

from core import storage
from proctoring import photos
from proctoring.enums import Flag, SnapshotStatus, UploadMethod
from proctoring.models import Snapshot
from proctoring.selectors import sessions as selectors

logger = logging.getLogger(__name__)

FILE_FIELD = "file"  # the multipart field of the photo (wx.uploadFile's `name`)
CHUNK = 64 * 1024


def post_policy(*, key: str, content_type: str, size: int, expires: int) -> dict:
    """The POST form for `key`: the exact type and length are conditions of the signed policy."""
    post = storage.client().generate_presigned_post(
        Bucket=storage.bucket(),
        Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[{"Content-Type": content_type}, ["content-length-range", size, size]],
        ExpiresIn=expires,
    )
    return {
        "method": "POST",
        "url": post["url"],
        "headers": {},
        "fields": post["fields"],
        "file_field": FILE_FIELD,
    }


def _code(exc) -> str:
    return str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))


def _copy_pinned(snapshot: Snapshot) -> bool:
    """Copy the registered staging object to the final key; False when the staging object is not the one
    registered any more (or is gone while the final key is empty)."""
    s3 = storage.client()
    final = storage.head(snapshot.object_key)
    if final is None:
        try:
            s3.copy_object(
                Bucket=storage.bucket(),
                Key=snapshot.object_key,
                CopySource={"Bucket": storage.bucket(), "Key": snapshot.staging_key},
                CopySourceIfMatch=snapshot.staging_etag,
                MetadataDirective="COPY",
            )
        except s3.exceptions.ClientError as exc:
            if _code(exc) in {"PreconditionFailed", "412", "NoSuchKey", "404", "NotFound"}:
                return False
            raise
        final = storage.head(snapshot.object_key)
    return final is not None and final.get("ETag") == snapshot.staging_etag


def _stream_sha256(key: str) -> tuple[str, int, bytes]:
    """(SHA-256 hex, length, first bytes) of a stored object, read in chunks."""
    body = storage.client().get_object(Bucket=storage.bucket(), Key=key)["Body"]
    digest = hashlib.sha256()
    size = 0
    head = b""
    for chunk in body.iter_chunks(CHUNK):
        if len(head) < 32:
            head += chunk[: 32 - len(head)]
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size, head


def _delete_staging(key: str) -> None:
    try:
        storage.client().delete_object(Bucket=storage.bucket(), Key=key)
    except Exception:  # noqa: BLE001 - a leftover staging object is harmless (never evidence)
        logger.warning("staging object %s not deleted", key, exc_info=True)


def snapshot_copy(snapshot_id) -> str:
    """The worker's part of a POST upload (module docstring). Returns what happened: `copied`,
    `replaced`, or `skipped` (not a registered POST upload, or already done)."""
    from proctoring.services.snapshots import session_recount

    snapshot = Snapshot.objects.select_related("session").filter(pk=snapshot_id).first()
    if (
        snapshot is None
        or snapshot.upload_method != UploadMethod.POST
        or snapshot.registered_at is None
        or snapshot.copied_at is not None
        or not snapshot.staging_etag
    ):
        return "skipped"
    pinned = _copy_pinned(snapshot)
    sha256 = ""
    flags: list[str] = []
    size = None
    if pinned:
        sha256, size, head = _stream_sha256(snapshot.object_key)
        if photos.sniff(head) is None:
            flags.append(Flag.BAD_TYPE)
    else:
        flags.append(Flag.UPLOAD_REPLACED)
    _delete_staging(snapshot.staging_key)
    now = timezone.now()
    with transaction.atomic():
        locked = Snapshot.objects.select_for_update().get(pk=snapshot.pk)
        if locked.copied_at is not None:
            return "skipped"
        locked.copied_at = now
        fields = ["copied_at", "flags", "updated_at"]
        if pinned:
            locked.sha256 = sha256
            locked.size = size
            if selectors.same_hash_exists(
                physician_id=snapshot.session.physician_id, sha256=sha256, exclude_id=snapshot.pk
            ):
                flags.append(Flag.REPEATED_HASH)
            fields += ["sha256", "size"]
        else:
            # Nothing trustworthy to show or analyse: no photo, a flag for the reviewer.
            locked.object_key = None
            locked.status = SnapshotStatus.ANALYSED
            locked.analysed_at = now
            fields += ["object_key", "status", "analysed_at"]
        locked.flags = list(dict.fromkeys([*locked.flags, *flags]))
        locked.save(update_fields=fields)
        session_recount(locked.session_id)
        if pinned:
            from proctoring.services.snapshots import send_copy_or_analysis

            pk = locked.pk
            transaction.on_commit(lambda: send_copy_or_analysis(pk, copy=False))
    return "copied" if pinned else "replaced"

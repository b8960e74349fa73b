"""Face analysis of a registered snapshot (Celery, `faces` queue; see proctoring.tasks).

The photo is read from object storage, checked by its bytes (JPEG or PNG), size and pixel count, then given
to `faces.analyse` with the physician's reference encoding (computed by `reference_encode` when the photo is
approved, or else on first use, and kept). The result is written once, under a row lock: a task delivered twice (acks_late, a
worker killed mid-analysis) analyses again and finds the row done, or writes it the first time. No face,
several faces or no match are flags for a person to review, never a fail by themselves.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core import storage
from proctoring import photos
from proctoring.enums import Flag, ReferenceStatus, SnapshotStatus, UploadMethod
from proctoring.models import ReferencePhoto, Snapshot
from proctoring.selectors import sessions as selectors
from proctoring.services.snapshots import session_recount

logger = logging.getLogger(__name__)


class FacesUnavailable(RuntimeError):
    """The `faces` package cannot be imported in this process (the task retries later)."""


def _faces():
    try:
        import faces
    except ImportError as exc:  # another part of the platform; a worker without it retries later
        raise FacesUnavailable(str(exc)) from exc
    return faces


def _read(key: str) -> bytes:
    return storage.client().get_object(Bucket=storage.bucket(), Key=key)["Body"].read()


def reference_encoding_for(physician_id) -> tuple[bytes | None, list[str]]:
    """(encoding, flags) of the physician's approved reference photo; computed once and stored."""
    ref = selectors.approved_reference(physician_id)
    if ref is None:
        return None, [Flag.NO_REFERENCE]
    if ref.encoding:
        return bytes(ref.encoding), []
    encoding = _faces().reference_encoding(_read(ref.object_key))
    if not encoding:
        return None, [Flag.NO_REFERENCE]
    ReferencePhoto.objects.filter(pk=ref.pk).update(encoding=encoding)
    return encoding, []


def reference_encode(reference_id) -> str:
    """Compute and store the encoding of an approved reference photo (queued at approval, so that the first
    snapshots of a sitting do not each pay for it; `reference_encoding_for` stays the fallback). Idempotent:
    "encoded", "exists" (already stored), "no_face" (nothing stored; the analysis flags `no_reference`),
    "skipped" (gone, or no longer the approved reference). Raises FacesUnavailable without the package."""
    ref = (
        ReferencePhoto.objects.filter(pk=reference_id).only("id", "status", "object_key", "encoding").first()
    )
    if ref is None or ref.status != ReferenceStatus.APPROVED or not ref.object_key:
        return "skipped"
    if ref.encoding:
        return "exists"
    encoding = _faces().reference_encoding(_read(ref.object_key))
    if not encoding:
        return "no_face"
    ReferencePhoto.objects.filter(pk=ref.pk, encoding__isnull=True).update(encoding=encoding)
    return "encoded"


def send_reference_encode(reference_id) -> None:
    """Queue `reference_encode_task` (faces queue), called after commit. A broker that cannot be reached is
    logged: the first analysis computes the encoding instead."""
    from proctoring.tasks import reference_encode_task

    try:
        reference_encode_task.delay(str(reference_id))
    except Exception:  # noqa: BLE001 - kombu/redis errors vary; the lazy path covers it
        logger.warning("reference %s encoding not queued; computed on first use", reference_id, exc_info=True)


def _checks(data: bytes) -> tuple[list[str], dict]:
    flags = []
    info = photos.inspect(data)
    if info.content_type is None:
        flags.append(Flag.BAD_TYPE)
    if len(data) > settings.PROCTORING_PHOTO_MAX_BYTES:
        flags.append(Flag.TOO_LARGE)
    if info.content_type and (info.pixels <= 0 or info.pixels > settings.PROCTORING_PHOTO_MAX_PIXELS):
        flags.append(Flag.TOO_MANY_PIXELS)
    return flags, {"type": info.content_type, "width": info.width, "height": info.height, "bytes": len(data)}


def snapshot_analyse(snapshot_id) -> bool:
    """Analyse one registered snapshot; returns whether it wrote a result (False: already done, gone, or
    not registered). Raises FacesUnavailable when the faces package is missing."""
    snapshot = Snapshot.objects.select_related("session").filter(pk=snapshot_id).first()
    if (
        snapshot is None
        or snapshot.analysed_at is not None
        or snapshot.registered_at is None
        or snapshot.deleted_at is not None
        or not snapshot.object_key
        or (snapshot.upload_method == UploadMethod.POST and snapshot.copied_at is None)
    ):
        return False
    data = _read(snapshot.object_key)
    flags, detail = _checks(data)
    result = {"face_count": None, "match_score": None, "matched": None}
    if not flags:  # only real photos within the limits are decoded
        faces = _faces()
        encoding, ref_flags = reference_encoding_for(snapshot.session.physician_id)
        flags += ref_flags
        analysis = faces.analyse(data, reference_encoding=encoding)
        if getattr(analysis, "decode_error", None):
            flags.append(Flag.DECODE_ERROR)
            detail["decode_error"] = str(analysis.decode_error)
        else:
            result["face_count"] = analysis.face_count
            if analysis.face_count == 0:
                flags.append(Flag.NO_FACE)
            elif analysis.face_count > 1:
                flags.append(Flag.MULTIPLE_FACES)
            if encoding is not None and analysis.match_score is not None:
                result["match_score"] = float(analysis.match_score)
                result["matched"] = bool(analysis.matched)
                if not analysis.matched:
                    flags.append(Flag.NOT_MATCHED)
        for extra in getattr(analysis, "flags", None) or []:
            detail.setdefault("faces_flags", []).append(str(extra))
        detail["boxes"] = [list(map(int, b)) for b in (getattr(analysis, "boxes", None) or [])]
        detail["largest_face_ratio"] = getattr(analysis, "largest_face_ratio", None)
        detail["timings_ms"] = getattr(analysis, "timings_ms", None) or {}
    with transaction.atomic():
        locked = Snapshot.objects.select_for_update().get(pk=snapshot.pk)
        if locked.analysed_at is not None:
            return False
        locked.flags = list(dict.fromkeys([*locked.flags, *flags]))
        locked.face_count = result["face_count"]
        locked.match_score = result["match_score"]
        locked.matched = result["matched"]
        locked.analysis = detail
        locked.status = SnapshotStatus.ANALYSED
        locked.analysed_at = timezone.now()
        locked.save(
            update_fields=[
                "flags",
                "face_count",
                "match_score",
                "matched",
                "analysis",
                "status",
                "analysed_at",
                "updated_at",
            ]
        )
        session_recount(locked.session_id)
    return True

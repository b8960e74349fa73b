"""Reference photos (底照): the face snapshots are compared with. An institution uploads one for its
physician (approved at once, replacing the one before), or approves a photo the physician proposed; a photo
the physician alone supplies is never a reference. An approval queues its face encoding (faces queue,
services.analysis.reference_encode), so the sitting's first snapshots find it ready. Checked by bytes (JPEG, PNG), size and pixel count;
stored on object storage under a server-chosen key."""

import hashlib
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from core import storage
from core.actor import Actor
from core.errors import ApplicationError, Conflict
from physicians.selectors import physician_get_for_manage
from proctoring import photos
from proctoring.enums import ReferenceSource, ReferenceStatus
from proctoring.models import ReferencePhoto
from proctoring.selectors import sessions as selectors


def photo_check(data: bytes, *, attr: str = "file") -> photos.PhotoInfo:
    """400 `unsupported_photo_type` (not JPEG or PNG by its bytes), `photo_too_large`,
    `photo_too_many_pixels`."""
    if not data or len(data) > settings.PROCTORING_PHOTO_MAX_BYTES:
        raise ApplicationError(
            _("照片大小须在 1 字节到 %(mb).1f MB 之间。")
            % {"mb": settings.PROCTORING_PHOTO_MAX_BYTES / 1024 / 1024},
            code="photo_too_large",
            attr=attr,
        )
    info = photos.inspect(data)
    if info.content_type is None:
        raise ApplicationError(_("照片须为 JPEG 或 PNG 图片。"), code="unsupported_photo_type", attr=attr)
    if info.pixels <= 0 or info.pixels > settings.PROCTORING_PHOTO_MAX_PIXELS:
        raise ApplicationError(_("照片像素过多或无法读取尺寸。"), code="photo_too_many_pixels", attr=attr)
    return info


def _store(*, physician, data: bytes, info: photos.PhotoInfo) -> dict:
    ext = "png" if info.content_type == photos.PNG else "jpg"
    key = f"proctoring/reference/{physician.id}/{uuid.uuid4().hex}.{ext}"
    storage.put_bytes(key=key, data=data, content_type=info.content_type)
    return {
        "object_key": key,
        "content_type": info.content_type,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "width": info.width,
        "height": info.height,
    }


def _supersede(physician_id) -> None:
    ReferencePhoto.objects.filter(physician_id=physician_id, status=ReferenceStatus.APPROVED).update(
        status=ReferenceStatus.SUPERSEDED, updated_at=timezone.now()
    )


def _encode_after_commit(ref: ReferencePhoto) -> None:
    """Queue the encoding of an approved reference on the faces queue once the approval is committed."""
    from proctoring.services.analysis import send_reference_encode

    transaction.on_commit(lambda: send_reference_encode(ref.id))


def reference_upload(*, actor: Actor, user, physician_id, data: bytes, request=None) -> ReferencePhoto:
    """The institution uploads its physician's reference photo: approved at once, the previous one
    superseded. 404 for a physician of another institution."""
    info = photo_check(data)
    with transaction.atomic():
        physician = physician_get_for_manage(actor=actor, physician_id=physician_id, lock=True)
        stored = _store(physician=physician, data=data, info=info)
        _supersede(physician.id)
        now = timezone.now()
        ref = ReferencePhoto.objects.create(
            organization_id=physician.organization_id,
            physician=physician,
            status=ReferenceStatus.APPROVED,
            source=ReferenceSource.INSTITUTION,
            uploaded_by=user,
            decided_by=user,
            decided_at=now,
            **stored,
        )
        audit_record(
            action="proctoring.reference_uploaded",
            actor=user,
            request=request,
            organization_id=physician.organization_id,
            target=ref,
            data={"physician": str(physician.id), "sha256": ref.sha256},
        )
        _encode_after_commit(ref)
    return ref


def reference_propose(*, user, data: bytes, request=None) -> ReferencePhoto:
    """The physician proposes a photo; it becomes the reference only when the institution approves it."""
    info = photo_check(data)
    physician = selectors.physician_for_user(user)
    stored = _store(physician=physician, data=data, info=info)
    with transaction.atomic():
        ref = ReferencePhoto.objects.create(
            organization_id=physician.organization_id,
            physician=physician,
            status=ReferenceStatus.PENDING,
            source=ReferenceSource.PHYSICIAN,
            uploaded_by=user,
            **stored,
        )
        audit_record(
            action="proctoring.reference_proposed",
            actor=user,
            request=request,
            organization_id=physician.organization_id,
            target=ref,
            data={"sha256": ref.sha256},
        )
    return ref


@transaction.atomic
def reference_decide(
    *, actor: Actor, user, reference_id, approve: bool, comment: str = "", request=None
) -> ReferencePhoto:
    """The institution approves (the previous reference is superseded) or rejects a proposed photo. 409
    `reference_not_pending` for a photo already decided; 409 `own_photo` when the approver is the physician
    whose face it is."""
    ref = selectors.reference_get_for_actor(actor=actor, reference_id=reference_id, for_update=True)
    if ref.status != ReferenceStatus.PENDING:
        raise Conflict(_("该照片已处理。"), code="reference_not_pending")
    if ref.physician.user_id is not None and ref.physician.user_id == user.pk:
        raise Conflict(_("不能审核本人的底照。"), code="own_photo")
    if approve:
        _supersede(ref.physician_id)
    ref.status = ReferenceStatus.APPROVED if approve else ReferenceStatus.REJECTED
    ref.decided_by = user
    ref.decided_at = timezone.now()
    ref.comment = comment[:255]
    ref.save(update_fields=["status", "decided_by", "decided_at", "comment", "updated_at"])
    audit_record(
        action="proctoring.reference_approved" if approve else "proctoring.reference_rejected",
        actor=user,
        request=request,
        organization_id=ref.organization_id,
        target=ref,
        data={"physician": str(ref.physician_id), "comment": comment},
    )
    if approve:
        _encode_after_commit(ref)
    return ref


def reference_view_url(*, actor: Actor, user, ref: ReferencePhoto, request=None) -> str:
    """A short-lived link to a reference photo; audited."""
    audit_record(
        action="proctoring.reference_viewed",
        actor=user,
        request=request,
        organization_id=ref.organization_id,
        target=ref,
    )
    return storage.presigned_get(key=ref.object_key, expires=settings.PROCTORING_VIEW_URL_SECONDS)

"""Face-capture consent: explicit, separate, per proctored sitting, recorded with the text version and time
before anything is taken. The exam engine calls `attempt_start_check` before it starts a new attempt
(settings.EXAM_ATTEMPT_START_CHECKS): a proctored sitting without the physician's consent to the current
text is refused with 409 `face_consent_required`."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from core.errors import ApplicationError, Conflict
from proctoring import consent_text
from proctoring.models import FaceConsent
from proctoring.selectors import sessions as selectors


def consent_text_current() -> dict:
    version = consent_text.CURRENT_VERSION
    return {
        "version": version,
        "texts": consent_text.TEXTS[version],
        "sha256": consent_text.text_sha256(version),
    }


def consent_status(*, user, sitting_id) -> dict:
    physician = selectors.physician_for_user(user)
    sitting = selectors.sitting_get_for_physician(user=user, physician=physician, sitting_id=sitting_id)
    settings = selectors.proctored(sitting.id)
    consent = selectors.consent_get(
        sitting_id=sitting.id, physician_id=physician.id, version=consent_text.CURRENT_VERSION
    )
    return {
        "sitting": sitting.id,
        "proctored": settings is not None,
        "version": consent_text.CURRENT_VERSION,
        "consented": consent is not None,
        "given_at": consent.given_at if consent else None,
        "reference_ready": selectors.approved_reference(physician.id) is not None,
    }


def consent_give(
    *, user, sitting_id, version: str, agree: bool, device_id: str = "", request=None
) -> FaceConsent:
    """Record the physician's consent to the current text for one sitting (idempotent). Errors: 404 sitting
    not available to them; 400 `consent_not_given` (agree false); 409 `consent_version_outdated`."""
    physician = selectors.physician_for_user(user)
    sitting = selectors.sitting_get_for_physician(user=user, physician=physician, sitting_id=sitting_id)
    if not agree:
        raise ApplicationError(_("需要您明确同意人脸信息采集。"), code="consent_not_given", attr="agree")
    if version != consent_text.CURRENT_VERSION:
        raise Conflict(
            _("授权书已更新，请阅读最新版本后再同意。"), code="consent_version_outdated", attr="version"
        )
    existing = selectors.consent_get(sitting_id=sitting.id, physician_id=physician.id, version=version)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            consent = FaceConsent.objects.create(
                owner_id=sitting.owner_id,
                sitting=sitting,
                physician=physician,
                user=user,
                text_version=version,
                text_sha256=consent_text.text_sha256(version),
                given_at=timezone.now(),
                device_id=(device_id or "")[:64],
            )
            audit_record(
                action="proctoring.face_consent_given",
                actor=user,
                request=request,
                organization_id=sitting.owner_id,
                target=consent,
                data={"sitting": str(sitting.id), "version": version},
            )
    except IntegrityError:
        return selectors.consent_get(sitting_id=sitting.id, physician_id=physician.id, version=version)
    return consent


def attempt_start_check(*, user, physician, sitting) -> None:
    """Refuse a new attempt of a proctored sitting without consent to the current text (409
    `face_consent_required`)."""
    if selectors.proctored(sitting.id) is None:
        return
    if (
        selectors.consent_get(
            sitting_id=sitting.id, physician_id=physician.id, version=consent_text.CURRENT_VERSION
        )
        is None
    ):
        raise Conflict(
            _("本场考试需要人脸抓拍监考，请先阅读并同意人脸信息采集授权。"), code="face_consent_required"
        )

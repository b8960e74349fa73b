"""Retention of proctoring photos (beat, daily): a sitting's snapshots are deleted from object storage
`retention_days` after the sitting closes (or, for a cycle's sitting, after the cycle ends, whichever is
later), except the photos of an attempt under a verdict (a warning, a pending or confirmed cheating
finding) or an appeal. The rows stay, with their SHA-256, flags and scores, marked `deleted_at`; one audit
row per attempt says what was deleted. Reference photos are not touched here (they serve every exam of the
physician and are replaced by the institution)."""

import datetime
import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from core import storage
from proctoring.enums import AppealStatus
from proctoring.models import Snapshot
from proctoring.selectors import sessions as selectors

logger = logging.getLogger(__name__)


def closes_at(sitting) -> datetime.datetime:
    closes = sitting.closes_at
    cycle = getattr(sitting, "cycle", None)
    if cycle is not None and cycle.ends_on:
        end = datetime.datetime.combine(cycle.ends_on + timedelta(days=1), datetime.time.min)
        closes = max(closes, timezone.make_aware(end))
    return closes


def _protected(session_id) -> bool:
    if selectors.has_standing_verdict(session_id):
        return True
    from proctoring.models import Appeal

    return Appeal.objects.filter(verdict__session_id=session_id, status=AppealStatus.PENDING).exists()


def proctoring_retention(*, now=None) -> dict:
    now = now or timezone.now()
    deleted = kept = 0
    for config in selectors.retention_candidates():
        if now < closes_at(config.sitting) + timedelta(days=config.retention_days):
            continue
        rows = (
            Snapshot.objects.filter(
                session__sitting_id=config.sitting_id, deleted_at__isnull=True, object_key__isnull=False
            )
            .order_by("session_id", "index")
            .values_list(
                "pk", "session_id", "object_key", "session__owner_id", "session__attempt_id", "staging_key"
            )
        )
        by_session: dict = {}
        for pk, session_id, key, owner_id, attempt_id, staging_key in rows:
            by_session.setdefault((session_id, owner_id, attempt_id), []).append((pk, key))
            if staging_key:  # a POST upload's staging object left behind (issued, never registered)
                by_session[(session_id, owner_id, attempt_id)].append((None, staging_key))
        for (session_id, owner_id, attempt_id), photos in by_session.items():
            if _protected(session_id):
                kept += sum(1 for pk, _ in photos if pk)
                continue
            count = sum(1 for pk, _ in photos if pk)
            s3 = storage.client()
            for _pk, key in photos:
                s3.delete_object(Bucket=storage.bucket(), Key=key)
            with transaction.atomic():
                Snapshot.objects.filter(pk__in=[pk for pk, _ in photos if pk]).update(
                    deleted_at=now, updated_at=now
                )
                audit_record(
                    action="proctoring.photos_deleted",
                    organization_id=owner_id,
                    target_type="proctoring.proctoringsession",
                    target_id=str(session_id),
                    data={"attempt": str(attempt_id), "count": count, "rule": "retention"},
                )
            deleted += count
    return {"deleted": deleted, "kept": kept}

"""Snapshots of a proctored attempt: the schedule, write-once upload URLs, registration, app-leave events,
missing snapshots and the risk score.

- The server draws the schedule when the session is made (`session_ensure`): `snapshots` times over the
  attempt, one uniformly at random in each of as many equal parts (so they spread over the attempt and
  cannot be predicted). It is stored on the session and never sent whole: the client asks for the next one.
- Upload (`snapshot_upload_url`): when a slot is due, the client sends the type, length and SHA-256 of the
  photo it took; the server picks the key and signs a PUT with `If-None-Match: *`, Content-Length and
  `x-amz-checksum-sha256` (core.storage.presigned_put: signing is local, no call to the store), valid
  PROCTORING_UPLOAD_URL_SECONDS. The store refuses other bytes and a second write to the key, so a reused
  URL cannot overwrite evidence and the SHA-256 is known without the bytes passing through the web process.
- Or, for wx.uploadFile (`method=post`), a POST policy to a staging key; registration pins the staging
  object and a worker copies it to the final key and hashes it (services.staging).
- Registration (`snapshot_register`): the server checks with HEAD that the object exists with the signed
  length and checksum, stores the time, flags a SHA-256 seen before for the physician (`repeated_hash`) and
  queues the analysis on the `faces` queue after commit.
- A slot whose window (SLOT_WINDOW after its time, plus the URL's life) passed before the attempt ended
  without a registered photo becomes a `missing` row (`missing_mark`, run by the sweep and on each upload).
- `leave_count` counts the client's onHide reports (idempotent per seq).
- Risk (`risk_of`): weighted counts of flags, missing photos, repeated photos and leaves; reviewers rank by it.
"""

import logging
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _
from exams.enums import AttemptStatus

from audit.services import audit_record
from core import storage
from core.errors import ApplicationError, Conflict, NotFound
from proctoring import photos
from proctoring.enums import EventKind, Flag, SnapshotStatus, UploadMethod
from proctoring.models import AppEvent, ProctoringSession, Snapshot
from proctoring.selectors import sessions as selectors
from proctoring.services import staging

logger = logging.getLogger(__name__)

SLOT_WINDOW = timedelta(seconds=120)  # a due snapshot may be taken until this long after its time
EARLY = timedelta(seconds=5)  # clock skew allowed before a slot's time
EDGE = 20  # seconds kept free at the start and the end of an attempt
_SHA256 = re.compile(r"^[0-9a-f]{64}$")

# Risk weights (see docs/decisions/0016-proctoring.md).
WEIGHTS = {
    Flag.NOT_MATCHED: 30,
    Flag.MULTIPLE_FACES: 20,
    Flag.REPEATED_HASH: 20,
    Flag.UPLOAD_REPLACED: 20,
    Flag.NO_FACE: 10,
    Flag.MISSING: 10,
    Flag.BAD_TYPE: 10,
    Flag.DECODE_ERROR: 10,
    Flag.TOO_LARGE: 5,
    Flag.TOO_MANY_PIXELS: 5,
    Flag.NO_REFERENCE: 2,
}
LEAVE_WEIGHT = 5
LOW_MATCH_WEIGHT = 20  # times (1 - lowest match score), when the analysis gives a similarity in [0, 1]


def _schedule(duration_seconds: int, count: int) -> list[int]:
    usable = max(0, duration_seconds - 2 * EDGE)
    if count <= 0 or usable <= 0:
        return []
    rng = secrets.SystemRandom()
    part = usable / count
    return [int(EDGE + part * i + rng.uniform(0, part)) for i in range(count)]


def _attempt_end(attempt):
    if attempt.status != AttemptStatus.IN_PROGRESS and attempt.submitted_at:
        return min(attempt.submitted_at, attempt.deadline)
    return attempt.deadline


def session_ensure(attempt) -> ProctoringSession | None:
    """The attempt's session, made with its schedule on first use; None when the sitting is not proctored."""
    session = selectors.session_of_attempt(attempt.pk)
    if session is not None:
        return session
    config = selectors.proctored(attempt.sitting_id)
    if config is None:
        return None
    duration = int((attempt.deadline - attempt.started_at).total_seconds())
    try:
        with transaction.atomic():
            return ProctoringSession.objects.create(
                owner_id=attempt.owner_id,
                attempt=attempt,
                sitting_id=attempt.sitting_id,
                physician_id=attempt.physician_id,
                schedule=_schedule(duration, config.snapshots),
            )
    except IntegrityError:
        return selectors.session_of_attempt(attempt.pk)


def _my_session(*, user, attempt_id, device_id: str | None = None):
    session = selectors.my_session_with_attempt(user=user, attempt_id=attempt_id)
    if session is not None:  # one query on the hot path (the upload URL every 45 s per examinee)
        if device_id is not None and session.attempt.device_id != (device_id or "").strip():
            raise Conflict(
                _("本场考试已在另一台设备上作答；如需在本设备继续，请确认切换设备。"), code="device_conflict"
            )
        return session.attempt, session
    attempt = selectors.my_attempt_get(user=user, attempt_id=attempt_id)
    if device_id is not None and attempt.device_id != (device_id or "").strip():
        raise Conflict(
            _("本场考试已在另一台设备上作答；如需在本设备继续，请确认切换设备。"), code="device_conflict"
        )
    session = session_ensure(attempt)
    if session is None:
        raise NotFound(_("本场考试不需要抓拍。"), code="not_proctored")
    session.attempt = attempt
    return attempt, session


def _due(session, index: int):
    return session.attempt.started_at + timedelta(seconds=session.schedule[index])


def _slots_taken(session) -> dict[int, Snapshot]:
    return {s.index: s for s in selectors.snapshots_of(session)}


def snapshot_next(*, user, attempt_id) -> dict:
    """The next snapshot the client should take: its index and time (only the next one is revealed), or
    nothing when the schedule is done or the attempt is closed."""
    attempt, session = _my_session(user=user, attempt_id=attempt_id)
    now = timezone.now()
    end = _attempt_end(attempt)
    taken = _slots_taken(session)
    for index in range(len(session.schedule)):
        due = _due(session, index)
        done = index in taken and taken[index].status != SnapshotStatus.ISSUED
        if done or due + SLOT_WINDOW < now or due >= end:
            continue
        return {
            "index": index,
            "due_at": due,
            "due_in_seconds": max(0, int((due - now).total_seconds())),
            "window_seconds": int(SLOT_WINDOW.total_seconds()),
            "remaining": sum(1 for i in range(index, len(session.schedule)) if _due(session, i) < end),
        }
    return {"index": None, "due_at": None, "due_in_seconds": None, "window_seconds": 0, "remaining": 0}


def _clean_upload(content_type: str, size: int, sha256: str, method: str = "put") -> tuple[str, int, str]:
    content_type = (content_type or "").split(";")[0].strip().lower()
    if content_type not in photos.TYPES:
        raise ApplicationError(
            _("照片须为 JPEG 或 PNG 图片。"), code="unsupported_photo_type", attr="content_type"
        )
    if not 0 < size <= settings.PROCTORING_PHOTO_MAX_BYTES:
        raise ApplicationError(
            _("照片大小须在 1 字节到 %(mb).1f MB 之间。")
            % {"mb": settings.PROCTORING_PHOTO_MAX_BYTES / 1024 / 1024},
            code="photo_too_large",
            attr="size",
        )
    sha256 = (sha256 or "").strip().lower()
    if method == UploadMethod.POST and not sha256:
        return content_type, size, ""  # the worker computes it from the stored object
    if not _SHA256.match(sha256):
        raise ApplicationError(_("SHA-256 须为 64 位十六进制。"), code="invalid_sha256", attr="sha256")
    return content_type, size, sha256


def snapshot_upload_url(
    *,
    user,
    attempt_id,
    device_id: str,
    content_type: str,
    size: int,
    sha256: str = "",
    method: str = UploadMethod.PUT,
) -> tuple[Snapshot, dict]:
    """A write-once upload URL for the snapshot due now (see the module docstring), or with `method=post` a
    POST policy to a staging key (services.staging; `sha256` optional and not trusted: the worker computes
    it). Errors: 404 not the caller's attempt or not proctored; 400 `unsupported_photo_type`,
    `photo_too_large`, `invalid_sha256`, `invalid_method`; 409 `device_conflict`, `attempt_closed`,
    `snapshot_not_due` (nothing due now)."""
    if method not in UploadMethod.values:
        raise ApplicationError(_("上传方式须为 put 或 post。"), code="invalid_method", attr="method")
    content_type, size, sha256 = _clean_upload(content_type, size, sha256, method)
    if method == UploadMethod.POST:
        sha256 = ""
    attempt, session = _my_session(user=user, attempt_id=attempt_id, device_id=device_id)
    now = timezone.now()
    if attempt.status != AttemptStatus.IN_PROGRESS or now >= attempt.deadline:
        raise Conflict(_("本次作答已结束。"), code="attempt_closed")
    taken = _slots_taken(session)
    index = None
    for i in range(len(session.schedule)):
        due = _due(session, i)
        if due - EARLY <= now <= due + SLOT_WINDOW and (
            i not in taken or taken[i].status == SnapshotStatus.ISSUED
        ):
            index = i
            break
    if index is None:
        raise Conflict(_("当前没有需要上传的抓拍照片。"), code="snapshot_not_due")
    ext = "png" if content_type == photos.PNG else "jpg"
    name = f"{attempt.sitting_id}/{attempt.pk}/{index:03d}-{secrets.token_hex(8)}.{ext}"
    key = f"proctoring/snapshots/{name}"
    post = method == UploadMethod.POST
    fields = {
        "owner_id": session.owner_id,
        "due_at": _due(session, index),
        "status": SnapshotStatus.ISSUED,
        "object_key": key,
        "content_type": content_type,
        "size": size,
        "sha256": sha256,
        "issued_at": now,
        "upload_method": method,
        "staging_key": f"proctoring/staging/{name}" if post else None,
        "staging_etag": "",
    }
    if index in taken:
        # A slot issued before and never registered gets a new key (the old URL's object is never counted).
        snapshot = taken[index]
        for name, value in fields.items():
            setattr(snapshot, name, value)
        snapshot.save(update_fields=[*fields, "updated_at"])
    else:
        try:
            with transaction.atomic():
                snapshot = Snapshot.objects.create(session=session, index=index, **fields)
        except IntegrityError:
            raise Conflict(_("该抓拍正在上传，请稍后重试。"), code="snapshot_busy") from None
    expires = settings.PROCTORING_UPLOAD_URL_SECONDS
    if post:
        upload = staging.post_policy(
            key=fields["staging_key"], content_type=content_type, size=size, expires=expires
        )
    else:
        upload = storage.presigned_put(
            key=key, content_type=content_type, size=size, sha256_hex=sha256, expires=expires
        )
        upload.update(fields={}, file_field="")
    upload["expires_at"] = now + timedelta(seconds=expires)
    return snapshot, upload


def _mismatch(head: dict, snapshot: Snapshot) -> bool:
    import base64

    if int(head.get("ContentLength") or -1) != snapshot.size:
        return True
    checksum = head.get("ChecksumSHA256")
    return (
        bool(checksum and snapshot.sha256)
        and checksum != base64.b64encode(bytes.fromhex(snapshot.sha256)).decode()
    )


def snapshot_register(*, user, snapshot_id, device_id: str, request=None) -> Snapshot:
    """The client says the upload is done. Idempotent. Errors: 404 not the caller's; 409 `device_conflict`,
    `upload_not_found` (nothing at the key: the upload never happened or failed), `upload_mismatch` (the
    object is not what was signed)."""
    snapshot = selectors.my_snapshot_get(user=user, snapshot_id=snapshot_id)
    if snapshot.session.attempt.device_id != (device_id or "").strip():
        raise Conflict(
            _("本场考试已在另一台设备上作答；如需在本设备继续，请确认切换设备。"), code="device_conflict"
        )
    if snapshot.registered_at is not None:
        return snapshot
    if not snapshot.object_key:
        raise Conflict(_("该抓拍未发放上传地址。"), code="upload_not_found")
    post = snapshot.upload_method == UploadMethod.POST
    # outside the transaction: a network call (a HEAD, no bytes)
    head = storage.head(snapshot.staging_key if post else snapshot.object_key)
    if head is None:
        raise Conflict(_("未找到上传的照片：请先把照片上传到返回的地址，再登记。"), code="upload_not_found")
    if _mismatch(head, snapshot):
        raise Conflict(_("上传的照片与申请上传时的长度或校验值不符。"), code="upload_mismatch")
    with transaction.atomic():
        snapshot = selectors.my_snapshot_get(user=user, snapshot_id=snapshot_id, for_update=True)
        if snapshot.registered_at is not None:
            return snapshot
        flags = [f for f in snapshot.flags if f != Flag.MISSING]
        if snapshot.sha256 and selectors.same_hash_exists(
            physician_id=snapshot.session.physician_id, sha256=snapshot.sha256, exclude_id=snapshot.pk
        ):
            flags.append(Flag.REPEATED_HASH)
        snapshot.flags = flags
        snapshot.status = SnapshotStatus.REGISTERED
        snapshot.registered_at = timezone.now()
        update = ["flags", "status", "registered_at", "updated_at"]
        if post:
            # The evidence is pinned: the worker copies this very object (by its ETag) or flags a replacement.
            snapshot.staging_etag = head.get("ETag") or ""
            update.append("staging_etag")
        snapshot.save(update_fields=update)
        session_recount(snapshot.session_id)
        # POST: the copy and the hash on a worker (default queue), which then queues the analysis.
        pk = snapshot.pk
        transaction.on_commit(lambda: send_copy_or_analysis(pk, copy=post))
    return snapshot


def event_record(*, user, attempt_id, kind: str, seq: int, client_at=None) -> dict:
    """The client reports leaving (onHide) or returning (onShow). Idempotent per seq. Returns the count."""
    if kind not in EventKind.values:
        raise ApplicationError(_("事件类型不正确。"), code="invalid_event", attr="kind")
    _attempt, session = _my_session(user=user, attempt_id=attempt_id)
    with transaction.atomic():
        _event, created = AppEvent.objects.get_or_create(
            session=session,
            seq=seq,
            defaults={"owner_id": session.owner_id, "kind": kind, "client_at": client_at},
        )
        if created and kind == EventKind.HIDE:
            session_recount(session.pk)
    session.refresh_from_db(fields=["leave_count"])
    return {"leave_count": session.leave_count, "recorded": created}


def missing_mark(session: ProctoringSession, now=None) -> int:
    """Rows for the slots whose window passed before the attempt ended without a registered photo."""
    now = now or timezone.now()
    attempt = session.attempt
    end = _attempt_end(attempt)
    grace = SLOT_WINDOW + timedelta(seconds=settings.PROCTORING_UPLOAD_URL_SECONDS)
    taken = _slots_taken(session)
    marked = 0
    for index in range(len(session.schedule)):
        due = _due(session, index)
        if due >= end or now < due + grace:
            continue
        row = taken.get(index)
        if row is None:
            try:
                with transaction.atomic():
                    Snapshot.objects.create(
                        owner_id=session.owner_id,
                        session=session,
                        index=index,
                        due_at=due,
                        status=SnapshotStatus.MISSING,
                        flags=[Flag.MISSING],
                    )
            except IntegrityError:
                continue
            marked += 1
        elif row.status == SnapshotStatus.ISSUED:
            # Issued but never registered. A late registration of an object that exists still counts.
            updated = Snapshot.objects.filter(pk=row.pk, status=SnapshotStatus.ISSUED).update(
                status=SnapshotStatus.MISSING, flags=[Flag.MISSING], updated_at=now
            )
            marked += updated
    if marked:
        session_recount(session.pk)
    return marked


def risk_of(*, flag_counts: dict, leave_count: int, min_match: float | None) -> int:
    risk = sum(WEIGHTS.get(flag, 5) * n for flag, n in flag_counts.items())
    risk += LEAVE_WEIGHT * leave_count
    if min_match is not None and 0 <= min_match <= 1:
        risk += round(LOW_MATCH_WEIGHT * (1 - min_match))
    return risk


def session_recount(session_id) -> ProctoringSession:
    """Recompute the counters and the risk of a session from its snapshots and events (under a row lock)."""
    session = ProctoringSession.objects.select_for_update().get(pk=session_id)
    flag_counts: dict[str, int] = {}
    flagged = 0
    for flags in Snapshot.objects.filter(session_id=session_id).values_list("flags", flat=True):
        if flags:
            flagged += 1
        for flag in flags:
            flag_counts[flag] = flag_counts.get(flag, 0) + 1
    session.leave_count = AppEvent.objects.filter(session_id=session_id, kind=EventKind.HIDE).count()
    session.missing_count = flag_counts.get(Flag.MISSING, 0)
    session.repeated_count = flag_counts.get(Flag.REPEATED_HASH, 0)
    session.flagged_count = flagged
    session.min_match_score = Snapshot.objects.filter(session_id=session_id).aggregate(m=Min("match_score"))[
        "m"
    ]
    session.risk = risk_of(
        flag_counts=flag_counts, leave_count=session.leave_count, min_match=session.min_match_score
    )
    session.save(
        update_fields=[
            "leave_count",
            "missing_count",
            "repeated_count",
            "flagged_count",
            "min_match_score",
            "risk",
            "updated_at",
        ]
    )
    return session


def send_copy_or_analysis(snapshot_id, *, copy: bool) -> None:
    """Queue the POST upload's copy (default queue) or the analysis (faces queue). Called after commit; a
    broker that cannot be reached (Redis restarting) is logged and left to the sweep's re-send (STALLED),
    never turned into an error for a registration that is already stored."""
    from proctoring.tasks import snapshot_analyse_task, snapshot_copy_task

    try:
        if copy:
            snapshot_copy_task.apply_async((str(snapshot_id),), queue="default")
        else:
            snapshot_analyse_task.delay(str(snapshot_id))
    except Exception:  # noqa: BLE001 - kombu/redis errors vary; the sweep sends it again
        logger.warning("snapshot %s not queued; the sweep will send it again", snapshot_id, exc_info=True)


STALLED = timedelta(minutes=10)  # a registered photo not copied or analysed by then is sent again


def stalled_requeue(*, now=None) -> int:
    """Send again the copy or analysis of photos registered more than STALLED ago and not done (a worker
    killed mid-task whose message the broker keeps invisible for its visibility timeout, a Redis restart that
    lost the queue, a broker down at registration). At most once per STALLED per photo; the tasks are
    idempotent, so a message that was only slow does no harm."""
    now = now or timezone.now()
    sent = 0
    for pk, method, copied_at in selectors.stalled_snapshots(before=now - STALLED):
        copy = method == UploadMethod.POST and copied_at is None
        with transaction.atomic():
            Snapshot.objects.filter(pk=pk).update(requeued_at=now)
            transaction.on_commit(lambda pk=pk, copy=copy: send_copy_or_analysis(pk, copy=copy))
        sent += 1
    return sent


def proctoring_sweep(*, now=None) -> dict:
    """Beat, every minute: sessions for proctored attempts that never asked for one (an attempt whose client
    took no photo at all shows up with every slot missing), then the missing slots of recent attempts, then
    the photos whose copy or analysis was lost (`stalled_requeue`)."""
    now = now or timezone.now()
    since = now - timedelta(days=1)
    made = sum(
        session_ensure(a) is not None for a in selectors.proctored_attempts_without_session(since=since)
    )
    marked = sum(missing_mark(s, now) for s in selectors.sessions_started_since(since=since))
    return {"sessions": made, "missing": marked, "requeued": stalled_requeue(now=now)}


def audit_photo_view(*, user, session, snapshot_ids: list[str], reference_id=None, request=None) -> None:
    audit_record(
        action="proctoring.photos_viewed",
        actor=user,
        request=request,
        organization_id=session.owner_id,
        target=session,
        data={
            "attempt": str(session.attempt_id),
            "snapshots": snapshot_ids,
            "reference": str(reference_id) if reference_id else None,
        },
    )

"""Starting and running background jobs.

A domain registers a handler for a kind in its `jobs.py`:

    @job_handler("physicians.import", queue="default")
    def physicians_import(job, progress):       # progress(done, total) may be called as often as wanted
        ...                                      # raise JobRowErrors(errors) to fail with a row-level report
        return JobResult(summary={...}, file=(name, bytes, content_type))   # or None

`job_start` stores the uploaded file on object storage and queues the job after commit. Progress lives in
Redis while the job runs (the handler's own transaction would hide it), the outcome in the Job row.
"""

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from core import storage
from core.errors import ApplicationError, NotFound
from jobs.models import Job, JobStatus

logger = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class JobResult:
    summary: dict = field(default_factory=dict)
    file: tuple[str, bytes, str] | None = None  # (file name, bytes, content type)


class JobRowErrors(Exception):  # noqa: N818 - a carrier of row errors, not a failure of the code
    def __init__(self, errors: list[dict]):
        super().__init__(f"{len(errors)} row error(s)")
        self.errors = errors


@dataclass
class _Handler:
    fn: Callable
    queue: str
    audit_action: str


_handlers: dict[str, _Handler] = {}


def job_handler(kind: str, *, queue: str = "default", audit_action: str | None = None):
    def register(fn):
        _handlers[kind] = _Handler(fn=fn, queue=queue, audit_action=audit_action or kind)
        return fn

    return register


def _progress_key(job_id) -> str:
    return f"job:{job_id}:progress"


def job_progress(job: Job) -> tuple[int, int]:
    if job.status == JobStatus.RUNNING:
        cached = cache.get(_progress_key(job.id))
        if cached:
            return cached
    return job.done, job.total


@transaction.atomic
def job_start(
    *, kind: str, user, organization_id=None, params: dict | None = None, upload=None, request=None
) -> Job:
    """Create a job and queue it after commit. `upload` is an UploadedFile, already checked by the caller."""
    if kind not in _handlers:
        raise ApplicationError(_("未知的任务类型。"), code="unknown_job_kind")
    job = Job(kind=kind, created_by=user, organization_id=organization_id, params=params or {})
    if upload is not None:
        job.input_key = f"jobs/{job.id}/input/{uuid.uuid4().hex}"
        job.input_name = upload.name[:255]
        storage.put_bytes(key=job.input_key, data=upload.read(), content_type=upload.content_type or XLSX)
    job.save()
    audit_record(
        action=f"{_handlers[kind].audit_action}.started",
        actor=user,
        request=request,
        organization_id=organization_id,
        target=job,
        data={"params": job.params, "file": job.input_name},
    )
    from jobs.tasks import job_run

    handler = _handlers[kind]
    transaction.on_commit(lambda: job_run.apply_async(args=[str(job.id)], queue=handler.queue))
    return job


def job_run_now(job_id) -> Job:
    """Run a queued job (called by the Celery task). Never raises for a handled failure."""
    job = Job.objects.select_related("created_by").get(pk=job_id)
    if job.status != JobStatus.QUEUED:
        return job
    handler = _handlers[job.kind]
    job.status = JobStatus.RUNNING
    job.started_at = timezone.now()
    job.save(update_fields=["status", "started_at"])

    def progress(done: int, total: int) -> None:
        cache.set(_progress_key(job.id), (done, total), timeout=3600)

    try:
        result = handler.fn(job, progress) or JobResult()
    except JobRowErrors as exc:
        job.status = JobStatus.FAILED
        job.errors = exc.errors[:1000]
        job.summary = {"error_rows": len({e.get("row") for e in exc.errors})}
    except ApplicationError as exc:
        job.status = JobStatus.FAILED
        job.errors = [{"row": None, "attr": exc.attr, "code": exc.get_codes(), "detail": str(exc.detail)}]
    except Exception:
        logger.exception("job %s (%s) failed", job.id, job.kind)
        job.status = JobStatus.FAILED
        job.errors = [
            {"row": None, "attr": None, "code": "job_failed", "detail": _("任务执行失败，请联系管理员。")}
        ]
    else:
        job.status = JobStatus.SUCCEEDED
        job.summary = result.summary
        if result.file:
            name, data, content_type = result.file
            job.result_key = f"jobs/{job.id}/result/{uuid.uuid4().hex}"
            job.result_name = name
            storage.put_bytes(key=job.result_key, data=data, content_type=content_type)
    done, total = cache.get(_progress_key(job.id)) or (job.done, job.total)
    job.done, job.total = (total, total) if job.status == JobStatus.SUCCEEDED else (done, total)
    job.finished_at = timezone.now()
    job.save()
    cache.delete(_progress_key(job.id))
    return job


def job_get_for_user(*, user, job_id) -> Job:
    job = Job.objects.filter(pk=job_id, created_by=user).first()
    if job is None:
        raise NotFound()
    return job


def job_download_url(*, user, job_id, request=None) -> str:
    """A short-lived link to the job's result; the download is audited (exports carry personal data)."""
    job = job_get_for_user(user=user, job_id=job_id)
    if not job.result_key:
        raise NotFound(_("该任务没有可下载的文件。"), code="no_result")
    audit_record(
        action="jobs.downloaded",
        actor=user,
        request=request,
        organization_id=job.organization_id,
        target=job,
        data={"kind": job.kind, "file": job.result_name},
    )
    return storage.presigned_get(key=job.result_key, filename=job.result_name)

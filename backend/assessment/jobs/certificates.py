"""Certificate batches: issue and render the pass certificates of a cycle within the starter's reach, with
progress; resumable (a re-run skips what is done). Runs on the `documents` queue, where the renderer stays
warm in the worker processes. A large batch also queues helper tasks on the same queue, so that every worker
process renders (CERTIFICATE_BATCH_HELPERS of them, for batches of CERTIFICATE_BATCH_PARALLEL_MIN or more):
they share the work through row locks (skip what another holds), never two PDFs for one certificate."""

from django.conf import settings
from django.utils.translation import gettext as _

from accounts.selectors import actor_for_membership
from assessment.services import certificates as services
from core.errors import PermissionDenied
from jobs.models import Job, JobStatus
from jobs.services import JobResult, job_handler
from tenants.celery import public_task

QUEUE = "documents"


def _actor(job):
    actor = actor_for_membership(
        user=job.created_by, organization_id=job.organization_id, role=job.params.get("role")
    )
    if actor is None:
        raise PermissionDenied(_("您已不是该机构的成员。"), code="not_a_member")
    return actor


def _run(job, *, progress=None, share=None) -> dict:
    return services.certificate_batch_run(
        actor=_actor(job),
        user=job.created_by,
        cycle_id=job.params["cycle_id"],
        organization_id=job.params.get("organization_id"),
        progress=progress,
        share=share,
    )


@job_handler(services.BATCH_KIND, queue=QUEUE)
def certificates_batch(job, progress):
    def share(pending: int) -> bool:
        helpers = settings.CERTIFICATE_BATCH_HELPERS
        if helpers < 1 or pending < settings.CERTIFICATE_BATCH_PARALLEL_MIN:
            return False
        for _i in range(helpers):
            certificates_batch_help.apply_async(args=[str(job.id)], queue=QUEUE)
        return True

    return JobResult(summary=_run(job, progress=progress, share=share))


@public_task()
def certificates_batch_help(job_id: str) -> None:
    """Another worker process on a running batch: same walk, skipping what others hold."""
    job = Job.objects.select_related("created_by").filter(pk=job_id, status=JobStatus.RUNNING).first()
    if job is not None:
        _run(job, share=lambda pending: True)

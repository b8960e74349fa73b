"""Celery entry points of proctoring (public schema). Task names `proctoring.*` route to the `faces` queue
(config/celery.py); the two beat jobs are sent to `default` by their beat entries (they are not face work).

The analysis is idempotent and acknowledged late: a worker killed mid-analysis leaves the message
unacknowledged, the broker delivers it again after restart, and the photo is analysed then."""

from botocore.exceptions import BotoCoreError, ClientError

from proctoring.services.analysis import FacesUnavailable, reference_encode, snapshot_analyse
from proctoring.services.retention import proctoring_retention
from proctoring.services.snapshots import proctoring_sweep
from proctoring.services.staging import snapshot_copy
from tenants.celery import public_task


@public_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(FacesUnavailable,),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=50,
)
def snapshot_analyse_task(snapshot_id: str) -> bool:
    return snapshot_analyse(snapshot_id)


@public_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(FacesUnavailable, OSError, BotoCoreError, ClientError),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=20,
)
def reference_encode_task(reference_id: str) -> str:
    """The encoding of a reference photo just approved (faces queue; services.analysis.reference_encode)."""
    return reference_encode(reference_id)


@public_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError, BotoCoreError, ClientError),
    retry_backoff=5,
    retry_backoff_max=120,
    max_retries=20,
)
def snapshot_copy_task(snapshot_id: str) -> str:
    """A POST upload's copy to its final key, hash and type check, then the analysis (services.staging).
    Sent to the `default` queue by `snapshot_register` (apply_async(queue="default")): short I/O work that
    must not wait behind the face analyses."""
    return snapshot_copy(snapshot_id)


@public_task()
def proctoring_sweep_task() -> dict:
    return proctoring_sweep()


@public_task()
def proctoring_retention_task() -> dict:
    return proctoring_retention()

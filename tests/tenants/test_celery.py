"""Tenant-aware tasks on a real Celery worker: the schema is explicit and checked."""

import pytest
from django.db import connection
from django_tenants.utils import schema_context, tenant_context

from archives.tasks import archive_count
from tenants.celery import WrongSchema, send_on_commit


@pytest.mark.worker
def test_a_real_worker_runs_the_task_in_the_schema_it_was_given(world, celery_worker_process):
    # given each hospital has one archive (committed by the session fixture)
    # when the worker counts archives in each schema
    result_a = archive_count.delay("h_hosp_a").get(timeout=30)
    result_b = archive_count.delay("h_hosp_b").get(timeout=30)

    # then each ran in its own schema
    assert result_a == {"schema": "h_hosp_a", "archives": 1}
    assert result_b == {"schema": "h_hosp_b", "archives": 1}


@pytest.mark.worker
def test_a_task_without_a_tenant_schema_fails_on_the_worker(world, celery_worker_process):
    with pytest.raises(WrongSchema):
        archive_count.delay("public").get(timeout=30, propagate=True)
    with pytest.raises(WrongSchema):
        archive_count.delay("h_no_such_schema").get(timeout=30, propagate=True)


def test_send_on_commit_keeps_the_schema_current_when_queued(
    world, db, django_capture_on_commit_callbacks, monkeypatch
):
    # given a task queued inside a tenant context whose transaction commits later, in public
    sent = []
    monkeypatch.setattr(archive_count, "delay", lambda *args, **kw: sent.append(args))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with tenant_context(world.tenant_a):
            send_on_commit(archive_count)
        assert connection.schema_name == "public"
    # when the commit fires in public
    with schema_context("public"):
        for callback in callbacks:
            callback()
    # then the task still names the tenant's schema
    assert sent == [("h_hosp_a",)]

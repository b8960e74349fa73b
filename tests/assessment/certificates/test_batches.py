"""Batch generation as a background job: one certificate and one PDF per passed enrolment, resumable."""

from assessment.models import Certificate
from rest_framework.test import APIClient

from jobs.models import Job, JobStatus
from jobs.services import job_run_now
from tests.conftest import login

BATCHES = "/api/v1/certificates/batches/"


def test_batch_matrix(world, cycle, passed_a, passed_b):
    body = {"cycle": str(cycle.pk)}
    assert APIClient().post(BATCHES, body, format="json").status_code == 401
    assert login("doctor_a").post(BATCHES, body, format="json").status_code == 403
    assert login("nobody").post(BATCHES, body, format="json").status_code == 403
    # another institution's organisation: 404, and no job
    other = login("admin_b").post(BATCHES, {**body, "organization": str(world.hospital_a.pk)}, format="json")
    assert other.status_code == 404
    assert other.json()["errors"][0]["code"] == "organization_not_found"
    # an unknown cycle: 404
    unknown = login("admin_a").post(BATCHES, {"cycle": str(world.hospital_a.pk)}, format="json")
    assert unknown.status_code == 404
    assert not Job.objects.exists()


def test_a_batch_issues_one_certificate_per_passed_enrolment_even_when_run_twice(
    world, cycle, passed_a, passed_b, more_in_a
):
    client = login("admin_a")

    # when the institution starts two batches of the cycle and both run
    first = client.post(BATCHES, {"cycle": str(cycle.pk)}, format="json")
    second = client.post(BATCHES, {"cycle": str(cycle.pk)}, format="json")
    assert first.status_code == 202, first.content
    done_first = job_run_now(first.json()["id"])
    done_second = job_run_now(second.json()["id"])

    # then the first issued and rendered the three passed physicians of hospital A (not B's, not the failed one)
    assert done_first.status == JobStatus.SUCCEEDED, done_first.errors
    assert done_first.summary == {"pending": 3, "issued": 3, "rendered": 3}
    assert (done_first.done, done_first.total) == (3, 3)
    # and the second found nothing left to do
    assert done_second.summary == {"pending": 0, "issued": 0, "rendered": 0}
    certificates = Certificate.objects.filter(enrolment__organization=world.hospital_a)
    assert certificates.count() == 3
    assert {c.enrolment_id for c in certificates} == {passed_a.pk, more_in_a[0].pk, more_in_a[1].pk}
    assert len({c.serial for c in certificates}) == len({c.pdf_key for c in certificates}) == 3
    assert all(c.pdf_key for c in certificates)
    assert not Certificate.objects.filter(enrolment=passed_b).exists()


def test_a_batch_resumes_where_it_stopped(world, cycle, passed_a, more_in_a):
    # given a certificate issued earlier without its PDF (a batch that stopped half-way)
    from assessment.services.certificates import certificate_issue

    early = certificate_issue(enrolment=passed_a, render=False)

    # when a batch of one organisation runs
    response = login("admin_a").post(
        BATCHES, {"cycle": str(cycle.pk), "organization": str(world.hospital_a.pk)}, format="json"
    )
    job = job_run_now(response.json()["id"])

    # then it renders the one left without a PDF (same serial) and issues the others
    assert job.summary == {"pending": 3, "issued": 2, "rendered": 3}
    early.refresh_from_db()
    assert early.pdf_key
    assert Certificate.objects.get(enrolment=passed_a).serial == early.serial


def test_a_commission_batch_covers_its_region(world, cycle, passed_a, passed_b):
    response = login("city_x_admin").post(BATCHES, {"cycle": str(cycle.pk)}, format="json")
    job = job_run_now(response.json()["id"])

    assert job.status == JobStatus.SUCCEEDED
    assert set(Certificate.objects.values_list("enrolment_id", flat=True)) == {passed_a.pk}


def test_a_large_batch_queues_helpers_that_share_the_work(
    world, cycle, passed_a, more_in_a, settings, monkeypatch
):
    # given batches of two or more are shared with one helper process
    from assessment.jobs import certificates as batch_jobs

    settings.CERTIFICATE_BATCH_PARALLEL_MIN = 2
    settings.CERTIFICATE_BATCH_HELPERS = 1
    queued = []
    monkeypatch.setattr(
        batch_jobs.certificates_batch_help, "apply_async", lambda args, queue: queued.append((args, queue))
    )

    # when the batch runs
    response = login("admin_a").post(BATCHES, {"cycle": str(cycle.pk)}, format="json")
    job = job_run_now(response.json()["id"])

    # then a helper was queued on the documents queue, and the work is complete and done once
    assert queued == [([response.json()["id"]], "documents")]
    assert job.status == JobStatus.SUCCEEDED
    assert job.summary == {"pending": 3, "issued": 3, "rendered": 3}
    # and a helper that comes late finds nothing to do
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    batch_jobs.certificates_batch_help(str(job.pk))
    assert Certificate.objects.filter(enrolment__organization=world.hospital_a).count() == 3

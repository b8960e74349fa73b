"""Pass certificates (医师定期考核合格证明): issuing, rendering, downloading, revoking, batch generation.

Invariants:
- One certificate per enrolment (the one-to-one on Certificate.enrolment), and only for a passed enrolment
  (Conflict `not_passed` otherwise). Issuing is idempotent: it locks the enrolment row, so concurrent callers
  (a download and a batch, two batches) get the same certificate.
- The serial is "<cycle code>-<region code>-<7-digit number>", the number drawn from a PostgreSQL sequence of
  the cycle: never twice the same (the unique constraint backs it); a rolled-back issue leaves a gap.
- The token (secrets.token_urlsafe(32)) is the only key of the public verification.
- One PDF per certificate: its object key is fixed by the certificate and it is rendered under the enrolment's
  lock after re-reading `pdf_key`; a lost object is rendered again to the same key on the next download.
- The certificate is always printed in Chinese, whatever the caller's language.
"""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.permissions import Perm
from assessment.enums import EnrolmentStatus, ResultLevel
from assessment.models import Certificate, Enrolment
from assessment.selectors import certificates as selectors
from assessment.services.certificate_pdf import CertificateContent, certificate_pdf_render
from audit.services import audit_record
from core import storage
from core.actor import Actor
from core.errors import Conflict, NotFound, PermissionDenied
from jobs.services import job_start

BATCH_KIND = "assessment.certificates_batch"
PDF_CONTENT_TYPE = "application/pdf"
SERIAL_MAX_LENGTH = 32


def _cn_date(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _sequence_name(cycle_id) -> str:
    return f"assessment_certificate_serial_{cycle_id.hex}"  # 62 characters: within PostgreSQL's 63


def _next_number(cycle_id) -> int:
    """The cycle's next certificate number. The sequence is made on the cycle's first certificate; an
    advisory lock keeps two first issuers from racing on CREATE SEQUENCE."""
    qualified = f'public."{_sequence_name(cycle_id)}"'
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [qualified])
        if cursor.fetchone()[0] is None:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [qualified])
            cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {qualified}")
        cursor.execute("SELECT nextval(%s::regclass)", [qualified])
        return cursor.fetchone()[0]


def _serial(enrolment: Enrolment, number: int) -> str:
    region_code = [p for p in enrolment.region_path.split("/") if p][-1:] or ["0"]
    serial = f"{enrolment.cycle.code}-{region_code[0]}-{number:07d}"
    if len(serial) > SERIAL_MAX_LENGTH:  # a long cycle code: drop the region
        serial = f"{enrolment.cycle.code}-{number:07d}"[-SERIAL_MAX_LENGTH:]
    return serial


def _pdf_key(certificate: Certificate, enrolment: Enrolment) -> str:
    return f"certificates/{enrolment.cycle_id}/{certificate.pk}.pdf"


def certificate_verify_url(certificate: Certificate) -> str:
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/verify/{certificate.token}"


def certificate_content(certificate: Certificate, enrolment: Enrolment) -> CertificateContent:
    cycle = enrolment.cycle
    with translation.override("zh-hans"):
        result = ResultLevel(enrolment.result_level or ResultLevel.PASS).label
        return CertificateContent(
            serial=certificate.serial,
            name=enrolment.physician.name,
            institution=enrolment.organization.name,
            cycle_name=cycle.name,
            cycle_period=f"{_cn_date(cycle.starts_on)}—{_cn_date(cycle.ends_on)}",
            result=str(result),
            issuer=selectors.issuer_name_for(region_path=enrolment.region_path),
            issued_on=_cn_date(timezone.localtime(certificate.issued_at).date()),
            verify_url=certificate_verify_url(certificate),
        )


def _store_pdf(certificate: Certificate, enrolment: Enrolment) -> None:
    """Render and store the PDF under the certificate's fixed key and set `pdf_key` (the caller saves).
    Call with the enrolment row locked."""
    pdf = certificate_pdf_render(certificate_content(certificate, enrolment))
    certificate.pdf_key = _pdf_key(certificate, enrolment)
    storage.put_bytes(key=certificate.pdf_key, data=pdf, content_type=PDF_CONTENT_TYPE)


@dataclass
class IssueOutcome:
    certificate: Certificate
    created: bool = False
    rendered: bool = False


@transaction.atomic
def _issue(
    *, enrolment_id, actor_user=None, request=None, render=True, check_object=False, skip_locked=False
) -> IssueOutcome | None:
    """Issue (and render) under the enrolment's row lock. With `skip_locked`, an enrolment another process
    holds is skipped (None): that process is issuing it."""
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",), skip_locked=skip_locked)
        .select_related("cycle", "physician", "organization")
        .filter(pk=enrolment_id)
        .first()
    )
    if enrolment is None:
        if skip_locked:
            return None
        raise NotFound()
    if enrolment.status != EnrolmentStatus.PASSED:
        raise Conflict(_("只有考核合格的医师才能获得合格证明。"), code="not_passed")
    certificate = Certificate.objects.filter(enrolment=enrolment).first()
    if certificate is not None:
        outcome = IssueOutcome(certificate=certificate)
        if render and certificate.revoked_at is None:
            missing = not certificate.pdf_key or (check_object and storage.head(certificate.pdf_key) is None)
            if missing:
                _store_pdf(certificate, enrolment)
                certificate.save(update_fields=["pdf_key", "updated_at"])
                outcome.rendered = True
        return outcome
    certificate = Certificate(enrolment=enrolment, token=secrets.token_urlsafe(32), issued_at=timezone.now())
    certificate.serial = _serial(enrolment, _next_number(enrolment.cycle_id))
    if render:
        _store_pdf(certificate, enrolment)
    certificate.save()
    audit_record(
        action="assessment.certificate.issued",
        actor=actor_user,
        request=request,
        organization_id=enrolment.organization_id,
        region_path=enrolment.region_path,
        target=certificate,
        data={"serial": certificate.serial, "enrolment": str(enrolment.pk)},
    )
    return IssueOutcome(certificate=certificate, created=True, rendered=render)


def certificate_issue(
    *, enrolment: Enrolment, actor_user=None, request=None, render: bool = True
) -> Certificate:
    """The enrolment's certificate, issued now if it has none, with its PDF rendered and stored if missing.
    Idempotent. Raises Conflict `not_passed` unless the enrolment passed (then nothing is written)."""
    return _issue(
        enrolment_id=enrolment.pk, actor_user=actor_user, request=request, render=render
    ).certificate


def certificate_download_url(*, enrolment: Enrolment, user, request=None) -> tuple[str, str]:
    """A short-lived link to the certificate's PDF, issuing and rendering it first when needed (also when
    its object was lost). The caller has already checked the enrolment is theirs or within their reach.
    Raises Conflict `certificate_revoked` for a revoked certificate. Audited. Returns (url, file name)."""
    outcome = _issue(enrolment_id=enrolment.pk, actor_user=user, request=request, check_object=True)
    certificate = outcome.certificate
    if certificate.revoked_at is not None:
        raise Conflict(_("该合格证明已被撤销，不能下载。"), code="certificate_revoked")
    file_name = f"certificate-{certificate.serial}.pdf"
    audit_record(
        action="assessment.certificate.downloaded",
        actor=user,
        request=request,
        organization_id=enrolment.organization_id,
        region_path=enrolment.region_path,
        target=certificate,
        data={"serial": certificate.serial},
    )
    return storage.presigned_get(key=certificate.pdf_key, filename=file_name), file_name


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, actor_user, reason: str, request=None) -> Certificate:
    """Mark a certificate revoked (a corrected result, a certificate obtained by fraud): the verification then
    says so and it can no longer be downloaded. Idempotent."""
    certificate = Certificate.objects.select_for_update().select_related("enrolment").get(pk=certificate.pk)
    if certificate.revoked_at is None:
        certificate.revoked_at = timezone.now()
        certificate.save(update_fields=["revoked_at", "updated_at"])
        audit_record(
            action="assessment.certificate.revoked",
            actor=actor_user,
            request=request,
            organization_id=certificate.enrolment.organization_id,
            region_path=certificate.enrolment.region_path,
            target=certificate,
            data={"serial": certificate.serial, "reason": reason},
        )
    return certificate


def certificate_batch_start(*, actor: Actor, user, cycle_id, organization_id=None, request=None):
    """Queue a batch that issues and renders the certificates of every passed enrolment of a cycle within the
    caller's reach (one organisation's when given; it must be within reach). Returns the Job."""
    cycle = selectors.cycle_get(cycle_id=cycle_id)
    if organization_id:
        organization_id = selectors.organization_get_in_reach(actor=actor, organization_id=organization_id).pk
    return job_start(
        kind=BATCH_KIND,
        user=user,
        organization_id=actor.organization_id,
        params={
            "role": actor.role,
            "cycle_id": str(cycle.pk),
            "organization_id": str(organization_id) if organization_id else None,
        },
        request=request,
    )


def certificate_batch_run(
    *, actor: Actor, user, cycle_id, organization_id=None, progress=None, share=None
) -> dict:
    """The batch's work: every pending enrolment (see selectors.certificate_batch_pending_ids) is issued and
    rendered, each in its own transaction. Resumable: a re-run skips what is done; never two certificates nor
    two PDFs for one enrolment, even with two batches at once.

    `share(pending_count) -> bool` is asked once: True means other processes work on the same batch (the job
    started helpers), so enrolments they hold are skipped, then a last pass waits for them and finishes what is
    left. Returns the summary (issued and rendered count this process's work)."""
    if not actor.has(Perm.CERTIFICATE_ISSUE):
        raise PermissionDenied()

    def pending():
        return selectors.certificate_batch_pending_ids(
            actor=actor, cycle_id=cycle_id, organization_id=organization_id
        )

    ids = pending()
    total = len(ids)
    shared = bool(share and share(total))
    counts = {"pending": total, "issued": 0, "rendered": 0}

    def work(enrolment_id, skip_locked):
        outcome = _issue(enrolment_id=enrolment_id, actor_user=user, skip_locked=skip_locked)
        if outcome is not None:
            counts["issued"] += outcome.created
            counts["rendered"] += outcome.rendered

    if progress:
        progress(0, total)
    for done, enrolment_id in enumerate(ids, start=1):
        work(enrolment_id, skip_locked=shared)
        if progress and (done % 20 == 0 or done == total):
            progress(done, total)
    if shared:
        for enrolment_id in pending():  # what the helpers held when we passed: wait for them
            work(enrolment_id, skip_locked=False)
    return counts

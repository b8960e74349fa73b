"""Reads of pass certificates, scoped to the caller.

A certificate entry is a passed enrolment with its certificate, if one was issued yet (the certificate is issued
on the first download or by a batch): institutions and commissions see the entries within their reach, also of
past cycles (an enrolment stays with the institution the physician was in when enrolled); a physician sees
their own. The public verification finds a certificate by its unguessable token only.
"""

import hmac
import re

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from assessment.enums import EnrolmentStatus
from assessment.models import Certificate, Cycle, Enrolment
from core.actor import Actor
from core.errors import NotFound
from core.scoping import get_in_reach, scope
from organizations.enums import OrganizationKind
from organizations.models import Organization

# secrets.token_urlsafe(32): 43 characters of the URL-safe base64 alphabet.
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")


def _enrolments() -> QuerySet[Enrolment]:
    return Enrolment.objects.select_related("cycle", "physician", "organization", "department", "certificate")


def _entries() -> QuerySet[Enrolment]:
    return _enrolments().filter(status=EnrolmentStatus.PASSED)


def certificate_entry_list_for_actor(
    *, actor: Actor, cycle_id=None, name: str = "", department_id=None
) -> QuerySet[Enrolment]:
    """Passed enrolments within the actor's reach, newest cycle first, by name."""
    qs = scope(_entries(), actor)
    if cycle_id:
        qs = qs.filter(cycle_id=cycle_id)
    if name:
        qs = qs.filter(physician__name__contains=name)
    if department_id:
        qs = qs.filter(department_id=department_id)
    return qs.order_by("-cycle__starts_on", "physician__name", "pk")


def certificate_entry_get_for_actor(*, actor: Actor, enrolment_id) -> Enrolment:
    """An enrolment within the actor's reach, whatever its state (the service refuses one that did not pass
    with a Conflict); NotFound otherwise."""
    return get_in_reach(_enrolments(), actor, enrolment_id)


def certificate_entry_list_own(*, user) -> QuerySet[Enrolment]:
    """The caller's own passed enrolments (physician.user is the caller), newest cycle first."""
    return _entries().filter(physician__user_id=user.pk).order_by("-cycle__starts_on", "pk")


def certificate_entry_get_own(*, user, enrolment_id) -> Enrolment:
    """One of the caller's own enrolments, whatever its state; NotFound otherwise."""
    entry = _enrolments().filter(physician__user_id=user.pk, pk=enrolment_id).first()
    if entry is None:
        raise NotFound()
    return entry


def certificate_get_by_token(*, token: str) -> Certificate:
    """The certificate a verification token names; NotFound (`certificate_not_found`) for anything else,
    forged or malformed, without telling which."""
    not_found = NotFound(_("证书不存在或验证码无效。"), code="certificate_not_found")
    if not TOKEN_RE.match(token or ""):
        raise not_found
    certificate = (
        Certificate.objects.select_related(
            "enrolment__physician", "enrolment__organization", "enrolment__cycle"
        )
        .filter(token=token)
        .first()
    )
    if certificate is None or not hmac.compare_digest(certificate.token, token):
        raise not_found
    return certificate


def certificate_batch_pending_ids(*, actor: Actor, cycle_id, organization_id=None) -> list:
    """Passed enrolments of a cycle within the actor's reach (one organisation's when given) that still need
    a certificate or its PDF; revoked certificates are left alone. Ordered, so a re-run walks the same way."""
    qs = scope(Enrolment.objects.filter(cycle_id=cycle_id, status=EnrolmentStatus.PASSED), actor)
    if organization_id:
        qs = qs.filter(organization_id=organization_id)
    qs = qs.filter(
        Q(certificate__isnull=True) | Q(certificate__pdf_key="", certificate__revoked_at__isnull=True)
    )
    return list(qs.order_by("pk").values_list("pk", flat=True))


def cycle_get(*, cycle_id) -> Cycle:
    cycle = Cycle.objects.filter(pk=cycle_id).first()
    if cycle is None:
        raise NotFound(_("考核周期不存在。"), code="cycle_not_found", attr="cycle")
    return cycle


def organization_get_in_reach(*, actor: Actor, organization_id) -> Organization:
    try:
        return get_in_reach(Organization.objects.all(), actor, organization_id, org_field="id")
    except NotFound as exc:
        raise NotFound(_("机构不存在。"), code="organization_not_found", attr="organization") from exc


def issuer_name_for(*, region_path: str) -> str:
    """The issuing commission of a certificate: the nearest health commission above the institution (its
    assessment committee's name when set), else the province's."""
    parts = [p for p in region_path.split("/") if p]
    prefixes = ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    commission = (
        Organization.objects.filter(kind=OrganizationKind.COMMISSION, region_path__in=prefixes)
        .order_by("-region_path")
        .only("name", "committee_name")
        .first()
    )
    if commission is None:
        return _("医师定期考核委员会")
    return commission.committee_name or commission.name

"""Reads of adverse records (不良记录), scoped to the caller, and the count the eligibility rules use.

Who reaches which records (anything else is a 404):
- a commission: the records in its region subtree (the record's region path: its physician's when matched
  at import, else the importing province's), and those of physicians now in its subtree;
- an institution or an industry organisation: the records of its own physicians (matched to it at import or
  its physicians now), an assessment body's reviewers also those of the institutions and counties assigned
  to it (core.scoping reach).
Records not matched to a registry physician at import are found later by the ID-card hash: they count and
show for the physician whose ID card it is once the registry holds them.
"""

from datetime import date

from django.db.models import Q, QuerySet

from assessment.models import AdverseRecord
from core.actor import Actor
from core.crypto import keyed_hash
from core.errors import NotFound
from core.scoping import reach_q
from physicians.models import Physician
from physicians.selectors import region_path_for_code


def _visible_q(actor: Actor | None) -> Q:
    if actor is None or actor.organization_id is None:
        return Q(pk__in=[])
    own_physicians = Physician.objects.filter(reach_q(actor)).values("id_card_hash")
    return (
        reach_q(actor, region_field="region_path", org_field="organization_id")
        | reach_q(actor, region_field="physician__region_path", org_field="physician__organization_id")
        | Q(physician__isnull=True, id_card_hash__in=own_physicians)
    )


def adverse_record_list_for_actor(
    *,
    actor: Actor | None,
    name: str = "",
    id_card: str = "",
    licence_number: str = "",
    kind: str = "",
    occurred_from: date | None = None,
    occurred_to: date | None = None,
    organization_id=None,
    region: str = "",
    matched: bool | None = None,
) -> QuerySet[AdverseRecord]:
    """Records the actor reaches matching the filters, newest first. `name` and `kind` are substrings,
    `id_card` an exact number (through its keyed hash), `region` a division code (its subtree; 400 when
    unknown), `matched` whether the record is linked to a registry physician."""
    qs = AdverseRecord.objects.filter(_visible_q(actor))
    if name:
        qs = qs.filter(name__contains=name.strip())
    if id_card:
        qs = qs.filter(id_card_hash=keyed_hash(id_card))
    if licence_number:
        qs = qs.filter(
            Q(licence_number=licence_number.strip().upper())
            | Q(physician__licence_number=licence_number.strip().upper())
        )
    if kind:
        qs = qs.filter(kind__contains=kind.strip())
    if occurred_from:
        qs = qs.filter(occurred_on__gte=occurred_from)
    if occurred_to:
        qs = qs.filter(occurred_on__lte=occurred_to)
    if organization_id:
        qs = qs.filter(Q(organization_id=organization_id) | Q(physician__organization_id=organization_id))
    if region:
        qs = qs.filter(region_path__startswith=region_path_for_code(region))
    if matched is not None:
        qs = qs.filter(physician__isnull=not matched)
    return qs.select_related("physician", "organization", "physician__organization").order_by(
        "-occurred_on", "-created_at", "pk"
    )


def adverse_record_get_for_actor(*, actor: Actor | None, record_id) -> AdverseRecord:
    try:
        return (
            AdverseRecord.objects.filter(_visible_q(actor))
            .select_related("physician", "organization", "physician__organization", "imported_by")
            .get(pk=record_id)
        )
    except (AdverseRecord.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def adverse_record_count(physician: Physician, *, since: date | None = None, cycle=None) -> int:
    """How many adverse records the physician has (those matched to them, and those with their ID-card hash
    not matched to anyone), occurred on or after `since`, or within the cycle's period when `cycle` is
    given. Used by the simplified-procedure eligibility rule (`max_adverse_records`)."""
    qs = AdverseRecord.objects.filter(
        Q(physician_id=physician.pk) | Q(physician__isnull=True, id_card_hash=physician.id_card_hash)
    )
    if cycle is not None:
        qs = qs.filter(occurred_on__gte=cycle.starts_on, occurred_on__lte=cycle.ends_on)
    if since is not None:
        qs = qs.filter(occurred_on__gte=since)
    return qs.count()


def physicians_by_id_card_hashes(hashes) -> dict:
    """Registry physicians by ID-card hash (the import's matching)."""
    return {
        p.id_card_hash: p
        for p in Physician.objects.filter(id_card_hash__in=list(hashes)).only(
            "id", "name", "id_card_hash", "licence_number", "organization_id", "region_path"
        )
    }


def existing_record_keys(hashes) -> set[tuple]:
    """(id_card_hash, kind, occurred_on, source) of the records already stored for these ID cards."""
    return set(
        AdverseRecord.objects.filter(id_card_hash__in=list(hashes)).values_list(
            "id_card_hash", "kind", "occurred_on", "source"
        )
    )

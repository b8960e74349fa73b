"""Reads of the physician registry, scoped to the caller through core.scoping.

Who sees which physicians: a commission its region subtree (masked, audited by the views), an institution its
own, an assessment body also the institutions and counties assigned to it (`actor.reach`). A physician outside
the reach is a 404. Writes are narrower: only the physician's own institution (`physician_get_for_manage`).
"""

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from core.actor import Actor
from core.crypto import keyed_hash
from core.errors import ApplicationError, NotFound
from core.scoping import get_in_reach, scope
from organizations import region_selectors
from physicians.models import Physician, PhysicianTransfer, PracticeSite
from physicians.validators import normalise_licence

# The columns a list row needs: the page query reads nothing else (no encrypted ID card, no JSON).
LIST_FIELDS = (
    "id",
    "name",
    "gender",
    "birth_date",
    "id_card_last4",
    "phone",
    "licence_number",
    "practice_category",
    "practice_scope",
    "title",
    "post_type",
    "status",
    "organization_id",
    "department_id",
    "region_path",
    "user_id",
)
# Stable paging: the name is not unique, the id breaks ties.
ORDERING = ("name", "id")


def physician_belongs_to(*, physician_id, organization_id) -> bool:
    return Physician.objects.filter(pk=physician_id, organization_id=organization_id).exists()


def physicians_by_ids(ids) -> dict:
    return {p.id: p for p in Physician.objects.filter(pk__in=list(ids)).select_related("department")}


def region_path_for_code(code: str, *, attr: str = "region") -> str:
    """The materialised path of a region by its division code; an unknown code is a 400."""
    try:
        return region_selectors.region_get(code=code.strip()).path
    except NotFound as exc:
        raise ApplicationError(
            _("未知的行政区划代码：%(code)s。") % {"code": code}, code="unknown_region", attr=attr
        ) from exc


def physician_list_for_actor(
    *,
    actor: Actor | None,
    name: str = "",
    name_contains: str = "",
    id_card: str = "",
    licence_number: str = "",
    organization_id=None,
    region: str = "",
    department_id=None,
    practice_category: str = "",
    title: str = "",
    status: str = "",
    post_type: str = "",
) -> QuerySet[Physician]:
    """The physicians in the actor's reach matching the filters, ordered by name then id (stable pages).

    `name` is a prefix (served by an index), `name_contains` a substring; `id_card` an exact number, matched
    through its keyed hash; `region` a division code whose subtree is searched. Only the list's columns are
    read; the organisation's and department's names come in the same query.
    Errors: `unknown_region` (400) for a region code that does not exist.
    """
    qs = scope(Physician.objects.all(), actor)
    if name:
        # `name >= prefix` is implied by the prefix; it lets the planner start the (name, id) index scan
        # at the prefix instead of walking every name before it (LIKE alone gives no index bound unless
        # the collation is plain C).
        qs = qs.filter(name__startswith=name.strip(), name__gte=name.strip())
    if name_contains:
        qs = qs.filter(name__contains=name_contains.strip())
    if id_card:
        qs = qs.filter(id_card_hash=keyed_hash(id_card))
    if licence_number:
        qs = qs.filter(licence_number=normalise_licence(licence_number))
    if organization_id:
        qs = qs.filter(organization_id=organization_id)
    if region:
        qs = qs.filter(region_path__startswith=region_path_for_code(region))
    if department_id:
        qs = qs.filter(department_id=department_id)
    if practice_category:
        qs = qs.filter(practice_category=practice_category)
    if title:
        qs = qs.filter(title=title)
    if status:
        qs = qs.filter(status=status)
    if post_type:
        qs = qs.filter(post_type=post_type)
    return (
        qs.select_related("organization", "department")
        .only(*LIST_FIELDS, "organization__name", "department__name")
        .order_by(*ORDERING)
    )


def _with_details(qs: QuerySet[Physician]) -> QuerySet[Physician]:
    return qs.select_related("organization", "department").prefetch_related(
        Prefetch("sites", queryset=PracticeSite.objects.select_related("organization")),
        "education_records",
        "practice_records",
        Prefetch(
            "transfers",
            queryset=PhysicianTransfer.objects.select_related(
                "from_organization", "to_organization", "from_department", "to_department", "transferred_by"
            ),
        ),
    )


def physician_get_for_actor(*, actor: Actor | None, physician_id) -> Physician:
    """One physician in the actor's reach with sites, education and practice records and transfers;
    NotFound (404) otherwise."""
    return get_in_reach(_with_details(Physician.objects.all()), actor, physician_id)


def physician_get_for_manage(*, actor: Actor | None, physician_id, lock: bool = False) -> Physician:
    """A physician the actor may change: one of its own institution. Anyone else's is a 404, whatever the
    actor may read (an assessment body reads assigned institutions but never edits their physicians)."""
    if actor is None or actor.organization_id is None:
        raise NotFound()
    qs = Physician.objects.filter(organization_id=actor.organization_id)
    if lock:
        qs = qs.select_for_update()
    try:
        return qs.get(pk=physician_id)
    except (Physician.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def physician_get_own(*, user) -> Physician:
    """The caller's own registry record (their account is linked to it); NotFound otherwise."""
    physician = _with_details(Physician.objects.filter(user_id=user.pk)).first()
    if physician is None:
        raise NotFound(_("您的账号未关联医师信息。"), code="no_physician_record")
    return physician


def id_card_hashes_taken(hashes, *, exclude_pk=None) -> set[str]:
    qs = Physician.objects.filter(id_card_hash__in=list(hashes))
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return set(qs.values_list("id_card_hash", flat=True))


def licence_numbers_taken(numbers, *, exclude_pk=None) -> set[str]:
    qs = Physician.objects.filter(licence_number__in=list(numbers))
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return set(qs.values_list("licence_number", flat=True))

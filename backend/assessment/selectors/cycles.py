"""Reads of assessment cycles and their settings versions (考核设置).

Cycles are province-wide: every signed-in member of an organisation (staff of any kind, physicians) reads
every cycle, its settings in force and all its past versions (they stay readable forever). A caller without
any membership is refused (403). Only the province writes them (services.cycles).
"""

from django.db.models import QuerySet

from assessment.models import Cycle, CycleSettings
from core.actor import Actor
from core.errors import NotFound, PermissionDenied


def _require_member(actor: Actor | None) -> None:
    if actor is None or actor.organization_id is None:
        raise PermissionDenied()


def cycle_list(*, actor: Actor | None, status: str = "") -> QuerySet[Cycle]:
    """Every cycle, newest first, with its settings in force."""
    _require_member(actor)
    qs = Cycle.objects.select_related("settings", "created_by")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-starts_on", "pk")


def cycle_get(*, actor: Actor | None, cycle_id, for_update: bool = False) -> Cycle:
    """One cycle; NotFound when there is none with that id."""
    _require_member(actor)
    qs = Cycle.objects.select_related("settings", "created_by")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=cycle_id)
    except (Cycle.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def cycle_active() -> Cycle | None:
    """The cycle in progress, if any (at most one: a database constraint holds it)."""
    return Cycle.objects.filter(status="active").select_related("settings").first()


def settings_versions(*, cycle: Cycle) -> QuerySet[CycleSettings]:
    """Every settings version of the cycle, newest first."""
    return CycleSettings.objects.filter(cycle=cycle).select_related("created_by").order_by("-version")


def settings_latest_version(*, cycle: Cycle) -> int:
    latest = CycleSettings.objects.filter(cycle=cycle).order_by("-version").values_list("version", flat=True)
    return latest.first() or 0

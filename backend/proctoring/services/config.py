"""Whether a sitting is proctored, and how (the organisation that owns the sitting decides)."""

from django.db import transaction
from django.utils.translation import gettext as _
from exams.selectors.banks import sitting_get_for_actor

from audit.services import audit_record
from core.actor import Actor
from core.errors import ApplicationError
from proctoring.models import ProctoringSettings

LIMITS = {"snapshots": (1, 60), "appeal_days": (1, 90), "retention_days": (1, 3650)}


@transaction.atomic
def settings_set(*, actor: Actor, user, sitting_id, request=None, **values) -> ProctoringSettings:
    """Create or change a sitting's proctoring settings. 404 for a sitting the caller's organisation does
    not own; 400 `out_of_range`."""
    sitting = sitting_get_for_actor(actor=actor, sitting_id=sitting_id, for_update=True)
    for name, (low, high) in LIMITS.items():
        if name in values and not low <= int(values[name]) <= high:
            raise ApplicationError(
                _("取值须在 %(low)s 到 %(high)s 之间。") % {"low": low, "high": high},
                code="out_of_range",
                attr=name,
            )
    config, _created = ProctoringSettings.objects.update_or_create(
        sitting=sitting, defaults={"owner_id": sitting.owner_id, "updated_by": user, **values}
    )
    audit_record(
        action="proctoring.settings_changed",
        actor=user,
        request=request,
        organization_id=sitting.owner_id,
        target=config,
        data=dict(values),
    )
    return config

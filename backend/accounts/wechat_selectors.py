"""Reads about WeChat bindings, for the institution's staff: only physicians of the caller's own organisation
(anything else is a 404, as if it did not exist)."""

from accounts.models import WeChatIdentity
from core.actor import Actor
from core.errors import NotFound
from physicians.models import Physician


def wechat_physician_get_for_actor(*, actor: Actor | None, physician_id, lock: bool = False) -> Physician:
    """A physician of the actor's own organisation (the one they act for), else NotFound."""
    if actor is None or actor.organization_id is None:
        raise NotFound()
    qs = Physician.objects.filter(organization_id=actor.organization_id)
    if lock:
        qs = qs.select_for_update()
    try:
        return qs.get(pk=physician_id)
    except (Physician.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def wechat_identity_for_physician(physician: Physician) -> WeChatIdentity | None:
    if physician.user_id is None:
        return None
    return WeChatIdentity.objects.filter(user_id=physician.user_id).first()


def mask_openid(openid: str) -> str:
    if len(openid) <= 8:
        return "*" * len(openid)
    return f"{openid[:4]}{'*' * (len(openid) - 8)}{openid[-4:]}"

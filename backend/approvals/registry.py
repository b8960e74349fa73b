"""Application types that go through approval chains, registered by the consuming apps at import time
(their AppConfig.ready), e.g.

    register(ApplicationType(code="credentialing.surgical_privilege", label=_("手术权限申请"),
                             on_approved=privilege_grant_from_request, facts=privilege_facts))

The engine never imports a consumer: it calls back through these hooks, inside the transaction of the decision
that ends the request (`on_approved`, `on_rejected`) or of the withdrawal (`on_withdrawn`). `facts(request)`,
when given, recomputes the facts the auto-approval rules read when a returned request is resubmitted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from core.errors import ApplicationError

if TYPE_CHECKING:
    from approvals.models import ApprovalRequest


@dataclass(frozen=True)
class ApplicationType:
    code: str  # e.g. "credentialing.surgical_privilege"
    label: Any  # gettext_lazy Chinese label
    on_approved: Callable[[ApprovalRequest], None]
    on_rejected: Callable[[ApprovalRequest], None] | None = None
    on_withdrawn: Callable[[ApprovalRequest], None] | None = None
    facts: Callable[[ApprovalRequest], dict] | None = None
    # names of the facts `facts` provides, offered by the chain editor (informative only)
    fact_names: tuple[str, ...] = ()


_types: dict[str, ApplicationType] = {}


def register(app_type: ApplicationType) -> None:
    """Register (or replace, for reloads and tests) an application type under its code."""
    _types[app_type.code] = app_type


def unregister(code: str) -> None:
    _types.pop(code, None)


def get_type(code: str) -> ApplicationType:
    """The registered type; ApplicationError `approval_type_unknown` otherwise."""
    app_type = _types.get(code)
    if app_type is None:
        raise ApplicationError(_("未知的申请类型。"), code="approval_type_unknown", attr="type_code")
    return app_type


def type_or_none(code: str) -> ApplicationType | None:
    return _types.get(code)


def all_types() -> list[ApplicationType]:
    return sorted(_types.values(), key=lambda t: t.code)

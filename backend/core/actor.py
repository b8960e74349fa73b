"""Who is acting: the user and the membership they act through, with its permission codes.

Built once per request by the accounts app (settings.ACTOR_RESOLVER) and read by the permission classes and
the selectors. Core only knows this shape, never the accounts models.
"""

from dataclasses import dataclass, field
from enum import StrEnum


class AccessMode(StrEnum):
    MEMBER = "member"  # acts inside its own organisation
    SUPERVISOR = "supervisor"  # a commission reading down its jurisdiction: read-only, personal data masked


@dataclass(frozen=True)
class Actor:
    user_id: object
    organization_id: object | None = None
    organization_kind: str | None = None
    region_path: str | None = None  # materialised path of the organisation's region, e.g. "330000/330100/"
    role: str | None = None
    department_id: object | None = None
    codes: frozenset[str] = field(default_factory=frozenset)
    mode: AccessMode = AccessMode.MEMBER

    def has(self, code: str) -> bool:
        return code in self.codes

    @property
    def is_supervisor(self) -> bool:
        return self.mode == AccessMode.SUPERVISOR

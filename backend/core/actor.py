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
class Reach:
    """What an actor may see in the province platform: whole region subtrees (a commission's jurisdiction,
    the counties an assessment body serves) and single organisations (its own, the institutions assigned to it).
    """

    region_prefixes: tuple[str, ...] = ()
    organization_ids: frozenset = frozenset()

    def merge(self, other: "Reach") -> "Reach":
        return Reach(
            region_prefixes=tuple(dict.fromkeys(self.region_prefixes + other.region_prefixes)),
            organization_ids=self.organization_ids | other.organization_ids,
        )

    def contains(self, *, region_path: str, organization_id) -> bool:
        return organization_id in self.organization_ids or any(
            region_path.startswith(prefix) for prefix in self.region_prefixes
        )


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
    reach: Reach = field(default_factory=Reach)

    def has(self, code: str) -> bool:
        return code in self.codes

    @property
    def is_supervisor(self) -> bool:
        return self.mode == AccessMode.SUPERVISOR

    @property
    def is_commission(self) -> bool:
        return self.organization_kind == "commission"

    @property
    def masks_personal_data(self) -> bool:
        """Commissions read personal data of physicians masked (supervision), institutions see their own."""
        return self.is_supervisor or self.is_commission

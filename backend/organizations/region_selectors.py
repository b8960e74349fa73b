"""Reads of the region tree (administrative divisions are public knowledge: any signed-in user reads them)."""

from django.db.models import QuerySet

from core.errors import NotFound
from organizations.models import Region


def region_list(
    *, parent_code: str | None = None, level: str | None = None, search: str = ""
) -> QuerySet[Region]:
    qs = Region.objects.select_related("parent").order_by("code")
    if parent_code:
        qs = qs.filter(parent__code=parent_code)
    if level:
        qs = qs.filter(level=level)
    if search:
        qs = qs.filter(name__icontains=search)
    return qs


def region_get(*, code: str) -> Region:
    region = Region.objects.select_related("parent").filter(code=code).first()
    if region is None:
        raise NotFound()
    return region


def region_tree(*, root_code: str | None = None) -> list[dict]:
    """The tree below a region (default: every province), nested, in one query."""
    regions = list(Region.objects.order_by("path").values("id", "code", "name", "level", "parent_id", "path"))
    nodes = {r["id"]: {**r, "children": []} for r in regions}
    roots = []
    for r in regions:
        node = nodes[r["id"]]
        parent = nodes.get(r["parent_id"])
        is_root = r["code"] == root_code if root_code else parent is None
        if is_root:
            roots.append(node)
        if parent is not None:
            parent["children"].append(node)
    if root_code and not roots:
        raise NotFound()
    for node in nodes.values():
        node.pop("id")
        node.pop("parent_id")
    return roots

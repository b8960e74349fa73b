"""Regions, organisations and their departments (public schema).

Regions form the province > city > county tree; `path` is the materialised path of division codes
("330000/330100/330102/"), so a jurisdiction is one indexed prefix match.
Organisations and departments are never hard-deleted: they are deactivated.
"""

from django.db import models

from core.models import BaseModel
from organizations.enums import OrganizationKind, OrganizationStatus, RegionLevel


class Region(BaseModel):
    code = models.CharField(max_length=12, unique=True)  # administrative division code (GB/T 2260)
    name = models.CharField(max_length=64)
    level = models.CharField(max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=128, unique=True)

    class Meta:
        ordering = ["code"]
        indexes = [
            models.Index(fields=["path"], name="region_path_prefix", opclasses=["varchar_pattern_ops"])
        ]

    def __str__(self):
        return self.name


class Organization(BaseModel):
    kind = models.CharField(max_length=16, choices=OrganizationKind.choices, db_index=True)
    name = models.CharField(max_length=128)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="organizations")
    # Denormalised from region.path so that jurisdiction filters are one indexed prefix match.
    region_path = models.CharField(max_length=128, db_index=True)
    unified_social_credit_code = models.CharField(max_length=18, null=True, blank=True, unique=True)
    institution_type = models.CharField(max_length=32, blank=True)  # 综合医院, 中医医院, 社区卫生服务中心 ...
    grade = models.CharField(max_length=16, blank=True)  # 三级甲等 ...
    address = models.CharField(max_length=255, blank=True)
    contact_name = models.CharField(max_length=64, blank=True)
    contact_phone = models.CharField(max_length=32, blank=True)
    status = models.CharField(
        max_length=16, choices=OrganizationStatus.choices, default=OrganizationStatus.ACTIVE
    )
    is_assessment_body = models.BooleanField(default=False)
    email = models.EmailField(blank=True)
    # Set by the commission (bulk allow / disallow): only then may the organisation apply to be a body.
    may_apply_assessment_body = models.BooleanField(default=False)
    # A commission's assessment committee (考核管理委员会) and assessment office (考核办公室).
    committee_name = models.CharField(max_length=128, blank=True)
    committee_director = models.CharField(max_length=64, blank=True)
    committee_phone = models.CharField(max_length=32, blank=True)
    office_name = models.CharField(max_length=128, blank=True)
    office_director = models.CharField(max_length=64, blank=True)
    office_phone = models.CharField(max_length=32, blank=True)
    office_address = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["region_path", "name"]
        indexes = [
            models.Index(fields=["kind", "region_path"]),
            models.Index(
                fields=["region_path"], name="org_region_path_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self):
        return self.name


class Department(BaseModel):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="departments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(max_length=64)
    code = models.CharField(max_length=32, blank=True)
    sort_order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["organization", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "parent", "name"], name="department_unique_name"),
        ]

    def __str__(self):
        return self.name

"""The physician registry (public schema). ID-card numbers are encrypted at rest and found by a keyed hash."""

from django.db import models

from core.models import BaseModel
from physicians.enums import PhysicianStatus, PostType, PracticeCategory


class Physician(BaseModel):
    user = models.OneToOneField(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="physician"
    )
    name = models.CharField(max_length=64)
    gender = models.CharField(max_length=8, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    id_card_encrypted = models.TextField()
    id_card_hash = models.CharField(max_length=64, unique=True)  # HMAC-SHA256, for exact search
    id_card_last4 = models.CharField(max_length=4)  # for the masked display
    phone = models.CharField(max_length=20, blank=True)
    licence_number = models.CharField(max_length=32, unique=True)
    practice_category = models.CharField(max_length=16, choices=PracticeCategory.choices)
    practice_scope = models.CharField(max_length=64, blank=True)
    title = models.CharField(max_length=32, blank=True)  # 主任医师, 副主任医师, 主治医师, 医师
    qualification_number = models.CharField(max_length=32, blank=True)  # 医师资格证书编号
    licence_valid_until = models.DateField(null=True, blank=True)
    education = models.CharField(
        max_length=16, blank=True
    )  # 最高学历: 博士研究生, 硕士研究生, 本科, 大专 ...
    specialty = models.CharField(max_length=64, blank=True)  # 专业
    post_type = models.CharField(max_length=24, choices=PostType.choices, default=PostType.CLINICAL)
    special_roles = models.JSONField(
        default=list, blank=True
    )  # ["attending", "supervisor"]: 主诊医师, 带教老师
    hired_on = models.DateField(null=True, blank=True)
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="physicians"
    )
    region_path = models.CharField(max_length=128, db_index=True)  # of the organisation, for jurisdiction
    department = models.ForeignKey(
        "organizations.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="physicians"
    )
    status = models.CharField(max_length=16, choices=PhysicianStatus.choices, default=PhysicianStatus.ACTIVE)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["organization", "name"]),
            models.Index(fields=["region_path", "practice_category"]),
            # The list's order (name, id): a page is the first matching entries of this index, not a sort of
            # the whole jurisdiction (a city holds tens of thousands of physicians).
            models.Index(fields=["name", "id"], name="physician_name_id"),
            # `?name=` is a prefix match; pattern ops serve it whatever the database's collation.
            models.Index(fields=["name"], name="physician_name_prefix", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return self.name

    @property
    def id_card_masked(self) -> str:
        return f"{'*' * 14}{self.id_card_last4}"


class PracticeSite(BaseModel):
    """Where a physician practises (执业地点), the primary one and multi-site filings (多机构备案)."""

    physician = models.ForeignKey(Physician, on_delete=models.CASCADE, related_name="sites")
    organization = models.ForeignKey(
        "organizations.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    site_name = models.CharField(max_length=128)
    is_primary = models.BooleanField(default=False)
    filed_on = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-is_primary", "filed_on"]


class EducationRecord(BaseModel):
    physician = models.ForeignKey(Physician, on_delete=models.CASCADE, related_name="education_records")
    school = models.CharField(max_length=128)
    major = models.CharField(max_length=64, blank=True)
    degree = models.CharField(max_length=32, blank=True)
    started_on = models.DateField(null=True, blank=True)
    finished_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["started_on"]


class PracticeRecord(BaseModel):
    """Practice history (执业经历) before and in the current institution."""

    physician = models.ForeignKey(Physician, on_delete=models.CASCADE, related_name="practice_records")
    organization_name = models.CharField(max_length=128)
    department_name = models.CharField(max_length=64, blank=True)
    title = models.CharField(max_length=32, blank=True)
    started_on = models.DateField(null=True, blank=True)
    finished_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["started_on"]


class PhysicianTransfer(BaseModel):
    """A change of institution (变更医疗卫生机构), kept as history."""

    physician = models.ForeignKey(Physician, on_delete=models.PROTECT, related_name="transfers")
    from_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    to_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    from_department = models.ForeignKey(
        "organizations.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_department = models.ForeignKey(
        "organizations.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    transferred_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at"]

"""The physician registry (public schema). ID-card numbers are encrypted at rest and found by a keyed hash."""

from django.db import models

from core.models import BaseModel
from physicians.enums import PhysicianStatus, PracticeCategory


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
        ]

    def __str__(self):
        return self.name

    @property
    def id_card_masked(self) -> str:
        return f"{'*' * 14}{self.id_card_last4}"

from django.db import models
from django.utils.translation import gettext_lazy as _


class PracticeCategory(models.TextChoices):
    CLINICAL = "clinical", _("临床")
    TCM = "tcm", _("中医")
    DENTAL = "dental", _("口腔")
    PUBLIC_HEALTH = "public_health", _("公共卫生")


class PhysicianStatus(models.TextChoices):
    ACTIVE = "active", _("在职")
    INACTIVE = "inactive", _("停用")


class PostType(models.TextChoices):
    CLINICAL = "clinical", _("临床")
    MEDICAL_TECHNICAL = "medical_technical", _("医技")
    ADMINISTRATIVE = "administrative", _("行政")


class SpecialRole(models.TextChoices):
    ATTENDING = "attending", _("主诊医师")
    SUPERVISOR = "supervisor", _("带教老师")

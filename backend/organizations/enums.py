from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("区县")


class OrganizationKind(models.TextChoices):
    COMMISSION = "commission", _("卫生健康行政部门")
    INSTITUTION = "institution", _("医疗卫生机构")
    INDUSTRY_ORG = "industry_org", _("行业组织")


class OrganizationStatus(models.TextChoices):
    ACTIVE = "active", _("启用")
    INACTIVE = "inactive", _("停用")

"""A delegation world beside the session `world`: a province commission, a county commission under city X
with a hospital of its own, and an industry organisation in city X, each with its administrator. Made per
test (rolled back), imported by the test modules that use it."""

import pytest

from accounts.models import Membership, User
from accounts.roles import Role
from organizations.models import Organization, Region
from organizations.validators import uscc_with_check
from tests.conftest import PASSWORD, World


def make_user(username, organization=None, role=None, *, name="", phone="", password=PASSWORD):
    user = User(username=username, name=name or username, phone=phone, must_change_password=False)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    if organization is not None:
        Membership.objects.create(user=user, organization=organization, role=role)
    return user


def make_org(name, kind, region, uscc17=None, **extra):
    return Organization.objects.create(
        name=name,
        kind=kind,
        region=region,
        region_path=region.path,
        unified_social_credit_code=uscc_with_check(uscc17) if uscc17 else None,
        **extra,
    )


@pytest.fixture
def delegation(world, db):
    d = World()
    d.county = Region.objects.create(
        code="330106", name="西湖区", level="county", parent=world.city_x, path=world.city_x.path + "330106/"
    )
    d.province_commission = make_org("浙江省卫生健康委员会", "commission", world.province)
    d.county_commission = make_org("杭州市西湖区卫生健康局", "commission", d.county)
    d.county_hospital = make_org(
        "西湖区人民医院", "institution", d.county, "12330106H00000001", institution_type="综合医院"
    )
    d.industry = make_org("杭州市医师协会", "industry_org", world.city_x, "51330100MJ0000009")
    d.province_admin = make_user("h2_province", d.province_commission, Role.PROVINCE_ADMIN)
    d.county_admin = make_user("h2_county", d.county_commission, Role.COUNTY_ADMIN, phone="13700001234")
    d.county_hosp_admin = make_user(
        "h2_county_hosp", d.county_hospital, Role.HOSPITAL_ADMIN, name="西湖医院管理员", phone="13600005678"
    )
    d.county_doctor = make_user("h2_county_doctor", d.county_hospital, Role.DOCTOR)
    d.industry_admin = make_user("h2_industry", d.industry, Role.INDUSTRY_ADMIN)
    d.expert = make_user("h2_industry_expert", d.industry, Role.EXPERT)
    return d

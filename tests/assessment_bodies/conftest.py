"""A wider world for assessment bodies, made per test (rolled back): counties, commissions at every level,
an industry organisation, a second institution in a county, and a reviewer in hospital B."""

import pytest

from tests.conftest import PASSWORD


class AbWorld:
    pass


@pytest.fixture
def ab(world, db):
    from accounts.models import User
    from accounts.roles import Role
    from accounts.services import membership_grant
    from organizations.models import Organization, Region

    w = AbWorld()
    w.world = world

    def region(code, name, parent):
        obj, _ = Region.objects.get_or_create(
            code=code,
            defaults={"name": name, "level": "county", "parent": parent, "path": f"{parent.path}{code}/"},
        )
        return obj

    def org(name, kind, reg, **extra):
        return Organization.objects.create(name=name, kind=kind, region=reg, region_path=reg.path, **extra)

    def user(username, organization, role):
        u = User(username=username, name=username, must_change_password=False)
        u.set_password(PASSWORD)
        u.save()
        membership_grant(user=u, organization=organization, role=role)
        return u

    w.county_x = region("330102", "上城区", world.city_x)
    w.county_x2 = region("330105", "拱墅区", world.city_x)
    w.county_y = region("330203", "海曙区", world.city_y)
    w.province_commission = org("浙江省卫生健康委员会", "commission", world.province)
    w.commission_x = world.commission_x
    w.commission_y = org("宁波市卫生健康委员会", "commission", world.city_y)
    w.county_commission_x = org("上城区卫生健康局", "commission", w.county_x)
    w.hospital_c = org("上城区人民医院", "institution", w.county_x)
    w.industry = org("杭州市医学会", "industry_org", world.city_x)
    w.hospital_a, w.hospital_b = world.hospital_a, world.hospital_b

    w.province_admin = user("ab_province_admin", w.province_commission, Role.PROVINCE_ADMIN)
    w.city_y_admin = user("ab_city_y_admin", w.commission_y, Role.CITY_ADMIN)
    w.county_admin = user("ab_county_admin", w.county_commission_x, Role.COUNTY_ADMIN)
    w.industry_admin = user("ab_industry_admin", w.industry, Role.INDUSTRY_ADMIN)
    w.reviewer_b = user("ab_reviewer_b", w.hospital_b, Role.ASSESSMENT_REVIEWER)
    w.reviewer_industry = user("ab_reviewer_ind", w.industry, Role.ASSESSMENT_REVIEWER)
    w.admin_c = user("ab_admin_c", w.hospital_c, Role.HOSPITAL_ADMIN)
    return w

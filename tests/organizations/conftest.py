"""Fixtures of the organisation and department tests, made per test (rolled back) beside the session `world`:
a province commission with its admin, a county of city X, a medical affairs officer of hospital A, and a small
department tree of hospital A."""

import pytest

from accounts.models import Membership, User
from accounts.roles import Role
from organizations.models import Department, Organization, Region
from tests.conftest import PASSWORD, World


def make_user(username, organization=None, role=None, *, department=None):
    user = User(username=username, name=username, must_change_password=False)
    user.set_password(PASSWORD)
    user.save()
    if organization is not None:
        Membership.objects.create(user=user, organization=organization, role=role, department=department)
    return user


def make_department(organization, name, parent=None, **extra):
    return Department.objects.create(organization=organization, name=name, parent=parent, **extra)


@pytest.fixture
def orgs(world, db):
    o = World()
    o.province_commission = Organization.objects.create(
        name="浙江省卫生健康委员会(h3)",
        kind="commission",
        region=world.province,
        region_path=world.province.path,
    )
    o.province_admin = make_user("h3_province", o.province_commission, Role.PROVINCE_ADMIN)
    o.county = Region.objects.create(
        code="330106", name="西湖区", level="county", parent=world.city_x, path="330000/330100/330106/"
    )
    o.affairs_a = make_user("h3_affairs_a", world.hospital_a, Role.MEDICAL_AFFAIRS)
    return o


@pytest.fixture
def tree(world, db):
    """Hospital A: 内科 (sort 1) > 心内科, 消化内科 > 消化内镜室; 外科 (sort 2); plus the world's 普外科."""
    t = World()
    t.internal = make_department(world.hospital_a, "内科", code="NK", sort_order=1)
    t.cardio = make_department(world.hospital_a, "心内科", t.internal, sort_order=1)
    t.gastro = make_department(world.hospital_a, "消化内科", t.internal, sort_order=2)
    t.endoscopy = make_department(world.hospital_a, "消化内镜室", t.gastro)
    t.surgery = make_department(world.hospital_a, "外科", code="WK", sort_order=2)
    return t

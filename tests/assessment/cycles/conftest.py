"""Fixtures of the cycle-settings tests: the province commission with its administrator (`cyc_province`)."""

import pytest

from accounts.models import User
from accounts.roles import Role
from accounts.services import membership_grant
from organizations.models import Organization
from tests.conftest import PASSWORD


def make_user(username, organization, role, department=None) -> User:
    user = User(username=username, name=username, must_change_password=False)
    user.set_password(PASSWORD)
    user.save()
    membership_grant(user=user, organization=organization, role=role, department=department)
    return user


@pytest.fixture
def province_commission(world, db):
    return Organization.objects.create(
        name="浙江省卫生健康委员会", kind="commission", region=world.province, region_path=world.province.path
    )


@pytest.fixture
def province_admin(province_commission):
    return make_user("cyc_province", province_commission, Role.PROVINCE_ADMIN)

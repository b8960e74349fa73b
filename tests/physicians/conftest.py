"""Fixtures of the physician registry tests, made per test (rolled back) beside the session `world`:
a doctor whose account is linked to a registry record, a city Y commission, a medical affairs officer of
hospital A, and helpers for valid ID-card numbers and .xlsx uploads."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Membership, User
from accounts.roles import Role
from core.crypto import encrypt, keyed_hash
from core.xlsx import XLSX_CONTENT_TYPE, write_workbook
from organizations.models import Organization
from physicians.models import Physician
from physicians.validators import id_card_with_check
from tests.conftest import PASSWORD, World


def make_user(username, organization=None, role=None, *, name=""):
    user = User(username=username, name=name or username, must_change_password=False)
    user.set_password(PASSWORD)
    user.save()
    if organization is not None:
        Membership.objects.create(user=user, organization=organization, role=role)
    return user


def id_card(region: str = "330106", birth: str = "19800101", seq: str = "123") -> str:
    """A valid number (GB 11643 check character) from its parts."""
    return id_card_with_check(region + birth + seq)


def make_physician(organization, *, name, number, licence, department=None, user=None, phone="13700000000"):
    return Physician.objects.create(
        name=name,
        user=user,
        organization=organization,
        region_path=organization.region_path,
        department=department,
        id_card_encrypted=encrypt(number),
        id_card_hash=keyed_hash(number),
        id_card_last4=number[-4:],
        licence_number=licence,
        practice_category="clinical",
        phone=phone,
        title="医师",
    )


def xlsx_upload(headers, rows, name="physicians.xlsx"):
    return SimpleUploadedFile(name, write_workbook(headers, rows), content_type=XLSX_CONTENT_TYPE)


@pytest.fixture
def registry(world, db):
    r = World()
    r.city_y_commission = Organization.objects.create(
        name="宁波市卫生健康委员会(h4)", kind="commission", region=world.city_y, region_path=world.city_y.path
    )
    r.city_y_admin = make_user("h4_city_y", r.city_y_commission, Role.CITY_ADMIN)
    r.affairs_a = make_user("h4_affairs_a", world.hospital_a, Role.MEDICAL_AFFAIRS)
    r.own_user = make_user("h4_doctor", world.hospital_a, Role.DOCTOR, name="王医生")
    r.own_number = id_card("330106", "19900315", "457")
    r.own = make_physician(
        world.hospital_a,
        name="王医生",
        number=r.own_number,
        licence="110330100000901",
        department=world.dept_a,
        user=r.own_user,
        phone="13811112222",
    )
    return r

"""Fixtures of the enrolment and adverse-record tests: more physicians in hospital A, medical affairs, a
department head, an assessment body assigned to hospital A with its reviewer, the province administrator."""

import io

import pytest
from openpyxl import Workbook

from accounts.models import User
from accounts.roles import Role
from accounts.services import membership_grant
from assessment_bodies.models import AssessmentBodyAssignment
from core.crypto import encrypt, keyed_hash
from organizations.models import Department, Organization
from physicians.models import Physician
from physicians.validators import id_card_with_check
from tests.conftest import PASSWORD


def make_user(username, organization, role, department=None) -> User:
    user = User(username=username, name=username, must_change_password=False)
    user.set_password(PASSWORD)
    user.save()
    membership_grant(user=user, organization=organization, role=role, department=department)
    return user


def make_physician(name, organization, *, seq: int, department=None, title="主治医师", **extra) -> Physician:
    id_card = id_card_with_check(f"33010219750101{seq:03d}")
    return Physician.objects.create(
        name=name,
        organization=organization,
        region_path=organization.region_path,
        department=department,
        id_card_encrypted=encrypt(id_card),
        id_card_hash=keyed_hash(id_card),
        id_card_last4=id_card[-4:],
        licence_number=f"110330100{seq:06d}",
        practice_category="clinical",
        title=title,
        **extra,
    )


def xlsx_file(headers, rows, name="import.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    out.name = name
    return out


@pytest.fixture
def dept_a2(world, db):
    return Department.objects.create(organization=world.hospital_a, name="心胸外科")


@pytest.fixture
def candidates_a(world, dept_a2):
    """Three more physicians of hospital A (one in another department, one a chief physician)."""
    return [
        make_physician("王医生", world.hospital_a, seq=101, department=world.dept_a),
        make_physician("赵医生", world.hospital_a, seq=102, department=dept_a2),
        make_physician("钱医生", world.hospital_a, seq=103, department=world.dept_a, title="主任医师"),
    ]


@pytest.fixture
def affairs_a(world, db):
    return make_user("enr_affairs_a", world.hospital_a, Role.MEDICAL_AFFAIRS)


@pytest.fixture
def head_a(world, db):
    return make_user("enr_head_a", world.hospital_a, Role.DEPARTMENT_HEAD, department=world.dept_a)


@pytest.fixture
def province_commission(world, db):
    return Organization.objects.create(
        name="浙江省卫生健康委员会", kind="commission", region=world.province, region_path=world.province.path
    )


@pytest.fixture
def province_admin(province_commission):
    return make_user("enr_province", province_commission, Role.PROVINCE_ADMIN)


@pytest.fixture
def body_x(world, db):
    """An assessment body in city X assigned to hospital A, with a reviewer (`enr_body_x`)."""
    body = Organization.objects.create(
        name="杭州市医师协会",
        kind="industry_org",
        region=world.city_x,
        region_path=world.city_x.path,
        is_assessment_body=True,
    )
    make_user("enr_body_x", body, Role.ASSESSMENT_REVIEWER)
    AssessmentBodyAssignment.objects.create(
        body=body,
        target_organization=world.hospital_a,
        target_region_path=world.hospital_a.region_path,
        assigned_by=world.commission_x,
        assigned_by_region_path=world.commission_x.region_path,
    )
    return body


@pytest.fixture
def industry_x(world, db):
    """An industry organisation (not a body) with its administrator (`enr_industry_x`)."""
    org = Organization.objects.create(
        name="杭州市医学会", kind="industry_org", region=world.city_x, region_path=world.city_x.path
    )
    make_user("enr_industry_x", org, Role.INDUSTRY_ADMIN)
    return org

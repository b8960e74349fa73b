"""Fixtures of the score and result tests: an assessment body in city X with a reviewer (`res_body_x`) and an
expert (`res_expert_x`), one in city Y (`res_body_y`), the province commission with its administrator
(`res_province`), and enrolments already approved at re-review."""

import pytest
from assessment.enums import EnrolmentStatus

from accounts.roles import Role
from organizations.models import Organization
from tests.assessment.conftest import enrol
from tests.assessment.reports.conftest import link, make_user, set_status


def _body(name, region):
    return Organization.objects.create(
        name=name, kind="industry_org", region=region, region_path=region.path, is_assessment_body=True
    )


@pytest.fixture
def body_x(world, db):
    body = _body("杭州市医师协会", world.city_x)
    make_user("res_body_x", body, Role.ASSESSMENT_REVIEWER)
    make_user("res_expert_x", body, Role.EXPERT)
    return body


@pytest.fixture
def body_y(world, db):
    body = _body("宁波市医师协会", world.city_y)
    make_user("res_body_y", body, Role.ASSESSMENT_REVIEWER)
    make_user("res_expert_y", body, Role.EXPERT)
    return body


@pytest.fixture
def province(world, db):
    commission = Organization.objects.create(
        name="浙江省卫生健康委员会", kind="commission", region=world.province, region_path=world.province.path
    )
    make_user("res_province", commission, Role.PROVINCE_ADMIN)
    return commission


@pytest.fixture
def doctor_a(world, db):
    link(world.physician_a, world.doctor_a)
    return world.doctor_a


@pytest.fixture
def approved_a(world, cycle, body_x):
    """Physician A (hospital A, city X), general procedure, approved at re-review by body X."""
    e = enrol(cycle, world.physician_a, by=world.admin_a, assessment_body=body_x)
    return set_status(e, EnrolmentStatus.BODY_APPROVED, procedure="general")


@pytest.fixture
def approved_b(world, cycle, body_y):
    """Physician B (hospital B, city Y: no city commission, the province confirms), approved by body Y."""
    e = enrol(cycle, world.physician_b, by=world.admin_b, assessment_body=body_y)
    return set_status(e, EnrolmentStatus.BODY_APPROVED, procedure="general")

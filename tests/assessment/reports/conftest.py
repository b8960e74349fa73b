"""Fixtures of the self-report and review tests: physician accounts linked to their registry records,
department heads, an assessment body with a reviewer, complete forms, enrolments in the state a test needs."""

import pytest
from assessment.enums import EnrolmentStatus
from assessment.models import DepartmentRating, SelfReport
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.services import membership_grant
from organizations.models import Department, Organization
from physicians.models import Physician
from tests.conftest import PASSWORD

FORMS_OK = {
    "basic": {"name": "张医生", "gender": "男", "title": "主治医师", "phone": "13800001111"},
    "practice": {
        "licence_number": "110330100000001",
        "practice_category": "clinical",
        "practice_scope": "外科专业",
        "sites": [{"site_name": "杭州市第一人民医院", "is_primary": True}],
    },
    "experience": {
        "education_records": [{"school": "浙江大学医学院", "degree": "硕士"}],
        "practice_records": [{"organization_name": "杭州市第一人民医院", "started_on": "2005-07-01"}],
    },
    "work_performance": {"summary": "本周期完成门诊 3000 人次，手术 200 台。", "outpatient_visits": 3000},
    "ethics": {"self_rating": "good", "statement": "恪守医德，廉洁行医，无投诉。"},
}


def make_user(username, organization, role, department=None) -> User:
    user = User(username=username, name=username, must_change_password=False)
    user.set_password(PASSWORD)
    user.save()
    membership_grant(user=user, organization=organization, role=role, department=department)
    return user


def link(physician, user) -> None:
    Physician.objects.filter(pk=physician.pk).update(user=user)


def set_status(enrolment, status, **fields):
    """Put an enrolment in a state directly (with a submitted report when past submission)."""
    enrolment.status = status
    if status not in (EnrolmentStatus.ENROLLED, EnrolmentStatus.DRAFTING):
        enrolment.submitted_at = enrolment.submitted_at or timezone.now()
        enrolment.procedure = enrolment.procedure or "general"
        SelfReport.objects.update_or_create(
            enrolment=enrolment,
            defaults={"forms": FORMS_OK, "submitted_forms": FORMS_OK, "procedure": enrolment.procedure},
        )
    for name, value in fields.items():
        setattr(enrolment, name, value)
    enrolment.save()
    return enrolment


def rate(enrolment, by):
    DepartmentRating.objects.update_or_create(
        enrolment=enrolment, defaults={"work_performance": "good", "ethics": "good", "rated_by": by}
    )
    return set_status(enrolment, EnrolmentStatus.DEPARTMENT_RATED)


@pytest.fixture
def doctor_a(world, db):
    """doctor_a's account linked to physician A's registry record."""
    link(world.physician_a, world.doctor_a)
    return world.doctor_a


@pytest.fixture
def doctor_b(world, db):
    """A physician account in hospital B linked to physician B."""
    user = make_user("rep_doctor_b", world.hospital_b, Role.DOCTOR)
    link(world.physician_b, user)
    return user


@pytest.fixture
def head_a(world, db):
    return make_user("rep_head_a", world.hospital_a, Role.DEPARTMENT_HEAD, department=world.dept_a)


@pytest.fixture
def head_a_other(world, db):
    """The head of another department of hospital A."""
    other = Department.objects.create(organization=world.hospital_a, name="心胸外科")
    return make_user("rep_head_a2", world.hospital_a, Role.DEPARTMENT_HEAD, department=other)


@pytest.fixture
def head_b(world, db):
    return make_user("rep_head_b", world.hospital_b, Role.DEPARTMENT_HEAD, department=world.dept_b)


@pytest.fixture
def affairs_a(world, db):
    return make_user("rep_affairs_a", world.hospital_a, Role.MEDICAL_AFFAIRS)


def _body(name, region):
    return Organization.objects.create(
        name=name, kind="industry_org", region=region, region_path=region.path, is_assessment_body=True
    )


@pytest.fixture
def body_x(world, db):
    """An assessment body in city X with a reviewer (`rep_body_x`)."""
    body = _body("杭州市医师协会", world.city_x)
    make_user("rep_body_x", body, Role.ASSESSMENT_REVIEWER)
    return body


@pytest.fixture
def body_y(world, db):
    body = _body("宁波市医师协会", world.city_y)
    make_user("rep_body_y", body, Role.ASSESSMENT_REVIEWER)
    return body

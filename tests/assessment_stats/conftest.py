"""Fixtures of the progress statistics tests: a province, a city and a county commission with their
administrators, a county hospital C, an assessment body re-reviewing hospital A, a department head of A, more
physicians, and a spread of enrolments whose counts the tests know by heart.

The spread (`spread` fixture), cycle 2024-2026:
    hospital A (city X, 330100)  dept_a  (普外科):  张医生 主治医师 passed(pass), 王医生 主任医师 passed(excellent)
                                 dept_a2 (心胸外科): 赵医生 主治医师 failed, 孙医生 主治医师 submitted
                                 (all four re-reviewed by body_x)
    hospital C (county 330102)   no dept:            周医生 副主任医师 withdrawn, 吴医生 副主任医师 publicized
    hospital B (city Y, 330200)  dept_b  (心内科):  李医生 主治医师 passed(pass), 郑医生 主治医师 enrolled
"""

import pytest
from assessment.enums import EnrolmentStatus as S
from assessment.enums import ResultLevel
from assessment_stats import selectors

from accounts.roles import Role
from organizations.models import Department, Organization, Region
from tests.assessment.conftest import cycle, enrol  # noqa: F401 - fixtures for this folder
from tests.assessment.enrolment.conftest import make_physician, make_user


def assert_in_step(cycle) -> None:  # noqa: F811 - the fixture's name, as a parameter
    """The maintained rollup equals a fresh GROUP BY of the enrolments, and is not empty."""
    assert selectors.rollup_diff(cycle.pk) == {}
    assert selectors.rollup_buckets(cycle.pk) == selectors.fresh_buckets(cycle.pk)


@pytest.fixture
def county(world, db):
    return Region.objects.create(
        code="330102", name="上城区", level="county", parent=world.city_x, path="330000/330100/330102/"
    )


def _org(name, kind, region, **extra):
    return Organization.objects.create(name=name, kind=kind, region=region, region_path=region.path, **extra)


@pytest.fixture
def hospital_c(county):
    return _org("上城区人民医院", "institution", county)


@pytest.fixture
def province_admin(world):
    commission = _org("浙江省卫生健康委员会", "commission", world.province)
    return make_user("st_province", commission, Role.PROVINCE_ADMIN)


@pytest.fixture
def county_admin(county):
    commission = _org("上城区卫生健康局", "commission", county)
    return make_user("st_county", commission, Role.COUNTY_ADMIN)


@pytest.fixture
def body_x(world, db):
    body = _org("杭州市医师协会", "industry_org", world.city_x, is_assessment_body=True)
    make_user("st_body_x", body, Role.ASSESSMENT_REVIEWER)
    return body


@pytest.fixture
def dept_a2(world, db):
    return Department.objects.create(organization=world.hospital_a, name="心胸外科")


@pytest.fixture
def head_a(world, db):
    return make_user("st_head_a", world.hospital_a, Role.DEPARTMENT_HEAD, department=world.dept_a)


@pytest.fixture
def spread(world, cycle, hospital_c, body_x, dept_a2):  # noqa: F811
    """The enrolments of the module docstring: {name: Enrolment}."""
    a, b = world.hospital_a, world.hospital_b
    wang = make_physician("王医生", a, seq=201, department=world.dept_a, title="主任医师")
    zhao = make_physician("赵医生", a, seq=202, department=dept_a2)
    sun = make_physician("孙医生", a, seq=203, department=dept_a2)
    zhou = make_physician("周医生", hospital_c, seq=204, title="副主任医师")
    wu = make_physician("吴医生", hospital_c, seq=205, title="副主任医师")
    zheng = make_physician("郑医生", b, seq=206, department=world.dept_b)
    by_a, by_b = world.admin_a, world.admin_b
    general = {"procedure": "general"}
    return {
        "张医生": enrol(
            cycle,
            world.physician_a,
            by=by_a,
            status=S.PASSED,
            result_level=ResultLevel.PASS,
            assessment_body=body_x,
            **general,
        ),
        "王医生": enrol(
            cycle,
            wang,
            by=by_a,
            status=S.PASSED,
            result_level=ResultLevel.EXCELLENT,
            assessment_body=body_x,
            **general,
        ),
        "赵医生": enrol(
            cycle,
            zhao,
            by=by_a,
            status=S.FAILED,
            result_level=ResultLevel.FAIL,
            assessment_body=body_x,
            **general,
        ),
        "孙医生": enrol(cycle, sun, by=by_a, status=S.SUBMITTED, assessment_body=body_x, **general),
        "周医生": enrol(cycle, zhou, by=by_a, status=S.WITHDRAWN),
        "吴医生": enrol(cycle, wu, by=by_a, status=S.PUBLICIZED, procedure="simplified"),
        "李医生": enrol(
            cycle, world.physician_b, by=by_b, status=S.PASSED, result_level=ResultLevel.PASS, **general
        ),
        "郑医生": enrol(cycle, zheng, by=by_b),
    }

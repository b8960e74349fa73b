"""Fixtures of the periodic assessment: a cycle in force with its first settings version, and enrolments of
the world's physicians. Function-scoped (rolled back after each test). Areas add their own fixtures in their
own sub-folder's conftest.py."""

from datetime import date, timedelta

import pytest
from assessment.enums import CycleStatus, Phase
from assessment.models import Cycle, CycleSettings, Enrolment
from django.utils import timezone

TODAY = timezone.localdate()


def open_phases(**overrides) -> dict:
    """Every phase open from 30 days ago to 30 days ahead, unless overridden: {"self_report": (opens, closes)}."""
    phases = {
        p.value: {"opens": str(TODAY - timedelta(days=30)), "closes": str(TODAY + timedelta(days=30))}
        for p in Phase
    }
    for phase, (opens, closes) in overrides.items():
        phases[phase] = {"opens": str(opens), "closes": str(closes)}
    return phases


DEFAULT_SETTINGS = {
    "department_rating": True,
    "body_review": True,
    "components": [
        {"component": "competence_test", "weight": 60, "procedures": ["general"]},
        {"component": "work_performance", "weight": 20, "procedures": ["general", "simplified"]},
        {"component": "ethics", "weight": 20, "procedures": ["general", "simplified"]},
    ],
    "result_levels": {"excellent": 90, "pass": 60},
    "simplified_rules": {"min_practice_years": 15, "max_adverse_records": 0},
    "exemption_rules": {"reasons": ["援外医疗", "重大公共卫生事件一线工作"], "attachment_required": True},
    "forms": {"required": ["basic", "practice", "experience", "work_performance", "ethics"]},
    "publicity_days": 7,
    "makeup_allowed": True,
}


@pytest.fixture
def cycle(world, db):
    """The 2024-2026 cycle, active, with settings version 1 (every phase open today)."""
    c = Cycle.objects.create(
        code="2024-2026",
        name="2024—2026年度医师定期考核",
        starts_on=date(2024, 1, 1),
        ends_on=date(2026, 12, 31),
        status=CycleStatus.ACTIVE,
        created_by=world.city_admin,
    )
    c.settings = CycleSettings.objects.create(
        cycle=c, version=1, phases=open_phases(), created_by=world.city_admin, **DEFAULT_SETTINGS
    )
    c.save(update_fields=["settings"])
    return c


def enrol(cycle, physician, *, by, status="enrolled", **extra) -> Enrolment:
    """An enrolment as the institution makes it (tests that need another state set `status` directly)."""
    return Enrolment.objects.create(
        cycle=cycle,
        settings=cycle.settings,
        physician=physician,
        organization=physician.organization,
        region_path=physician.region_path,
        department=physician.department,
        title=physician.title,
        status=status,
        enrolled_by=by,
        **extra,
    )


@pytest.fixture
def enrolment_a(world, cycle):
    return enrol(cycle, world.physician_a, by=world.admin_a)


@pytest.fixture
def enrolment_b(world, cycle):
    return enrol(cycle, world.physician_b, by=world.admin_b)

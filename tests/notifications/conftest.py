"""Fixtures of the notification tests: the active cycle with its phases, physician accounts linked to their
registry records, reviewers, Celery run inline (the SMS task), the fake SMS outbox emptied."""

import itertools
from datetime import timedelta

import pytest
from assessment.enums import CycleStatus
from assessment.models import Cycle, CycleSettings
from django.utils import timezone

from accounts import sms
from accounts.roles import Role
from core.crypto import encrypt, keyed_hash
from physicians.models import Physician
from tests.assessment.conftest import DEFAULT_SETTINGS, enrol, open_phases
from tests.assessment.reports.conftest import link, make_user, set_status

TODAY = timezone.localdate()
_serial = itertools.count(1)

__all__ = ["enrol", "link", "make_user", "set_status"]


@pytest.fixture
def eager():
    """Celery tasks run inline when queued (the SMS task after commit), the fake SMS outbox starts empty."""
    from config.celery import app

    saved = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


def make_cycle(world, phases=None, **settings_overrides):
    c = Cycle.objects.create(
        code="2024-2026",
        name="2024—2026年度医师定期考核",
        starts_on=TODAY - timedelta(days=400),
        ends_on=TODAY + timedelta(days=400),
        status=CycleStatus.ACTIVE,
        created_by=world.city_admin,
    )
    c.settings = CycleSettings.objects.create(
        cycle=c,
        version=1,
        phases=phases or open_phases(),
        created_by=world.city_admin,
        **{**DEFAULT_SETTINGS, **settings_overrides},
    )
    c.save(update_fields=["settings"])
    return c


@pytest.fixture
def cycle(world, db):
    """The active cycle, every phase open from 30 days ago to 30 days ahead."""
    return make_cycle(world)


@pytest.fixture
def doctor_a(world, db):
    link(world.physician_a, world.doctor_a)
    return world.doctor_a


@pytest.fixture
def doctor_b(world, db):
    user = make_user("ntf_doctor_b", world.hospital_b, Role.DOCTOR)
    link(world.physician_b, user)
    return user


def physician_with_account(world, organization=None, department=None, phone="13700000000"):
    """Another physician of hospital A (or `organization`) with a doctor's account."""
    organization = organization or world.hospital_a
    n = next(_serial)
    id_card = f"33010219900101{n:04d}"
    physician = Physician.objects.create(
        name=f"医师{n}",
        organization=organization,
        region_path=organization.region_path,
        department=department,
        id_card_encrypted=encrypt(id_card),
        id_card_hash=keyed_hash(id_card),
        id_card_last4=id_card[-4:],
        licence_number=f"1109{n:011d}",
        practice_category="clinical",
        phone=phone,
        title="主治医师",
    )
    user = make_user(f"ntf_doc_{n}", organization, Role.DOCTOR)
    link(physician, user)
    return physician, user

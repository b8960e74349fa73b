"""Fixtures of the certificate tests: passed enrolments, a physician account linked to its registry record,
more physicians in hospital A for batches, and helpers to read a stored PDF."""

import io
from datetime import date

import pytest
from assessment.enums import CycleStatus, EnrolmentStatus, ResultLevel
from assessment.models import Cycle, CycleSettings
from pypdf import PdfReader

from core import storage
from core.crypto import encrypt, keyed_hash
from physicians.models import Physician
from tests.assessment.conftest import DEFAULT_SETTINGS, enrol, open_phases


def make_passed(enrolment, level=ResultLevel.PASS):
    enrolment.status = EnrolmentStatus.PASSED
    enrolment.result_level = level
    enrolment.total_score = 88
    enrolment.save(update_fields=["status", "result_level", "total_score"])
    return enrolment


def pdf_bytes(key: str) -> bytes:
    return storage.client().get_object(Bucket=storage.bucket(), Key=key)["Body"].read()


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def passed_a(enrolment_a):
    return make_passed(enrolment_a)


@pytest.fixture
def passed_b(enrolment_b):
    return make_passed(enrolment_b)


@pytest.fixture
def doctor_linked(world, db):
    """doctor_a's account linked to physician A's record (rolled back after the test)."""
    Physician.objects.filter(pk=world.physician_a.pk).update(user=world.doctor_a)
    return world.doctor_a


@pytest.fixture
def past_cycle(world, db):
    """The closed 2021-2023 cycle."""
    c = Cycle.objects.create(
        code="2021-2023",
        name="2021—2023年度医师定期考核",
        starts_on=date(2021, 1, 1),
        ends_on=date(2023, 12, 31),
        status=CycleStatus.CLOSED,
        created_by=world.city_admin,
    )
    c.settings = CycleSettings.objects.create(
        cycle=c, version=1, phases=open_phases(), created_by=world.city_admin, **DEFAULT_SETTINGS
    )
    c.save(update_fields=["settings"])
    return c


@pytest.fixture
def more_in_a(world, cycle):
    """Three more physicians of hospital A in the cycle: two passed, one failed."""
    enrolments = []
    for i, (name, status) in enumerate(
        [
            ("王小明", EnrolmentStatus.PASSED),
            ("赵丽", EnrolmentStatus.PASSED),
            ("钱进", EnrolmentStatus.FAILED),
        ]
    ):
        id_card = f"33010219900101{i:03d}X"
        physician = Physician.objects.create(
            name=name,
            organization=world.hospital_a,
            region_path=world.hospital_a.region_path,
            department=world.dept_a,
            id_card_encrypted=encrypt(id_card),
            id_card_hash=keyed_hash(id_card),
            id_card_last4=id_card[-4:],
            licence_number=f"11033010099{i:04d}",
            practice_category="clinical",
            title="医师",
        )
        enrolment = enrol(cycle, physician, by=world.admin_a, status=status)
        if status == EnrolmentStatus.PASSED:
            make_passed(enrolment)
        enrolments.append(enrolment)
    return enrolments

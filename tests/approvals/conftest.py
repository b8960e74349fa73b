"""Hospital A's staff for approval chains, and a registered application type whose hooks record calls."""

from dataclasses import dataclass, field

import pytest
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import tenant_context

from tests.conftest import PASSWORD

TYPE = "tests.leave"


@dataclass
class Calls:
    approved: list = field(default_factory=list)
    rejected: list = field(default_factory=list)
    withdrawn: list = field(default_factory=list)


@pytest.fixture
def calls():
    from approvals.registry import ApplicationType, register, unregister

    c = Calls()
    register(
        ApplicationType(
            code=TYPE,
            label=_("测试申请"),
            on_approved=lambda r: c.approved.append(r.pk),
            on_rejected=lambda r: c.rejected.append(r.pk),
            on_withdrawn=lambda r: c.withdrawn.append(r.pk),
            fact_names=("applicant_title", "passed_exam", "surgical_grade"),
        )
    )
    yield c
    unregister(TYPE)


class Staff:
    pass


@pytest.fixture
def staff(world, db, calls):
    """head (department head of 普外科), ma1/ma2 (medical affairs), c1/c2 (committee doctors), outsider (a
    doctor of A in no chain); doctor_a applies."""
    from accounts.models import User
    from accounts.roles import Role
    from accounts.services import membership_grant

    s = Staff()

    def user(username, role, department=None):
        u = User(username=username, name=username, must_change_password=False)
        u.set_password(PASSWORD)
        u.save()
        membership_grant(user=u, organization=world.hospital_a, role=role, department=department)
        return u

    s.head = user("ap_head", Role.DEPARTMENT_HEAD, world.dept_a)
    s.ma1 = user("ap_ma1", Role.MEDICAL_AFFAIRS)
    s.ma2 = user("ap_ma2", Role.MEDICAL_AFFAIRS)
    s.c1 = user("ap_c1", Role.DOCTOR)
    s.c2 = user("ap_c2", Role.DOCTOR)
    s.outsider = user("ap_outsider", Role.DOCTOR)
    s.applicant = world.doctor_a
    s.calls = calls
    return s


def step(name, kind, *, role="", user_ids=(), mode="any", auto_rule=None, due_hours=None):
    return {
        "name": name,
        "approver_kind": kind,
        "role": role,
        "user_ids": [str(u) for u in user_ids],
        "mode": mode,
        "auto_rule": auto_rule,
        "due_hours": due_hours,
    }


def make_chain(world, steps, actor=None):
    from approvals.services import chain_create_version

    with tenant_context(world.tenant_a):
        return chain_create_version(actor=actor or world.admin_a, type_code=TYPE, steps=steps)


def submit(world, staff, *, facts=None, department=True, title="进修申请"):
    import uuid

    from approvals.services import approval_submit

    with tenant_context(world.tenant_a):
        return approval_submit(
            actor=staff.applicant,
            type_code=TYPE,
            subject_id=uuid.uuid4(),
            applicant_user_id=staff.applicant.pk,
            applicant_department_id=world.dept_a.pk if department else None,
            title=title,
            facts=facts,
        )


def in_a(world, fn, *args, **kwargs):
    with tenant_context(world.tenant_a):
        return fn(*args, **kwargs)

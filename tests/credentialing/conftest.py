"""Hospital A's credentialing set-up: a medical-affairs officer and a department head, a small catalogue, the
普外科 department catalogue, one-step approval chains (medical affairs approves), doctor_a linked to
physician_a (主治医师, rank 2)."""

from types import SimpleNamespace

import pytest
from django_tenants.utils import tenant_context

from accounts.models import User
from accounts.roles import Role
from accounts.services import membership_grant
from physicians.models import Physician
from tests.conftest import PASSWORD

A = "/h/hosp-a/api/v1/credentialing"
B = "/h/hosp-b/api/v1/credentialing"


def make_user(username, name=""):
    user = User(username=username, name=name or username, must_change_password=False)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def cred(world, db):
    from approvals.services import chain_create_version
    from credentialing.models import CatalogueItem, DepartmentItem

    ma = make_user("ma_a", "医务科")
    membership_grant(user=ma, organization=world.hospital_a, role=Role.MEDICAL_AFFAIRS)
    head = make_user("head_a", "普外科主任")
    membership_grant(
        user=head, organization=world.hospital_a, role=Role.DEPARTMENT_HEAD, department=world.dept_a
    )
    Physician.objects.filter(pk=world.physician_a.pk).update(user=world.doctor_a, title="主治医师")
    ns = SimpleNamespace(ma=ma, head=head)
    with tenant_context(world.tenant_a):
        ns.appendectomy = CatalogueItem.objects.create(
            code="47.0901",
            name="腹腔镜阑尾切除术",
            category="surgery",
            grade=2,
            national_code="47.0100x001",
            national_grade=2,
        )
        ns.whipple = CatalogueItem.objects.create(
            code="52.7x01", name="胰十二指肠切除术", category="surgery", grade=4
        )
        ns.gastroscopy = CatalogueItem.objects.create(code="44.1301", name="胃镜检查", category="endoscopic")
        for item in (ns.appendectomy, ns.whipple, ns.gastroscopy):
            DepartmentItem.objects.create(department_id=world.dept_a.id, item=item, status="approved")
        step = [{"name": "医务科审核", "approver_kind": "role", "role": "medical_affairs", "mode": "any"}]
        for code in ("credentialing.privilege", "credentialing.department_item"):
            chain_create_version(actor=world.admin_a, type_code=code, steps=step)
    return ns


def approve(world, user, request_id, decision="approve", comment=""):
    from approvals.services import approval_decide

    with tenant_context(world.tenant_a):
        return approval_decide(actor=user, request_id=request_id, decision=decision, comment=comment)

"""Shared fixtures: a small committed world (regions, two hospitals as tenants, a city commission, users) made
once per session through the same services production uses, a real Celery worker, API clients."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "Passw0rd!x"


@pytest.fixture(scope="session", autouse=True)
def _bucket(django_db_setup):
    from core import storage

    storage.ensure_bucket()


class World:
    """Names for what the session fixture made; attribute access keeps tests readable."""


@pytest.fixture(scope="session")
def world(django_db_setup, django_db_blocker):
    from accounts.models import User
    from accounts.roles import Role
    from accounts.services import membership_grant
    from core.crypto import encrypt, keyed_hash
    from organizations.models import Department, Organization, Region
    from physicians.models import Physician
    from tenants import routing
    from tenants.services import tenant_provision

    w = World()
    with django_db_blocker.unblock():
        province = Region.objects.create(code="330000", name="浙江省", level="province", path="330000/")
        city_x = Region.objects.create(
            code="330100", name="杭州市", level="city", parent=province, path="330000/330100/"
        )
        city_y = Region.objects.create(
            code="330200", name="宁波市", level="city", parent=province, path="330000/330200/"
        )

        def org(name, kind, region, **extra):
            return Organization.objects.create(
                name=name, kind=kind, region=region, region_path=region.path, **extra
            )

        def user(username, name=""):
            u = User(username=username, name=name or username, must_change_password=False)
            u.set_password(PASSWORD)
            u.save()
            return u

        w.province, w.city_x, w.city_y = province, city_x, city_y
        w.commission_x = org("杭州市卫生健康委员会", "commission", city_x)
        w.hospital_a = org(
            "杭州市第一人民医院", "institution", city_x, unified_social_credit_code="12330100A000000013"
        )
        w.hospital_b = org(
            "宁波市第二医院", "institution", city_y, unified_social_credit_code="12330200B00000002N"
        )
        w.dept_a = Department.objects.create(organization=w.hospital_a, name="普外科")
        w.dept_b = Department.objects.create(organization=w.hospital_b, name="心内科")

        w.admin_a = user("admin_a", "甲院管理员")
        w.admin_b = user("admin_b", "乙院管理员")
        w.doctor_a = user("doctor_a", "张医生")
        w.city_admin = user("city_x_admin", "杭州市卫健委")
        w.nobody = user("nobody", "无机构")

        w.tenant_a = tenant_provision(organization=w.hospital_a, slug="hosp-a", admin_user=w.admin_a)
        w.tenant_b = tenant_provision(organization=w.hospital_b, slug="hosp-b", admin_user=w.admin_b)
        membership_grant(user=w.doctor_a, organization=w.hospital_a, role=Role.DOCTOR)
        membership_grant(user=w.city_admin, organization=w.commission_x, role=Role.CITY_ADMIN)

        def physician(name, org_, dept, id_card, licence, phone):
            return Physician.objects.create(
                name=name,
                organization=org_,
                region_path=org_.region_path,
                department=dept,
                id_card_encrypted=encrypt(id_card),
                id_card_hash=keyed_hash(id_card),
                id_card_last4=id_card[-4:],
                licence_number=licence,
                practice_category="clinical",
                phone=phone,
                title="主治医师",
            )

        w.physician_a = physician(
            "张医生", w.hospital_a, w.dept_a, "330102198001011234", "110330100000001", "13800001111"
        )
        w.physician_b = physician(
            "李医生", w.hospital_b, w.dept_b, "330203198502022345", "110330200000002", "13900002222"
        )
        from django_tenants.utils import tenant_context

        from archives.services import archive_create

        ref_a = routing.lookup("hosp-a")
        ref_b = routing.lookup("hosp-b")
        with tenant_context(w.tenant_a):
            w.archive_a = archive_create(
                actor=w.admin_a,
                tenant=ref_a,
                physician_id=w.physician_a.id,
                department_id=w.dept_a.id,
                employee_number="A001",
            )
        with tenant_context(w.tenant_b):
            w.archive_b = archive_create(
                actor=w.admin_b,
                tenant=ref_b,
                physician_id=w.physician_b.id,
                department_id=w.dept_b.id,
                employee_number="B001",
            )
    routing.forget()
    return w


@pytest.fixture(autouse=True)
def _public_schema_and_clean_cache():
    from tenants import routing

    routing.forget()
    yield
    connection.set_schema_to_public()
    routing.forget()


def login(username: str, password: str = PASSWORD, **headers) -> APIClient:
    client = APIClient(**headers)
    response = client.post("/api/v1/auth/login/", {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
    return client


@pytest.fixture
def client_for(world, db):
    return login


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real Celery worker process on the test database, the test Redis db and all queues."""
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "PYTHONPATH": f"{ROOT}:{ROOT / 'backend'}",
    }
    log = open(ROOT / ".run" / "test-worker.log", "wb")  # noqa: SIM115 - closed at teardown
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            "default,faces,documents,reports",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"test-{os.getpid()}@%h",
            "-l",
            "INFO",
        ],
        cwd=ROOT / "backend",
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    from config.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"celery worker exited with {proc.returncode}; see .run/test-worker.log")
        if app.control.ping(timeout=0.5):
            break
    else:
        proc.kill()
        raise RuntimeError("celery worker did not answer within 60 s")
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()

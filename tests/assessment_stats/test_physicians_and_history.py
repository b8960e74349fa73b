"""Per-physician progress (cycles/<id>/progress/physicians/) and cycle histories (physicians/<id>/cycles/,
me/cycles/): within reach, ID cards masked, a commission's reads audited."""

from datetime import date

import pytest
from assessment.enums import CycleStatus, ResultLevel
from assessment.enums import EnrolmentStatus as S
from assessment.models import Cycle, CycleSettings, ScoreEntry
from rest_framework.test import APIClient

from audit.models import AuditEvent
from physicians.models import Physician
from tests.assessment.conftest import DEFAULT_SETTINGS, enrol, open_phases
from tests.conftest import login


def _list(username, cycle, **params):
    response = login(username).get(f"/api/v1/cycles/{cycle.pk}/progress/physicians/", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_physician_list_matrix(world, cycle, spread):
    path = f"/api/v1/cycles/{cycle.pk}/progress/physicians/"
    assert APIClient().get(path).status_code == 401
    assert login("doctor_a").get(path).status_code == 403
    assert not AuditEvent.objects.filter(action="assessment_stats.progress_physicians.read").exists()


def test_an_institution_lists_its_physicians_only(world, cycle, spread):
    # given a competence test score of 张医生
    ScoreEntry.objects.create(
        enrolment=spread["张医生"], component="competence_test", score=87.5, settings=cycle.settings
    )

    body = _list("admin_a", cycle)

    assert {r["name"] for r in body["results"]} == {"张医生", "王医生", "赵医生", "孙医生"}
    zhang = next(r for r in body["results"] if r["name"] == "张医生")
    assert zhang["test_score"] == "87.50"
    assert zhang["status"] == "passed"
    assert zhang["id_card_masked"] == "**************1234"
    assert "id_card" not in zhang
    assert "id_card_number" not in zhang
    # another institution's physicians are not visible, even asked for by institution
    assert _list("admin_b", cycle, organization_id=str(world.hospital_a.pk))["count"] == 0
    assert {r["name"] for r in _list("admin_b", cycle)["results"]} == {"李医生", "郑医生"}
    # reads by the institution itself are not audited
    assert not AuditEvent.objects.filter(action="assessment_stats.progress_physicians.read").exists()


def test_a_commissions_read_is_masked_and_audited(world, cycle, spread):
    body = _list("city_x_admin", cycle, status="passed")

    assert {r["name"] for r in body["results"]} == {"张医生", "王医生"}
    assert all(r["id_card_masked"].startswith("*") for r in body["results"])
    event = AuditEvent.objects.get(action="assessment_stats.progress_physicians.read")
    assert event.actor_id == world.city_admin.pk
    assert event.data["rows"] == 2


def test_a_department_head_lists_their_department(world, cycle, spread, head_a):
    assert {r["name"] for r in _list("st_head_a", cycle)["results"]} == {"张医生", "王医生"}


@pytest.fixture
def past_cycle(world, db):
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
def history_a(world, cycle, past_cycle):
    """Physician A: passed (excellent) the past cycle, drafting in the current one."""
    old = enrol(
        past_cycle, world.physician_a, by=world.admin_a, status=S.PASSED, result_level=ResultLevel.EXCELLENT
    )
    new = enrol(cycle, world.physician_a, by=world.admin_a, status=S.DRAFTING)
    return new, old


def _cycles(username, physician):
    return login(username).get(f"/api/v1/physicians/{physician.pk}/cycles/")


def test_the_physician_sees_their_own_cycles_newest_first(world, history_a):
    Physician.objects.filter(pk=world.physician_a.pk).update(user=world.doctor_a)

    response = login("doctor_a").get("/api/v1/me/cycles/")

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["cycle_code"] for r in rows] == ["2024-2026", "2021-2023"]
    assert (rows[1]["status"], rows[1]["result_level"], rows[1]["result_label"]) == (
        "passed",
        "excellent",
        "优秀",
    )
    assert rows[0]["status"] == "drafting"
    # an administrator has no self-service, hence no "own" cycles of anybody
    assert login("admin_a").get("/api/v1/me/cycles/").status_code == 403


def test_an_institution_sees_its_physicians_history_others_get_404(world, history_a):
    assert APIClient().get(f"/api/v1/physicians/{world.physician_a.pk}/cycles/").status_code == 401
    own = _cycles("admin_a", world.physician_a)
    assert own.status_code == 200
    assert own.json()["count"] == 2

    # another institution: 404, as for a physician that does not exist
    assert _cycles("admin_b", world.physician_a).status_code == 404
    assert login("admin_a").get(f"/api/v1/physicians/{world.hospital_a.pk}/cycles/").status_code == 404
    assert not AuditEvent.objects.filter(action="assessment_stats.physician_cycles.read").exists()


def test_a_commissions_history_read_is_audited_outside_its_region_404(world, history_a, province_admin):
    assert _cycles("city_x_admin", world.physician_b).status_code == 404

    response = _cycles("city_x_admin", world.physician_a)

    assert response.status_code == 200
    assert response.json()["count"] == 2
    event = AuditEvent.objects.get(action="assessment_stats.physician_cycles.read")
    assert event.target_id == str(world.physician_a.pk)
    assert event.data == {"rows": 2}

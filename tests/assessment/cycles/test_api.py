"""Cycles and their versioned settings (考核设置): the province writes, every member reads; a settings change
is a new version in force, old versions stay readable and what was decided under them keeps them."""

import uuid
from datetime import date, timedelta

import pytest
from assessment.enums import CycleStatus
from assessment.models import Cycle, CycleSettings, Enrolment

from audit.models import AuditEvent
from tests.assessment.conftest import DEFAULT_SETTINGS, TODAY, open_phases
from tests.conftest import login

pytestmark = pytest.mark.django_db


def settings_payload(**overrides) -> dict:
    payload = {**DEFAULT_SETTINGS, "phases": open_phases(), "note": "调整权重"}
    payload.update(overrides)
    return payload


def new_cycle(client, code="2027-2029") -> dict:
    response = client.post(
        "/api/v1/cycles/",
        {"code": code, "name": f"{code}年度医师定期考核", "starts_on": "2027-01-01", "ends_on": "2029-12-31"},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


# --- who may do what ---------------------------------------------------------------------------------


def test_anonymous_gets_401(world, cycle):
    client = login("admin_a")
    client.credentials()

    assert client.get("/api/v1/cycles/").status_code == 401
    assert client.get(f"/api/v1/cycles/{cycle.pk}/settings/").status_code == 401
    assert client.post("/api/v1/cycles/", {}, format="json").status_code == 401


def test_every_member_reads_cycles_and_settings(world, cycle):
    # given a physician, an institution and a city commission
    for username in ("doctor_a", "admin_b", "city_x_admin"):
        client = login(username)

        # when they read
        listing = client.get("/api/v1/cycles/")
        detail = client.get(f"/api/v1/cycles/{cycle.pk}/")
        in_force = client.get(f"/api/v1/cycles/{cycle.pk}/settings/")

        # then they see the cycle and its settings in force
        assert listing.status_code == 200
        assert [c["id"] for c in listing.json()["results"]] == [str(cycle.pk)]
        assert detail.json()["settings"]["version"] == 1
        assert in_force.json()["components"][0]["component"] == "competence_test"


def test_a_user_without_membership_is_refused(world, cycle):
    assert login("nobody").get("/api/v1/cycles/").status_code == 403


def test_only_the_province_writes(world, cycle, province_admin):
    # given everyone but the province
    clients = {username: login(username) for username in ("doctor_a", "admin_a", "city_x_admin")}
    before = (Cycle.objects.count(), CycleSettings.objects.count(), AuditEvent.objects.count())
    for username, client in clients.items():
        # when they try to create, change, add settings, close
        responses = [
            client.post(
                "/api/v1/cycles/",
                {"code": "x", "name": "x", "starts_on": "2027-01-01", "ends_on": "2029-12-31"},
                format="json",
            ),
            client.patch(f"/api/v1/cycles/{cycle.pk}/", {"name": "改名"}, format="json"),
            client.post(f"/api/v1/cycles/{cycle.pk}/settings/", settings_payload(), format="json"),
            client.post(f"/api/v1/cycles/{cycle.pk}/close/"),
        ]

        # then 403 and nothing changed
        assert [r.status_code for r in responses] == [403, 403, 403, 403], username
    assert (Cycle.objects.count(), CycleSettings.objects.count(), AuditEvent.objects.count()) == before
    cycle.refresh_from_db()
    assert (cycle.name, cycle.status, cycle.settings.version) == ("2024—2026年度医师定期考核", "active", 1)


def test_an_unknown_cycle_is_404(world, province_admin):
    client = login("cyc_province")
    missing = uuid.uuid4()

    assert client.get(f"/api/v1/cycles/{missing}/").status_code == 404
    assert client.get(f"/api/v1/cycles/{missing}/settings/versions/").status_code == 404
    assert (
        client.post(f"/api/v1/cycles/{missing}/settings/", settings_payload(), format="json").status_code
        == 404
    )


# --- the cycle's life ----------------------------------------------------------------------------------


def test_the_province_creates_configures_and_publishes_a_cycle(world, province_admin):
    client = login("cyc_province")

    # given a new draft cycle
    created = new_cycle(client)
    assert (created["status"], created["settings"]) == ("draft", None)
    assert client.get(f"/api/v1/cycles/{created['id']}/settings/").status_code == 404

    # when the province saves its first settings and publishes it
    saved = client.post(f"/api/v1/cycles/{created['id']}/settings/", settings_payload(), format="json")
    published = client.post(f"/api/v1/cycles/{created['id']}/activate/")

    # then version 1 is in force and the cycle is in progress, all audited
    assert saved.status_code == 201, saved.content
    assert (saved.json()["version"], saved.json()["in_force"], saved.json()["note"]) == (1, True, "调整权重")
    assert published.status_code == 200
    assert published.json()["status"] == "active"
    assert published.json()["settings_version"] == 1
    actions = set(AuditEvent.objects.filter(target_id=created["id"]).values_list("action", flat=True))
    assert actions == {
        "assessment.cycle_created",
        "assessment.cycle_settings_created",
        "assessment.cycle_activated",
    }


def test_publishing_needs_settings(world, province_admin):
    client = login("cyc_province")
    created = new_cycle(client)

    response = client.post(f"/api/v1/cycles/{created['id']}/activate/")

    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "settings_required"
    assert Cycle.objects.get(pk=created["id"]).status == CycleStatus.DRAFT


def test_only_one_cycle_is_in_progress(world, cycle, province_admin):
    # given the cycle in progress and a new one ready
    client = login("cyc_province")
    created = new_cycle(client)
    client.post(f"/api/v1/cycles/{created['id']}/settings/", settings_payload(), format="json")

    # when the new one is published while the other runs
    refused = client.post(f"/api/v1/cycles/{created['id']}/activate/")

    # then it is refused; once the other is closed it goes through
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["code"] == "another_cycle_active"
    assert Cycle.objects.get(pk=created["id"]).status == CycleStatus.DRAFT
    assert client.post(f"/api/v1/cycles/{cycle.pk}/close/").status_code == 200
    assert client.post(f"/api/v1/cycles/{created['id']}/activate/").status_code == 200
    assert list(Cycle.objects.filter(status="active").values_list("pk", flat=True)) == [
        uuid.UUID(created["id"])
    ]


def test_a_cycle_code_is_unique(world, cycle, province_admin):
    response = login("cyc_province").post(
        "/api/v1/cycles/",
        {"code": "2024-2026", "name": "重复", "starts_on": "2024-01-01", "ends_on": "2026-12-31"},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "cycle_code_taken"


def test_a_closed_cycle_takes_no_new_settings_but_stays_readable(world, cycle, province_admin):
    # given a closed cycle
    client = login("cyc_province")
    client.post(f"/api/v1/cycles/{cycle.pk}/close/")

    # when the province tries to change its settings
    response = client.post(f"/api/v1/cycles/{cycle.pk}/settings/", settings_payload(), format="json")

    # then 409, and its settings are still there for everyone
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "cycle_closed"
    assert CycleSettings.objects.filter(cycle=cycle).count() == 1
    versions = login("admin_a").get(f"/api/v1/cycles/{cycle.pk}/settings/versions/")
    assert [v["version"] for v in versions.json()["results"]] == [1]


# --- versions ------------------------------------------------------------------------------------------


def test_a_new_version_leaves_the_old_one_and_enrolments_keep_theirs(
    world, cycle, enrolment_a, province_admin
):
    # given an enrolment made under version 1
    v1 = cycle.settings
    components = [
        {"component": "competence_test", "weight": 50, "procedures": ["general"]},
        {"component": "work_performance", "weight": 25, "procedures": ["general", "simplified"]},
        {"component": "ethics", "weight": 25, "procedures": ["general", "simplified"]},
    ]

    # when the province changes the weights mid-cycle
    response = login("cyc_province").post(
        f"/api/v1/cycles/{cycle.pk}/settings/", settings_payload(components=components), format="json"
    )

    # then version 2 is in force, version 1 is untouched and the enrolment keeps version 1
    assert response.status_code == 201, response.content
    assert response.json()["version"] == 2
    cycle.refresh_from_db()
    assert cycle.settings.version == 2
    assert [c["weight"] for c in cycle.settings.components] == [50, 25, 25]
    v1.refresh_from_db()
    assert [c["weight"] for c in v1.components] == [60, 20, 20]
    assert Enrolment.objects.get(pk=enrolment_a.pk).settings_id == v1.pk
    versions = login("admin_a").get(f"/api/v1/cycles/{cycle.pk}/settings/versions/").json()["results"]
    assert [(v["version"], v["in_force"]) for v in versions] == [(2, True), (1, False)]
    assert versions[1]["components"][0]["weight"] == 60


@pytest.mark.parametrize(
    ("overrides", "attr", "code"),
    [
        (
            {
                "components": [
                    {"component": "competence_test", "weight": 60},
                    {"component": "ethics", "weight": 30},
                ]
            },
            "components",
            "weights_not_100",
        ),
        (
            {"components": [{"component": "bowling", "weight": 100}]},
            "components.0.component",
            "unknown_component",
        ),
        (
            {"components": [{"component": "ethics", "weight": 50}, {"component": "ethics", "weight": 50}]},
            "components.1.component",
            "duplicate_component",
        ),
        (
            {"phases": open_phases(self_report=(TODAY, TODAY - timedelta(days=1)))},
            "phases.self_report",
            "phase_window_inverted",
        ),
        (
            {"phases": {"holiday": {"opens": "2025-01-01", "closes": "2025-01-02"}}},
            "phases.holiday",
            "unknown_phase",
        ),
        (
            {
                "phases": {
                    "self_report": {"opens": "2025-03-01", "closes": "2025-04-30"},
                    "institution_review": {"opens": "2025-02-01", "closes": "2025-05-30"},
                }
            },
            "phases.institution_review",
            "phase_order",
        ),
        (
            {"phases": {"self_report": {"opens": "soon", "closes": "2025-04-30"}}},
            "phases.self_report.opens",
            "invalid_date",
        ),
        (
            {"result_levels": {"pass": 60, "excellent": 60}},
            "result_levels.excellent",
            "invalid_result_levels",
        ),
        ({"result_levels": {"excellent": 90}}, "result_levels", "invalid_result_levels"),
        (
            {"simplified_rules": {"min_practice_years": "fifteen"}},
            "simplified_rules.min_practice_years",
            "invalid_rule",
        ),
        ({"simplified_rules": {"lucky": True}}, "simplified_rules", "invalid_rule"),
        ({"exemption_rules": {"reasons": "援外"}}, "exemption_rules.reasons", "invalid_rule"),
        ({"forms": {"required": ["basic", "poetry"]}}, "forms.required", "invalid_forms"),
        ({"note": "  "}, "note", "blank"),
    ],
)
def test_an_invalid_version_is_refused_with_the_field_named(
    world, cycle, province_admin, overrides, attr, code
):
    # given the version in force
    before = CycleSettings.objects.filter(cycle=cycle).count()

    # when the province sends an invalid one
    response = login("cyc_province").post(
        f"/api/v1/cycles/{cycle.pk}/settings/", settings_payload(**overrides), format="json"
    )

    # then 400 naming the field, and nothing changed
    assert response.status_code == 400, response.content
    error = response.json()["errors"][0]
    assert (error["attr"], error["code"]) == (attr, code)
    assert CycleSettings.objects.filter(cycle=cycle).count() == before
    cycle.refresh_from_db()
    assert cycle.settings.version == 1


def test_the_cycle_period_must_be_ordered(world, province_admin):
    response = login("cyc_province").post(
        "/api/v1/cycles/",
        {"code": "bad", "name": "倒序", "starts_on": str(date(2029, 1, 1)), "ends_on": str(date(2027, 1, 1))},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "ends_on"


def test_the_code_changes_only_while_a_draft(world, cycle, province_admin):
    client = login("cyc_province")

    renamed = client.patch(f"/api/v1/cycles/{cycle.pk}/", {"name": "新名称"}, format="json")
    recoded = client.patch(f"/api/v1/cycles/{cycle.pk}/", {"code": "2024-2027"}, format="json")

    assert renamed.status_code == 200
    assert renamed.json()["name"] == "新名称"
    assert recoded.status_code == 409
    assert recoded.json()["errors"][0]["code"] == "cycle_not_draft"
    cycle.refresh_from_db()
    assert (cycle.code, cycle.name) == ("2024-2026", "新名称")

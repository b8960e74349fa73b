"""GET cycles/<id>/progress/ (and chart/): counts per stage and rates within the caller's reach, for a
province, a city and a county commission, an institution, an assessment body and a department head, grouped
by region, institution, department, title and procedure. See conftest.py for the spread of enrolments."""

import pytest
from rest_framework.test import APIClient

from tests.conftest import login


def url(cycle, tail=""):
    return f"/api/v1/cycles/{cycle.pk}/progress/{tail}"


def get(username, cycle, tail="", **params):
    response = login(username).get(url(cycle, tail), params)
    assert response.status_code == 200, response.content
    return response.json()


def by_label(body) -> dict:
    return {g["label"]: g for g in body["results"]}


def test_matrix(world, cycle, spread):
    assert APIClient().get(url(cycle)).status_code == 401
    assert login("doctor_a").get(url(cycle)).status_code == 403  # a physician has no statistics
    assert login("nobody").get(url(cycle)).status_code == 403
    unknown = login("admin_a").get(f"/api/v1/cycles/{world.hospital_a.pk}/progress/")
    assert unknown.status_code == 404
    bad_region = login("city_x_admin").get(url(cycle), {"region": "999999"})
    assert bad_region.status_code == 400
    assert bad_region.json()["errors"][0]["code"] == "unknown_region"


def test_the_province_sees_every_city(world, cycle, spread, province_admin):
    body = get("st_province", cycle)

    # then the totals are the whole spread: 8 enrolments, one withdrawn
    totals = body["totals"]
    assert (totals["enrolled"], totals["withdrawn"], totals["submitted"]) == (7, 1, 6)
    assert (totals["finalized"], totals["passed"], totals["excellent"], totals["failed"]) == (4, 3, 1, 1)
    assert totals["statuses"]["publicized"] == 1
    assert totals["statuses"]["enrolled"] == 1
    assert totals["completion_rate"] == pytest.approx(4 / 7, abs=1e-4)
    assert totals["pass_rate"] == 0.75
    # and one row per city, named
    groups = by_label(body)
    assert set(groups) == {"杭州市", "宁波市"}
    assert (groups["杭州市"]["key"], groups["杭州市"]["enrolled"], groups["杭州市"]["passed"]) == (
        "330100",
        5,
        2,
    )
    assert groups["杭州市"]["pass_rate"] == pytest.approx(2 / 3, abs=1e-4)
    assert groups["杭州市"]["withdrawn"] == 1
    assert (
        groups["宁波市"]["enrolled"],
        groups["宁波市"]["pass_rate"],
        groups["宁波市"]["completion_rate"],
    ) == (
        2,
        1.0,
        0.5,
    )


def test_a_city_sees_its_county_and_its_own_level_only(world, cycle, spread, county_admin):
    body = get("city_x_admin", cycle)

    assert body["totals"]["enrolled"] == 5  # hospital A's 4 and hospital C's 1, none of city Y
    groups = by_label(body)
    assert set(groups) == {"杭州市（本级）", "上城区"}
    assert groups["杭州市（本级）"]["enrolled"] == 4
    assert groups["上城区"]["key"] == "330102"
    assert (groups["上城区"]["enrolled"], groups["上城区"]["withdrawn"]) == (1, 1)
    assert groups["上城区"]["statuses"]["publicized"] == 1
    # a region filter outside its reach gives nothing, not city Y's figures
    assert get("city_x_admin", cycle, region="330200")["totals"]["enrolled"] == 0


def test_a_county_sees_its_county_only(world, cycle, spread, county_admin):
    body = get("st_county", cycle, by="organization")

    assert [g["label"] for g in body["results"]] == ["上城区人民医院"]
    assert (body["totals"]["enrolled"], body["totals"]["withdrawn"], body["totals"]["pass_rate"]) == (
        1,
        1,
        None,
    )


def test_by_institution(world, cycle, spread, province_admin, hospital_c):
    groups = by_label(get("st_province", cycle, by="organization"))

    assert {k: g["enrolled"] for k, g in groups.items()} == {
        "杭州市第一人民医院": 4,
        "宁波市第二医院": 2,
        "上城区人民医院": 1,
    }
    assert groups["杭州市第一人民医院"]["key"] == str(world.hospital_a.pk)
    assert groups["杭州市第一人民医院"]["pass_rate"] == pytest.approx(2 / 3, abs=1e-4)
    assert groups["杭州市第一人民医院"]["completion_rate"] == 0.75


def test_an_institution_by_department_sees_only_its_own(world, cycle, spread, dept_a2):
    body = get("admin_a", cycle, by="department")

    groups = by_label(body)
    assert set(groups) == {"杭州市第一人民医院 普外科", "杭州市第一人民医院 心胸外科"}
    surgery = groups["杭州市第一人民医院 普外科"]
    assert surgery["key"] == f"{world.hospital_a.pk}/{world.dept_a.pk}"
    assert (surgery["enrolled"], surgery["passed"], surgery["excellent"], surgery["pass_rate"]) == (
        2,
        2,
        1,
        1.0,
    )
    assert surgery["excellent_rate"] == 0.5
    thoracic = groups["杭州市第一人民医院 心胸外科"]
    assert (thoracic["enrolled"], thoracic["failed"], thoracic["pass_rate"], thoracic["completion_rate"]) == (
        2,
        1,
        0.0,
        0.5,
    )
    assert thoracic["statuses"]["submitted"] == 1
    assert body["totals"]["enrolled"] == 4
    # hospital B sees its own two and nothing of A, even when it filters on A
    assert get("admin_b", cycle)["totals"]["enrolled"] == 2
    assert get("admin_b", cycle, organization_id=str(world.hospital_a.pk))["totals"]["enrolled"] == 0


def test_by_title_and_procedure(world, cycle, spread):
    groups = by_label(get("admin_a", cycle, by="title"))
    assert (groups["主治医师"]["enrolled"], groups["主治医师"]["pass_rate"]) == (3, 0.5)
    assert (groups["主任医师"]["enrolled"], groups["主任医师"]["excellent"]) == (1, 1)

    city = by_label(get("city_x_admin", cycle, by="procedure"))
    assert city["一般程序"]["enrolled"] == 4
    assert city["简易程序"]["statuses"]["publicized"] == 1
    assert city["未选择程序"]["withdrawn"] == 1


def test_an_assessment_body_sees_what_it_re_reviews(world, cycle, spread):
    body = get("st_body_x", cycle, by="organization")

    assert [g["label"] for g in body["results"]] == ["杭州市第一人民医院"]
    assert body["totals"]["enrolled"] == 4


def test_a_department_head_sees_their_department(world, cycle, spread, head_a):
    body = get("st_head_a", cycle, by="department")

    assert [g["label"] for g in body["results"]] == ["杭州市第一人民医院 普外科"]
    assert (body["totals"]["enrolled"], body["totals"]["passed"]) == (2, 2)


def test_filters_narrow_the_totals(world, cycle, spread, province_admin):
    assert get("st_province", cycle, region="330102")["totals"]["withdrawn"] == 1
    assert get("st_province", cycle, title="主任医师")["totals"]["enrolled"] == 1
    dept = get("st_province", cycle, department_id=str(world.dept_a.pk))
    assert dept["totals"]["enrolled"] == 2


def test_the_figures_follow_a_move(world, cycle, spread):
    # when 孙医生's review goes on, the institution's table shows it at once (no stale cache)
    from core.workflow import transition

    transition(spread["孙医生"], "institution_approve", actor_user=world.admin_a)

    totals = get("admin_a", cycle)["totals"]
    assert totals["statuses"]["submitted"] == 0
    assert totals["institution_approved"] == 4  # the funnel: the three finalized got there too, and 孙医生


def test_groups_are_paginated_with_totals_over_all(world, cycle, spread, province_admin):
    body = get("st_province", cycle, by="organization", page_size=1)

    assert body["count"] == 3
    assert len(body["results"]) == 1
    assert body["totals"]["enrolled"] == 7


def test_the_chart_has_one_series_per_figure(world, cycle, spread, province_admin):
    chart = get("st_province", cycle, "chart/", by="organization", limit=2)

    assert chart["labels"] == ["杭州市第一人民医院", "宁波市第二医院"]  # the two largest
    series = {s["key"]: s for s in chart["series"]}
    assert series["enrolled"] == {"key": "enrolled", "unit": "count", "data": [4, 2]}
    assert series["pass_rate"]["unit"] == "rate"
    assert series["pass_rate"]["data"] == [pytest.approx(2 / 3, abs=1e-4), 1.0]

"""Assignments of assessment bodies (also across regions), the bodies lists, and the reach they give."""

from types import SimpleNamespace

import pytest

from accounts.selectors import actor_for_request
from assessment_bodies.models import AssessmentBodyAssignment
from audit.models import AuditEvent
from core.scoping import scope
from organizations.models import Organization
from physicians.models import Physician
from tests.conftest import login

ASSIGN = "/api/v1/assessment-body-assignments/"
BODIES = "/api/v1/assessment-bodies/"


def make_body(org):
    Organization.objects.filter(pk=org.pk).update(is_assessment_body=True)
    org.is_assessment_body = True
    return org


def assign(username, body, **target):
    payload = {"body": str(body.id)}
    if "region" in target:
        payload["target_region"] = target["region"].code
    if "organization" in target:
        payload["target_organization"] = str(target["organization"].id)
    return login(username).post(ASSIGN, payload, format="json")


def actor(user):
    return actor_for_request(SimpleNamespace(user=user, headers={}, tenant=None))


def physicians_reached(user):
    return set(scope(Physician.objects.all(), actor(user)).values_list("id", flat=True))


def orgs_reached(user):
    return set(scope(Organization.objects.all(), actor(user), org_field="id").values_list("id", flat=True))


# --- authorisation ----------------------------------------------------------------------------------


def test_anonymous_gets_401(ab):
    client = login("city_x_admin")
    client.credentials()
    body_id = ab.hospital_b.id
    assert client.get(ASSIGN).status_code == 401
    assert client.post(ASSIGN, {}, format="json").status_code == 401
    assert client.get(BODIES).status_code == 401
    assert client.get(f"{BODIES}{body_id}/served/").status_code == 401
    assert client.get(f"{BODIES}mine/served/").status_code == 401


def test_doctor_gets_403(ab):
    # given an assignment
    make_body(ab.hospital_b)
    assignment_id = assign("city_x_admin", ab.hospital_b, organization=ab.hospital_a).json()["id"]
    doctor = login("doctor_a")

    # when / then
    assert doctor.get(ASSIGN).status_code == 403
    assert doctor.post(ASSIGN, {"body": str(ab.hospital_b.id)}, format="json").status_code == 403
    assert doctor.post(f"{ASSIGN}{assignment_id}/end/").status_code == 403
    assert doctor.get(BODIES).status_code == 403
    assert doctor.get(f"{BODIES}mine/served/").status_code == 403
    assert AssessmentBodyAssignment.objects.get(pk=assignment_id).is_active


@pytest.mark.parametrize("username", ["ab_county_admin", "admin_a", "ab_industry_admin"])
def test_who_lacks_the_assign_permission_gets_403_and_nothing_is_created(ab, username):
    # given a body
    make_body(ab.industry)
    client = login(username)
    audits = AuditEvent.objects.count()

    # when
    response = client.post(
        ASSIGN, {"body": str(ab.industry.id), "target_region": ab.county_x.code}, format="json"
    )

    # then
    assert response.status_code == 403
    assert AssessmentBodyAssignment.objects.count() == 0
    assert AuditEvent.objects.count() == audits


def test_city_y_cannot_see_or_end_city_xs_assignment(ab):
    # given city X assigns its own body hospital A to its county
    make_body(ab.hospital_a)
    assignment_id = assign("city_x_admin", ab.hospital_a, region=ab.county_x).json()["id"]
    city_y = login("ab_city_y_admin")

    # when
    seen = city_y.get(f"{ASSIGN}{assignment_id}/")
    ended = city_y.post(f"{ASSIGN}{assignment_id}/end/")
    listed = city_y.get(ASSIGN).json()["results"]

    # then
    assert (seen.status_code, ended.status_code, listed) == (404, 404, [])
    assert AssessmentBodyAssignment.objects.get(pk=assignment_id).is_active


# --- creating ---------------------------------------------------------------------------------------


def test_a_city_assigns_a_body_to_a_county_of_its_city(ab):
    # given
    make_body(ab.industry)

    # when
    response = assign("city_x_admin", ab.industry, region=ab.county_x)

    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["target_type"] == "region"
    assert body["target_region"] == {"code": "330102", "name": "上城区"}
    assert body["is_cross_region"] is False
    assert body["assigned_by"]["id"] == str(ab.commission_x.id)
    assert AuditEvent.objects.filter(action="assessment_bodies.assigned", target_id=body["id"]).exists()


def test_a_cross_region_assignment_is_allowed_and_flagged(ab):
    # given hospital B (city Y) is a body
    make_body(ab.hospital_b)

    # when city X assigns it to hospital A
    response = assign("city_x_admin", ab.hospital_b, organization=ab.hospital_a)

    # then
    assert response.status_code == 201, response.content
    assert response.json()["is_cross_region"] is True
    assert response.json()["target_organization"]["id"] == str(ab.hospital_a.id)


@pytest.mark.parametrize(
    ("target", "attr"),
    [
        ("county_y", "target_region"),
        ("hospital_b", "target_organization"),
        ("county_commission_x", "target_organization"),
    ],
)
def test_a_city_cannot_assign_outside_its_city_or_to_non_institutions(ab, target, attr):
    # given
    make_body(ab.industry)
    obj = getattr(ab, target)
    kind = "region" if attr == "target_region" else "organization"

    # when
    response = assign("city_x_admin", ab.industry, **{kind: obj})

    # then
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invalid_target"
    assert AssessmentBodyAssignment.objects.count() == 0


def test_the_province_assigns_anywhere(ab):
    # given
    make_body(ab.industry)

    # when
    response = assign("ab_province_admin", ab.industry, region=ab.county_y)

    # then
    assert response.status_code == 201
    assert response.json()["is_cross_region"] is False


def test_only_assessment_bodies_can_be_assigned_and_not_to_themselves(ab):
    # given hospital C is not a body
    not_body = assign("city_x_admin", ab.hospital_c, region=ab.county_x)
    make_body(ab.hospital_c)
    itself = assign("city_x_admin", ab.hospital_c, organization=ab.hospital_c)
    neither = login("city_x_admin").post(ASSIGN, {"body": str(ab.hospital_c.id)}, format="json")

    # then
    assert not_body.status_code == 400
    assert not_body.json()["errors"][0]["code"] == "invalid_body"
    assert itself.json()["errors"][0]["code"] == "self_assignment"
    assert neither.json()["errors"][0]["code"] == "target_required"
    assert AssessmentBodyAssignment.objects.count() == 0


def test_one_active_assignment_per_body_and_target(ab):
    # given
    make_body(ab.industry)
    first = assign("city_x_admin", ab.industry, region=ab.county_x).json()["id"]

    # when
    again = assign("city_x_admin", ab.industry, region=ab.county_x)

    # then
    assert again.status_code == 409
    assert again.json()["errors"][0]["code"] == "already_assigned"
    # and once ended it may be assigned again
    assert login("city_x_admin").post(f"{ASSIGN}{first}/end/").status_code == 200
    assert assign("city_x_admin", ab.industry, region=ab.county_x).status_code == 201


# --- reach ------------------------------------------------------------------------------------------


def test_a_cross_region_assignment_gives_the_bodys_reviewers_reach_over_the_institution(ab):
    # given hospital B (city Y) is a body with a reviewer, who reaches nothing of hospital A
    make_body(ab.hospital_b)
    assert ab.world.physician_a.id not in physicians_reached(ab.reviewer_b)

    # when city X assigns it to hospital A
    assignment_id = assign("city_x_admin", ab.hospital_b, organization=ab.hospital_a).json()["id"]

    # then the reviewer reaches hospital A and its physicians, besides its own
    assert {ab.world.physician_a.id, ab.world.physician_b.id} <= physicians_reached(ab.reviewer_b)
    assert {ab.hospital_a.id, ab.hospital_b.id} <= orgs_reached(ab.reviewer_b)
    # but hospital B's administrator keeps managing only its own hospital
    assert ab.world.physician_a.id not in physicians_reached(ab.world.admin_b)

    # when the assignment ends
    ended = login("city_x_admin").post(f"{ASSIGN}{assignment_id}/end/")

    # then the reach is gone
    assert ended.status_code == 200
    assert ended.json()["is_active"] is False
    assert ab.world.physician_a.id not in physicians_reached(ab.reviewer_b)
    assert AuditEvent.objects.filter(
        action="assessment_bodies.assignment_ended", target_id=assignment_id
    ).exists()


def test_a_county_assignment_gives_reach_over_the_county(ab):
    # given the industry organisation is a body assigned to the county
    make_body(ab.industry)
    assign("city_x_admin", ab.industry, region=ab.county_x)

    # when
    reached = orgs_reached(ab.reviewer_industry)

    # then it reaches the county's institutions and itself, not the rest of the city
    assert {ab.hospital_c.id, ab.industry.id, ab.county_commission_x.id} <= reached
    assert ab.hospital_a.id not in reached


def test_a_non_body_organisation_gets_no_extra_reach(ab):
    # given an assignment row left over for an organisation that is no longer a body
    make_body(ab.industry)
    assign("city_x_admin", ab.industry, region=ab.county_x)
    Organization.objects.filter(pk=ab.industry.pk).update(is_assessment_body=False)

    # then
    assert orgs_reached(ab.reviewer_industry) == {ab.industry.id}


# --- ending -----------------------------------------------------------------------------------------


def test_ending_twice_is_409_and_the_province_may_end_a_citys_assignment(ab):
    # given
    make_body(ab.industry)
    assignment_id = assign("city_x_admin", ab.industry, region=ab.county_x).json()["id"]

    # when
    ended = login("ab_province_admin").post(f"{ASSIGN}{assignment_id}/end/")
    again = login("city_x_admin").post(f"{ASSIGN}{assignment_id}/end/")

    # then
    assert ended.status_code == 200
    assert again.status_code == 409
    assert again.json()["errors"][0]["code"] == "assignment_ended"


def test_a_city_cannot_end_the_provinces_assignment(ab):
    # given the province assigned a body to a county of city X
    make_body(ab.industry)
    assignment_id = assign("ab_province_admin", ab.industry, region=ab.county_x).json()["id"]

    # when city X (which sees it) tries to end it
    response = login("city_x_admin").post(f"{ASSIGN}{assignment_id}/end/")

    # then
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "not_the_assigner"
    assert AssessmentBodyAssignment.objects.get(pk=assignment_id).is_active


# --- lists ------------------------------------------------------------------------------------------


def test_assignment_lists_follow_the_jurisdiction(ab):
    # given hospital B (city Y) serves hospital A, the industry body serves county X
    make_body(ab.hospital_b)
    make_body(ab.industry)
    cross = assign("city_x_admin", ab.hospital_b, organization=ab.hospital_a).json()["id"]
    county = assign("city_x_admin", ab.industry, region=ab.county_x).json()["id"]

    def ids(username, **params):
        response = login(username).get(ASSIGN, params)
        assert response.status_code == 200, response.content
        return {a["id"] for a in response.json()["results"]}

    # then
    assert ids("city_x_admin") == {cross, county}
    assert ids("city_x_admin", cross_region="true") == {cross}
    assert ids("city_x_admin", target_region="330102") == {county}
    assert ids("city_x_admin", body=str(ab.hospital_b.id)) == {cross}
    assert ids("ab_city_y_admin") == {cross}  # its body serves elsewhere
    assert ids("ab_county_admin") == {county}
    assert ids("ab_admin_c") == {county}  # the county assignment covers hospital C
    assert ids("admin_a") == {cross}
    assert ids("admin_b") == {cross}
    assert ids("ab_industry_admin") == {county}


def test_bodies_list_shows_those_in_the_jurisdiction_and_those_assigned_into_it(ab):
    # given hospital A (city X) and hospital B (city Y) are bodies; B serves hospital A
    make_body(ab.hospital_a)
    make_body(ab.hospital_b)
    assign("city_x_admin", ab.hospital_b, organization=ab.hospital_a)

    def listed(username, **params):
        response = login(username).get(BODIES, params)
        assert response.status_code == 200, response.content
        return {b["id"]: b for b in response.json()["results"]}

    # then city X sees its own body and the one assigned into it, with whom it serves
    city_x = listed("city_x_admin")
    assert set(city_x) == {str(ab.hospital_a.id), str(ab.hospital_b.id)}
    serves = city_x[str(ab.hospital_b.id)]["serves"]
    assert [(s["target_type"], s["target_id"], s["is_cross_region"]) for s in serves] == [
        ("organization", str(ab.hospital_a.id), True)
    ]
    assert set(listed("city_x_admin", region="330100")) == {str(ab.hospital_a.id)}
    assert set(listed("city_x_admin", name="宁波")) == {str(ab.hospital_b.id)}
    assert listed("city_x_admin", kind="industry_org") == {}
    # city Y sees only its own body
    assert set(listed("ab_city_y_admin")) == {str(ab.hospital_b.id)}
    # hospital A sees itself and the body serving it
    assert set(listed("admin_a")) == {str(ab.hospital_a.id), str(ab.hospital_b.id)}
    # the county sees none
    assert listed("ab_county_admin") == {}


def test_candidates_are_the_provinces_bodies_for_assigners_only(ab):
    # given
    make_body(ab.hospital_b)
    make_body(ab.industry)

    # when
    candidates = login("city_x_admin").get(BODIES, {"candidates": "true"})
    county = login("ab_county_admin").get(BODIES, {"candidates": "true"})

    # then
    assert {b["id"] for b in candidates.json()["results"]} == {str(ab.hospital_b.id), str(ab.industry.id)}
    assert county.status_code == 403


def test_served_lists_whom_a_body_serves(ab):
    # given the industry body serves county X and hospital A
    make_body(ab.industry)
    assign("city_x_admin", ab.industry, region=ab.county_x)
    assign("city_x_admin", ab.industry, organization=ab.hospital_a)

    # when
    response = login("city_x_admin").get(f"{BODIES}{ab.industry.id}/served/")
    mine = login("ab_reviewer_ind").get(f"{BODIES}mine/served/")

    # then
    assert response.status_code == 200
    targets = {(s["target_type"], s["target_name"]) for s in response.json()["results"]}
    assert targets == {("region", "上城区"), ("organization", ab.hospital_a.name)}
    assert mine.status_code == 200
    assert {(s["target_type"], s["target_name"]) for s in mine.json()["results"]} == targets
    # a body the caller does not see is a 404
    assert login("ab_city_y_admin").get(f"{BODIES}{ab.industry.id}/served/").status_code == 404
    # an organisation that is no body serves nobody
    assert login("admin_b").get(f"{BODIES}mine/served/").json()["count"] == 0


def test_bad_filter_ids_are_400(ab):
    response = login("city_x_admin").get(ASSIGN, {"body": "not-a-uuid"})
    assert response.status_code == 400

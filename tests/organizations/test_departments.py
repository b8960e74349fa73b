"""Departments of an institution (科室管理): the tree, create, query, edit and move, enable and disable, delete
only when unused; written only by the institution, read by those whose reach holds it."""

import uuid

import pytest
from django_tenants.utils import tenant_context
from rest_framework.test import APIClient

from accounts.roles import Role
from archives.models import TechnicalArchive
from audit.models import AuditEvent
from organizations.models import Department
from tests.conftest import login
from tests.organizations.conftest import make_department, make_user

LIST = "/api/v1/departments/"
TREE = "/api/v1/departments/tree/"


def url(department, action=""):
    return f"/api/v1/departments/{department.id}/" + (f"{action}/" if action else "")


def state(department):
    department.refresh_from_db()
    return (department.name, department.parent_id, department.is_active, department.updated_at)


def error(response):
    e = response.json()["errors"][0]
    return response.status_code, e["code"], e["attr"]


ROUTES = [
    ("get", LIST, None),
    ("post", LIST, {"name": "新科室"}),
    ("get", TREE, None),
    ("get", "{d}", None),
    ("patch", "{d}", {"name": "改名"}),
    ("delete", "{d}", None),
    ("post", "{d}enable/", None),
    ("post", "{d}disable/", None),
]


def _path(template, department):
    return template.replace("{d}", url(department))


# --- authorisation matrix ---------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "template", "body"), ROUTES)
def test_anonymous_gets_401(world, db, method, template, body):
    # when
    response = getattr(APIClient(), method)(_path(template, world.dept_a), body, format="json")

    # then
    assert response.status_code == 401


@pytest.mark.parametrize(("method", "template", "body"), ROUTES)
@pytest.mark.parametrize("username", ["doctor_a", "nobody"])
def test_without_permission_403_and_nothing_changes(world, db, method, template, body, username):
    # given
    client = login(username)
    before = state(world.dept_a)
    count = Department.objects.count()
    audits = AuditEvent.objects.count()

    # when
    response = getattr(client, method)(_path(template, world.dept_a), body, format="json")

    # then
    assert response.status_code == 403
    assert state(world.dept_a) == before
    assert Department.objects.count() == count
    assert AuditEvent.objects.count() == audits


@pytest.mark.parametrize(
    ("method", "template", "body"), [r for r in ROUTES if r[0] != "get" and "{d}" in r[1]]
)
def test_a_commission_reads_but_never_writes_departments(world, db, method, template, body):
    # given
    client = login("city_x_admin")
    before = state(world.dept_a)

    # when
    response = getattr(client, method)(_path(template, world.dept_a), body, format="json")

    # then
    assert response.status_code == 403
    assert state(world.dept_a) == before


@pytest.mark.parametrize(("method", "template", "body"), [r for r in ROUTES if "{d}" in r[1]])
def test_another_hospitals_department_is_404_and_unchanged(world, db, method, template, body):
    # given hospital B's admin and hospital A's department
    client = login("admin_b")
    before = state(world.dept_a)
    audits = AuditEvent.objects.count()

    # when
    response = getattr(client, method)(_path(template, world.dept_a), body, format="json")

    # then
    assert response.status_code == 404
    assert state(world.dept_a) == before
    assert AuditEvent.objects.count() == audits


def test_commission_of_another_city_does_not_see_the_department(world, db):
    # when
    client = login("city_x_admin")

    # then
    assert client.get(url(world.dept_b)).status_code == 404
    assert client.get(TREE, {"organization": str(world.hospital_b.id)}).status_code == 404
    assert client.get(LIST, {"organization": str(world.hospital_b.id)}).status_code == 404


# --- reads --------------------------------------------------------------------------------------------


def test_institution_lists_its_own_departments_only(world, tree):
    # when
    response = login("admin_a").get(LIST, {"page_size": 100})

    # then
    assert response.status_code == 200
    rows = response.json()["results"]
    assert {r["name"] for r in rows} == {"普外科", "内科", "心内科", "外科", "消化内科", "消化内镜室"}
    assert [r["sort_order"] for r in rows] == sorted(r["sort_order"] for r in rows)
    assert {r["organization_id"] for r in rows} == {str(world.hospital_a.id)}
    cardio = next(r for r in rows if r["name"] == "心内科")
    assert cardio["parent_id"] == str(tree.internal.id)
    assert cardio["parent_name"] == "内科"


def test_list_filters(world, tree):
    # given
    Department.objects.filter(pk=tree.surgery.pk).update(is_active=False)
    client = login("admin_a")

    def listed(**params):
        return [r["name"] for r in client.get(LIST, {"page_size": 100, **params}).json()["results"]]

    # then
    assert listed(is_active="false") == ["外科"]
    assert listed(search="消化") == ["消化内镜室", "消化内科"]  # by sort order: 0, 2
    assert listed(search="NK") == ["内科"]
    assert listed(parent=str(tree.internal.id)) == ["心内科", "消化内科"]
    assert listed(top_level="true") == ["普外科", "内科", "外科"]
    assert client.get(LIST, {"parent": "x"}).status_code == 400


def test_tree_is_nested_and_ordered(world, orgs, tree):
    # when
    response = login("h3_affairs_a").get(TREE)

    # then
    assert response.status_code == 200

    def shape(nodes):
        return [(n["name"], shape(n["children"])) for n in nodes]

    assert shape(response.json()) == [
        ("普外科", []),
        ("内科", [("心内科", []), ("消化内科", [("消化内镜室", [])])]),
        ("外科", []),
    ]
    internal = response.json()[1]
    assert internal["id"] == str(tree.internal.id)
    assert internal["code"] == "NK"
    assert internal["is_active"] is True
    assert internal["children"][0]["parent_id"] == str(tree.internal.id)


def test_commission_reads_the_tree_of_an_institution_in_its_region(world, tree):
    # given
    client = login("city_x_admin")

    # when
    response = client.get(TREE, {"organization": str(world.hospital_a.id)})

    # then
    assert response.status_code == 200
    assert [n["name"] for n in response.json()] == ["普外科", "内科", "外科"]
    assert client.get(TREE).json() == []  # a commission has no departments of its own
    assert client.get(url(tree.cardio)).json()["name"] == "心内科"


def test_another_institutions_tree_is_404(world, db):
    # when
    response = login("admin_a").get(TREE, {"organization": str(world.hospital_b.id)})

    # then
    assert response.status_code == 404


# --- create -----------------------------------------------------------------------------------------


def test_institution_creates_departments(world, tree):
    # given
    client = login("admin_a")

    # when
    top = client.post(LIST, {"name": " 儿科 ", "code": "EK", "sort_order": 3}, format="json")
    child = client.post(LIST, {"name": "新生儿科", "parent_id": top.json()["id"]}, format="json")

    # then
    assert top.status_code == 201, top.content
    assert top.json()["name"] == "儿科"
    assert top.json()["organization_id"] == str(world.hospital_a.id)
    assert child.status_code == 201
    assert child.json()["parent_id"] == top.json()["id"]
    event = AuditEvent.objects.get(action="departments.created", target_id=top.json()["id"])
    assert event.organization_id == world.hospital_a.id
    assert event.region_path == world.hospital_a.region_path


def test_medical_affairs_manages_departments_too(world, orgs):
    # when
    response = login("h3_affairs_a").post(LIST, {"name": "急诊科"}, format="json")

    # then
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"name": "普外科"}, (409, "department_name_taken", "name")),  # top level, like the world's
        ({"name": "心内科", "parent": "internal"}, (409, "department_name_taken", "name")),
        ({"name": "另一个", "code": "NK"}, (409, "department_code_taken", "code")),
        ({"name": "另一个", "parent": "dept_b"}, (400, "unknown_parent", "parent_id")),
        ({"name": "另一个", "parent": "missing"}, (400, "unknown_parent", "parent_id")),
        ({"name": ""}, (400, "blank", "name")),
    ],
)
def test_create_refusals_store_nothing(world, tree, body, expected):
    # given
    parents = {"internal": tree.internal.id, "dept_b": world.dept_b.id, "missing": uuid.uuid4()}
    if "parent" in body:
        body = {**body, "parent_id": str(parents[body.pop("parent")])}
    client = login("admin_a")
    count = Department.objects.count()

    # when
    response = client.post(LIST, body, format="json")

    # then
    assert error(response) == expected
    assert Department.objects.count() == count


def test_the_same_name_under_another_parent_is_fine(world, tree):
    # when
    response = login("admin_a").post(
        LIST, {"name": "心内科", "parent_id": str(tree.surgery.id)}, format="json"
    )

    # then
    assert response.status_code == 201


# --- edit and move ----------------------------------------------------------------------------------


def test_institution_renames_and_moves_a_department(world, tree):
    # when
    response = login("admin_a").patch(
        url(tree.endoscopy), {"name": "内镜中心", "parent_id": None, "sort_order": 5}, format="json"
    )

    # then
    assert response.status_code == 200, response.content
    assert response.json()["parent_id"] is None
    tree.endoscopy.refresh_from_db()
    assert (tree.endoscopy.name, tree.endoscopy.parent_id, tree.endoscopy.sort_order) == ("内镜中心", None, 5)
    event = AuditEvent.objects.get(action="departments.updated", target_id=str(tree.endoscopy.id))
    assert event.data["parent"] == {"from": str(tree.gastro.id), "to": None}


@pytest.mark.parametrize("target", ["internal", "gastro", "endoscopy"])
def test_moving_under_itself_or_a_descendant_is_refused(world, tree, target):
    # given
    client = login("admin_a")
    before = state(tree.internal)

    # when
    response = client.patch(url(tree.internal), {"parent_id": str(getattr(tree, target).id)}, format="json")

    # then
    assert error(response) == (400, "department_cycle", "parent_id")
    assert state(tree.internal) == before


def test_renaming_to_a_siblings_name_is_409(world, tree):
    # when
    response = login("admin_a").patch(url(tree.cardio), {"name": "消化内科"}, format="json")

    # then
    assert error(response) == (409, "department_name_taken", "name")


def test_moving_next_to_a_namesake_is_409(world, tree):
    # given
    make_department(world.hospital_a, "心内科", tree.surgery)

    # when
    response = login("admin_a").patch(url(tree.cardio), {"parent_id": str(tree.surgery.id)}, format="json")

    # then
    assert error(response) == (409, "department_name_taken", "name")


def test_is_active_is_changed_by_enable_and_disable_only(world, tree):
    # when
    response = login("admin_a").patch(url(tree.surgery), {"is_active": False}, format="json")

    # then
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "is_active"


# --- enable / disable -------------------------------------------------------------------------------


def test_disabling_needs_the_sub_departments_disabled_first(world, tree):
    # given
    client = login("admin_a")

    # when
    refused = client.post(url(tree.gastro, "disable"))

    # then
    assert error(refused) == (409, "department_has_active_children", None)
    assert Department.objects.get(pk=tree.gastro.pk).is_active

    # when the child is disabled first
    assert client.post(url(tree.endoscopy, "disable")).json()["is_active"] is False
    disabled = client.post(url(tree.gastro, "disable"))

    # then
    assert disabled.status_code == 200
    assert disabled.json()["is_active"] is False
    assert AuditEvent.objects.filter(action="departments.disabled").count() == 2
    assert [n["name"] for n in client.get(TREE, {"is_active": "true"}).json()[1]["children"]] == ["心内科"]


def test_nothing_enabled_under_a_disabled_parent(world, tree):
    # given
    client = login("admin_a")
    client.post(url(tree.surgery, "disable"))

    # then
    assert error(client.post(LIST, {"name": "骨科", "parent_id": str(tree.surgery.id)}, format="json")) == (
        409,
        "department_parent_inactive",
        "parent_id",
    )
    assert (
        client.post(
            LIST, {"name": "骨科", "parent_id": str(tree.surgery.id), "is_active": False}, format="json"
        ).status_code
        == 201
    )
    assert error(client.patch(url(tree.cardio), {"parent_id": str(tree.surgery.id)}, format="json"))[1] == (
        "department_parent_inactive"
    )


def test_enabling_under_a_disabled_parent_is_refused_and_enabling_works_top_down(world, tree):
    # given
    client = login("admin_a")
    client.post(url(tree.endoscopy, "disable"))
    client.post(url(tree.gastro, "disable"))

    # when
    refused = client.post(url(tree.endoscopy, "enable"))

    # then
    assert error(refused) == (409, "department_parent_inactive", "parent_id")
    assert client.post(url(tree.gastro, "enable")).json()["is_active"] is True
    assert client.post(url(tree.endoscopy, "enable")).json()["is_active"] is True


# --- delete -----------------------------------------------------------------------------------------


def test_an_unused_department_is_deleted(world, tree):
    # when
    response = login("admin_a").delete(url(tree.surgery))

    # then
    assert response.status_code == 204
    assert not Department.objects.filter(pk=tree.surgery.pk).exists()
    event = AuditEvent.objects.get(action="departments.deleted", target_id=str(tree.surgery.id))
    assert event.data["name"] == "外科"
    assert event.organization_id == world.hospital_a.id


@pytest.mark.parametrize("use", ["children", "physician", "membership", "tenant_archive"])
def test_a_department_in_use_is_not_deleted(world, tree, use):
    # given a department that something refers to
    department = {"children": tree.gastro, "physician": world.dept_a}.get(use) or tree.surgery
    if use == "membership":
        make_user("h3_surgeon", world.hospital_a, Role.DEPARTMENT_HEAD, department=tree.surgery)
    if use == "tenant_archive":
        with tenant_context(world.tenant_a):
            TechnicalArchive.objects.create(physician_id=uuid.uuid4(), department_id=tree.surgery.id)
    client = login("admin_a")
    audits = AuditEvent.objects.count()

    # when
    response = client.delete(url(department))

    # then
    assert error(response) == (409, "department_in_use", None)
    assert Department.objects.filter(pk=department.pk).exists()
    assert AuditEvent.objects.count() == audits

from rest_framework.test import APIClient

from tests.conftest import login


def test_regions_by_parent_and_the_tree(world, db):
    client = login("doctor_a")

    cities = client.get("/api/v1/regions/", {"parent": "330000"}).json()
    tree = client.get("/api/v1/regions/tree/", {"root": "330000"}).json()

    assert [c["code"] for c in cities["results"]] == ["330100", "330200"]
    assert cities["results"][0] == {
        "code": "330100",
        "name": "杭州市",
        "level": "city",
        "parent_code": "330000",
        "path": "330000/330100/",
    }
    assert tree[0]["name"] == "浙江省"
    assert [c["name"] for c in tree[0]["children"]] == ["杭州市", "宁波市"]


def test_unknown_region_is_404_and_anonymous_is_401(world, db):
    assert login("doctor_a").get("/api/v1/regions/999999/").status_code == 404
    assert login("doctor_a").get("/api/v1/regions/tree/", {"root": "999999"}).status_code == 404
    assert APIClient().get("/api/v1/regions/").status_code == 401

"""The demo's proctored sitting (backend/demo/proctoring.py): real photos in the object store, ranked for review,
seeded once."""

import hashlib
from decimal import Decimal

import requests
from django.contrib.auth.hashers import make_password
from exams.models import Attempt

from demo.proctoring import SITTING_NAME, seed_proctored_sitting
from physicians.models import Physician
from tests.conftest import login


def _free_physicians(world, n=3):
    for i in range(n):
        Physician.objects.create(
            name=f"演示医师{i}",
            organization=world.hospital_a,
            region_path=world.hospital_a.region_path,
            department=world.dept_a,
            id_card_encrypted=b"",
            id_card_hash=f"demo-seed-{i}",
            id_card_last4="0000",
            licence_number=f"DEMO{i:011d}",
            practice_category="clinical",
            phone=f"1390000{i:04d}",
        )


def test_the_demo_attempts_are_ranked_with_their_photos_in_the_store(world, db):
    # given a hospital with physicians who have no account yet
    _free_physicians(world)

    # when the demo seeds its proctored sitting, twice
    first = seed_proctored_sitting(
        hospital=world.hospital_a, admin=world.admin_a, password_hash=make_password("x")
    )
    again = seed_proctored_sitting(
        hospital=world.hospital_a, admin=world.admin_a, password_hash=make_password("x")
    )

    # then it is there once
    assert first == SITTING_NAME
    assert again is None

    # and the hospital's reviewer sees three submitted attempts, riskiest first
    client = login("admin_a")
    rows = client.get("/api/v1/proctoring/attempts/").json()["results"]
    ours = [r for r in rows if r["sitting_name"] == SITTING_NAME]
    assert len(ours) == 3
    assert [r["risk"] for r in ours] == sorted((r["risk"] for r in ours), reverse=True)
    worst = ours[0]
    assert (worst["flagged_count"], worst["missing_count"], worst["leave_count"]) == (3, 1, 3)
    assert worst["min_match_score"] < 0.5
    assert all(r["attempt_status"] == "submitted" for r in ours)

    # and the attempts were answered through the exam engine and graded (1, 3 and 2 wrong of 10 x 10 points)
    scores = sorted(Attempt.objects.filter(sitting__name=SITTING_NAME).values_list("score", flat=True))
    assert scores == [Decimal("70"), Decimal("80"), Decimal("90")]

    # and its photos come through presigned links with the bytes whose SHA-256 the rows record
    detail = client.get(f"/api/v1/proctoring/attempts/{worst['attempt']}/").json()
    photos = detail["photos"]
    assert [p["flags"] for p in photos] == [[], ["not_matched"], ["multiple_faces"], [], ["missing"]]
    assert photos[4]["url"] is None
    for photo in photos[:4]:
        body = requests.get(photo["url"], timeout=10)
        assert body.status_code == 200
        assert body.headers["Content-Type"] == "image/jpeg"
        assert hashlib.sha256(body.content).hexdigest() == photo["sha256"]
    assert requests.get(detail["reference"]["url"], timeout=10).status_code == 200

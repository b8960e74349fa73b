"""/api/v1/notifications/: one's own only, paginated, unread filter and count, mark read, in one's language."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from notifications import messages
from notifications.models import Notification
from notifications.services import reminders_run
from rest_framework.test import APIClient

from tests.conftest import login
from tests.notifications.conftest import TODAY, enrol, make_cycle
from tests.notifications.test_reminders import closing

URL = "/api/v1/notifications/"


def notify(user, n=1, **extra):
    rows = [
        Notification(
            recipient=user,
            kind="deadline_approaching",
            subject_id=user.pk,
            phase="self_report",
            occasion=f"o{i}",
            template="deadline",
            params={"cycle": "2024—2026年度医师定期考核", "phase": "self_report", "closes": "2026-04-30"},
            title=f"通知{i}",
            body="正文",
            **extra,
        )
        for i in range(n)
    ]
    return Notification.objects.bulk_create(rows)


@pytest.fixture
def mine_and_others(world, db):
    mine = notify(world.doctor_a, 25)
    others = notify(world.admin_a, 3)
    return mine, others


def test_anonymous_callers_are_refused(world, db):
    for method, path in (
        ("get", URL),
        ("get", f"{URL}unread-count/"),
        ("post", f"{URL}read-all/"),
        ("post", f"{URL}{notify(world.doctor_a)[0].pk}/read/"),
    ):
        assert getattr(APIClient(), method)(path).status_code == 401


def test_the_list_is_paginated_newest_first_and_shows_only_ones_own(world, mine_and_others):
    mine, others = mine_and_others
    client = login("doctor_a")

    first = client.get(URL, {"page_size": 10}).json()
    last = client.get(URL, {"page_size": 10, "page": 3}).json()

    assert first["count"] == 25
    assert len(first["results"]) == 10
    assert len(last["results"]) == 5
    assert first["next"] is not None
    seen = {r["id"] for r in first["results"]} | {r["id"] for r in last["results"]}
    assert seen <= {str(n.pk) for n in mine}
    assert not seen & {str(n.pk) for n in others}
    item = first["results"][0]
    assert set(item) == {"id", "kind", "title", "body", "phase", "link", "read", "read_at", "created_at"}
    assert item["read"] is False
    dates = [r["created_at"] for r in first["results"]]
    assert dates == sorted(dates, reverse=True)


def test_the_unread_filter_and_the_unread_count(world, mine_and_others):
    mine, _others = mine_and_others
    Notification.objects.filter(pk__in=[n.pk for n in mine[:5]]).update(read_at=timezone.now())
    client = login("doctor_a")

    unread = client.get(URL, {"unread": "true"}).json()
    read = client.get(URL, {"unread": "false"}).json()
    count = client.get(f"{URL}unread-count/").json()

    assert unread["count"] == 20
    assert all(r["read"] is False for r in unread["results"])
    assert read["count"] == 5
    assert all(r["read"] is True for r in read["results"])
    assert count == {"count": 20}


def test_a_bad_filter_is_a_validation_error(world, mine_and_others):
    response = login("doctor_a").get(URL, {"unread": "maybe"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "unread"


def test_mark_one_read_and_mark_all_read(world, mine_and_others):
    mine, others = mine_and_others
    client = login("doctor_a")

    one = client.post(f"{URL}{mine[0].pk}/read/")
    again = client.post(f"{URL}{mine[0].pk}/read/")

    assert one.status_code == 200
    assert one.json()["read"] is True
    assert again.json()["read_at"] == one.json()["read_at"]  # reading twice keeps the first time
    assert client.get(f"{URL}unread-count/").json() == {"count": 24}

    everything = client.post(f"{URL}read-all/")

    assert everything.json() == {"marked": 24}
    assert client.get(f"{URL}unread-count/").json() == {"count": 0}
    # the others' notifications were not touched
    assert Notification.objects.filter(pk__in=[n.pk for n in others], read_at__isnull=True).count() == 3


def test_someone_elses_notification_is_not_found_and_stays_unread(world, mine_and_others):
    _mine, others = mine_and_others

    response = login("doctor_a").post(f"{URL}{others[0].pk}/read/")
    unknown = login("doctor_a").post(f"{URL}00000000-0000-0000-0000-000000000000/read/")

    assert response.status_code == 404
    assert unknown.status_code == 404
    assert Notification.objects.get(pk=others[0].pk).read_at is None


def test_the_text_follows_the_readers_language(world, db):
    # given a deadline reminder made in zh-CN
    world.physician_a.__class__.objects.filter(pk=world.physician_a.pk).update(user=world.doctor_a)
    cycle = make_cycle(world, phases=closing(TODAY + timedelta(days=2)))
    enrol(cycle, world.physician_a, by=world.admin_a)
    reminders_run()
    row = Notification.objects.get(recipient=world.doctor_a)
    assert "个人填报" in row.title

    # when it is read in English and in Chinese
    english = login("doctor_a", HTTP_ACCEPT_LANGUAGE="en").get(URL).json()["results"][0]
    chinese = login("doctor_a", HTTP_ACCEPT_LANGUAGE="zh-hans").get(URL).json()["results"][0]

    # then the English reply is rendered from the row's data in English (the phase's name is translated)
    assert "Self-report" in english["title"]
    assert "个人填报" not in english["title"]
    with translation.override("en"):
        assert (english["title"], english["body"]) == messages.render(row.template, row.params)
    assert (chinese["title"], chinese["body"]) == (row.title, row.body)

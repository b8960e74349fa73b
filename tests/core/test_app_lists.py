from config.settings import apps as app_lists


def test_every_local_app_is_in_exactly_one_list():
    for app in sorted(app_lists.LOCAL_APPS):
        placements = [
            name
            for name, members in (
                ("public", app_lists.PUBLIC_ONLY),
                ("both", app_lists.BOTH),
                ("tenant", app_lists.TENANT_ONLY),
            )
            if app in members
        ]
        assert len(placements) == 1, (app, placements)


def test_contrib_apps_and_tokens_are_public_only():
    for app in ("django.contrib.contenttypes", "django.contrib.auth", "django.contrib.sessions", "accounts"):
        assert app in app_lists.PUBLIC_ONLY
        assert app not in app_lists.TENANT_APPS


def test_every_local_app_on_disk_is_declared():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    on_disk = {p.parent.name for p in (root / "backend").glob("*/apps.py")} | {"tenants"}
    assert on_disk == app_lists.LOCAL_APPS

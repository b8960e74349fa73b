"""Where every app lives: the three lists of the tenancy split (see ARCHITECTURE.md, "Where data lives").

Each local app is in exactly one list; tests/core/test_app_lists.py checks it. Choose the list when an app is
created: moving an app later means migration surgery.
"""

# Public schema only: Django's contrib apps, token tables, the province platform and the exam engine.
PUBLIC_ONLY = [
    "django_tenants",  # must come first
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    "core",
    "tenants",
    "organizations",
    "accounts",
    "physicians",
    "audit",
    "outbox",
    "jobs",
    "assessment_bodies",
    "assessment",
    "assessment_stats",
    "notifications",
    "exams",
    "practice",
    "proctoring",
    "demo",
]

# In both lists, each with a written reason. None so far.
BOTH: list[str] = []

# Tenant schemas only: a hospital's internal affairs.
TENANT_ONLY = [
    "archives",
    "approvals",
    "credentialing",
]

THIRD_PARTY = {"rest_framework", "drf_spectacular", "drf_spectacular_sidecar", "drf_standardized_errors"}

# The project's own apps (tests/core/test_app_lists.py checks each is in exactly one list).
LOCAL_APPS = {
    app
    for app in PUBLIC_ONLY + BOTH + TENANT_ONLY
    if not app.startswith(("django.", "django_tenants")) and app not in THIRD_PARTY
}

SHARED_APPS = PUBLIC_ONLY + BOTH
TENANT_APPS = BOTH + TENANT_ONLY
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

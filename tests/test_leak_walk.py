"""Jurisdiction leaks, walked over every route of the public API.

Two hospitals in different cities, and the commissions of those two cities: each side must never see what
the other side owns. For every list route, nothing the other side owns appears anywhere in the reply; for
every route with IDs in its path, each of the other side's IDs gives 403, 404 or 405 for every method, and
nothing is written. New routes are walked without touching this file; new models that belong to an
organisation must be added to OWNED (a test below fails until they are).
"""

import pytest
from assessment.models import (
    AdverseRecord,
    Certificate,
    DepartmentRating,
    Enrolment,
    EnrolmentAttachment,
    EnrolmentHistory,
    ScoreEntry,
    SelfReport,
)
from django.apps import apps
from django.db import models
from exams.models import (
    Attempt,
    Blueprint,
    MakeupGrant,
    PreparedPaper,
    Question,
    QuestionBank,
    QuestionVersion,
    Sitting,
)
from notifications.models import Notification
from proctoring.models import (
    Appeal,
    AppEvent,
    FaceConsent,
    ProctoringSession,
    ProctoringSettings,
    ReferencePhoto,
    Snapshot,
    Verdict,
)

from accounts.models import Membership, User
from accounts.roles import Role
from accounts.services import membership_grant
from assessment_bodies.models import (
    AssessmentBodyApplication,
    AssessmentBodyApplicationAttachment,
    AssessmentBodyApplicationHistory,
    AssessmentBodyAssignment,
)
from audit.models import AuditEvent
from jobs.models import Job
from organizations.models import Department, Organization
from physicians.models import Physician
from tests.conftest import PASSWORD, login
from tests.routes import fill, params, routes

# Rows that belong to an organisation, with the lookup from the row to the organisation's id.
OWNED: dict[type[models.Model], str] = {
    Organization: "id",
    Department: "organization_id",
    Physician: "organization_id",
    Membership: "organization_id",
    User: "memberships__organization_id",
    AuditEvent: "organization_id",
    Job: "organization_id",
    Notification: "recipient__memberships__organization_id",  # one's own only, whatever the organisation
    AssessmentBodyApplication: "organization_id",
    AssessmentBodyApplicationAttachment: "application__organization_id",
    AssessmentBodyApplicationHistory: "subject__organization_id",
    AssessmentBodyAssignment: "body_id",
    Enrolment: "organization_id",
    EnrolmentHistory: "subject__organization_id",
    SelfReport: "enrolment__organization_id",
    EnrolmentAttachment: "enrolment__organization_id",
    DepartmentRating: "enrolment__organization_id",
    ScoreEntry: "enrolment__organization_id",
    Certificate: "enrolment__organization_id",
    AdverseRecord: "organization_id",
    QuestionBank: "owner_id",
    Question: "owner_id",
    QuestionVersion: "owner_id",
    Blueprint: "owner_id",
    Sitting: "owner_id",
    MakeupGrant: "owner_id",
    Attempt: "owner_id",
    PreparedPaper: "owner_id",
    FaceConsent: "owner_id",
    ReferencePhoto: "organization_id",
    ProctoringSettings: "owner_id",
    ProctoringSession: "owner_id",
    Snapshot: "owner_id",
    AppEvent: "owner_id",
    Verdict: "owner_id",
    Appeal: "owner_id",
}
# Models with a foreign key to an organisation that are reached only through a row in OWNED, or are not
# personal to one side (say why).
NOT_OWNED = {
    "physicians.practicesite": "part of its physician, only served with it",
    "physicians.physiciantransfer": "part of its physician, only served with it",
    "tenants.tenant": "routing; tenant routes are walked in tests/tenants/test_access.py",
}
# Routes whose string parameters are public by design, not owned rows: division codes, and the certificate
# verification page anyone with the QR code opens (an unguessable token; tests/assessment/certificates).
PUBLIC_STRING_ROUTES = {"api/v1/regions/<str:code>/", "api/v1/certificates/verify/<str:token>/"}

ROUTES = [(t, m) for t, m in routes("config.urls_public") if t.startswith("api/v1/")]
# Health answers about the services (503 without a worker), never about rows.
LIST_ROUTES = [t for t, m in ROUTES if "get" in m and not params(t) and t != "api/v1/health/"]
ID_ROUTES = [(t, m) for t, m in ROUTES if any(conv == "uuid" for conv, _ in params(t))]

# (who looks, whose rows must stay invisible)
SIDES = [
    ("admin_b", "admin_a"),
    ("admin_a", "admin_b"),
    ("city_y_admin", "city_x_admin"),
    ("city_x_admin", "city_y_admin"),
]


@pytest.fixture(scope="module")
def city_y_commission(world, django_db_blocker):
    with django_db_blocker.unblock():
        commission = Organization.objects.create(
            name="宁波市卫生健康委员会", kind="commission", region=world.city_y, region_path=world.city_y.path
        )
        user = User(username="city_y_admin", name="宁波市卫健委", must_change_password=False)
        user.set_password(PASSWORD)
        user.save()
        membership_grant(user=user, organization=commission, role=Role.CITY_ADMIN)
    yield commission
    with django_db_blocker.unblock():
        Membership.objects.filter(user=user).delete()
        AuditEvent.objects.filter(actor_id=user.id).exists()  # the audit log is append-only: rows stay
        user.is_active = False
        user.save(update_fields=["is_active"])


def owned_ids(username: str) -> set[str]:
    """Every ID the user's side owns: its organisation, or for a commission every organisation in its region."""
    membership = Membership.objects.select_related("organization").get(user__username=username)
    org = membership.organization
    if org.kind == "commission":
        org_ids = list(
            Organization.objects.filter(region_path__startswith=org.region_path).values_list("id", flat=True)
        )
    else:
        org_ids = [org.id]
    ids: set[str] = set()
    for model, lookup in OWNED.items():
        ids |= {
            str(pk) for pk in model.objects.filter(**{f"{lookup}__in": org_ids}).values_list("pk", flat=True)
        }
    return ids


def snapshot() -> dict:
    """Counts and last update of the owned tables: a refused write must leave them as they were."""
    state = {"audit": AuditEvent.objects.count()}
    for model in OWNED:
        fields = {f.name for f in model._meta.fields}
        stamp = "updated_at" if "updated_at" in fields else None
        qs = model.objects.all()
        state[model._meta.label] = (qs.count(), qs.aggregate(m=models.Max(stamp))["m"] if stamp else None)
    return state


def test_every_model_owned_by_an_organisation_is_walked():
    missing = []
    for model in apps.get_models():
        label = model._meta.label_lower
        points_at_org = any(
            isinstance(f, models.ForeignKey) and f.related_model is Organization for f in model._meta.fields
        )
        if points_at_org and model not in OWNED and label not in NOT_OWNED:
            missing.append(label)
    assert missing == [], "add these models to OWNED (or NOT_OWNED with a reason)"


def test_the_walk_covers_the_public_api():
    assert "api/v1/regions/" in LIST_ROUTES
    assert any(t == "api/v1/jobs/<uuid:job_id>/" for t, _ in ID_ROUTES)
    unwalked = {t for t, _ in ROUTES if params(t) and not any(c == "uuid" for c, _ in params(t))}
    assert unwalked <= PUBLIC_STRING_ROUTES, "a route with non-UUID path parameters needs a walk of its own"


@pytest.mark.parametrize(("viewer", "owner"), SIDES)
@pytest.mark.parametrize("template", LIST_ROUTES)
def test_lists_show_nothing_of_the_other_side(world, city_y_commission, db, viewer, owner, template):
    # given the IDs the other side owns
    foreign = owned_ids(owner)
    assert foreign, owner

    # when the viewer lists
    response = login(viewer).get("/" + template, {"page_size": 100})

    # then none of them appears in the reply
    assert response.status_code in (200, 403), (template, response.content[:300])
    leaked = [pk for pk in foreign if pk in response.content.decode()]
    assert leaked == [], (template, leaked)


@pytest.mark.parametrize(("viewer", "owner"), SIDES)
@pytest.mark.parametrize(("template", "methods"), ID_ROUTES, ids=[t for t, _ in ID_ROUTES])
def test_the_other_sides_ids_are_not_found(world, city_y_commission, db, viewer, owner, template, methods):
    # given the other side's IDs put into the path
    client = login(viewer)
    foreign = sorted(owned_ids(owner))
    before = snapshot()

    for pk in foreign:
        path = "/" + fill(template, {name: pk for _, name in params(template)})
        for method in methods:
            # when the viewer calls the route with each method
            response = getattr(client, method)(path, {}, format="json")
            # then it is refused, never served
            assert response.status_code in (403, 404, 405), (
                method,
                path,
                response.status_code,
                response.content[:300],
            )
    # and nothing was written
    assert snapshot() == before

"""The exam engine's staff routes on a hospital's tenant API: /h/<slug>/api/v1/exams/... (banks, questions,
import/export, blueprints, sittings, make-up grants, attempts). A hospital runs its own exams (三基三严, the exam
a prescribing privilege needs) with the same engine, in the public schema, owned by the hospital.

These are the views of exams.api.views, unchanged, with one difference: on a tenant route the rows are always
those the hospital of the slug owns. A member acts for the hospital, as on the public routes. A supervising
commission (TenantAccess lets it read, never write) reads the hospital's exams, not its own banks (the
province's exam bank is never reached through a hospital's API); its reads are audited as `supervision.read`.
Anyone else gets 404 from TenantAccess; another owner's ID is a 404 from the selectors.

The physician's own exams stay on /api/v1/me/exams/ (their hospital's sittings are listed there)."""

from dataclasses import replace

from django.urls import path

from audit.services import audit_record
from core.actor import Reach
from core.openapi import AutoSchema
from core.permissions import get_actor
from exams.api import urls as exam_urls


class TenantExamSchema(AutoSchema):
    """OpenAPI: the same operations as the public routes, with `tenant_` before their operation IDs."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation:
            operation["operationId"] = f"tenant_{operation['operationId']}"
        return operation


class _ForTheTenant:
    schema = TenantExamSchema()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication, TenantAccess, permission codes
        actor = get_actor(request)
        tenant = request.tenant
        if actor.organization_id == tenant.organization_id:
            return
        # A supervisor: read the hospital's exams as the hospital (writes were refused by TenantAccess).
        request._request.actor = replace(
            actor,
            organization_id=tenant.organization_id,
            organization_kind="institution",
            region_path=tenant.region_path,
            department_id=None,
            reach=Reach(organization_ids=frozenset({tenant.organization_id})),
        )
        audit_record(
            action="supervision.read",
            actor=request.user,
            request=request,
            organization_id=tenant.organization_id,
            region_path=tenant.region_path,
            target_type="exams",
            schema_name=tenant.schema_name,
            data={"path": request.path},
        )


def _for_tenant(pattern):
    view = pattern.callback.view_class
    tenant_view = type(
        f"Tenant{view.__name__}",
        (_ForTheTenant, view),
        {"__module__": __name__, "__doc__": view.__doc__},
    )
    return path(str(pattern.pattern), tenant_view.as_view(), name=f"tenant-{pattern.name}")


urlpatterns = [_for_tenant(p) for p in exam_urls.urlpatterns if not str(p.pattern).startswith("me/")]

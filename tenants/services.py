"""Making a hospital a tenant."""

import re

from django.db import connection, transaction
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, schema_context

from audit.services import audit_record
from core.errors import ApplicationError, Conflict
from tenants import routing, schema_sql
from tenants.models import Tenant

SLUG = re.compile(r"^[a-z][a-z0-9-]{1,39}$")


def schema_name_for(slug: str) -> str:
    return "h_" + slug.replace("-", "_")


@transaction.atomic
def tenant_provision(*, organization, slug: str, admin_user=None, actor=None, request=None) -> Tenant:
    """Give a hospital its schema, tenant row and (optionally) its first administrator, in one transaction.

    The schema is built by replaying the recorded tenant DDL (tenants.schema_sql): tens of milliseconds
    instead of a full migrate. Raises ApplicationError for a bad slug or an organisation that is not an
    institution, Conflict when the organisation or the slug already has a tenant.
    Side effects: an audit row `tenant.provisioned`; `admin_user` gets a hospital_admin membership.
    """
    from accounts.services import membership_grant
    from organizations.enums import OrganizationKind

    if connection.schema_name != get_public_schema_name():
        raise RuntimeError("tenant_provision must run in the public schema")
    if not SLUG.match(slug):
        raise ApplicationError(
            _("医院标识只能包含小写字母、数字和连字符，以字母开头，2-40 个字符。"),
            code="invalid_slug",
            attr="slug",
        )
    if organization.kind != OrganizationKind.INSTITUTION:
        raise ApplicationError(_("只有医疗卫生机构可以开通医院模块。"), code="not_an_institution")
    if Tenant.objects.filter(organization=organization).exists():
        raise Conflict(_("该机构已开通医院模块。"), code="tenant_exists")
    if Tenant.objects.filter(slug=slug).exists():
        raise Conflict(_("该医院标识已被使用。"), code="slug_taken", attr="slug")

    schema = schema_name_for(slug)
    schema_sql.create_schema(schema)
    tenant = Tenant(schema_name=schema, slug=slug, organization=organization)
    tenant.save()
    if admin_user is not None:
        from accounts.roles import Role

        membership_grant(user=admin_user, organization=organization, role=Role.HOSPITAL_ADMIN, actor=actor)
    audit_record(
        action="tenant.provisioned",
        actor=actor,
        request=request,
        organization_id=organization.id,
        region_path=organization.region_path,
        target=tenant,
        schema_name=schema,
        data={"slug": slug},
    )
    transaction.on_commit(lambda: routing.forget(slug))
    return tenant


def tenant_get_ready(schema_name: str) -> Tenant:
    with schema_context(get_public_schema_name()):
        return Tenant.objects.select_related("organization").get(schema_name=schema_name)

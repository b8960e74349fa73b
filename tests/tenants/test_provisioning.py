"""Provisioning and fast tenant migrations."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_context

from accounts.models import Membership
from audit.models import AuditEvent
from organizations.models import Organization
from tenants import schema_sql
from tenants.models import Tenant


def _catalogue(schema: str):
    """Tables, columns, constraints and indexes of a schema, names and definitions."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT table_name, column_name, data_type, is_nullable, column_default, is_identity "
            "FROM information_schema.columns WHERE table_schema = %s ORDER BY 1, 2",
            [schema],
        )
        columns = cur.fetchall()
        cur.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = %s ORDER BY 2",
            [schema],
        )
        constraints = [(t.split(".")[-1], n, d.replace(f"{schema}.", "")) for t, n, d in cur.fetchall()]
        cur.execute(
            "SELECT tablename, indexname, regexp_replace(indexdef, ' ON \\S+\\.', ' ON ') FROM pg_indexes "
            "WHERE schemaname = %s ORDER BY 2",
            [schema],
        )
        indexes = cur.fetchall()
    return columns, constraints, indexes


def _new_hospital(name, code):
    return Organization.objects.create(
        name=name,
        kind="institution",
        region_id=Organization.objects.filter(kind="institution").first().region_id,
        region_path="330000/330100/",
        unified_social_credit_code=code,
    )


def test_replayed_schema_is_identical_to_djangos_own_migrate(world, db):
    # given one hospital provisioned by replay, and one migrated by django-tenants' stock command
    fast = _new_hospital("快速医院", "12330100F00000009X")
    stock = _new_hospital("常规医院", "12330100S00000008X")
    from tenants.services import tenant_provision

    tenant_provision(organization=fast, slug="fast-one")
    Tenant(schema_name="h_stock_one", slug="stock-one", organization=stock).save()
    with connection.cursor() as cur:
        cur.execute('CREATE SCHEMA "h_stock_one"')
    call_command("migrate_schemas", schema_name="h_stock_one", interactive=False, verbosity=0)

    # then tables, columns, constraints, indexes and recorded migrations are the same
    assert _catalogue("h_fast_one") == _catalogue("h_stock_one")
    applied = schema_sql.applied_by_schema(["h_fast_one", "h_stock_one"])
    assert applied["h_fast_one"] == applied["h_stock_one"]
    assert schema_sql.pending_by_schema(["h_fast_one", "h_stock_one"]) == {}


def test_no_database_constraint_points_from_a_tenant_schema_to_public(world, db):
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.conname, c.conrelid::regclass::text, c.confrelid::regclass::text FROM pg_constraint c "
            "JOIN pg_namespace n ON n.oid = c.connamespace "
            "JOIN pg_class r ON r.oid = c.confrelid JOIN pg_namespace rn ON rn.oid = r.relnamespace "
            "WHERE c.contype = 'f' AND n.nspname LIKE 'h\\_%%' AND rn.nspname = 'public'"
        )
        assert cur.fetchall() == []


def test_provision_command_makes_schema_admin_and_audit_in_one_call(world, db):
    # given a hospital that is not a tenant yet and its future administrator
    org = _new_hospital("命令医院", "12330100C00000007X")
    from accounts.models import User

    User.objects.create_user("cmd_admin", "Passw0rd!x")

    # when the command runs
    call_command("provision_tenant", organization="12330100C00000007X", slug="cmd-hosp", admin="cmd_admin")

    # then the schema exists at the current migrations, the admin is a member, the act is audited
    tenant = Tenant.objects.get(slug="cmd-hosp")
    assert tenant.organization == org
    assert schema_sql.pending_by_schema([tenant.schema_name]) == {}
    assert Membership.objects.filter(
        user__username="cmd_admin", organization=org, role="hospital_admin"
    ).exists()
    assert AuditEvent.objects.filter(action="tenant.provisioned", target_id=str(tenant.id)).exists()


@pytest.mark.parametrize(
    ("slug", "code"),
    [("Bad Slug", "invalid_slug"), ("hosp-a", "slug_taken")],
)
def test_provisioning_refuses_bad_or_taken_slugs_and_stores_nothing(world, db, slug, code):
    org = _new_hospital("拒绝医院", "12330100R00000006X")
    before_schemas = set(schema_sql.tenant_schemas())
    with pytest.raises(CommandError, match=code):
        call_command("provision_tenant", organization=str(org.id), slug=slug)
    assert set(schema_sql.tenant_schemas()) == before_schemas
    assert not Tenant.objects.filter(organization=org).exists()


def test_an_institution_is_a_tenant_only_once_and_commissions_never(world, db):
    from core.errors import ApplicationError, Conflict
    from tenants.services import tenant_provision

    with pytest.raises(Conflict):
        tenant_provision(organization=world.hospital_a, slug="hosp-a-again")
    with pytest.raises(ApplicationError) as exc:
        tenant_provision(organization=world.commission_x, slug="commission")
    assert exc.value.get_codes() == "not_an_institution"


def _drop_archives(cur):
    """As if the schema missed every archives migration: its tables gone, its migration rows too."""
    cur.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'archives\\_%'"
    )
    tables = [row[0] for row in cur.fetchall()]
    assert "archives_technicalarchive" in tables
    cur.execute("DROP TABLE " + ", ".join(tables))  # one statement: their own foreign keys go with them
    cur.execute("DELETE FROM django_migrations WHERE app = 'archives'")


def test_migrate_tenants_finds_schemas_behind_and_brings_them_up(world, db):
    # given a tenant whose archives tables were never created (as if it missed the migration)
    from tenants.services import tenant_provision

    tenant = tenant_provision(organization=_new_hospital("落后医院", "12330100L00000005X"), slug="behind")
    with schema_context(tenant.schema_name), connection.cursor() as cur:
        _drop_archives(cur)
    pending = schema_sql.pending_by_schema([tenant.schema_name])[tenant.schema_name]
    assert pending[0] == ("archives", "0001_initial")
    assert {app for app, _ in pending} == {"archives"}

    # when migrate_tenants runs, twice
    first = schema_sql.migrate_tenants([tenant.schema_name, "h_hosp_a"])
    second = schema_sql.migrate_tenants([tenant.schema_name, "h_hosp_a"])

    # then the first run migrated exactly that schema, the second found nothing to do
    assert (first.migrated, first.up_to_date) == (1, 1)
    assert (second.migrated, second.up_to_date) == (0, 2)
    assert _catalogue(tenant.schema_name) == _catalogue("h_hosp_a")


def test_migrate_tenants_replays_one_recording_across_a_group(world, db):
    from tenants.services import tenant_provision

    schemas = []
    for i in range(3):
        t = tenant_provision(
            organization=_new_hospital(f"组医院{i}", f"12330100G0000000{i}X"), slug=f"group-{i}"
        )
        with schema_context(t.schema_name), connection.cursor() as cur:
            _drop_archives(cur)
        schemas.append(t.schema_name)

    report = schema_sql.migrate_tenants(schemas)

    assert (report.migrated, report.groups) == (3, 1)
    assert all(_catalogue(s) == _catalogue("h_hosp_a") for s in schemas)

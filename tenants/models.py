"""A hospital that adopted the hospital modules gets a tenant: a schema of its own and a slug for its URLs.

Most institutions are not tenants (they live in public only). The schema is created by
tenants.services.tenant_provision, never by django-tenants' save() (auto_create_schema is off): that path
runs a full `migrate` per tenant, seconds each.
"""

import uuid

from django.db import models
from django_tenants.models import DomainMixin, TenantMixin


class TenantStatus(models.TextChoices):
    READY = "ready"
    SUSPENDED = "suspended"


class Tenant(TenantMixin):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(max_length=40, unique=True)
    organization = models.OneToOneField(
        "organizations.Organization", on_delete=models.PROTECT, related_name="tenant"
    )
    status = models.CharField(max_length=16, choices=TenantStatus.choices, default=TenantStatus.READY)
    created_at = models.DateTimeField(auto_now_add=True)

    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        ordering = ["slug"]

    def __str__(self):
        return self.slug


class Domain(DomainMixin):
    """Required by django-tenants' configuration; routing here is by URL prefix, not by host name."""


class SchemaTemplate(models.Model):
    """The DDL that brings an empty schema to the current tenant migrations, recorded once per migration set
    (see tenants.schema_sql). `fingerprint` changes whenever a migration file is added or edited."""

    fingerprint = models.CharField(max_length=64, unique=True)
    statements = models.JSONField()
    migrations = models.JSONField()  # [[app, name], ...] to record as applied
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.fingerprint[:12]

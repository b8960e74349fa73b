from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError


class Command(BaseCommand):
    help = "Make a hospital a tenant: schema, tenant row and first administrator, in one call."

    def add_arguments(self, parser):
        parser.add_argument(
            "--organization", required=True, help="organisation ID or unified social credit code"
        )
        parser.add_argument("--slug", required=True, help="URL slug, e.g. zj-rmyy (lower case, digits, -)")
        parser.add_argument("--admin", help="username of the hospital's first administrator")

    def handle(self, *args, organization, slug, admin=None, **options):
        from accounts.models import User
        from organizations.models import Organization
        from tenants.services import tenant_provision

        org = (
            Organization.objects.filter(unified_social_credit_code=organization).first()
            or Organization.objects.filter(pk=organization if len(organization) == 36 else None).first()
        )
        if org is None:
            raise CommandError(f"organisation {organization!r} not found")
        user = None
        if admin:
            user = User.objects.filter(username=admin).first()
            if user is None:
                raise CommandError(f"user {admin!r} not found")
        try:
            tenant = tenant_provision(organization=org, slug=slug, admin_user=user)
        except ApplicationError as exc:
            raise CommandError(f"{exc.get_codes()}: {exc.detail}") from exc
        self.stdout.write(
            self.style.SUCCESS(f"{org.name}: tenant {tenant.slug} (schema {tenant.schema_name})")
        )

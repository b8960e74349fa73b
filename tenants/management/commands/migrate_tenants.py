import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Bring every tenant schema to the current migrations: one query finds the schemas that are behind; "
        "each group's first schema is migrated by Django, the others replay its recorded DDL. "
        "Run `migrate_schemas --shared` first. Safe to re-run after an interruption."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schema", action="append", help="only these schemas")

    def handle(self, *args, schema=None, **options):
        from tenants.schema_sql import migrate_tenants, template_recording

        started = time.monotonic()
        report = migrate_tenants(schema, log=self.stdout.write)
        template_recording()  # warm the template for new tenants after a deploy
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.schemas} tenant schema(s): {report.up_to_date} up to date, {report.migrated} migrated "
                f"in {report.groups} group(s), {time.monotonic() - started:.2f} s"
            )
        )

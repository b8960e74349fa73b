from django.core.management.base import BaseCommand

from core import storage


class Command(BaseCommand):
    help = "Create the private object-storage bucket if it does not exist (embedded store, first run)."

    def handle(self, *args, **options):
        storage.ensure_bucket()
        self.stdout.write(f"bucket {storage.bucket()} ready")

"""Recompute the progress rollup of one cycle (by code or id) or of every cycle; --check only compares."""

from assessment.models import Cycle
from django.core.management.base import BaseCommand, CommandError

from assessment_stats import selectors, services


class Command(BaseCommand):
    help = "Rebuild (or --check) the progress statistics rollup from the enrolments."

    def add_arguments(self, parser):
        parser.add_argument(
            "cycle", nargs="?", help="cycle code (e.g. 2024-2026) or id; every cycle if omitted"
        )
        parser.add_argument("--check", action="store_true", help="only report the buckets that differ")

    def handle(self, *args, cycle=None, check=False, **options):
        cycles = Cycle.objects.all()
        if cycle:
            cycles = (
                cycles.filter(code=cycle) if "-" in cycle and len(cycle) < 20 else cycles.filter(pk=cycle)
            )
            if not cycles.exists():
                raise CommandError(f"no cycle {cycle}")
        for c in cycles.order_by("starts_on"):
            if check:
                diff = selectors.rollup_diff(c.pk)
                self.stdout.write(f"{c.code}: {'in step' if not diff else f'{len(diff)} buckets differ'}")
            else:
                buckets = services.rollup_rebuild(cycle_id=c.pk)
                self.stdout.write(f"{c.code}: rebuilt, {buckets} buckets")

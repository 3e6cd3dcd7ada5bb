from typing import Any

from django.core.management.base import BaseCommand

from bansos.core.audit import SystemActor
from bansos.regions.loader import regions_load


class Command(BaseCommand):
    help = "Load (or refresh) all Kemendagri provinces, regencies, districts and villages. Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        result = regions_load(actor=SystemActor("command:loadregions"))
        self.stdout.write(
            f"regions loaded: {result.provinces} provinces, {result.regencies} regencies, "
            f"{result.districts} districts, {result.villages} villages"
        )

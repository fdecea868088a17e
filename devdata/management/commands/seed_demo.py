from django.core.management.base import BaseCommand

from devdata.demo_agencies import DEMO_PASSWORD, demo_agencies_and_accounts
from devdata.demo_records import demo_records_seed


class Command(BaseCommand):
    help = (
        "Load the Parepare demo: regions, member agencies, demo accounts and demo records "
        "(foreign nationals, permits, residences, movements, sightings). Idempotent."
    )

    def handle(self, *args, **options):
        agencies = demo_agencies_and_accounts()
        self.stdout.write(
            f"{len(agencies)} agencies and their demo accounts ready (password {DEMO_PASSWORD!r})."
        )
        result = demo_records_seed()
        if result is None:
            self.stdout.write("Demo records already present; left unchanged.")
        else:
            counts = ", ".join(
                f"{stat.rows} {table.split('_', 1)[1]}" for table, stat in result.tables.items()
            )
            self.stdout.write(f"Demo records created: {counts}.")

from django.core.management.base import BaseCommand

from agencies.demo import DEMO_PASSWORD, demo_agencies_and_accounts


class Command(BaseCommand):
    help = "Load the Parepare demo: regions, member agencies, demo accounts and demo records."

    def handle(self, *args, **options):
        agencies = demo_agencies_and_accounts()
        self.stdout.write(
            f"{len(agencies)} agencies and their demo accounts ready (password {DEMO_PASSWORD!r})."
        )

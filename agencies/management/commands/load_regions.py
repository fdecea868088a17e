from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from agencies.services import REGIONS_CSV, regions_load


class Command(BaseCommand):
    help = (
        "Load (upsert) the Kemendagri region tree from a CSV with the columns "
        "code,name,level,parent_code,lat,lon,note. Without a file: Kota Parepare. "
        "Production uses this instead of seed_demo, which also creates demo accounts."
    )

    def add_arguments(self, parser):
        parser.add_argument("csv", nargs="?", default=str(REGIONS_CSV), help="path of the CSV")

    def handle(self, *args, csv: str, **options):
        path = Path(csv)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            count = regions_load(path=path)
        except (KeyError, ValueError, ArithmeticError, IntegrityError) as exc:
            raise CommandError(f"{path}: not a region CSV ({exc!r}); nothing was loaded.") from exc
        self.stdout.write(f"{count} regions loaded from {path}.")

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from agencies.models import Region
from agencies.outlines import RegionPoint, region_outlines

OUTPUT = Path(settings.BASE_DIR) / "static" / "geo" / "region-outlines.geojson"


def outlines_text(margin_km: float) -> str:
    """The outlines of the regions in the database, as the file holds them."""
    rows = Region.objects.filter(
        level__in=[Region.Level.KECAMATAN, Region.Level.KELURAHAN]
    ).values_list("code", "name", "level", "parent_id", "latitude", "longitude")
    regions = [
        RegionPoint(
            code=code,
            name=name,
            level=level,
            parent=parent,
            lat=None if lat is None else float(lat),
            lon=None if lon is None else float(lon),
        )
        for code, name, level, parent, lat, lon in rows
    ]
    collection = region_outlines(regions, margin_km=margin_km)
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n"


class Command(BaseCommand):
    help = (
        "Write approximate (schematic) kelurahan and kecamatan outlines, drawn from the region "
        "centre points in the database (load_regions), as GeoJSON for the offline base map. "
        "Run it after loading a changed region list and commit the file; --check only compares."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(OUTPUT), help="path of the GeoJSON file")
        parser.add_argument(
            "--margin-km",
            type=float,
            default=1.0,
            help="how far the outer outline lies beyond the outermost kelurahan points",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="fail when the file differs from what the database gives; write nothing",
        )

    def handle(self, *args, output: str, margin_km: float, check: bool, **options):
        if not 0 < margin_km <= 50:
            raise CommandError("--margin-km must be more than 0 and at most 50.")
        path = Path(output)
        text = outlines_text(margin_km)
        count = len(json.loads(text)["features"])
        if check:
            current = path.read_text(encoding="utf-8") if path.is_file() else ""
            if current != text:
                raise CommandError(
                    f"{path} is out of date with the region list: run manage.py region_outlines."
                )
            self.stdout.write(f"{path} is up to date ({count} outlines).")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"{count} outlines written to {path}.")

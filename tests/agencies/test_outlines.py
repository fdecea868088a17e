"""The approximate region outlines (agencies.outlines) and the command that vendors them."""

import csv
import json
import math

import pytest
from django.core.management import CommandError, call_command

from agencies.outlines import RegionPoint, contains, region_outlines
from agencies.services import REGIONS_CSV


def _parepare() -> list[RegionPoint]:
    with open(REGIONS_CSV, newline="", encoding="utf-8") as fh:
        return [
            RegionPoint(
                code=row["code"],
                name=row["name"],
                level=row["level"],
                parent=row["parent_code"] or None,
                lat=float(row["lat"]),
                lon=float(row["lon"]),
            )
            for row in csv.DictReader(fh)
        ]


def _rings(geometry: dict) -> list[list[list[float]]]:
    """Every ring, outer and holes (a point inside an odd number of them is inside)."""
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    return [ring for polygon in polygons for ring in polygon]


def _inside(geometry: dict, lon: float, lat: float) -> bool:
    return sum(contains([tuple(c) for c in ring], (lon, lat)) for ring in _rings(geometry)) % 2 == 1


@pytest.fixture(scope="module")
def outlines():
    regions = _parepare()
    collection = region_outlines(regions)
    by_level: dict[str, dict[str, dict]] = {"kelurahan": {}, "kecamatan": {}}
    for feature in collection["features"]:
        props = feature["properties"]
        by_level[props["level"]][props["code"]] = feature
    return {r.code: r for r in regions}, by_level


def _grid(features, steps=60):
    lons = [c[0] for f in features for ring in _rings(f["geometry"]) for c in ring]
    lats = [c[1] for f in features for ring in _rings(f["geometry"]) for c in ring]
    for i in range(steps + 1):
        for j in range(steps + 1):
            yield (
                min(lons) + (max(lons) - min(lons)) * (i + 0.37) / (steps + 1),
                min(lats) + (max(lats) - min(lats)) * (j + 0.61) / (steps + 1),
            )


def test_every_kelurahan_of_parepare_gets_a_cell_containing_its_own_point(outlines):
    regions, by_level = outlines
    kelurahan = [r for r in regions.values() if r.level == "kelurahan"]
    assert len(kelurahan) == 22 and set(by_level["kelurahan"]) == {r.code for r in kelurahan}
    for r in kelurahan:
        feature = by_level["kelurahan"][r.code]
        assert feature["properties"]["name"] == r.name
        assert feature["properties"]["parent"] == r.parent
        assert _inside(feature["geometry"], r.lon, r.lat), r.name
        assert feature["properties"]["label"] == [r.lon, r.lat]
        for other in kelurahan:
            if other.code != r.code:
                assert not _inside(feature["geometry"], other.lon, other.lat), (r.name, other.name)


def test_cells_do_not_overlap_and_each_holds_the_points_nearest_its_kelurahan(outlines):
    regions, by_level = outlines
    cells = by_level["kelurahan"].values()
    k = math.cos(math.radians(-4.02))
    covered = 0
    for lon, lat in _grid(cells):
        inside = [f["properties"]["code"] for f in cells if _inside(f["geometry"], lon, lat)]
        assert len(inside) <= 1, (lon, lat, inside)
        if inside:
            covered += 1
            distance = {
                code: math.hypot((regions[code].lon - lon) * k, regions[code].lat - lat)
                for code in by_level["kelurahan"]
            }
            # Nearest, up to the file's rounding (5 decimals, about a metre).
            assert distance[inside[0]] <= min(distance.values()) + 2e-5, (lon, lat)
    assert covered > 1500  # most of the grid: the cells tile the widened hull


def test_a_kecamatan_outline_is_the_union_of_its_kelurahan_cells(outlines):
    regions, by_level = outlines
    assert set(by_level["kecamatan"]) == {"73.72.01", "73.72.02", "73.72.03", "73.72.04"}
    assert by_level["kecamatan"]["73.72.03"]["properties"]["name"] == "Soreang"
    for lon, lat in _grid(by_level["kelurahan"].values(), steps=40):
        cell = [
            f["properties"]["parent"]
            for f in by_level["kelurahan"].values()
            if _inside(f["geometry"], lon, lat)
        ]
        kecamatan = [
            code for code, f in by_level["kecamatan"].items() if _inside(f["geometry"], lon, lat)
        ]
        assert kecamatan == cell, (lon, lat)
    for feature in by_level["kecamatan"].values():
        lon, lat = feature["properties"]["label"]
        assert _inside(feature["geometry"], lon, lat)


def test_degenerate_inputs_still_give_cells():
    kec = RegionPoint("73.99.01", "Satu", "kecamatan", "73.99", None, None)
    lone = RegionPoint("73.99.01.1001", "Sendiri", "kelurahan", "73.99.01", -4.0, 119.6)
    twin = RegionPoint("73.99.01.1002", "Kembar", "kelurahan", "73.99.01", -4.0, 119.6)
    no_point = RegionPoint("73.99.01.1003", "Tanpa titik", "kelurahan", "73.99.01", None, None)
    features = region_outlines([kec, lone, no_point])["features"]
    assert [f["properties"]["code"] for f in features] == ["73.99.01.1001", "73.99.01"]
    assert _inside(features[0]["geometry"], 119.6, -4.0)
    # Two kelurahan at one point share a cell rather than failing.
    features = region_outlines([kec, lone, twin])["features"]
    assert features[0]["geometry"] == features[1]["geometry"]


@pytest.mark.django_db
def test_the_vendored_outlines_match_the_region_list(regions):
    call_command("region_outlines", "--check")


@pytest.mark.django_db
def test_the_command_writes_the_file_and_refuses_a_bad_margin(regions, tmp_path):
    path = tmp_path / "outlines.geojson"
    with pytest.raises(CommandError, match="out of date"):
        call_command("region_outlines", "--check", "--output", str(path))
    call_command("region_outlines", "--output", str(path), "--margin-km", "2")
    collection = json.loads(path.read_text(encoding="utf-8"))
    assert len(collection["features"]) == 26 and "Not official borders" in collection["description"]
    with pytest.raises(CommandError, match="margin"):
        call_command("region_outlines", "--output", str(path), "--margin-km", "0")

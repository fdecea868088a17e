"""Approximate kelurahan and kecamatan outlines drawn from the regions' centre points.

The region list holds one point per region (its approximate centroid), no boundaries. The map
still needs something to read places by when no tile server is configured, so each kota or
kabupaten gets a *schematic* partition: every kelurahan is the area nearer its point than any
other kelurahan's (a Voronoi cell), inside the points' convex hull widened by a margin; a
kecamatan is the union of its kelurahan's cells. These are not official borders and the map says
so ("batas perkiraan").

Pure Python (a few dozen points per city): each cell is the bounding polygon clipped by one
half-plane per neighbour, nearest first, stopping once no farther point can cut it. Edges
remember which neighbour cut them, so a kecamatan's outline is the edges of its cells whose
neighbour lies in another kecamatan (or is the bounding polygon), chained into rings.
``manage.py region_outlines`` writes the result as GeoJSON under static/.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

# An edge cut by the bounding polygon, not by a neighbour.
BOUNDARY = -1
KM_PER_DEGREE = 111.32
# Two vertices closer than this (in degrees, about 1 mm) are the same vertex.
_TOL = 1e-8
# Coordinates are written with 5 decimals (about 1 m), like the region list's points.
DECIMALS = 5


@dataclass(frozen=True)
class RegionPoint:
    code: str
    name: str
    level: str  # "kecamatan" or "kelurahan" (agencies.models.Region.Level)
    parent: str | None
    lat: float | None
    lon: float | None


XY = tuple[float, float]
# A convex polygon as (vertex, tag) pairs, counter-clockwise; the tag names what cut the edge
# from this vertex to the next: a neighbour's index or BOUNDARY.
Tagged = list[tuple[XY, int]]


# --- plane geometry ------------------------------------------------------------------------


def _cross(o: XY, a: XY, b: XY) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def convex_hull(points: Iterable[XY]) -> list[XY]:
    """Counter-clockwise hull (Andrew's monotone chain), without collinear points."""
    pts = sorted(set(points))
    if len(pts) <= 2:
        return pts
    lower: list[XY] = []
    for p in pts:
        while len(lower) >= 2 and _cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[XY] = []
    for p in reversed(pts):
        while len(upper) >= 2 and _cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def clip(polygon: Tagged, a: float, b: float, c: float, tag: int) -> Tagged:
    """The part of a convex ``polygon`` where ``a·x + b·y ≤ c`` (one Sutherland–Hodgman pass);
    the edge along the cutting line gets ``tag``."""
    out: Tagged = []
    n = len(polygon)
    for k in range(n):
        (p, edge), (q, _next) = polygon[k], polygon[(k + 1) % n]
        fp, fq = a * p[0] + b * p[1] - c, a * q[0] + b * q[1] - c
        p_in, q_in = fp <= _TOL * _TOL, fq <= _TOL * _TOL
        if p_in:
            out.append((p, edge))
        if p_in != q_in:
            t = fp / (fp - fq)
            cut = (p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1]))
            # Leaving: the edge from the cut runs along the line; entering: it is the rest of
            # the old edge.
            out.append((cut, tag if p_in else edge))
    return _without_repeats(out)


def _without_repeats(polygon: Tagged) -> Tagged:
    # A vertex equal to the previous one leaves a zero-length edge: keep the position of the
    # first, the tag of the edge that really leaves it.
    out: Tagged = []
    for vertex, tag in polygon:
        if out and math.dist(out[-1][0], vertex) < _TOL:
            out[-1] = (out[-1][0], tag)
        else:
            out.append((vertex, tag))
    while len(out) > 1 and math.dist(out[-1][0], out[0][0]) < _TOL:
        out.pop()
    return out if len(out) >= 3 else []


def widened(points: list[XY], margin: float) -> Tagged:
    """The convex hull of ``points`` pushed ``margin`` outwards (mitred corners); a square
    around the points when they are fewer than three or on one line."""
    hull = convex_hull(points)
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    box: Tagged = [
        ((min(xs) - margin, min(ys) - margin), BOUNDARY),
        ((max(xs) + margin, min(ys) - margin), BOUNDARY),
        ((max(xs) + margin, max(ys) + margin), BOUNDARY),
        ((min(xs) - margin, max(ys) + margin), BOUNDARY),
    ]
    if len(hull) < 3:
        return box
    polygon = box
    for k, p in enumerate(hull):
        q = hull[(k + 1) % len(hull)]
        # Outward normal of a counter-clockwise edge.
        nx, ny = q[1] - p[1], p[0] - q[0]
        length = math.hypot(nx, ny)
        nx, ny = nx / length, ny / length
        polygon = clip(polygon, nx, ny, nx * p[0] + ny * p[1] + margin, BOUNDARY)
    return polygon


def voronoi_cells(sites: list[XY], boundary: Tagged) -> list[Tagged]:
    """Each site's cell inside the convex ``boundary``: the points nearer that site than any
    other. Sites at the same position share one cell."""
    cells = []
    for i, s in enumerate(sites):
        cell = list(boundary)
        others = sorted(
            (math.dist(s, t), j) for j, t in enumerate(sites) if j != i and math.dist(s, t) > 0
        )
        for distance, j in others:
            # A site farther than twice the cell's farthest vertex cannot cut the cell.
            if distance > 2 * max(math.dist(s, v) for v, _tag in cell):
                break
            t = sites[j]
            a, b = t[0] - s[0], t[1] - s[1]
            c = (a * (s[0] + t[0]) + b * (s[1] + t[1])) / 2
            cell = clip(cell, a, b, c, j)
            if not cell:
                break
        cells.append(cell)
    return cells


def signed_area(ring: list[XY]) -> float:
    return (
        sum(p[0] * q[1] - q[0] * p[1] for p, q in zip(ring, ring[1:] + ring[:1], strict=True)) / 2
    )


def contains(ring: list[XY], point: XY) -> bool:
    """Whether ``point`` is inside the (closed or open) ring: even-odd rule."""
    x, y = point
    inside = False
    for p, q in zip(ring, ring[1:] + ring[:1], strict=True):
        if (p[1] > y) != (q[1] > y) and x < p[0] + (y - p[1]) * (q[0] - p[0]) / (q[1] - p[1]):
            inside = not inside
    return inside


def _centroid(ring: list[XY]) -> XY:
    area = signed_area(ring)
    cx = cy = 0.0
    for p, q in zip(ring, ring[1:] + ring[:1], strict=True):
        w = p[0] * q[1] - q[0] * p[1]
        cx += (p[0] + q[0]) * w
        cy += (p[1] + q[1]) * w
    return cx / (6 * area), cy / (6 * area)


def _collinear_dropped(ring: list[XY]) -> list[XY]:
    out = list(ring)
    k = 0
    while len(out) > 3 and k < len(out):
        o, a, b = out[k - 1], out[k], out[(k + 1) % len(out)]
        if abs(_cross(o, a, b)) < _TOL * _TOL:
            del out[k]
            k = max(k - 1, 0)
        else:
            k += 1
    return out


def union_rings(cells: list[Tagged], members: set[int]) -> list[list[XY]]:
    """The outline of the cells in ``members`` as rings: the edges whose other side is not a
    member, chained end to start (outer rings counter-clockwise, holes clockwise)."""
    edges: list[tuple[XY, XY]] = []
    for i in members:
        cell = cells[i]
        for k, (p, tag) in enumerate(cell):
            if tag not in members:
                edges.append((p, cell[(k + 1) % len(cell)][0]))
    rings, unused = [], set(range(len(edges)))
    while unused:
        first = min(unused)
        unused.discard(first)
        ring = [edges[first][0]]
        end = edges[first][1]
        while math.dist(end, ring[0]) >= 1e3 * _TOL:
            nxt = min(unused, key=lambda e: math.dist(edges[e][0], end), default=None)
            if nxt is None or math.dist(edges[nxt][0], end) >= 1e3 * _TOL:
                break  # an open chain (should not happen): close it where it stops
            unused.discard(nxt)
            ring.append(edges[nxt][0])
            end = edges[nxt][1]
        ring = _collinear_dropped(ring)
        if len(ring) >= 3 and abs(signed_area(ring)) > _TOL * _TOL:
            rings.append(ring)
    return rings


# --- regions -------------------------------------------------------------------------------


@dataclass
class _Plane:
    """A local equirectangular projection around a city: x east and y north, both in degrees
    of latitude, so distances are true within a few kilometres."""

    lat0: float
    lon0: float

    def __post_init__(self):
        self.k = math.cos(math.radians(self.lat0))

    def xy(self, lat: float, lon: float) -> XY:
        return ((lon - self.lon0) * self.k, lat - self.lat0)

    def lonlat(self, p: XY) -> list[float]:
        return [round(p[0] / self.k + self.lon0, DECIMALS), round(p[1] + self.lat0, DECIMALS)]


def _closed(plane: _Plane, ring: list[XY]) -> list[list[float]]:
    coords = [plane.lonlat(p) for p in ring]
    return [*coords, coords[0]]


def _polygons(rings: list[list[XY]]) -> list[list[list[XY]]]:
    """Rings → polygons (outer ring first, then the holes inside it)."""
    outers = [r for r in rings if signed_area(r) > 0]
    polygons: list[list[list[XY]]] = [[r] for r in outers]
    for hole in (r for r in rings if signed_area(r) < 0):
        for polygon in polygons:
            if contains(polygon[0], hole[0]):
                polygon.append(hole)
                break
    return polygons


def region_outlines(regions: Iterable[RegionPoint], *, margin_km: float = 1.0) -> dict:
    """A GeoJSON FeatureCollection of approximate kelurahan cells and kecamatan outlines for
    every kota or kabupaten with kelurahan points. Features carry ``code``, ``name``, ``level``,
    ``parent`` and ``label`` ([lon, lat] inside it, for its name: a kelurahan's own point)."""
    regions = list(regions)
    by_code = {r.code: r for r in regions}
    cities: dict[str | None, list[RegionPoint]] = defaultdict(list)
    for r in regions:
        if r.level == "kelurahan" and r.lat is not None and r.parent in by_code:
            cities[by_code[r.parent].parent].append(r)
    features = []
    for city in sorted(cities, key=str):
        kelurahan = sorted(cities[city], key=lambda r: r.code)
        plane = _Plane(
            sum(r.lat for r in kelurahan) / len(kelurahan),
            sum(r.lon for r in kelurahan) / len(kelurahan),
        )
        sites = [plane.xy(r.lat, r.lon) for r in kelurahan]
        cells = voronoi_cells(sites, widened(sites, margin_km / KM_PER_DEGREE))
        for r, site, cell in zip(kelurahan, sites, cells, strict=True):
            ring = _closed(plane, [v for v, _ in cell])
            geometry = {"type": "Polygon", "coordinates": [ring]}
            features.append(_feature(r, geometry, label=plane.lonlat(site)))
        members: dict[str, set[int]] = defaultdict(set)
        for i, r in enumerate(kelurahan):
            members[r.parent].add(i)
        for code in sorted(members):
            polygons = _polygons(union_rings(cells, members[code]))
            if not polygons:
                continue
            largest = max(polygons, key=lambda p: signed_area(p[0]))[0]
            label = _centroid(largest)
            if not contains(largest, label):
                label = sites[min(members[code])]
            coordinates = [[_closed(plane, ring) for ring in polygon] for polygon in polygons]
            geometry = (
                {"type": "Polygon", "coordinates": coordinates[0]}
                if len(coordinates) == 1
                else {"type": "MultiPolygon", "coordinates": coordinates}
            )
            features.append(_feature(by_code[code], geometry, label=plane.lonlat(label)))
    return {
        "type": "FeatureCollection",
        # A foreign member (RFC 7946 §6.1): what these shapes are.
        "description": (
            "Approximate (schematic) boundaries generated by `manage.py region_outlines` from "
            "the kelurahan centre points of the region list: each kelurahan is the area nearer "
            f"its point than any other's, within the points' hull widened by {margin_km:g} km; "
            "a kecamatan is the union of its kelurahan. Not official borders."
        ),
        "features": features,
    }


def _feature(region: RegionPoint, geometry: dict, **extra) -> dict:
    return {
        "type": "Feature",
        "properties": {
            "code": region.code,
            "name": region.name,
            "level": region.level,
            "parent": region.parent,
            **extra,
        },
        "geometry": geometry,
    }

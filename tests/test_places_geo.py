"""The shipped Syrian village gazetteer and the OCHA admin polygons."""

from __future__ import annotations

import csv
import gzip

import pytest

from fogwatch import settings
from fogwatch.places.geo import admin_index, locate, point_in_rings, simplify_ring
from fogwatch.places.keys import skeleton

# (lat, lon, admin1, admin2, admin3) in OCHA spelling
POINTS = [
    (36.20, 37.16, "Aleppo", "Jebel Saman", "Jebel Saman"),
    (35.61, 36.56, "Idleb", "Al Ma'ra", "Kafr Nobol"),
    (33.51, 36.29, "Damascus", "Damascus", "Damascus"),
    (36.83, 40.03, "Al-Hasakeh", "Ras Al Ain", "Ras Al Ain"),
]


@pytest.mark.parametrize(("lat", "lon", "a1", "a2", "a3"), POINTS)
def test_point_in_polygon_gives_admin1_to_3(lat, lon, a1, a2, a3) -> None:
    areas = locate(lat, lon)
    assert areas is not None
    assert (areas.admin1, areas.admin2, areas.admin3) == (a1, a2, a3)


@pytest.mark.parametrize(("lat", "lon"), [(33.89, 35.50), (36.34, 43.13), (31.95, 35.93)])
def test_points_abroad_have_no_syrian_admin(lat, lon) -> None:
    """Beirut, Mosul and Amman lie outside every Syrian sub-district."""
    assert locate(lat, lon) is None


def test_polygons_cover_every_level() -> None:
    index = admin_index()
    assert index is not None
    assert [len(index.areas(level)) for level in (1, 2, 3)] == [14, 62, 272]


def test_ray_casting_counts_holes_as_outside() -> None:
    outer = [(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0), (0.0, 0.0)]
    hole = [(1.0, 1.0), (3.0, 1.0), (3.0, 3.0), (1.0, 3.0), (1.0, 1.0)]
    assert point_in_rings(0.5, 0.5, [outer, hole])
    assert not point_in_rings(2.0, 2.0, [outer, hole])
    assert not point_in_rings(5.0, 2.0, [outer, hole])


def test_simplify_keeps_corners_and_drops_collinear_points() -> None:
    ring = [(0.0, 0.0), (1.0, 0.001), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0), (0.0, 0.0)]
    out = simplify_ring(ring, 0.01)
    assert (1.0, 0.001) not in out
    assert out[0] == out[-1] == (0.0, 0.0) and (2.0, 2.0) in out


def test_village_file_is_small_and_attributed() -> None:
    path = settings.PACKAGE_DATA_DIR / "syria_places.csv.gz"
    assert path.stat().st_size < 3_000_000
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) > 10_000
    sources = {s for r in rows for s in r["sources"].split("+")}
    assert sources == {"ocha", "ucdp", "osm"}  # nothing from IOM or ACLED
    assert all(r["admin1"] and r["admin2"] and r["admin3"] for r in rows)


# (Latin spellings, Arabic) that must share one consonant skeleton
SKELETONS = [
    (("Kafr Nabl", "Kafranbel", "Kfar Nubl"), "كفرنبل"),
    (("Deir ez-Zor", "Dayr al-Zawr", "Deir Ezzor"), "دير الزور"),
    (("Hmeimim", "Humaymim"), "حميميم"),
    (("Khirbat Ghazala", "Khirbet Ghazaleh"), "خربة غزالة"),
    (("Maarat al-Numan", "Maaret al-Noman"), "معرة النعمان"),
    (("Big Sukariyeh", "Sukkariyeh al-Kabira"), "السكرية الكبيرة"),
    (("Abu Kamal", "Al-Bukamal"), "البوكمال"),
    (("Tell Halaf", "Tal Halaf"), "تل حلف"),
]


@pytest.mark.parametrize(("latin", "arabic"), SKELETONS)
def test_skeleton_meets_across_scripts(latin: tuple[str, ...], arabic: str) -> None:
    assert {skeleton(n) for n in latin} == {skeleton(arabic)}


def test_skeleton_keeps_consonants_apart() -> None:
    assert skeleton("Saraqib") != skeleton("Sarmada")
    assert skeleton("Hama") != skeleton("Homs")


def test_acled_export_carries_the_polygon_admin_levels() -> None:
    """A located claim gets admin2/admin3 from the polygons, and the ACLED row keeps them."""
    from fogwatch.model import PlaceMention
    from fogwatch.places.resolver import PlaceResolver
    from fogwatch.store.exports import acled_row

    loc = PlaceResolver.default().resolve([PlaceMention(text="Saraqib", start=0, end=7)])
    assert loc is not None
    areas = locate(loc.lat, loc.lon)
    assert areas is not None and (loc.admin2, loc.admin3) == (areas.admin2, areas.admin3)
    item = {"id": "i-1", "date": "2017-03-14", "location": loc.model_dump(mode="json")}
    row = acled_row(item, [], 0)
    assert (row["admin1"], row["admin2"], row["admin3"]) == ("Idlib", "Idleb", "Saraqab")

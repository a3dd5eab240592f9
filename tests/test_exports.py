"""Exports read back with the tools their users use: pandas for CSV and Parquet, the
`geojson` package for GeoJSON, plain json for JSONL. Also the `export` and `token`
commands, through a group built like fogwatch's own."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import click
import geojson
import pandas as pd
import pytest
from click.testing import CliRunner

from fogwatch.api.cli import export as export_command
from fogwatch.api.cli import serve, token
from fogwatch.api.queries import IncidentFilter
from fogwatch.cli import Context
from fogwatch.store.exports import ACLED_COLUMNS, UCDP_COLUMNS, export
from fogwatch.store.tokens import verify_token
from test_api_fixtures import CONTESTED, INCIDENTS, Corpus, build_corpus


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def corpus(request, tmp_path_factory) -> tuple[str, Corpus]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('exports') / 'exports.db'}"
    else:
        url = request.getfixturevalue("pg_server").create_database(f"ex_{uuid.uuid4().hex[:8]}")
    return url, build_corpus(url)


def test_acled_csv_has_acled_columns_and_conservative_tolls(corpus, tmp_path):
    _, data = corpus
    path = tmp_path / "acled.csv"
    result = export(data.store, "acled-csv", IncidentFilter(), str(path))
    frame = pd.read_csv(path, keep_default_na=False)
    assert result.written == len(frame) == len(INCIDENTS)
    assert list(frame.columns) == ACLED_COLUMNS
    assert frame["event_id_cnty"].is_unique
    rows = frame.set_index("event_id_cnty")
    saraqib = rows.loc[CONTESTED]
    assert saraqib["fatalities"] == 6  # the most conservative figure, as ACLED codes it
    assert saraqib["event_date"] == "2017-03-14"
    assert saraqib["event_type"] == "Explosions/Remote violence"
    assert saraqib["country"] == "Syria" and saraqib["admin1"] == "Idlib"
    assert str(saraqib["geo_precision"]) == "1" and saraqib["time_precision"] == 1
    assert saraqib["actor1"] == "Unidentified Armed Group (Syria)"  # blame is disputed
    notes = saraqib["notes"]
    for fragment in (
        "Saraqib Civil Defence (via North Ridge Courier): at least 21 killed",
        "Syrian Army General Command (via State Evening Bulletin): 6 killed",
        "Valley Monitor: 27 killed",
        "Russian Ministry of Defence (via State Evening Bulletin) denied",
        "Disputed: toll, blame, denial",
    ):
        assert fragment in notes
    assert rows.loc["i-homs", "actor1"] == "Islamic State"
    assert rows.loc["i-daraa", "actor2"] == "Southern Front"
    assert rows.loc["i-douma", "fatalities"] == 0
    assert rows.loc["i-douma", "latitude"] == ""  # no coordinates: left empty, not 0
    assert set(rows["source"]) >= {"North Ridge Courier; State Evening Bulletin; Valley Monitor"}


def test_ucdp_csv_keeps_low_best_high_and_skips_deathless_events(corpus, tmp_path):
    _, data = corpus
    path = tmp_path / "ucdp.csv"
    result = export(data.store, "ucdp-csv", IncidentFilter(), str(path))
    frame = pd.read_csv(path, keep_default_na=False).set_index("id")
    assert list(frame.reset_index().columns) == UCDP_COLUMNS
    assert result.skipped == 1 and "i-douma" not in frame.index  # no death in any estimate
    assert (frame["low"] <= frame["best"]).all() and (frame["best"] <= frame["high"]).all()
    saraqib = frame.loc[CONTESTED]
    assert (saraqib["low"], saraqib["best"], saraqib["high"]) == (6, 24, 27)
    assert saraqib["event_clarity"] == 2 and frame.loc["i-homs", "event_clarity"] == 1
    assert saraqib["number_of_sources"] == 3
    assert "Saraqib Civil Defence" in saraqib["source_original"]
    assert saraqib["where_prec"] == 1 and frame.loc["i-deir", "where_prec"] == 2
    assert saraqib["date_prec"] == 1
    assert saraqib["geom_wkt"] == "POINT (36.8059 35.8645)"
    assert saraqib["deaths_civilians"] == 21 and saraqib["type_of_violence"] == 3


def test_jsonl_has_every_claim_of_the_matching_incidents(corpus, tmp_path):
    _, data = corpus
    path = tmp_path / "claims.jsonl"
    export(data.store, "jsonl", IncidentFilter(contested=True), str(path))
    claims = [json.loads(line) for line in path.read_text().splitlines()]
    assert {c["incident"] for c in claims} == {CONTESTED, "i-daraa"}
    assert len(claims) == len(data.claims[CONTESTED]) + len(data.claims["i-daraa"])
    for claim in claims:
        assert claim["evidence"]["text"] and claim["document_id"].startswith("d-")


def test_geojson_is_a_valid_feature_collection(corpus, tmp_path):
    _, data = corpus
    path = tmp_path / "incidents.geojson"
    result = export(data.store, "geojson", IncidentFilter(), str(path))
    collection = geojson.loads(path.read_text())
    assert collection.is_valid, collection.errors()
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == result.written == len(INCIDENTS)
    for feature in collection["features"]:
        if feature["geometry"] is not None:
            lon, lat = feature["geometry"]["coordinates"]
            assert -180 <= lon <= 180 and -90 <= lat <= 90
    by_id = {f["id"]: f for f in collection["features"]}
    assert by_id[CONTESTED]["properties"]["disputes"] == ["toll", "blame", "denial"]
    assert by_id["i-douma"]["geometry"] is None


def test_parquet_round_trips_with_types(corpus, tmp_path):
    _, data = corpus
    path = tmp_path / "incidents.parquet"
    export(data.store, "parquet", IncidentFilter(since=dt.date(2017, 1, 1)), str(path))
    frame = pd.read_parquet(path).set_index("id")
    assert set(frame.index) == {"i-saraqib", "i-mosul", "i-deir", "i-daraa", "i-raqqa"}
    saraqib = frame.loc[CONTESTED]
    assert saraqib["killed_acled"] == 6 and saraqib["killed_high"] == 27
    assert list(saraqib["disputes"]) == ["toll", "blame", "denial"]
    assert bool(saraqib["contested"]) is True
    assert json.loads(saraqib["perpetrators"])[0]["name"] == "Russian Air Force"
    assert str(saraqib["date"]) == "2017-03-14"


def test_filters_match_the_api(corpus, tmp_path):
    _, data = corpus
    path = tmp_path / "f.csv"
    export(data.store, "acled-csv", IncidentFilter(outlet="Valley Monitor"), str(path))
    assert set(pd.read_csv(path)["event_id_cnty"]) == {CONTESTED, "i-deir"}


def test_parquet_to_stdout_is_refused(corpus):
    _, data = corpus
    with pytest.raises(ValueError):
        export(data.store, "parquet", IncidentFilter(), "-")


# --------------------------------------------------------------------------- commands


@click.group()
@click.option("--db")
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    ctx.obj = Context(db, quiet=False)


cli.add_command(export_command)
cli.add_command(token)
cli.add_command(serve)


def test_export_command(corpus, tmp_path):
    url, _ = corpus
    out = tmp_path / "c.geojson"
    result = CliRunner().invoke(
        cli, ["--db", url, "export", "--format", "geojson", "--contested", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "2 incidents written" in result.output
    assert {f["id"] for f in json.loads(out.read_text())["features"]} == {CONTESTED, "i-daraa"}
    bad = CliRunner().invoke(
        cli, ["--db", url, "export", "--format", "jsonl", "--bbox", "1,2", "-o", "-"]
    )
    assert bad.exit_code == 2 and "bbox" in bad.output
    stdout = CliRunner().invoke(
        cli, ["--db", url, "export", "--format", "jsonl", "--search", "bakery", "-o", "-"]
    )
    assert stdout.exit_code == 0, stdout.output


def test_token_commands(corpus):
    url, data = corpus
    runner = CliRunner()
    created = runner.invoke(cli, ["--db", url, "token", "create", "--name", "bot"])
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip()
    info = verify_token(data.store, secret)
    assert info is not None and info.name == "bot"
    listed = runner.invoke(cli, ["--db", url, "token", "list"])
    assert info.id in listed.output and secret not in listed.output
    assert runner.invoke(cli, ["--db", url, "token", "revoke", info.id]).exit_code == 0
    assert verify_token(data.store, secret) is None
    assert runner.invoke(cli, ["--db", url, "token", "revoke", info.id]).exit_code == 1


def test_serve_help_names_the_options():
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--tiles"):
        assert option in result.output

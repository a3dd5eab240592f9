"""The incidents stage's commands, through click's CliRunner against a real store."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from fogwatch.cli import main
from fogwatch.incidents.cli import COMMANDS
from fogwatch.store import Store
from test_incidents_store import corpus, save

for _command in COMMANDS:
    if _command.name not in main.commands:
        main.add_command(_command)


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    store = Store.open(url)
    for name, claims in corpus().items():
        save(store, name, claims)
    return url


def run(db: str, *args: str) -> str:
    result = CliRunner().invoke(main, ["--db", db, *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_incidents_json_has_the_documented_fields(db):
    rows = json.loads(run(db, "incidents", "--format", "json"))
    assert len(rows) == 2
    strike = next(r for r in rows if r["claims"] == 6)
    for key in ("id", "event_type", "sub_event_type", "date", "location", "claims", "origins",
                "killed", "injured", "perpetrators", "grade", "flags"):  # fmt: skip
        assert key in strike
    assert set(strike["killed"]) == {"acled", "low", "best", "high"}
    assert set(strike["injured"]) == {"acled", "low", "best", "high"}
    coalition = next(p for p in strike["perpetrators"] if p["denied_by"])
    assert coalition["claimants"] == ["Russia"]
    assert coalition["denied_by"] == ["Operation Inherent Resolve"]
    assert strike["location"]["lat"] is not None


def test_incidents_filters_and_formats(db):
    lines = run(db, "incidents", "--contested", "--format", "jsonl").strip().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["grade"] == "contested"
    assert (
        json.loads(run(db, "incidents", "--bbox", "35,34,36.5,35.5", "--format", "json"))[0][
            "location"
        ]["name"]
        == "Tartus"
    )
    assert json.loads(run(db, "incidents", "--until", "2016-09-01", "--format", "json")) == []
    table = run(db, "incidents")
    assert "2 incidents" in table


def test_bad_bbox_is_refused(db):
    result = CliRunner().invoke(main, ["--db", db, "incidents", "--bbox", "1,2,3"])
    assert result.exit_code == 2 and "minlon" in result.output


def test_incident_shows_claims_side_by_side(db):
    strike = next(
        r for r in json.loads(run(db, "incidents", "--format", "json")) if r["claims"] == 6
    )
    table = run(db, "incident", strike["id"])
    assert "grade=contested" in table
    assert "blamed by Russia; denied by Operation Inherent Resolve" in table
    detail = json.loads(run(db, "incident", strike["id"][:7], "--format", "json"))
    assert len(detail["claim_records"]) == 6
    missing = CliRunner().invoke(main, ["--db", db, "incident", "i-nothere"])
    assert missing.exit_code == 1 and "no incident" in missing.output


def test_sources_and_source(db):
    rows = json.loads(run(db, "sources", "--format", "json"))
    names = {(r["role"], r["name"]) for r in rows}
    assert ("outlet", "Test Outlet") in names and ("claimant", "Russia") in names
    (russia,) = json.loads(run(db, "source", "Russia", "--format", "json"))
    assert russia["blames"] == {"US-led coalition": 1}
    assert "Russia" in run(db, "sources", "--role", "claimant")
    missing = CliRunner().invoke(main, ["--db", db, "source", "Nobody at all"])
    assert missing.exit_code == 1


def test_reference_add_and_check(db, tmp_path):
    counts = tmp_path / "counts.csv"
    counts.write_text("day,town,dead\n2016-09-17,Deir ez-Zor,3\n", encoding="utf-8")
    out = run(db, "reference", "add", str(counts), "--format", "counts", "--date-col", "day",
              "--place-col", "town", "--deaths-col", "dead")  # fmt: skip
    assert "1 rows" in out
    assert json.loads(run(db, "reference", "--format", "json"))[0]["format"] == "counts"
    result = json.loads(run(db, "check", "sohr.txt", "--format", "json"))
    (check,) = result["claims"]
    assert check["label"] == "inconsistent" and check["reason"].startswith("claim 80 vs")
    (score,) = result["documents"]
    assert score["score"] == 0.0 and score["coverage"] == 1.0
    everything = json.loads(run(db, "check", "--format", "json"))
    assert len(everything["documents"]) == 5
    assert "inconsistent" in run(db, "check")


def test_reference_add_reports_bad_files(db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("x\n1\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["--db", db, "reference", "add", str(bad), "--format", "acled"]
    )
    assert result.exit_code == 1 and "missing column" in result.output


def test_link_command_is_idempotent(db):
    assert json.loads(run(db, "link", "--format", "json")) == {"changed_incidents": []}


def test_link_rebuild_regrades_stale_incidents_and_only_them(db):
    """An incident stored under older rules (here: hand-edited to a wrong grade and no
    `contested`) is derived again from its claims; a second rebuild changes nothing."""
    from sqlalchemy import select, update

    from fogwatch.store.schema import IncidentRow

    store = Store.open(db)
    rows = json.loads(run(db, "incidents", "--format", "json"))
    stale = rows[0]
    record = {k: v for k, v in stale.items() if k not in ("contested", "civilian_harm")}
    record["grade"] = "discounted"
    with store.sessions.begin() as s:
        s.execute(
            update(IncidentRow)
            .where(IncidentRow.id == stale["id"])
            .values(grade="discounted", contested=False, record=record)
        )
    out = json.loads(run(db, "link", "--rebuild", "--format", "json"))
    assert out == {"changed_incidents": [stale["id"]]}
    with store.session() as s:
        grade, contested = s.execute(
            select(IncidentRow.grade, IncidentRow.contested).where(IncidentRow.id == stale["id"])
        ).one()
    assert grade == stale["grade"] and contested == stale["contested"]
    assert json.loads(run(db, "link", "--rebuild", "--format", "json")) == {"changed_incidents": []}

"""The command line end to end: ingest, documents, stats, extract, and bad input."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from fogwatch.cli import main

from conftest import SAMPLE_CORPUS, SEEDS

pytestmark = pytest.mark.slow


def run(*args: str, input: str | bytes | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory):
    """The sample corpus ingested once, shared by the read-only tests below."""
    db = tmp_path_factory.mktemp("cli") / "corpus.db"
    result = run("--db", str(db), "-q", "ingest", str(SAMPLE_CORPUS))
    assert result.exit_code == 0, result.output
    return str(db)


def test_help_teaches_with_examples():
    for command in ("ingest", "extract", "documents", "stats"):
        result = run(command, "--help")
        assert result.exit_code == 0
        assert "Example" in result.output, command
    assert "fogwatch" in run("--version").output


def test_ingest_then_reingest_leaves_counts_unchanged(corpus_db):
    before = json.loads(run("--db", corpus_db, "stats", "--format", "json").output)
    assert before["documents"] == 20
    assert before["segments"] >= 20 and before["claims"] > 0
    again = run("--db", corpus_db, "ingest", "--format", "json", str(SAMPLE_CORPUS))
    summary = json.loads(again.output)
    assert summary["stored"] == 0 and summary["skipped_existing"] == 20
    after = json.loads(run("--db", corpus_db, "stats", "--format", "json").output)
    assert after == before


def test_documents_json_fields_and_syndication(corpus_db):
    docs = json.loads(run("--db", corpus_db, "documents", "--format", "json").output)
    assert len(docs) == 20
    for doc in docs:
        assert {"id", "name", "outlet", "published", "segments", "syndication_group"} <= set(doc)
    grouped = [d for d in docs if d["syndication_group"]]
    names = sorted(d["name"] for d in grouped)
    assert names == [
        "euphrates-wire_raqqa-booby-trap.txt",
        "levant-ledger_raqqa-booby-trap-syndicated.txt",
    ]
    assert len({d["syndication_group"] for d in grouped}) == 1


def test_documents_show_has_segment_headings_sources_and_times(corpus_db):
    result = run(
        "--db",
        corpus_db,
        "documents",
        "show",
        "--format",
        "json",
        "frontline-dispatch_live-2017-03-14.html",
    )
    detail = json.loads(result.output)
    assert detail["segments"] and all(
        {"heading", "source", "time"} <= set(s) for s in detail["segments"]
    )
    assert any(s["time"] and "GMT" in s["time"] for s in detail["segments"])
    missing = CliRunner().invoke(main, ["--db", corpus_db, "documents", "show", "nope"])
    assert missing.exit_code != 0 and "no document" in missing.output


def test_bad_inputs_are_named_and_the_batch_goes_on(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "blob.txt").write_bytes(b"\x00\x01\x02\xff" * 100)
    (tmp_path / "nocol.csv").write_text("id,body\n1,Shelling hit the town.\n")
    (tmp_path / "good.txt").write_text(
        "Clashes broke out near the airport on Sunday, killing three fighters, activists said."
    )
    db = tmp_path / "bad.db"
    result = CliRunner().invoke(
        main,
        ["--db", str(db), "ingest", "--format", "json", "--published", "2016-05-01", str(tmp_path)],
    )
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    failed = {e["source"].rsplit("/", 1)[-1]: e["reason"] for e in summary["errors"]}
    assert set(failed) == {"empty.txt", "blob.txt", "nocol.csv"}
    assert "empty" in failed["empty.txt"] and "binary" in failed["blob.txt"]
    assert "text" in failed["nocol.csv"]
    assert summary["stored"] == 1


def test_extract_plain_file_names_the_document_and_needs_no_database(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    seed = SEEDS / "001_c0d5f7308ebb5180.txt"
    result = run("extract", "--published", "2016-09-18", str(seed))
    claims = [json.loads(line) for line in result.output.splitlines()]
    assert claims and {c["document"] for c in claims} == {seed.name}
    assert not (tmp_path / "fogwatch.db").exists()


def test_extract_jsonl_corpus_uses_record_ids(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    rows = [
        {
            "id": "rec-1",
            "text": "Airstrikes killed at least 12 civilians in Saraqib on Monday, "
            "the monitor said.",
            "published": "2017-03-14",
            "outlet": "A",
        },
        {
            "id": "rec-2",
            "text": "A car bomb exploded in Azaz on Friday, killing five people and "
            "wounding 20, according to local officials.",
            "published": "2017-01-08",
            "outlet": "B",
        },
    ]
    corpus.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    result = run("extract", str(corpus))
    docs = {json.loads(line)["document"] for line in result.output.splitlines()}
    assert docs == {"rec-1", "rec-2"}


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("FOGWATCH_GEMM", "mkl", "FOGWATCH_GEMM='mkl': set it to numpy (the default) or blis"),
        ("FOGWATCH_MODEL", "no_such_model", "spaCy model 'no_such_model' (FOGWATCH_MODEL)"),
    ],
)
def test_a_bad_model_setting_is_an_error_naming_the_variable(monkeypatch, variable, value, says):
    from fogwatch.cli import shared_extractor

    shared_extractor.cache_clear()  # the extractor of earlier tests would hide the setting
    monkeypatch.setenv(variable, value)
    page = SAMPLE_CORPUS / "levant-ledger_saraqib-market-strike.txt"
    result = CliRunner().invoke(main, ["extract", str(page)])
    shared_extractor.cache_clear()
    assert result.exit_code == 1
    assert says in result.output
    assert "Traceback" not in result.output

"""The acceptance bar: extract the five seed pages and score them with the shared scorer.

Documents are built the way an ingest would build them: the seed file name, and the
outlet and publication date from `seeds/expected.yaml`. The seeds are read in place.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import SEEDS, SHARED

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def score(tmp_path_factory):
    from fogwatch.nlp.extractor import Extractor
    from fogwatch.nlp.score_seeds import seed_documents, write_claims

    ex = Extractor()
    claims = []
    for _doc, cs in ex.extract_many(seed_documents(SHARED)):
        claims.extend(cs)
    out = tmp_path_factory.mktemp("seeds") / "claims.jsonl"
    write_claims(claims, out)
    res = subprocess.run(
        [sys.executable, str(SHARED / "tools" / "score_seeds.py"), str(out), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout), claims


def test_seeds_exist():
    assert len(list(SEEDS.glob("*.txt"))) == 5


def test_must_claims_all_found(score):
    result, _ = score
    assert result["must"] == [13, 13], result["missing"]


def test_all_claims_bar(score):
    result, _ = score
    assert result["all"][0] >= 24, result["missing"]


def test_claims_are_well_formed(score):
    _, claims = score
    ids = [c.id for c in claims]
    assert len(ids) == len(set(ids))
    texts = {p.name: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    for c in claims:
        assert texts[c.document][c.evidence.start : c.evidence.end] == c.evidence.text
        assert 0.0 <= c.confidence <= 1.0
        assert c.incident is None
        if c.killed is not None and c.killed.qualifier == "exact":
            assert c.killed.low == c.killed.high

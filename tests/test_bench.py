"""The benchmark corpus and bulk loading: deterministic, realistic in shape, loadable.

Speed is never asserted here; benchmarks/bench.py and bench_queries.py measure it.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fogwatch.store import Store
from fogwatch.store.schema import ClaimRow, IncidentRow

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import bench_queries  # noqa: E402
from corpus import generate  # noqa: E402


def test_corpus_is_deterministic_and_mixed():
    a = generate(80, seed=5)
    b = generate(80, seed=5)
    assert [x.text for x in a] == [x.text for x in b]
    assert [x.text for x in generate(80, seed=6)] != [x.text for x in a]
    kinds = {x.kind for x in a}
    assert kinds == {"conflict", "calm", "live", "syndicated"}
    body_words = [len(x.text.split()) for x in a if x.kind in ("conflict", "calm")]
    assert min(body_words) >= 150 and max(body_words) <= 3300


def test_live_pages_and_syndicated_copies():
    arts = generate(120, seed=2)
    live = [x for x in arts if x.kind == "live"]
    assert live and all(re.search(r"^UPDATE \d{4} GMT:", x.text, re.M) for x in live)
    copies = [x for x in arts if x.kind == "syndicated"]
    assert copies
    originals = [x for x in arts if x.kind in ("conflict", "live")]
    for copy in copies:
        words = set(copy.text.split())
        best = max(originals, key=lambda o: len(words & set(o.text.split())))
        assert copy.outlet != best.outlet and copy.title == best.title
        assert len(words & set(best.text.split())) / len(set(best.text.split())) > 0.9


def test_calm_stories_carry_no_casualty_words():
    calm = [x for x in generate(60, seed=4) if x.kind == "calm"]
    assert calm
    assert not any(re.search(r"\b(killed|wounded|shelling|air ?strikes?)\b", x.text) for x in calm)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_bulk_copy_loads_rows_the_api_reads(backend, tmp_path, request):
    from fogwatch.api.queries import BBox, IncidentFilter, list_incidents

    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'b.db'}"
    else:
        url = request.getfixturevalue("pg_server").create_database("bulk_copy")
    data = bench_queries.rows(2000, 400, seed=1)
    bench_queries.load(url, data)
    store = Store.open(url)
    with store.session() as s:
        assert s.execute(select(func.count()).select_from(ClaimRow)).scalar_one() == 2000
        assert s.execute(select(func.count()).select_from(IncidentRow)).scalar_one() == 400
    items, _ = list_incidents(store, IncidentFilter(bbox=BBox.parse("35,32,43,38")), limit=5)
    assert len(items) == 5 and all(len(i["claim_ids"]) == 5 for i in items)


def test_watch_benchmark_measures_each_new_article(tmp_path):
    """bench_watch polls its feed once per new article and gets one latency per article,
    each new article's claims linked into incidents (no figure is asserted)."""
    import bench_watch

    from fogwatch.cli import shared_extractor

    articles = bench_watch.new_articles(2)
    assert len(articles) == 2 and all(a.kind == "conflict" for a in articles)
    url = f"sqlite:///{tmp_path / 'w.db'}"
    latencies = bench_watch.measure(url, shared_extractor(), articles)
    assert len(latencies) == 2 and all(x > 0 for x in latencies)
    claims = Store.open(url).claims()
    assert claims and all(c.get("incident") for c in claims)
    summary = bench_watch.summary(latencies)
    assert summary["n"] == 2 and summary["max_ms"] >= summary["median_ms"]


def test_link_benchmark_replays_to_the_same_incidents(tmp_path):
    """bench_link stores a small corpus unlinked, then links copies at two cadences: both
    give the same incident records (the script prints their digest)."""
    import bench_link

    bench_link.build(6, tmp_path)
    runs = [bench_link.replay(tmp_path, every) for every in (2, 6)]
    assert runs[0]["incidents"] > 0
    assert runs[0]["digest"] == runs[1]["digest"]
    assert len(runs[0]["links_s"]) == 3 and len(runs[1]["links_s"]) == 1

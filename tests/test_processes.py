"""How many spaCy processes a run uses: `--processes`, FOGWATCH_PROCESSES, the usable
cores by default, and the look-ahead that keeps a small input in one process. A run
with worker processes stores exactly what a run in one process stores.

No timing is asserted: `benchmarks/bench_processes.py` measures where the cut-off
belongs, and docs/performance.md has the figures.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from fogwatch import settings
from fogwatch.cli import main
from fogwatch.model import Document
from fogwatch.nlp.processes import look_ahead, processes_for
from fogwatch.store import Store

from conftest import SAMPLE_CORPUS

# --------------------------------------------------------------------------- settings


def test_an_explicit_count_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("FOGWATCH_PROCESSES", "3")
    assert settings.processes(1) == 1
    assert settings.processes(5) == 5
    assert settings.processes() == 3


def test_the_default_is_the_usable_cores(monkeypatch):
    monkeypatch.delenv("FOGWATCH_PROCESSES", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 2, 5}, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    assert settings.usable_cores() == 3  # three cores allowed of eight
    assert settings.processes() == 3
    monkeypatch.setenv("FOGWATCH_PROCESSES", "  ")  # set but blank: the default
    assert settings.processes() == 3


def test_without_an_affinity_call_the_cpu_count_is_used(monkeypatch):
    monkeypatch.delenv("FOGWATCH_PROCESSES", raising=False)
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 6)
    assert settings.processes() == 6
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert settings.processes() == 1


@pytest.mark.parametrize("value", ["two", "0", "-1", "1.5"])
def test_a_bad_environment_value_names_the_variable(monkeypatch, value):
    monkeypatch.setenv("FOGWATCH_PROCESSES", value)
    with pytest.raises(settings.SettingsError, match=f"FOGWATCH_PROCESSES={value!r}"):
        settings.processes()


def test_an_explicit_count_below_one_is_refused():
    with pytest.raises(settings.SettingsError, match="1 or more"):
        settings.processes(0)


# --------------------------------------------------------------------------- cut-off


class Pulled:
    """Units handed out one at a time, counting how many were taken."""

    def __init__(self, units: list[str]):
        self.units = units
        self.taken = 0

    def __iter__(self) -> Iterator[str]:
        for unit in self.units:
            self.taken += 1
            yield unit


UNITS = ["one two three", "four five", "", "six seven eight nine", "ten"]  # 10 words


def test_one_process_reads_nothing_ahead():
    source = Pulled(UNITS)
    n, stream = processes_for(1, source, min_words=1)
    assert n == 1 and source.taken == 0
    assert list(stream) == UNITS


def test_a_small_input_stays_in_one_process_with_every_unit_in_order():
    source = Pulled(UNITS)
    n, stream = processes_for(4, source, min_words=11)
    assert n == 1
    assert list(stream) == UNITS


def test_a_large_input_starts_workers_after_reading_only_the_cut_off():
    source = Pulled(UNITS)
    n, stream = processes_for(4, source, min_words=9)
    assert n == 4
    assert source.taken == 4  # 3 + 2 + 0 + 4 words: the cut-off reached at the fourth
    assert list(stream) == UNITS  # what was read ahead comes first, nothing twice


def test_the_cut_off_counts_words_not_units():
    assert look_ahead(iter(["a b c d e f"]), 6) == (["a b c d e f"], True)
    assert look_ahead(iter(["a", "b", "c"]), 6) == (["a", "b", "c"], False)
    assert look_ahead(iter([]), 1) == ([], False)


# --------------------------------------------------------------------------- extractor

DAY = dt.date(2016, 9, 19)
STORIES = [
    "Regime jets bombed Saraqib on Sunday, killing {n} civilians, activists said.",
    "Shelling killed {n} people in Daraa on Sunday, the opposition said.",
    "The army said {n} fighters died in clashes near Hama on Saturday.",
]


def docs(count: int) -> list[Document]:
    return [
        Document(
            id=f"d-{i}",
            name=f"{i:03d}_story.txt",
            text=STORIES[i % 3].format(n=i + 2),
            published=DAY,
            outlet="Levant Ledger",
        )
        for i in range(count)
    ]


class PipeSpy:
    """Stands in for `extractor.nlp`, recording the processes of each `pipe` call."""

    def __init__(self, nlp):  # noqa: ANN001
        self.nlp = nlp
        self.processes: list[int] = []

    def pipe(self, texts, **kwargs):  # noqa: ANN001, ANN003, ANN201
        self.processes.append(kwargs["n_process"])
        return self.nlp.pipe(texts, **kwargs)


@pytest.fixture
def ex(monkeypatch):
    """The shared extractor with a pipe spy; every attribute a test sets is put back."""
    from fogwatch.cli import shared_extractor

    extractor = shared_extractor()
    spy = PipeSpy(extractor.nlp)
    monkeypatch.setattr(extractor, "nlp", spy)
    for name in ("n_process", "parallel_min_words", "batch_size"):
        monkeypatch.setattr(extractor, name, getattr(extractor, name))
    return extractor


def dump(run) -> dict[str, list[dict]]:  # noqa: ANN001
    return {d.name: [c.model_dump(mode="json") for c in claims] for d, claims in run}


def test_the_extractor_keeps_a_small_input_in_one_process(ex):
    ex.n_process, ex.parallel_min_words = 2, 10_000
    list(ex.extract_many(docs(6)))
    assert ex.nlp.processes == [1] and ex.last_processes == 1


def test_workers_give_the_claims_one_process_gives(ex):
    ex.n_process, ex.parallel_min_words, ex.batch_size = 1, 10_000, 2
    alone = dump(ex.extract_many(docs(9)))
    ex.n_process, ex.parallel_min_words = 2, 0
    together = dump(ex.extract_many(docs(9)))
    assert ex.nlp.processes == [1, 2] and ex.last_processes == 2
    assert list(together) == [d.name for d in docs(9)]
    assert together == alone and sum(len(v) for v in alone.values()) >= 9


# --------------------------------------------------------------------------- CLI


@pytest.mark.parametrize("command", ["ingest", "extract", "watch", "serve"])
def test_help_names_the_option_and_the_variable(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "--processes N" in text and "FOGWATCH_PROCESSES" in text
    assert "number of usable cores" in text and "stays in one process" in text


def test_processes_below_one_is_a_usage_error(tmp_path):
    page = SAMPLE_CORPUS / "levant-ledger_saraqib-market-strike.txt"
    result = CliRunner().invoke(main, ["extract", "--processes", "0", str(page)])
    assert result.exit_code == 2 and "--processes" in result.output


def test_a_bad_variable_is_an_error_before_the_model_loads(monkeypatch):
    from fogwatch.cli import shared_extractor

    monkeypatch.setenv("FOGWATCH_PROCESSES", "many")
    shared_extractor.cache_clear()
    page = SAMPLE_CORPUS / "levant-ledger_saraqib-market-strike.txt"
    result = CliRunner().invoke(main, ["extract", str(page)])
    assert result.exit_code == 1
    assert "FOGWATCH_PROCESSES='many'" in result.output and "Traceback" not in result.output
    assert shared_extractor.cache_info().currsize == 0  # refused before loading spaCy


def _url(backend: str, tmp_path, request, name: str) -> str:  # noqa: ANN001
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / name}.db"
    return request.getfixturevalue("pg_server").create_database(f"processes_{name}")


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_ingest_with_workers_stores_what_one_process_stores(
    backend, tmp_path, request, ex, monkeypatch
):
    """The sample corpus through `fogwatch ingest --processes 2` (workers forced on
    whatever its size) and `--processes 1`: the same documents, claims (ids, fields and
    incidents) and counts. The CLI's copy of the shared extractor shares its pipe spy."""
    ex.parallel_min_words = 0
    stores = {}
    for processes in (2, 1):
        url = _url(backend, tmp_path, request, f"p{processes}")
        result = CliRunner().invoke(
            main, ["--db", url, "-q", "ingest", "--processes", str(processes), str(SAMPLE_CORPUS)]
        )
        assert result.exit_code == 0, result.output
        stores[processes] = Store.open(url)
    assert ex.nlp.processes == [2, 1]
    two, one = stores[2], stores[1]
    assert two.stats() == one.stats() and one.stats()["claims"] > 20
    assert sorted(d["id"] for d in two.documents()) == sorted(d["id"] for d in one.documents())
    key = lambda c: c["id"]  # noqa: E731
    assert sorted(two.claims(), key=key) == sorted(one.claims(), key=key)


# --------------------------------------------------------------------------- serve


def test_serve_loads_the_extractor_once_as_the_server_starts(tmp_path):
    """`create_app(warm_extractor=True)` (what `fogwatch serve` builds) loads the extractor
    when the server starts, before any ingest; without it, on the first ingest."""
    from fastapi.testclient import TestClient

    from fogwatch.api.app import create_app

    made: list[int] = []

    def factory() -> object:
        made.append(1)
        return object()

    cold = create_app(f"sqlite:///{tmp_path / 'cold.db'}", extractor_factory=factory)
    with TestClient(cold):
        pass
    assert made == [] and cold.state.extractor.state == "not loaded"
    warm = create_app(
        f"sqlite:///{tmp_path / 'warm.db'}", extractor_factory=factory, warm_extractor=True
    )
    with TestClient(warm):
        for _ in range(200):  # the load runs in a background thread
            if warm.state.extractor.state == "loaded":
                break
            threading.Event().wait(0.05)
    assert warm.state.extractor.state == "loaded" and made == [1]
    warm.state.extractor.get()
    assert made == [1]  # loaded once


# --------------------------------------------------------------------------- crash


WORKERS_THEN_WAIT = r"""
import datetime as dt, os, sys, time
from fogwatch.model import Document
from fogwatch.nlp.extractor import Extractor

text = "Shelling killed {n} people in Daraa on Sunday, the opposition said. " * 30
docs = [
    Document(id=f"d{n}", name=f"{n:03d}_story.txt", text=text.format(n=n + 2),
             published=dt.date(2016, 9, 19))
    for n in range(40)
]
extractor = Extractor(n_process=2, parallel_min_words=0, batch_size=1)
for done, _ in enumerate(extractor.extract_many(docs)):
    if done == 1:
        me = os.getpid()
        print(open(f"/proc/{me}/task/{me}/children").read(), flush=True)
        time.sleep(300)
"""


def _alive(pid: str) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_workers_die_with_a_killed_parent():
    """A SIGKILLed ingest must not leave its spaCy workers behind: they hold copies of
    the parent's descriptors (a PostgreSQL connection among them), which kept the dead
    run's transaction and save lock open on the server."""
    proc = subprocess.Popen(
        [sys.executable, "-c", WORKERS_THEN_WAIT], stdout=subprocess.PIPE, text=True
    )
    workers = proc.stdout.readline().split()
    assert len(workers) == 2, workers
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    for _ in range(300):  # the kernel signals them as the parent goes; wait for that
        if not any(_alive(pid) for pid in workers):
            break
        threading.Event().wait(0.1)
    left = [pid for pid in workers if _alive(pid)]
    for pid in left:
        os.kill(int(pid), signal.SIGKILL)
    assert left == [], "spaCy workers outlived their killed parent"

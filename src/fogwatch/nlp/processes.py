"""When a parse is worth spaCy worker processes: the look-ahead rule.

With `n_process > 1` spaCy starts that many worker processes for each `nlp.pipe` call
and stops them at its end. On Linux they are forked from the process that loaded the
model, so they share its model copy-on-write and load nothing; starting them, sending
them the first batches and joining them still costs a fixed few tenths of a second
(`benchmarks/bench_processes.py`, docs/performance.md). A small input, such as one new
article from a feed or a text posted to the API, parses sooner in the process that
already holds the model.

Inputs stream, so their size is not known in advance. `processes_for` reads the units
spaCy is to parse until it holds `min_words` words or the stream ends. If the stream
ended first, the whole input is small: one process. Otherwise the workers start, and
the units already read go first, in order. Nothing is parsed twice and nothing is
reordered, so the claims are the same either way (`tests/test_processes.py`).

Words, not documents: what a worker's time grows with is the words it parses, after the
prefilter has blanked the cold sentences, and one live page can hold as many words as
twenty short reports.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Iterable, Iterator
from itertools import chain

# Parsed words below which one process is faster than starting workers; measured with
# benchmarks/bench_processes.py (docs/performance.md, "How many processes").
PARALLEL_MIN_WORDS = 3_000


def look_ahead(units: Iterator[str], min_words: int) -> tuple[list[str], bool]:
    """The first units of `units`, read until they hold `min_words` words (True) or the
    stream ends (False)."""
    head: list[str] = []
    words = 0
    for text in units:
        head.append(text)
        words += len(text.split())
        if words >= min_words:
            return head, True
    return head, False


def processes_for(
    n_process: int, units: Iterable[str], min_words: int = PARALLEL_MIN_WORDS
) -> tuple[int, Iterator[str]]:
    """How many processes to parse `units` with, and the units to hand spaCy (the same
    units, in the same order: the ones read ahead first). One process when `n_process`
    is 1 or the input holds fewer than `min_words` words."""
    stream = iter(units)
    if n_process <= 1:
        return 1, stream
    head, more = look_ahead(stream, min_words)
    return (n_process if more else 1), chain(head, stream)


# --------------------------------------------------------------------------- workers end with us

_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with_parent() -> None:
    """In a forked child: ask the kernel to SIGKILL it when its parent ends.

    Why: spaCy's workers are forked from the ingest process and inherit its open files,
    the database connection among them. When that process is killed (SIGKILL, the OOM
    killer), the workers used to live on, each blocked on its queue and holding
    hundreds of MB, and on PostgreSQL they kept the dead process's connection open, so
    the server never saw it end and kept its transaction's save lock: the next ingest
    waited for that lock forever (`tests/test_crash_safety.py`). Linux only; elsewhere
    workers are spawned, not forked, and inherit no connection.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - no prctl on this system
        return
    if os.getppid() != _forking_parent:  # the parent ended between fork and prctl
        os._exit(1)


_forking_parent = os.getpid()


def _remember_parent() -> None:
    global _forking_parent
    _forking_parent = os.getpid()


if sys.platform.startswith("linux"):
    os.register_at_fork(before=_remember_parent, after_in_child=_die_with_parent)

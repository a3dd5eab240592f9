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

import contextlib
import os
import signal
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


# The process whose `nlp.pipe` is starting workers, while it is (see `workers_die_with_it`).
_STARTING_FROM: int | None = None


def _die_with_parent() -> None:
    """In a child just forked while workers start: have Linux SIGKILL it when the
    parent dies, and leave at once if the parent is already gone."""
    parent = _STARTING_FROM
    if parent is None:
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: no such call
        return
    if os.getppid() != parent:
        os._exit(1)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_die_with_parent)


@contextlib.contextmanager
def workers_die_with_it() -> Iterator[None]:
    """While spaCy forks its workers in this block, each is set to die with this process.

    Why: a worker blocked on its input queue outlives a parent killed with SIGKILL, and
    it holds copies of every descriptor the parent had, the store's connections among
    them. A PostgreSQL server then sees the killed ingest's connection as alive, with
    its transaction and its save lock, and the next ingest waits on them for good
    (`tests/test_crash_safety.py`). Linux only; elsewhere nothing changes."""
    global _STARTING_FROM
    _STARTING_FROM = os.getpid()
    try:
        yield
    finally:
        _STARTING_FROM = None

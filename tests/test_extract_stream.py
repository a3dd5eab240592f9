"""`Extractor.extract_many` streams a whole run through one `nlp.pipe` call: the claims
equal those of extracting each document alone, documents come out in order and as soon
as they are done (the input is read lazily), and stories with no hot sentence are not
parsed unless a neighbouring story needs their places."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

import pytest

from fogwatch.model import Document

DAY = dt.date(2016, 9, 19)

HOT = [
    "Regime jets bombed Saraqib on Sunday, killing {n} civilians, activists said.",
    "Shelling killed {n} people in Daraa on Sunday.\n\nThe army denied it.",
    "The Syrian Observatory said {n} fighters died in clashes near Hama.",
]
COLD = (
    "The central bank announced a new exchange rate on Monday. Farmers expect a poor "
    "wheat harvest this year.\n\nA festival of music opened in Homs."
)
# a live page: the update at 1100 names no place and continues the story of the lead;
# 1300, 1500 and 1600 say nothing hot, and 1500 has no hot neighbour
LIVE = (
    "Syria live: fighting around Saraqib\n\n"
    "UPDATE 1100 GMT: Activists said regime air strikes killed 12 civilians in the town.\n\n"
    "UPDATE 1300 GMT: A festival of music opened in Homs on Monday.\n\n"
    "UPDATE 1500 GMT: Snow closed the mountain roads near Zabadani for the week.\n\n"
    "UPDATE 1600 GMT: The museum in Aleppo reopened its doors to visitors.\n\n"
    "UPDATE 1700 GMT: Rebels shelled government positions near Hama, the army said.\n"
)


def make(text: str, name: str, language: str | None = None) -> Document:
    return Document(
        id=f"d-{name}",
        name=name,
        text=text,
        published=DAY,
        outlet="Levant Ledger",
        language=language,
    )


def corpus() -> list[Document]:
    docs = []
    for i in range(23):
        if i % 5 == 3:
            text = COLD
        elif i % 7 == 4:
            text = LIVE
        else:
            text = HOT[i % 3].format(n=i + 2)
        docs.append(make(text, f"{i:03d}_doc.txt"))
    docs.insert(5, make("", "empty.txt"))
    docs.insert(9, make("Les frappes ont tué cinq civils à Alep dimanche.", "fr.txt", "fr"))
    return docs


def dump(claims: Iterable) -> list[dict]:
    return [c.model_dump(mode="json") for c in claims]


class SpyNlp:
    """Stands in for `extractor.nlp`: records every text handed to `pipe`."""

    def __init__(self, nlp):  # noqa: ANN001
        self.nlp = nlp
        self.texts: list[str] = []
        self.calls = 0

    def pipe(self, texts: Iterable[str], **kwargs):  # noqa: ANN003, ANN201
        self.calls += 1

        def record() -> Iterator[str]:
            for text in texts:
                self.texts.append(text)
                yield text

        return self.nlp.pipe(record(), **kwargs)


@pytest.fixture(scope="module")
def ex():
    from fogwatch.cli import shared_extractor

    return shared_extractor()


@pytest.fixture
def spy(ex, monkeypatch):
    s = SpyNlp(ex.nlp)
    monkeypatch.setattr(ex, "nlp", s)
    return s


def test_streaming_across_many_batches_equals_one_by_one(ex, monkeypatch):
    docs = corpus()
    alone = {d.name: dump(ex.extract(d.model_copy(deep=True))) for d in docs}
    monkeypatch.setattr(ex, "batch_size", 2)
    spy = SpyNlp(ex.nlp)
    monkeypatch.setattr(ex, "nlp", spy)
    out = list(ex.extract_many(d.model_copy(deep=True) for d in docs))
    assert [d.name for d, _ in out] == [d.name for d in docs]
    assert {d.name: dump(cs) for d, cs in out} == alone
    assert spy.calls == 1, "one nlp.pipe call for the whole run"
    assert sum(len(v) for v in alone.values()) > 20
    assert alone["empty.txt"] == [] and alone["fr.txt"] == []


def test_streaming_with_two_processes_equals_one_by_one(ex):
    from fogwatch.nlp.extractor import Extractor

    docs = corpus()[:12]
    alone = {d.name: dump(ex.extract(d.model_copy(deep=True))) for d in docs}
    two = Extractor(n_process=2, batch_size=3, parallel_min_words=0)  # workers, however small
    out = list(two.extract_many(iter([d.model_copy(deep=True) for d in docs])))
    assert [d.name for d, _ in out] == [d.name for d in docs]
    assert {d.name: dump(cs) for d, cs in out} == alone


def test_documents_come_out_before_the_input_is_read(ex, monkeypatch):
    monkeypatch.setattr(ex, "batch_size", 2)
    pulled: list[str] = []

    def reader() -> Iterator[Document]:
        for i in range(60):
            pulled.append(f"{i}")
            yield make(HOT[i % 3].format(n=i + 2), f"{i:03d}.txt")

    stream = ex.extract_many(reader())
    first, claims = next(stream)
    assert first.name == "000.txt" and claims
    assert len(pulled) < 30, "documents are read as spaCy needs them, not all at once"
    stream.close()


def test_documents_with_nothing_to_parse_do_not_pile_up(ex, monkeypatch, spy):
    monkeypatch.setattr(ex, "batch_size", 4)
    pulled: list[int] = []

    def reader() -> Iterator[Document]:
        for i in range(500):
            pulled.append(i)
            yield make(COLD if i % 2 else "", f"{i:03d}.txt")

    stream = ex.extract_many(reader())
    first, claims = next(stream)
    assert first.name == "000.txt" and claims == []
    assert len(pulled) < 100
    rest = list(stream)
    assert len(rest) == 499 and all(cs == [] for _, cs in rest)
    assert all(not t.strip() for t in spy.texts), "only empty markers reached spaCy"


def test_cold_documents_skip_spacy_and_yield_no_claims(ex, spy):
    from fogwatch.nlp.prefilter import Prefilter

    assert not Prefilter().screen(COLD)[2], "no sentence of COLD is hot"
    hot = make(HOT[0].format(n=5), "hot.txt")
    cold = make(COLD, "cold.txt")
    out = dict((d.name, cs) for d, cs in ex.extract_many([cold, hot, cold.model_copy()]))
    assert out["cold.txt"] == [] and out["hot.txt"]
    assert spy.texts == [hot.text], "only the hot story went through spaCy"


def test_cold_segments_are_parsed_only_next_to_hot_ones(ex, spy):
    from fogwatch.nlp.extractor import Extractor

    live = make(LIVE, "live.txt")
    claims = ex.extract(live.model_copy(deep=True))
    parsed = "\n".join(spy.texts)
    assert "festival of music" in parsed, "next to the 1100 update: parsed"
    assert "museum in Aleppo" in parsed, "next to the 1700 update: parsed"
    assert "Snow closed" not in parsed, "no hot neighbour: not parsed"
    # the same claims as parsing every sentence of every segment
    full = Extractor(prefilter=False)
    assert dump(claims) == dump(full.extract(live.model_copy(deep=True)))
    town = [c for c in claims if c.killed and c.killed.low == 12]
    assert town and town[0].location is not None, "the update takes the lead's place"


def test_story_places_match_the_docs_first_placed_sentence():
    from fogwatch.nlp.pipeline import build_nlp
    from fogwatch.nlp.places import ents_by_sentence, mentions_in

    nlp = build_nlp()
    text = (
        "Aid workers met on Monday.\n\n"
        "Russia says rebels shelled Saraqib in Idlib Province.\n\n"
        "Later, clashes near Hama killed three."
    )
    doc = nlp(text)
    ents_of = ents_by_sentence(doc)
    expected: list[dict] = []
    for sent in doc.sents:
        ms = [m for m in mentions_in(doc, sent, ents_of.get(sent.start, [])) if m.role != "other"]
        if ms:
            expected = [m.model_dump() for m in ms]
            break
    assert expected and doc._.fw_places == expected

"""The sentence prefilter: what it keeps, that blanking keeps offsets, and that claims
from a story with its quiet sentences blanked equal those of the full parse."""

from __future__ import annotations

import datetime as dt

from fogwatch.model import Document
from fogwatch.nlp.prefilter import Prefilter, forms

STORY = (
    "Syria live: fighting around Saraqib\n\n"
    "The central bank announced a new exchange rate on Monday. Farmers expect a poor "
    "wheat harvest this year. A festival of music opened in Homs.\n\n"
    "Archaeologists said restoration work would take years. The Syrian Observatory for "
    "Human Rights said on Sunday that air strikes killed 12 civilians in Saraqib. "
    "It blamed Russian warplanes.\n\n"
    "Snow closed the mountain roads near Zabadani for most of the week. Students "
    "gathered for a reading in memory of a local author.\n"
)


def test_forms_cover_inflections_and_irregulars():
    assert {"kills", "killed", "killing"} <= forms("kill")
    assert {"struck", "strikes", "striking"} <= forms("strike")
    assert {"denied", "denies"} <= forms("deny")
    assert "shelled" in forms("shell")


def test_blanking_keeps_offsets_lines_and_claim_sentences():
    masked, spans, hot = Prefilter().screen(STORY)
    assert hot  # the story has a claim sentence
    assert len(masked) == len(STORY)
    assert [i for i, c in enumerate(masked) if c == "\n"] == [
        i for i, c in enumerate(STORY) if c == "\n"
    ]
    claim = "air strikes killed 12 civilians in Saraqib."
    assert claim in masked and "It blamed Russian warplanes." in masked
    # the sentence naming the source comes with it (the claim is in the same sentence)
    assert "The Syrian Observatory for Human Rights said on Sunday" in masked
    assert "Farmers expect" not in masked and "Snow closed" not in masked
    assert masked.startswith("Syria live: fighting around Saraqib")  # the lead stays
    assert spans and all(masked[a:b].strip() == "" for a, b in spans)
    for i, c in enumerate(masked):
        assert c == STORY[i] or c == " "


def test_numbers_near_people_are_hot():
    p = Prefilter()
    assert p.hot(["twelve", "civilians", "in", "the", "village"])
    assert p.hot(["dozens", "of", "children"])
    assert not p.hot(["twelve", "lorries", "of", "wheat"])


def test_claims_equal_with_and_without_prefilter():
    from fogwatch.cli import shared_extractor

    extractor = shared_extractor()
    doc = Document(
        id="d-prefilter",
        name="prefilter.txt",
        text=STORY,
        published=dt.date(2016, 9, 19),
        outlet="Levant Ledger",
    )
    saved = extractor.prefilter
    try:
        with_pf = extractor.extract(doc.model_copy(deep=True))
        extractor.prefilter = None
        without = extractor.extract(doc.model_copy(deep=True))
    finally:
        extractor.prefilter = saved
    assert with_pf, "the story's strike is a claim"
    assert [c.model_dump(mode="json") for c in with_pf] == [
        c.model_dump(mode="json") for c in without
    ]

"""Phrase tables match lemma or lower-cased forms, read from each doc's tokens once."""

from __future__ import annotations

import spacy

from fogwatch.nlp.matching import PhraseTable, keys_of, token_keys


def _doc(text: str):
    nlp = spacy.blank("en")
    doc = nlp(text)
    for tok in doc:  # a blank pipeline has no lemmatizer: lemmas by hand
        tok.lemma_ = {"strikes": "strike", "killed": "kill"}.get(tok.lower_, tok.lower_)
    return doc


def test_keys_of_a_span_are_its_tokens_keys_and_follow_a_retokenized_doc() -> None:
    doc = _doc("Air strikes killed five people in Douma on Sunday .")
    span = doc[2:6]
    assert keys_of(span) == [token_keys(t) for t in span]
    assert keys_of(doc) == [token_keys(t) for t in doc]
    with doc.retokenize() as retokenizer:  # the doc changes length: keys are read again
        retokenizer.merge(doc[0:2])
    assert keys_of(doc) == [token_keys(t) for t in doc]
    assert keys_of(doc[1:3]) == [("kill", "killed"), ("five", "five")]


def test_a_table_matches_by_lemma_or_form_inside_spans_and_at_positions() -> None:
    doc = _doc("Witnesses said air strikes killed five people in Douma .")
    table = PhraseTable([(("air", "strike"), "strike"), (("kill",), "kill"), (("people",), "p")])
    sent = doc[2:8]  # "air strikes killed five people in"
    assert table.find(sent) == [(0, 2, "strike"), (2, 3, "kill"), (4, 5, "p")]
    assert table.match_at(sent, 0) == [(2, "strike")]
    assert table.match_at(doc, 4) == [(1, "kill")]
    assert table.match_at(doc[2:3], 0) == []  # "air" alone: the phrase runs past the span

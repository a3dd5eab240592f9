"""Shared helpers for the nlp component tests (sentences are written for the tests)."""

from __future__ import annotations

import datetime as dt
import hashlib

from fogwatch.model import Claim, Document

PUBLISHED = dt.date(2016, 3, 14)  # a Monday


def make_doc(
    text: str,
    name: str = "t.txt",
    outlet: str = "Test Wire",
    published: dt.date | None = PUBLISHED,
    language: str | None = None,
) -> Document:
    return Document(
        id=hashlib.sha1(text.encode()).hexdigest()[:12],
        name=name,
        text=text,
        outlet=outlet,
        published=published,
        language=language,
    )


def claims_of(extractor, text: str, **kw) -> list[Claim]:
    return extractor.extract(make_doc(text, **kw))


def names(refs) -> list[str]:
    out = []
    for r in refs or []:
        out += [r.name, r.text or "", *r.aliases]
    return [n.lower() for n in out if n]


def mentions(refs, word: str) -> bool:
    return any(word.lower() in n for n in names(refs))

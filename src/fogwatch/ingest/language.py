"""Guess a document's language, so later stages can skip what the English models can't read.

The extractors downstream are English-only, so what matters most is "English or not".
When `py3langid` is installed (small, offline, BSD, numpy only) it names the other
language; without it a stopword count still separates English from the rest.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

_WORD = re.compile(r"[^\W\d_]+")
_SAMPLE_CHARS = 5000
_MIN_WORDS = 3


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Common function words. A text whose words are mostly these is in that language;
# the lists are short on purpose: they only need to dominate running prose.
_STOPWORDS: dict[str, frozenset[str]] = {
    "en": _words(
        "the of and to in a is was that for on with as by at from it he she they his her"
        " their were are be been has have had said not but this which who an or its after"
    ),
    "fr": _words(
        "le la les de des du et en un une est dans pour que qui sur par au aux pas plus il"
        " elle ont été selon"
    ),
    "es": _words("el la los las de del y en un una es que por con para al se su sus fue han según"),
    "de": _words(
        "der die das und in den von zu mit ist im dem nicht ein eine auf für sich des wurde"
        " wurden nach"
    ),
    "it": _words("il lo la gli le di del della e in un una che per con sono è stato nel alla"),
    "pt": _words("o a os as de do da e em um uma que para com por não foi são no na"),
}
# An English text where a fifth of the words are these is English, whatever the model says:
# this keeps short English headlines and lists from being misread by the statistical model.
_EN_SURE_SHARE = 0.2
_EN_SURE_MIN_WORDS = 8
_STOPWORD_MIN_SHARE = 0.1


@cache
def _langid_model() -> Any | None:
    """Load py3langid once, or return None when it isn't installed."""
    try:
        import py3langid
    except ImportError:
        return None
    return py3langid


def _stopword_shares(words: list[str]) -> dict[str, float]:
    return {
        lang: sum(word in stops for word in words) / len(words)
        for lang, stops in _STOPWORDS.items()
    }


def guess_language(text: str) -> str | None:
    """Return an ISO 639-1 code ("en", "fr", ...), "und" when unsure, None when too short.

    Only the first few thousand characters are read: the language of a page does not
    change halfway, and this keeps the cost flat for long documents.
    """
    sample = text[:_SAMPLE_CHARS]
    words = [word.lower() for word in _WORD.findall(sample)]
    if len(words) < _MIN_WORDS:
        return None
    shares = _stopword_shares(words)
    if len(words) >= _EN_SURE_MIN_WORDS and shares["en"] >= _EN_SURE_SHARE:
        return "en"
    model = _langid_model()
    if model is not None:
        code, _score = model.classify(sample)
        return str(code)
    best = max(shares, key=lambda lang: shares[lang])
    if shares[best] >= _STOPWORD_MIN_SHARE:
        return best
    return "und"

"""fogwatch nlp stage: conflict reporting in, sourced claims out.

`Extractor` (nlp/extractor.py) is the entry point; it is imported lazily so that
importing `fogwatch.nlp` (e.g. for the actor table) does not load spaCy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from fogwatch.nlp.extractor import Extractor

__all__ = ["Extractor"]


def __getattr__(name: str) -> Any:
    if name == "Extractor":
        from fogwatch.nlp.extractor import Extractor

        return Extractor
    raise AttributeError(name)

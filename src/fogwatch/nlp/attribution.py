"""The `fogwatch_attribution` component: who says it, and do they assert or deny it.

A claim is only as good as its source. For each sentence this component finds the
reporting frames ("X says", "according to X", "X said in a statement", "X told Y",
"X denied that ...", "X rejected claims that ...", "X blamed Y"), the scope of each
(the clause it governs, so an event can be tied to the frame that reports it), and
the cues that make the *next* sentences belong to the same speaker: a frame ending
with a colon ("He continued:"), a quotation that runs on, first-person speech.
Pronouns and definite descriptions ("It", "The Ministry") are marked anaphoric; the
assembler points them at the claimant named before.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from fogwatch.nlp import syntax
from fogwatch.nlp.lexicon import Lexicon, default_lexicon

_PRONOUNS = {"he", "she", "it", "they", "we", "i", "this", "which", "who"}
_FIRST_PERSON = {"we", "our", "us", "i", "my", "me", "ours"}


def is_first_person(tok) -> bool:
    """'we', 'our', 'us' - but not 'US' (the country) or 'I' as a Roman numeral label."""
    return tok.pos_ == "PRON" and tok.lower_ in _FIRST_PERSON and tok.text != "US"


_QUOTES_OPEN = ("“", '"', "‘")
_COLON_ONLY = {"continue", "explain", "write"}


@dataclass
class Attribution:
    """One reporting frame in a sentence."""

    verb: int | None  # token index of the reporting verb (None for "according to")
    claimant: tuple[int, int] | None
    stance: str  # asserts | denies
    kind: str  # say | deny | according | blame
    sent_start: int
    anaphoric: bool = False
    blamed: list[tuple[int, int]] = field(default_factory=list)
    object_is_claim_noun: bool = False  # "denied the accusations"
    also: list[tuple[int, int]] = field(default_factory=list)  # "X and Y said": Y too


@dataclass
class SentenceFrame:
    """Per-sentence attribution facts the assembler needs."""

    sent_start: int
    attributions: list[Attribution] = field(default_factory=list)
    colon_frame: bool = False  # ends with ':' after a reporting verb: next paragraph is speech
    first_person: bool = False
    opens_quote: bool = False


class AttributionFinder:
    def __init__(self, lex: Lexicon):
        self.lex = lex
        self.reporting = lex.say_verbs | lex.deny_verbs | lex.blame_verbs | {"write", "cite"}

    def _anaphoric(self, doc: Doc, rng: tuple[int, int]) -> bool:
        text = doc[rng[0] : rng[1]].text.lower().strip("“”\"' ")
        if text in _PRONOUNS or text in self.lex.anaphors:
            return True
        toks = doc[rng[0] : rng[1]]
        return (
            len(toks) <= 3
            and toks[0].lower_ in ("the", "a")
            and toks.root.lower_
            in (
                "statement",
                "ministry",
                "command",
                "spokesman",
                "spokeswoman",
                "official",
                "army",
                "military",
                "monitor",
                "observatory",
                "group",
                "source",
                "agency",
                "committees",
            )
            and not any(t.ent_type_ or t.pos_ == "PROPN" for t in toks)
        )

    def find(self, doc: Doc, sent: Span) -> SentenceFrame:
        frame = SentenceFrame(sent.start)
        lex = self.lex
        for tok in sent:
            lemma = tok.lemma_.lower()
            if lemma == "accord" and tok.lower_ == "according":
                for c in tok.children:
                    if c.dep_ == "prep" and c.lower_ == "to":
                        for g in c.children:
                            if g.dep_ == "pobj":
                                rng = syntax.np_range(g)
                                frame.attributions.append(
                                    Attribution(
                                        None,
                                        rng,
                                        "asserts",
                                        "according",
                                        sent.start,
                                        anaphoric=self._anaphoric(doc, rng),
                                    )
                                )
                continue
            if lemma not in self.reporting or not (tok.pos_ == "VERB" or tok.tag_.startswith("VB")):
                continue
            if lemma == "cite":
                continue
            if lemma in _COLON_ONLY and not sent.text.strip().endswith(":"):
                continue  # "He continued:" introduces speech; "attacks continue" does not
            if tok.dep_ == "relcl":
                continue  # "a film which documented ...": not a source speaking
            if tok.dep_ == "amod":
                continue
            subj: Token | None = None
            if syntax.is_passive(tok):
                for c in tok.children:
                    if c.dep_ == "agent":
                        subj = next((g for g in c.children if g.dep_ == "pobj"), None)
                if subj is None:
                    continue  # "is believed to be", "was reported": no named source
            else:
                subj = syntax.subject_of(tok, depth=2)
            if subj is None:
                continue
            if subj.lower_ in ("that", "which") or subj.ent_type_ in ("DATE", "TIME"):
                continue
            parties = syntax.conjuncts(subj)
            rng = syntax.np_range(subj)
            also = [syntax.np_range(c) for c in parties[1:] if c.pos_ in ("NOUN", "PROPN")]
            kind = "say"
            stance = "asserts"
            if lemma in lex.deny_verbs:
                kind, stance = "deny", "denies"
            elif lemma in lex.blame_verbs:
                kind = "blame"
            att = Attribution(
                tok.i,
                rng,
                stance,
                kind,
                sent.start,
                anaphoric=self._anaphoric(doc, rng),
                also=also,
            )
            for c in tok.children:
                if c.dep_ == "dobj":
                    if kind == "blame":
                        att.blamed += [syntax.np_range(x) for x in syntax.conjuncts(c)]
                    if c.lemma_.lower() in lex.claim_nouns or c.lower_ in lex.claim_nouns:
                        att.object_is_claim_noun = True
            frame.attributions.append(att)
        text = sent.text.strip()
        frame.colon_frame = text.endswith(":") and any(
            a.verb is not None for a in frame.attributions
        )
        frame.first_person = any(is_first_person(t) for t in sent)
        frame.opens_quote = text.startswith(_QUOTES_OPEN)
        return frame

    @staticmethod
    def governing(doc: Doc, frame: SentenceFrame, tok_i: int) -> Attribution | None:
        """The frame that reports the token: the nearest reporting verb above it in the
        parse; else 'according to'; else a frame on the sentence root."""
        tok = doc[tok_i]
        by_verb = {a.verb: a for a in frame.attributions if a.verb is not None}
        t = tok
        for _ in range(12):
            if t.i in by_verb and t.i != tok_i:
                return by_verb[t.i]
            if t.head is t:
                break
            t = t.head
        for a in frame.attributions:
            if a.kind == "according":
                return a
        for a in frame.attributions:
            if a.verb is not None and doc[a.verb].dep_ == "ROOT" and a.kind != "blame":
                return a
        return None


@Language.factory("fogwatch_attribution", default_config={})
def make_attribution(nlp: Language, name: str) -> AttributionComponent:
    return AttributionComponent(default_lexicon())


class AttributionComponent:
    """Sets `doc._.fw_frames`: one SentenceFrame per sentence, in order."""

    def __init__(self, lex: Lexicon):
        self.finder = AttributionFinder(lex)
        if not Doc.has_extension("fw_frames"):
            Doc.set_extension("fw_frames", default=None)

    def __call__(self, doc: Doc) -> Doc:
        doc._.fw_frames = [self.finder.find(doc, sent) for sent in doc.sents]
        return doc

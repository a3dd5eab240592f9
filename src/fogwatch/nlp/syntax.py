"""Small dependency-parse helpers shared by the fogwatch components.

They answer the questions every component asks of a parse: "what is the subject of
this clause, even when the verb is an -ing clause or a conjunct?", "what are the
words of this noun phrase, without its relative clause?", "is this act hypothetical
or negated?". Keeping them in one place keeps the components short and consistent.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

SUBJ = ("nsubj", "nsubjpass", "csubj")
CLAUSE_LINKS = ("advcl", "xcomp", "conj", "pcomp", "prep", "acl", "ccomp", "relcl")
_NP_RIGHT_KEEP = ("compound", "appos", "prep", "nummod", "amod", "flat", "nmod", "poss")
_NP_PREP_KEEP = ("of", "from", "for")


def is_passive(verb: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)


def conjuncts(tok: Token) -> list[Token]:
    """The token and the nouns coordinated with it ('X and Y', 'X along with Y')."""
    out = [tok]
    for c in tok.children:
        if c.dep_ == "conj":
            out.extend(conjuncts(c))
        elif c.dep_ == "prep" and c.lower_ == "along":
            for w in c.children:
                if w.dep_ == "prep" and w.lower_ == "with":
                    out.extend(conjuncts(g) for g in w.children if g.dep_ == "pobj")
    flat: list[Token] = []
    for x in out:
        if isinstance(x, list):
            flat.extend(x)
        else:
            flat.append(x)
    return flat


def subject_of(verb: Token, passive_ok: bool = False, depth: int = 3) -> Token | None:
    """The clause subject of `verb`, climbing out of -ing/infinitive/conjunct clauses."""
    tok = verb
    if verb.dep_ == "acl" and verb.head.pos_ in ("NOUN", "PROPN"):
        return verb.head  # "three warplanes carrying out the bombing"
    for _ in range(depth + 1):
        for c in tok.children:
            if c.dep_ == "nsubj" or (passive_ok and c.dep_ == "nsubjpass"):
                if c.lower_ in ("which", "that", "who") and tok.dep_ in ("relcl",):
                    return tok.head
                return c
        if tok.dep_ in CLAUSE_LINKS and tok.head is not tok:
            tok = tok.head
            if tok.pos_ == "ADP" and tok.head is not tok:
                tok = tok.head
            continue
        break
    return None


def np_range(tok: Token) -> tuple[int, int]:
    """Token range of the noun phrase headed by `tok`: left modifiers plus compounds,
    appositions and 'of/from' phrases on the right, but no clauses or conjuncts."""
    start = tok.i
    for c in tok.lefts:
        if c.dep_ in ("cc", "preconj", "punct") and c.i == tok.left_edge.i:
            continue
        start = min(start, _left_edge_no_conj(c))
    end = tok.i + 1
    for c in tok.rights:
        if c.dep_ in ("conj", "cc", "relcl", "acl", "punct", "advcl"):
            break
        if c.dep_ in _NP_RIGHT_KEEP and (c.dep_ != "prep" or c.lower_ in _NP_PREP_KEEP):
            end = max(end, _right_edge_no_conj(c) + 1)
        else:
            break
    doc = tok.doc
    # parse repair: a word joined by hyphens ("pro-regime") is one word, whatever the parse
    while (
        end + 1 < len(doc)
        and doc[end - 1].whitespace_ == ""
        and doc[end].text in ("-", "–")
        and doc[end].whitespace_ == ""
    ):
        end += 2
    while (
        start >= 2
        and doc[start - 1].text in ("-", "–")
        and doc[start - 1].whitespace_ == ""
        and doc[start - 2].whitespace_ == ""
    ):
        start -= 2
    # parse repair: "positions of the Kurdish led ... militia SDF" - the parser reads the
    # nationality adjective as the object of "of" and "led" as a new verb; the phrase
    # really runs on to the name it describes
    last = doc[end - 1]
    if last.ent_type_ == "NORP" and last.dep_ == "pobj":
        for j in range(end, min(len(doc), end + 7)):
            if doc[j].is_punct or doc[j].is_sent_start:
                break
            if doc[j].ent_type_ in ("ACTOR", "ORG") and (
                j + 1 >= len(doc) or doc[j + 1].ent_type_ != doc[j].ent_type_
            ):
                end = j + 1
                break
    while (
        start < end - 1
        and doc[start].dep_ in ("cc", "preconj", "punct", "det")
        and doc[start].lower_ in ("both", "either", "and", ",", "“", '"')
    ):
        start += 1
    return start, end


def _left_edge_no_conj(tok: Token) -> int:
    i = tok.i
    for c in tok.lefts:
        i = min(i, _left_edge_no_conj(c))
    return i


def _right_edge_no_conj(tok: Token) -> int:
    i = tok.i
    for c in tok.rights:
        if c.dep_ in ("conj", "cc", "relcl", "punct"):
            break
        i = max(i, _right_edge_no_conj(c))
    return i


def has_negation(tok: Token) -> bool:
    """'did not strike', 'never targeted': a negation on the verb or its auxiliary."""
    return any(c.dep_ == "neg" for c in tok.children)


def governing_verb(tok: Token) -> Token:
    """For a nominal trigger, the verb whose clause it sits in."""
    t = tok
    for _ in range(5):
        if t.pos_ in ("VERB", "AUX") or t.head is t:
            return t
        t = t.head
    return t


def span_text(doc: Doc, rng: tuple[int, int]) -> str:
    return doc[rng[0] : rng[1]].text

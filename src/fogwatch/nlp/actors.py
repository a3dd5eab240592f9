"""The actor table: resolve the many ways reports name a party to one canonical actor.

A claim record is only comparable across sources when "SAA", "regime forces" and "the
Syrian army's" all land on "Military Forces of Syria". The knowledge of who is who
lives in `fogwatch/data/actors.yaml` (documented there and in docs/data-tables.md);
this module only turns it into two lookups that must agree with each other:

* `ActorTable.match` resolves a phrase the extractor already picked out ("four US-led
  coalition warplanes") with dictionary lookups on normalised word n-grams, so it costs
  the same however large the table grows;
* `ActorTable.entity_patterns` builds spaCy EntityRuler patterns (label ACTOR, id = the
  canonical name) so actors are marked in the pipeline before `ner` runs, tokenised
  the way spaCy's English tokenizer splits "al-Nusra" or "CJTF-OIR".

Both treat a phrase the same way: case (except short capitalised acronyms such as IS
and US), possessive 's, curly quotes, hyphens, the words "the" and "al", accents, a
plural on the last word and the transliterations in `normalization.spelling_variants`
make no difference.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from fogwatch.model import ActorRef, Claimant
from fogwatch.settings import PACKAGE_DATA_DIR, user_data_dir

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokenizer import Tokenizer

log = logging.getLogger(__name__)

TABLE_FILE = "actors.yaml"
LABEL = "ACTOR"
PLACE_LABEL = "GPE"

# How specific a match is. A named actor's alias or a nationality phrase ("Russian
# jets") beats any catch-all, however long; among equally long matches a named alias
# beats a nationality phrase, a catch-all ("rebels") beats an unidentified attacker
# ("militants"), and a bare nationality word ranks last. See ActorTable.match.
TIER_NAMED = 4
TIER_GENERIC_PHRASE = 3
TIER_CATCH_ALL = 2
TIER_UNIDENTIFIED = 1
TIER_BARE = 0

_HYPHENS = ("-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014")
_APOSTROPHES = "\u2019\u2018\u02bc`\u00b4"
_TOKEN_RE = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W_]+(?:['\u2019\u2018\u02bc`\u00b4][^\W_]+)*")
_POSSESSIVE_RE = re.compile(r"['\u2019\u2018\u02bc`\u00b4][sS]$")
_NUMBER_RE = re.compile(r"^\d+(?:st|nd|rd|th)?$")
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # C parser when built: 10x faster


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class ActorInfo:
    """One actor as the table knows it; see the header of actors.yaml for each field."""

    name: str
    aliases: tuple[str, ...] = ()
    side: str | None = None
    inter: int | None = None
    country: str | None = None
    kind: str | None = None
    parent: str | None = None
    generic: bool = False


@dataclass(frozen=True)
class ActorMention:
    """An actor found in running text by `ActorTable.find_all`, with character offsets."""

    start: int
    end: int
    text: str
    actor: ActorInfo


@dataclass(frozen=True)
class _Entry:
    """One indexed phrase: which actor it names and what else must hold for a hit."""

    actor: str
    tier: int
    exact: tuple[str | None, ...]  # per word: the capitals it must be written in, or None
    last_word: str  # the last word before plural folding
    plural_ok: bool = True
    whole_span: bool = False  # a bare nationality word: only when it is the whole phrase
    explicit: bool = True


@dataclass(frozen=True)
class _Token:
    key: str  # normalised, variant-folded, lower case
    case: str  # as written, minus possessive, apostrophes and dots (for acronyms)
    start: int
    end: int
    lead: int  # start of an "al-" dropped before it, so spans read "al-Masdar"


@dataclass(frozen=True)
class _Hit:
    i: int
    j: int
    entry: _Entry


@dataclass
class _Normalizer:
    """Folds a phrase to the word keys both lookups use."""

    ignore: frozenset[str] = frozenset({"the", "al"})
    articles: frozenset[str] = frozenset({"al"})
    variants: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_config(cls, cfg: dict[str, Any]) -> _Normalizer:
        """Build from the `normalization:` section of actors.yaml."""
        variants: dict[str, str] = {}
        for canon, spellings in (cfg.get("spelling_variants") or {}).items():
            for spelling in _as_list(spellings):
                variants[_fold_word(str(spelling)).lower()] = str(canon).lower()
        return cls(
            ignore=frozenset(str(w).lower() for w in _as_list(cfg.get("ignore_words"))),
            articles=frozenset(str(w).lower() for w in _as_list(cfg.get("article_prefixes"))),
            variants=variants,
        )

    def tokens(self, text: str) -> list[_Token]:
        """Split and normalise; ignored words are dropped but offsets stay exact."""
        out: list[_Token] = []
        article: int | None = None
        for m in _TOKEN_RE.finditer(text):
            raw = m.group()
            case = _fold_word(raw)
            low = case.lower()
            if not low:
                continue
            if low in self.articles and text[m.end() : m.end() + 1] in _HYPHENS:
                low = "al"
            low = self.variants.get(low, low)
            if low in self.ignore:
                article = m.start() if low == "al" else None
                continue
            lead = article if article is not None else m.start()
            article = None
            end = m.end() - 2 if _POSSESSIVE_RE.search(raw) else m.end()
            out.append(_Token(low, case, m.start(), end, lead))
        return out


_UNMATCHED = object()
_MATCHED_LIMIT = 100_000  # phrases remembered by `ActorTable.match` at most


def _fold_word(word: str) -> str:
    """Drop accents, a possessive 's, apostrophes and acronym dots from one word."""
    s = unicodedata.normalize("NFKD", word)
    s = "".join(c for c in s if not unicodedata.combining(c))
    for a in _APOSTROPHES:
        s = s.replace(a, "'")
    if s.lower().endswith("'s"):
        s = s[:-2]
    return s.replace("'", "").replace(".", "")


def _singular(word: str) -> str:
    """Fold an English plural on a phrase's last word ("forces" -> "force").

    Crude on purpose: the same rule is applied to the table and to the text, so it only
    has to be consistent, not grammatical. Words ending in -ss, -us or -is (ISIS, Press)
    are left alone.
    """
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _plurals(word: str) -> set[str]:
    """Surface forms a ruler pattern accepts for a last word: singular and plural."""
    forms = {word}
    sing = _singular(word)
    forms.add(sing)
    if sing.endswith("y") and len(sing) > 3 and sing[-2] not in "aeiou":
        forms.add(sing[:-1] + "ies")
    elif sing.endswith(("s", "x", "z", "ch", "sh")):
        forms.add(sing + "es")
    else:
        forms.add(sing + "s")
    return forms


def _is_case_sensitive(case_word: str) -> bool:
    """Short all-capital acronyms (IS, US, UN, SAA) match only in capitals."""
    return case_word.isalpha() and case_word.isupper() and len(case_word) <= 3


# --------------------------------------------------------------------------- loading


def _read_yaml(path: Path) -> dict[str, Any]:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping at the top level")
    return data


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _default_paths() -> list[Path]:
    paths = [PACKAGE_DATA_DIR / TABLE_FILE]
    try:
        user = user_data_dir() / TABLE_FILE
    except OSError:  # pragma: no cover - unwritable home
        return paths
    if user.is_file():
        paths.append(user)
    return paths


@dataclass
class _RawActor:
    name: str
    aliases: list[str] = field(default_factory=list)
    place_aliases: list[str] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)


_ACTOR_FIELDS = ("side", "inter", "country", "kind", "parent", "generic")


class ActorTable:
    """Actors with every name they go by; build with `ActorTable.load()`."""

    def __init__(
        self,
        actors: Iterable[ActorInfo],
        *,
        place_aliases: dict[str, tuple[str, ...]] | None = None,
        generic: dict[str, Any] | None = None,
        normalization: dict[str, Any] | None = None,
        collisions: Iterable[tuple[str, str, str]] = (),
    ) -> None:
        self._actors: dict[str, ActorInfo] = {a.name: a for a in actors}
        self._places = {k: tuple(v) for k, v in (place_aliases or {}).items()}
        self._generic: dict[str, Any] = generic or {}
        norm = normalization or {}
        self._norm = _Normalizer.from_config(norm)
        self._variant_groups: dict[str, set[str]] = {}
        for spelling, canon in self._norm.variants.items():
            self._variant_groups.setdefault(canon, {canon}).add(spelling)
        self._split_words = frozenset(str(w).lower() for w in _as_list(norm.get("split_words")))
        self._fillers = frozenset(str(w).lower() for w in _as_list(norm.get("filler_words")))
        self.collisions: list[tuple[str, str, str]] = list(collisions)
        """(alias, first actor, second actor) pairs one file gave to two actors."""
        self.shadowed: list[tuple[str, str, str]] = []
        """(generic phrase, its actor, the actor whose explicit alias took it)."""
        self._index: dict[tuple[str, ...], list[_Entry]] = {}
        self._max_len = 1
        self._build_index()
        # phrases already matched: a run meets the same few hundred actor phrases
        # thousands of times
        self._matched: dict[str, ActorInfo | None] = {}

    # ------------------------------------------------------------------ construction

    @classmethod
    def load(cls, extra_paths: Iterable[Path] = ()) -> ActorTable:
        """Read the built-in table, the user's actors.yaml, then `extra_paths`, in order.

        Later files extend earlier ones: an actor with a known name gains aliases and
        any field it sets; a new name adds an actor; an alias given to a different
        actor moves to it (logged). Raises ValueError on an invalid entry, so a typo
        in a user table is reported instead of silently ignored.
        """
        paths = [*_default_paths(), *(Path(p) for p in extra_paths)]
        docs = [(p, _read_yaml(p)) for p in paths]
        generic: dict[str, Any] = {}
        normalization: dict[str, Any] = {}
        vocabulary: dict[str, list[str]] = {}
        for _path, data in docs:
            _merge_into(normalization, data.get("normalization") or {})
            _merge_into(vocabulary, data.get("vocabulary") or {})
            _merge_generic(generic, data.get("generic_patterns") or {})
        norm = _Normalizer.from_config(normalization)

        raw: dict[str, _RawActor] = {}
        names: dict[tuple[str, ...], str] = {}  # canonical names are never moved
        owner: dict[tuple[str, ...], tuple[str, Path]] = {}
        collisions: list[tuple[str, str, str]] = []
        for path, data in docs:
            for item in _as_list(data.get("actors")):
                if not isinstance(item, dict) or not item.get("name"):
                    raise ValueError(f"{path}: every actor needs a `name`: {item!r}")
                name = str(item["name"]).strip()
                actor = raw.setdefault(name, _RawActor(name))
                names.setdefault(_alias_key(norm, name), name)
                for key in _ACTOR_FIELDS:
                    if key in item:
                        actor.fields[key] = item[key]
                for kind in ("aliases", "place_aliases"):
                    for alias in _as_list(item.get(kind)):
                        _claim_alias(raw, owner, names, collisions, norm, actor, kind, alias, path)

        actors = [_validate(a, vocabulary, raw) for a in raw.values()]
        places = {a.name: tuple(a.place_aliases) for a in raw.values() if a.place_aliases}
        table = cls(
            actors,
            place_aliases=places,
            generic=generic,
            normalization=normalization,
            collisions=collisions,
        )
        table._check_generic_targets()
        return table

    def _check_generic_targets(self) -> None:
        for row in _as_list(self._generic.get("nationalities")):
            for key in ("actor", "government"):
                if row.get(key) and row[key] not in self._actors:
                    raise ValueError(f"generic_patterns: unknown actor {row[key]!r}")
        unid = self._generic.get("unidentified") or {}
        if unid.get("actor") and unid["actor"] not in self._actors:
            raise ValueError(f"generic_patterns.unidentified: unknown actor {unid['actor']!r}")

    def _add(self, key: tuple[str, ...], entry: _Entry, phrase: str) -> None:
        entries = self._index.setdefault(key, [])
        if not entry.explicit:
            others = [
                e for e in entries if e.explicit and (e.plural_ok or e.last_word == entry.last_word)
            ]
            if others:
                if others[0].actor != entry.actor:
                    self.shadowed.append((phrase, entry.actor, others[0].actor))
                return
        same = (entry.actor, entry.exact, entry.last_word, entry.plural_ok, entry.whole_span)
        for i, e in enumerate(entries):
            if (e.actor, e.exact, e.last_word, e.plural_ok, e.whole_span) == same:
                if entry.tier > e.tier:
                    entries[i] = entry
                return
        entries.append(entry)
        self._max_len = max(self._max_len, len(key))

    def _phrase_key(
        self, phrase: str
    ) -> tuple[tuple[str, ...], tuple[str | None, ...], str] | None:
        toks = self._norm.tokens(phrase)
        if not toks:
            return None
        keys = [t.key for t in toks]
        exact = tuple(t.case if _is_case_sensitive(t.case) else None for t in toks)
        return (*keys[:-1], _singular(keys[-1])), exact, keys[-1]

    def _add_phrase(self, phrase: str, actor: str, tier: int, **kw: Any) -> None:
        parsed = self._phrase_key(phrase)
        if parsed is None:
            return
        key, exact, last = parsed
        self._add(key, _Entry(actor, tier, exact, last, **kw), phrase)

    def _plural_ok(self, alias: str) -> bool:
        """Whether an alias also matches with its last word's number changed.

        Yes for common nouns and multi-word names ("rebels", "Tiger Forces"); no for a
        single capitalised word, whose "plural" is usually just its spelling ("Fars" is
        no plural of "far", and "Russians" must not make "the Russian economy" an actor).
        """
        toks = self._norm.tokens(alias)
        return len(toks) != 1 or not toks[0].case[:1].isupper()

    def _build_index(self) -> None:
        self._members = {
            _singular(t.key)
            for noun in _as_list(self._generic.get("member_nouns"))
            for t in self._norm.tokens(str(noun))
        }
        for info in self._actors.values():
            tier = TIER_CATCH_ALL if info.generic else TIER_NAMED
            places = set(self._places.get(info.name, ()))
            for alias in (info.name, *info.aliases):
                if alias in places:
                    # Only as the whole phrase: "Damascus" is the government, but in
                    # "Rural Damascus" or "the Damascus suburbs" it is a place.
                    self._add_phrase(alias, info.name, tier, plural_ok=False, whole_span=True)
                else:
                    self._add_phrase(alias, info.name, tier, plural_ok=self._plural_ok(alias))
        for phrase, actor, tier, kw in self._generic_phrases():
            self._add_phrase(phrase, actor, tier, explicit=False, **kw)

    def _generic_phrases(self) -> Iterator[tuple[str, str, int, dict[str, Any]]]:
        """Every phrase generic_patterns stands for, with its actor and rank."""
        g = self._generic
        force = [*_as_list(g.get("force_nouns")), *_as_list(g.get("attack_nouns"))]
        official = _as_list(g.get("official_nouns"))
        for row in _as_list(g.get("nationalities")):
            actor = row["actor"]
            gov = row.get("government") or actor
            for word in _as_list(row.get("words")):
                for noun in force:
                    yield f"{word} {noun}", actor, TIER_GENERIC_PHRASE, {}
                for noun in official:
                    yield f"{word} {noun}", gov, TIER_GENERIC_PHRASE, {}
                yield str(word), actor, TIER_BARE, {"whole_span": True, "plural_ok": False}
        unid = g.get("unidentified") or {}
        if unid.get("actor"):
            for noun in _as_list(unid.get("nouns")):
                for mod in _as_list(unid.get("modifiers")):
                    yield f"{mod} {noun}", unid["actor"], TIER_UNIDENTIFIED, {}
            for noun in _as_list(unid.get("bare")):  # as written: "terrorist" is an adjective
                yield str(noun), unid["actor"], TIER_UNIDENTIFIED, {"plural_ok": False}

    # ------------------------------------------------------------------ lookups

    def __len__(self) -> int:
        return len(self._actors)

    def __iter__(self) -> Iterator[ActorInfo]:
        return iter(self._actors.values())

    def __contains__(self, name: object) -> bool:
        return name in self._actors

    def get(self, name: str) -> ActorInfo | None:
        """The actor with this canonical name, or None."""
        return self._actors.get(name)

    def root(self, actor: ActorInfo | str) -> ActorInfo | None:
        """Follow `parent` to the top (Tiger Forces -> Military Forces of Syria).

        For coders who want ACLED's coarser actor rather than the unit a report named.
        """
        info = self.get(actor) if isinstance(actor, str) else actor
        seen: set[str] = set()
        while info is not None and info.parent and info.name not in seen:
            seen.add(info.name)
            parent = self.get(info.parent)
            if parent is None:
                break
            info = parent
        return info

    def place_aliases(self, name: str) -> tuple[str, ...]:
        """The aliases of an actor that are also place names ("Russia", "Moscow")."""
        return self._places.get(name, ())

    def _hits(self, toks: list[_Token]) -> list[_Hit]:
        hits: list[_Hit] = []
        n = len(toks)
        for i in range(n):
            for j in range(i + 1, min(n, i + self._max_len) + 1):
                last = toks[j - 1].key
                key = (*(t.key for t in toks[i : j - 1]), _singular(last))
                for entry in self._index.get(key, ()):
                    if not entry.plural_ok and last != entry.last_word:
                        continue
                    if not _case_ok(entry.exact, toks[i:j]):
                        continue
                    hits.append(_Hit(i, j, entry))
        return hits

    def match(self, text: str) -> ActorInfo | None:
        """The actor a phrase names, or None ("four US-led coalition warplanes" -> coalition).

        A name nested in a longer one is part of it ("regime" in "pro-regime outlets").
        Otherwise a specific actor (a named alias or a nationality phrase such as
        "Russian jets") beats a catch-all ("the pro-Assad site al-Masdar" is al-Masdar,
        "jihadist rebels of Jaysh al-Fateh" is Jaysh al-Fateh); then the longest alias
        wins; then a named actor beats a nationality phrase; then the later one wins,
        since the head of an English noun phrase comes last ("FSA's 1st Coastal
        Division"). When the phrase's head, before "of", "from", "by" and the like,
        names a specific actor, the rest is ignored ("the Syrian army supported by the
        Russian Air Force"). A nationality word alone counts only when it is the whole
        phrase ("the warplane was Russian" -> "Russian"), and so does a place name
        ("Moscow" is the Russian government, "the Moscow metro" is no actor).
        """
        if not text or not text.strip():
            return None
        found = self._matched.get(text, _UNMATCHED)
        if found is _UNMATCHED:
            if len(self._matched) >= _MATCHED_LIMIT:
                self._matched.clear()
            found = self._matched[text] = self._match(text)
        return found  # type: ignore[return-value]

    def _match(self, text: str) -> ActorInfo | None:
        toks = self._norm.tokens(text)
        hits = [h for h in self._hits(toks) if not h.entry.whole_span or self._alone(toks, h)]
        if not hits:
            return None
        split = self._head_end(toks, hits)
        if split is not None:
            head = [h for h in hits if h.j <= split]
            if head and max(h.entry.tier for h in head) >= TIER_GENERIC_PHRASE:
                hits = head
        # A name inside a longer one is part of it ("regime" in "pro-regime outlets").
        outer = [
            h
            for h in hits
            if not any(o.i <= h.i and h.j <= o.j and o.j - o.i > h.j - h.i for o in hits)
        ]
        best = max(
            outer,
            key=lambda h: (h.entry.tier >= TIER_GENERIC_PHRASE, h.j - h.i, h.entry.tier, h.i),
        )
        return self._actors[best.entry.actor]

    def find_all(self, text: str) -> list[ActorMention]:
        """Every actor named in running text, longest first, without overlaps.

        For callers without a spaCy pipeline. Bare nationality words and place names
        are skipped, as in `entity_patterns`: in running text "Russian" is as often a
        language and "Damascus" a place.
        """
        toks = self._norm.tokens(text)
        members = self._members
        hits = []
        for h in self._hits(toks):
            if h.entry.whole_span:
                continue
            info = self._actors[h.entry.actor]
            armed = info.kind in ("military", "armed_group") and not info.generic
            if armed and h.j < len(toks) and _singular(toks[h.j].key) in members:
                h = _Hit(h.i, h.j + 1, h.entry)  # "Daesh militants", as the ruler does
            hits.append(h)
        hits.sort(key=lambda h: (-(h.j - h.i), -h.entry.tier, h.i))
        taken: list[_Hit] = []
        for h in hits:
            if all(h.j <= t.i or h.i >= t.j for t in taken):
                taken.append(h)
        taken.sort(key=lambda h: h.i)
        out = []
        for h in taken:
            start, end = toks[h.i].lead, toks[h.j - 1].end
            out.append(ActorMention(start, end, text[start:end], self._actors[h.entry.actor]))
        return out

    def _alone(self, toks: list[_Token], hit: _Hit) -> bool:
        rest = toks[: hit.i] + toks[hit.j :]
        return all(t.key in self._fillers or _NUMBER_RE.match(t.key) for t in rest)

    def _head_end(self, toks: list[_Token], hits: list[_Hit]) -> int | None:
        covered = {k for h in hits for k in range(h.i, h.j)}
        for k, t in enumerate(toks):
            if t.key in self._split_words and k not in covered:
                return k
        return None

    # ------------------------------------------------------------------ records

    def to_ref(
        self, info: ActorInfo, text: str | None = None, *, max_aliases: int | None = None
    ) -> ActorRef:
        """The claim record's ActorRef for a perpetrator or target.

        Aliases travel with the name so a reader (or the seed scorer) recognises
        "Syrian army" in a record that says "Military Forces of Syria".
        """
        aliases = list(info.aliases if max_aliases is None else info.aliases[:max_aliases])
        return ActorRef(
            name=info.name,
            aliases=aliases,
            text=text,
            side=info.side,
            inter=info.inter,
            country=info.country,
        )

    def to_claimant(
        self, info: ActorInfo, text: str | None = None, *, max_aliases: int | None = None
    ) -> Claimant:
        """The claim record's Claimant: who makes the statement, and what kind of body."""
        aliases = list(info.aliases if max_aliases is None else info.aliases[:max_aliases])
        return Claimant(name=info.name, aliases=aliases, text=text, kind=info.kind or "other")

    # ------------------------------------------------------------------ spaCy patterns

    def entity_patterns(self, *, include_places: bool = False) -> list[dict[str, Any]]:
        """EntityRuler patterns for every actor name, alias and generic phrase.

        Each is {"label": "ACTOR", "pattern": [token dicts], "id": canonical name}.
        Tokens come from spaCy's own English tokenizer, and every word accepts the
        spellings `match` folds together, so the ruler and `match` agree. Aliases that
        are place names are left out unless `include_places`; then they are labelled
        GPE (still with the actor's id) so the gazetteer keeps seeing a place.
        Bare nationality words are never emitted: in running text "Russian" is as
        often a language or a person as an actor.
        """
        tokenizer = _blank_tokenizer()
        member_slot = self._member_slot()
        out: dict[str, dict[str, Any]] = {}

        def emit(label: str, pattern: list[dict[str, Any]] | None, actor: str) -> None:
            if pattern:
                item = {"label": label, "pattern": pattern, "id": actor}
                out.setdefault(json.dumps(item, sort_keys=True), item)

        for info in self._actors.values():
            armed = info.kind in ("military", "armed_group") and not info.generic
            places = set(self._places.get(info.name, ()))
            for alias in (info.name, *info.aliases):
                if alias in places:
                    continue
                slots = self._slots(tokenizer, alias, plural_ok=self._plural_ok(alias))
                emit(LABEL, slots, info.name)
                if armed and slots and member_slot:
                    emit(LABEL, [*slots, member_slot], info.name)
            if include_places:
                for alias in places:
                    emit(PLACE_LABEL, self._slots(tokenizer, alias, plural_ok=False), info.name)

        for label, pattern, actor in self._generic_patterns(tokenizer):
            emit(label, pattern, actor)
        return list(out.values())

    def _member_slot(self) -> dict[str, Any] | None:
        forms: set[str] = set()
        for noun in _as_list(self._generic.get("member_nouns")):
            for word in str(noun).lower().split():
                forms |= _plurals(word)
        return {"LOWER": {"IN": sorted(forms)}, "OP": "?"} if forms else None

    def _forms(self, word: str, *, last: bool, plural_ok: bool) -> list[str]:
        """Lower-case spellings spaCy may produce for one word of an alias."""
        low = word.lower()
        key = _fold_word(low).lower()
        key = self._norm.variants.get(key, key)
        forms = {low, _fold_word(low).lower()} | self._variant_groups.get(key, {key})
        for f in list(forms):
            if "'" in f:
                forms |= {f.replace("'", a) for a in "\u2019\u2018\u02bc"}
        if last and plural_ok:
            for f in list(forms):
                forms |= _plurals(f)
        return sorted(forms)

    def _slots(
        self, tokenizer: Tokenizer, phrase: str, *, plural_ok: bool
    ) -> list[dict[str, Any]] | None:
        """Token pattern for one phrase: optional "the"/"al"/hyphens/possessive."""
        words = [t.text for t in tokenizer(phrase)]
        content = [k for k, w in enumerate(words) if any(c.isalnum() for c in w)]
        if not content:
            return None
        last_content = content[-1]
        articles = sorted(self._norm.articles | {"al"})
        slots: list[dict[str, Any]] = []
        required = False
        for k, w in enumerate(words):
            if w in _HYPHENS:
                continue
            low = w.lower()
            joined = k + 1 < len(words) and words[k + 1] in _HYPHENS
            if low in ("'s", "\u2019s", "'", "\u2019"):
                slot: dict[str, Any] = {
                    "LOWER": {"IN": ["'s", "\u2019s", "'", "\u2019"]},
                    "OP": "?",
                }
            elif not any(c.isalnum() for c in w):
                slot = {"ORTH": w, "OP": "?"}  # brackets, commas: optional, as match() skips them
            elif _TOKEN_RE.fullmatch(w) is None:
                slot = {"LOWER": low}  # "F-16s", "airwars.org": spaCy keeps them whole
                required = True
            elif low == "al" or (low in self._norm.articles and joined):
                slot = {"LOWER": {"IN": articles}, "OP": "?"}
            elif low in self._norm.ignore:
                if not slots:
                    continue  # a leading "the" stays outside the entity, as in spaCy's NER
                slot = {"LOWER": low, "OP": "?"}
            else:
                case = _fold_word(w)
                last = k == last_content
                if _is_case_sensitive(case):
                    forms = {case, ".".join(case) + "."}
                    if last and plural_ok:
                        forms.add(case + "s")
                    slot = {"ORTH": {"IN": sorted(forms)}}
                else:
                    slot = {"LOWER": {"IN": self._forms(w, last=last, plural_ok=plural_ok)}}
                required = True
            if slots:
                slots.append({"ORTH": {"IN": list(_HYPHENS)}, "OP": "?"})
            slots.append(slot)
        while slots and slots[-1].get("OP") == "?":
            slots.pop()
        return slots if required else None

    def _generic_patterns(
        self, tokenizer: Tokenizer
    ) -> Iterator[tuple[str, list[dict[str, Any]], str]]:
        """Ruler patterns for generic_patterns, minus phrases an explicit alias took."""
        g = self._generic
        possessive = {"LOWER": {"IN": ["'s", "\u2019s"]}, "OP": "?"}

        def taken(phrase: str, actor: str) -> bool:
            parsed = self._phrase_key(phrase)
            if parsed is None:
                return True
            return any(e.explicit and e.actor != actor for e in self._index.get(parsed[0], ()))

        def noun_groups(
            lead: str, nouns: list[Any], actor: str, plural_ok: bool = True
        ) -> Iterator[list[dict[str, Any]]]:
            single: set[str] = set()
            for noun in nouns:
                noun = str(noun)
                if taken(f"{lead} {noun}", actor):
                    continue
                slots = self._slots(tokenizer, noun, plural_ok=plural_ok)
                if not slots:
                    continue
                if len(slots) == 1 and "LOWER" in slots[0]:
                    single.update(slots[0]["LOWER"]["IN"])
                else:
                    yield slots
            if single:
                yield [{"LOWER": {"IN": sorted(single)}}]

        force = [*_as_list(g.get("force_nouns")), *_as_list(g.get("attack_nouns"))]
        official = _as_list(g.get("official_nouns"))
        for row in _as_list(g.get("nationalities")):
            actor = row["actor"]
            gov = row.get("government") or actor
            for word in _as_list(row.get("words")):
                lead = self._slots(tokenizer, str(word), plural_ok=False)
                if not lead:
                    continue
                for nouns, target in ((force, actor), (official, gov)):
                    for tail in noun_groups(str(word), nouns, target):
                        yield LABEL, [*lead, possessive, *tail], target
        unid = g.get("unidentified") or {}
        actor = unid.get("actor")
        if actor:
            mods = [str(m).lower() for m in _as_list(unid.get("modifiers"))]
            for tail in noun_groups("", _as_list(unid.get("bare")), actor, plural_ok=False):
                yield LABEL, tail, actor
            if mods:
                for tail in noun_groups("", _as_list(unid.get("nouns")), actor):
                    yield LABEL, [{"LOWER": {"IN": mods}}, *tail], actor


def _claim_alias(
    raw: dict[str, _RawActor],
    owner: dict[tuple[str, ...], tuple[str, Path]],
    names: dict[tuple[str, ...], str],
    collisions: list[tuple[str, str, str]],
    norm: _Normalizer,
    actor: _RawActor,
    kind: str,
    alias: Any,
    path: Path,
) -> None:
    """Give an alias to an actor, unless one file already gave it to another.

    Within one file that is a mistake, recorded in `collisions`; across files the later
    file wins, so users can correct the built-in table. Another actor's canonical name
    is never taken.
    """
    alias = str(alias).strip()
    key = _alias_key(norm, alias)
    if not key:
        return
    named = names.get(key)
    if named is not None and named != actor.name:
        collisions.append((alias, named, actor.name))
        return
    prev = owner.get(key)
    if prev and prev[0] != actor.name:
        if prev[1] == path:
            collisions.append((alias, prev[0], actor.name))
            return
        log.warning("actor alias %r moves from %r to %r (%s)", alias, prev[0], actor.name, path)
        old = raw[prev[0]]
        old.aliases = [a for a in old.aliases if _alias_key(norm, a) != key]
        old.place_aliases = [a for a in old.place_aliases if _alias_key(norm, a) != key]
    owner[key] = (actor.name, path)
    target = actor.aliases if kind == "aliases" else actor.place_aliases
    if alias not in target:
        target.append(alias)


def _case_ok(exact: tuple[str | None, ...], toks: list[_Token]) -> bool:
    for want, tok in zip(exact, toks, strict=False):
        if want is not None and tok.case not in (want, want + "s"):
            return False
    return True


def _alias_key(norm: _Normalizer, alias: str) -> tuple[str, ...]:
    """Ownership key of an alias: its normalised words, plural folded, case kept for acronyms."""
    toks = norm.tokens(alias)
    if not toks:
        return ()
    words = [t.case if _is_case_sensitive(t.case) else t.key for t in toks]
    words[-1] = words[-1] if _is_case_sensitive(words[-1]) else _singular(words[-1])
    return tuple(words)


def _merge_into(base: dict[str, Any], extra: dict[str, Any]) -> None:
    """Merge a user section into the built-in one: dicts merge, lists append."""
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge_into(base[key], value)
        elif isinstance(value, list) and isinstance(base.get(key), list):
            base[key] = base[key] + [v for v in value if v not in base[key]]
        else:
            base[key] = value


def _merge_generic(base: dict[str, Any], extra: dict[str, Any]) -> None:
    """Merge generic_patterns: nationality rows extend the row with the same actor."""
    rows = extra.get("nationalities")
    rest = {k: v for k, v in extra.items() if k != "nationalities"}
    _merge_into(base, rest)
    if rows:
        mine = base.setdefault("nationalities", [])
        for row in _as_list(rows):
            if not isinstance(row, dict) or not row.get("actor"):
                raise ValueError(f"generic_patterns.nationalities: row needs `actor`: {row!r}")
            same = next((r for r in mine if r.get("actor") == row["actor"]), None)
            if same is None:
                mine.append(dict(row))
            else:
                _merge_into(same, row)


def _validate(actor: _RawActor, vocabulary: dict[str, list[str]], raw: dict[str, Any]) -> ActorInfo:
    f = actor.fields
    where = f"actor {actor.name!r}"
    side, kind, inter, country = f.get("side"), f.get("kind"), f.get("inter"), f.get("country")
    parent = f.get("parent")
    sides = set(vocabulary.get("sides") or [])
    kinds = set(vocabulary.get("kinds") or [])
    if side is not None and sides and side not in sides:
        raise ValueError(f"{where}: side {side!r} is not one of {sorted(sides)}")
    if kind is not None and kinds and kind not in kinds:
        raise ValueError(f"{where}: kind {kind!r} is not one of {sorted(kinds)}")
    if inter is not None and (not isinstance(inter, int) or not 1 <= inter <= 8):
        raise ValueError(f"{where}: inter must be an ACLED code 1-8 or null, not {inter!r}")
    if country is not None and not re.fullmatch(r"[A-Z]{2}", str(country)):
        raise ValueError(f"{where}: country must be an ISO 3166-1 alpha-2 code, not {country!r}")
    if parent is not None and parent not in raw:
        raise ValueError(f"{where}: parent {parent!r} is not an actor")
    aliases = [a for a in (*actor.aliases, *actor.place_aliases) if a != actor.name]
    return ActorInfo(
        name=actor.name,
        aliases=tuple(dict.fromkeys(aliases)),
        side=side,
        inter=inter,
        country=country,
        kind=kind,
        parent=parent,
        generic=bool(f.get("generic", False)),
    )


@functools.cache
def _blank_tokenizer() -> Tokenizer:
    """spaCy's English tokenizer alone: patterns must split words exactly as it does."""
    import spacy

    return spacy.blank("en").tokenizer


@functools.lru_cache(maxsize=1)
def default_actor_table() -> ActorTable:
    """The built-in table plus the user's actors.yaml, loaded once per process.

    Call `default_actor_table.cache_clear()` after changing the user data directory.
    """
    return ActorTable.load()


def add_actor_ruler(
    nlp: Language, table: ActorTable | None = None, *, name: str = "actor_ruler"
) -> Any:
    """Add an EntityRuler with the actor patterns, before `ner` when there is one.

    Before `ner` because the statistical model mislabels many Syrian names (NOTES.md):
    entities the ruler sets are kept, and `ner` labels only the rest.
    """
    table = table or default_actor_table()
    where = {"before": "ner"} if "ner" in nlp.pipe_names else {}
    ruler = nlp.add_pipe("entity_ruler", name=name, config={"validate": False}, **where)
    ruler.add_patterns(table.entity_patterns())
    return ruler

"""Split a page into the stories it holds: live-page updates, republished pieces, datelines.

Why: one page often carries many stories, each with its own source and time, and a claim
must be read against its own story. The rules are conservative: a line starts a story only
on clear evidence (a byline under it, headline capitalisation over prose, or the page's own
wide gap between pieces), so a plain article stays one segment.

Conventions:
- Boundaries fall at line starts; blank lines after a story stay with it, so segments are
  contiguous, in order, and cover the text exactly.
- Empty or blank text gives one "body" segment spanning it: every document has segment 0.
- `source` is the story's own attribution ("Source: RT" beats "By <name>"); a story without
  one gets the page's `outlet` (its canonical name if the outlet table knows it), else None.
- `kind`: update/original (live-page markers), piece (a story with its own byline), story
  (a headline), dateline (a dateline paragraph opening a new story mid-page), lead (the page
  head when more follows), body (a page with no structure).
- Text with one paragraph per line and no blank lines (what HTML extractors write) is read
  as if each line break were a paragraph break.
- A live page without an "ORIGINAL ENTRY:" marker gets its original entry found by
  first mention (see `_infer_original`); when that evidence is missing, the original entry
  stays inside the last update.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from fogwatch.ingest.outlets import match_outlet, series_names
from fogwatch.model import Segment

# Times as pages write them: "1400 GMT", "14:00", "6:00 A.M.", "2.30pm BST".
_ZONE = r"(?:GMT|UTC|BST|CET|CEST|EET|EEST|EST|EDT|ET|local time)"
_TIME = re.compile(
    rf"(?:\d{{1,2}}[:.]\d{{2}}(?:\s*[AaPp]\.?\s?[Mm]\.?)?|\d{{1,2}}\s*[AaPp]\.?\s?[Mm]\.?|\d{{4}})"
    rf"(?:\s*{_ZONE})?"
)
_DATE_WORD = re.compile(
    r"(?i)(?:\d{1,4}(?:st|nd|rd|th)?|at|on|a\.?m\.?|p\.?m\.?|gmt|utc|bst|cet|cest|eet|eest|est|edt|et"
    r"|jan\w*|feb\w*|mar\w*|apr\w*|may|jun\w*|jul\w*|aug\w*|sep\w*|oct\w*|nov\w*|dec\w*"
    r"|mon\w*|tue\w*|wed\w*|thu\w*|fri\w*|sat\w*|sun\w*)\.?"
)
_UPDATE = re.compile(r"^(?:UPDATED?|Updated?)\b(?P<tag>[^\n]{0,40}?)\s*(?::(?!\d)|\s[–—-]\s)")
_STAMP = re.compile(
    rf"^(?P<time>(?:\d{{1,2}}[:.]\d{{2}}|\d{{4}})\s*(?:[ap]\.?m\.?\s*)?{_ZONE}"
    rf"|\d{{1,2}}[:.]\d{{2}}\s*[ap]\.?m\.?(?:\s*{_ZONE})?)\s*(?::|\s[–—-]\s|$)"
)
_ORIGINAL = re.compile(r"^(?:ORIGINAL (?:ENTRY|POST)|Original (?:[Ee]ntry|[Pp]ost))\s*[:–—-]")
_SOURCE = re.compile(r"^(?:Source|SOURCE)\s*:\s*(?P<value>\S.{0,100})$")
_BYLINE = re.compile(r"^(?:By|BY)\s*:?\s+(?P<value>\S.{1,100})$")
_VIA = re.compile(r"^(?:Via|VIA|From|Courtesy of)\s*:?\s+(?P<value>\S.{0,60})$")
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][\w'’.\-]*(?:,?\s+(?:[A-Z]|(?:al|el|ad|ar|as|ash|az|ez|de|du|la|le)-)[\w'’.\-]*){0,5})\s*"
    r"\((?P<paren>[^()\n]{1,40})\)\s*[–—-]{1,2}\s*"
)
# Page furniture: links to other pages, navigation, captions and list items.
_NAV = re.compile(
    r"^(?:See(?:\s+also)?\b|Related\b|Read\s+(?:more|also)\b|Jump\s+to\b|Click\b|Share\b"
    r"|Follow\s+us\b|Subscribe\b|Tags?:|Filed\s+under\b|Advertisement\b|(?:PHOTO|IMAGE|PICTURE|CAPTION)S?\b"
    r"|https?://|www\.|[-*•–—#|>\[])"
)
_SERIES_DATED = re.compile(r"^[A-Z][\w ]{2,30}, [A-Z][a-z]+\.? \d{1,2}(?:, \d{4})?:")
_LABEL = re.compile(r"^[A-Z][\w'’\-]*(?:\s[A-Z][\w'’\-]*){0,2}:\s+")


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


_WORD = re.compile(r"[A-Za-z][\w'’\-]*")
_MINOR = _wordset(
    "a an the and but or nor for so yet as at by in of off on per to up via vs from into "
    "onto over with than is are was be its"
)
# Words an indefinite noun phrase starts with that do not introduce a new thing.
_NOT_NEW = _wordset("few lot number total couple bit little second third new further fresh")
_NP_STOP = _MINOR | _wordset(
    "has have had been being were will would can could may might said says that which who "
    "whose what when where while after before since about against hit hits kill kills struck "
    "told left took fell came went made say"
)
_DEF_NP = re.compile(r"\b[Tt]he\s+((?:[a-z][\w’'\-]*\s+){0,2}[a-z][\w’'\-]*)")
_INDEF_NP = re.compile(r"\b(?:[Aa]n?|[Aa]nother)\s+((?:[a-z][\w’'\-]*\s+){0,2}[a-z][\w’'\-]*)")
_SENTENCE_END = '.!?:…"”’)'


@dataclass
class _Line:
    start: int
    text: str
    gap: int  # blank lines right before it


@dataclass
class _Bound:
    line: int
    kind: str
    heading: str | None = None
    source: str | None = None
    time: str | None = None
    prose_seen: bool = False
    explicit: bool = False  # the source came from the page itself, not the default
    is_outlet: bool = False  # that source is an outlet, not a person
    byline: bool = False  # that source came from a byline or 'Source:' line


def _lines(text: str) -> list[_Line]:
    """Non-blank lines with their offsets and the blank lines before each."""
    out: list[_Line] = []
    gap = 0
    for match in re.finditer(r"[^\n]*\n?", text):
        raw = match.group()
        if not raw:
            break
        stripped = raw.strip()
        if stripped:
            out.append(_Line(match.start() + raw.index(stripped[0]), stripped, gap))
            gap = 0
        else:
            gap += 1
    if _one_line_paragraphs(out):
        for line in out[1:]:
            line.gap += 1  # a line break is a paragraph break here; wide gaps stay wider
    return out


def _one_line_paragraphs(lines: list[_Line]) -> bool:
    """True for text that puts each paragraph on one line with no blank line between.

    HTML extractors write text that way. Hard-wrapped text also lacks blank lines inside
    paragraphs, but most of its long lines stop mid-sentence.
    """
    gaps = Counter(line.gap for line in lines[1:])
    if not gaps or gaps.most_common(1)[0][0] != 0:
        return False
    long = [line.text for line in lines if len(line.text) >= 40]
    cut = sum(text[-1] not in _SENTENCE_END for text in long)
    return cut <= 0.4 * len(long)


def _canonical(name: str) -> str:
    """The table's canonical spelling of an outlet, or the name as written."""
    name = name.strip().strip(".,;:–—-").strip()
    head = re.split(r"\s*[,(|–—]\s*|\s+-\s+", name, maxsplit=1)[0]
    found = match_outlet(name) or match_outlet(head)
    return found.name if found else name


def _attribution(text: str) -> tuple[str, bool] | None:
    """(source, is_outlet) when the line is a byline, 'Source:' line or a bare outlet name."""
    if m := _SOURCE.match(text):
        value = m["value"]
        return (_canonical(value), True) if len(value.split()) <= 8 else None
    if m := _BYLINE.match(text):
        return _byline(m["value"])
    if (m := _VIA.match(text)) and (found := match_outlet(m["value"].rstrip("."))):
        return found.name, True
    if len(text.split()) <= 6 and not text.endswith(".") and (found := match_outlet(text)):
        return found.name, True
    return None


def _byline(value: str) -> tuple[str, bool] | None:
    """'on the ground journalist Jane Doe' -> Jane Doe; 'Jane Doe, Reuters' -> Reuters."""
    if value[-1] in ".!?:" or len(value.split()) > 12:
        return None
    cut = re.search(r",|\s+for\s+|\s+\|\s+|\s+[–—]\s+", value)
    person, outlet = (value[: cut.start()], value[cut.end() :].strip()) if cut else (value, "")
    if outlet and (found := match_outlet(outlet)):
        return found.name, True
    if found := match_outlet(value):
        return found.name, True
    words = person.split()
    while words and not words[0][0].isupper():
        words.pop(0)  # a lowercase descriptor before the name
    particles = {"and", "al", "de", "del", "bin", "ibn", "van", "von", "da", "el", "la"}
    if not words or len(words) > 7 or ":" in person:
        return None  # 'By Land and Sea: ...' is a headline, not a name
    if any(not w[0].isupper() and w.lower() not in particles for w in words):
        return None
    return " ".join(words), False


def _time_in(text: str) -> str | None:
    found = _TIME.search(text)
    return found.group().strip() if found else None


def _update_time(text: str) -> tuple[bool, str | None]:
    """(is an update marker, its time as written)."""
    if m := _UPDATE.match(text):
        tag = m["tag"].strip(" ,()")
        tokens = [t for t in re.split(r"[\s,()]+", tag) if t]
        if all(_DATE_WORD.fullmatch(t) or _TIME.fullmatch(t) for t in tokens):
            return True, _time_in(tag)
        return False, None
    if m := _STAMP.match(text):
        return True, m["time"].strip()
    return False, None


def _dateline(text: str) -> tuple[str | None, str | None] | None:
    """(time, source) from 'Aleppo, Syria (6:00 A.M.) –' or 'BEIRUT (Reuters) -', else None."""
    m = _DATELINE.match(text)
    if not m:
        return None
    paren = m["paren"].strip()
    if _TIME.fullmatch(paren) and not paren.isdigit():  # '(2016)' is a year
        return paren, None
    if found := match_outlet(paren):
        return None, found.name
    return None


def _is_xref(text: str, series: tuple[str, ...]) -> bool:
    """A link to another page: navigation words, a dated series title, a known series."""
    if _NAV.match(text) or _SERIES_DATED.match(text):
        return True
    return any(text.startswith(s) and text[len(s) : len(s) + 1] in (":", ",") for s in series)


def _headingish(text: str, series: tuple[str, ...], allow_period: bool = False) -> bool:
    """Shaped like a headline: short, no closing punctuation, not furniture or shouting."""
    words = text.split()
    if not 2 <= len(words) <= 20 or len(text) > 160:
        return False
    if text[-1] in ",;:" or (text[-1] == "." and not (allow_period and ". " not in text)):
        return False
    letters = [ch for ch in text if ch.isalpha()]
    if not letters or all(ch.isupper() for ch in letters) or text[0].islower():
        return False
    return not _is_xref(text, series) and _attribution(text) is None and not _marker(text)


def _title_case(text: str) -> bool:
    """Headline capitalisation: nearly every content word after a 'Label:' starts upper case."""
    body = _LABEL.sub("", text, count=1)
    words = [w for w in _WORD.findall(body) if w.lower() not in _MINOR]
    if len(words) < 3:
        return False
    return sum(w[0].isupper() for w in words) >= 0.85 * len(words)


def _prose(text: str) -> bool:
    """A body paragraph: a sentence or more, not a label line."""
    words = len(text.split())
    return (words >= 8 and text[-1] in _SENTENCE_END) or len(text) >= 120


def _marker(text: str) -> bool:
    return bool(_ORIGINAL.match(text)) or _update_time(text)[0]


def _paragraph(lines: list[_Line], i: int) -> str:
    """Line i and the lines that run on from it without a blank line."""
    parts = [lines[i].text]
    for line in lines[i + 1 :]:
        if line.gap:
            break
        parts.append(line.text)
    return " ".join(parts)


def _piece_head(
    lines: list[_Line], i: int, series: tuple[str, ...]
) -> tuple[tuple[str, bool], list[int]] | None:
    """((source, is_outlet), attribution lines) when line i is a title over a byline and a body."""
    if not _headingish(lines[i].text, series, allow_period=True):
        return None
    block: list[int] = []
    j = i + 1
    while j < len(lines) and lines[j].gap <= 1 and _attribution(lines[j].text) and len(block) < 3:
        block.append(j)
        j += 1
    if not block or j >= len(lines):
        return None
    if not (_prose(_paragraph(lines, j)) or _dateline(lines[j].text)):
        return None
    found = [a for a in (_attribution(lines[k].text) for k in block) if a]
    outlets = [a for a in found if a[1]]
    return (outlets[0] if outlets else found[0]), block


def _heads(pattern: re.Pattern[str], text: str) -> set[str]:
    """Head nouns of noun phrases after an article, crudely singular."""
    heads: set[str] = set()
    for match in pattern.finditer(text):
        words = []
        for word in match.group(1).split():
            if word.lower() in _NP_STOP or (words and word.endswith("ed")):
                break  # a verb ends the noun phrase: 'the attack killed' -> 'attack'
            words.append(word.lower())
        if words and words[0] not in _NOT_NEW:
            head = re.sub(r"[’']s$", "", words[-1])
            heads.add(head[:-1] if head.endswith("s") and len(head) > 3 else head)
    return heads


def _infer_original(lines: list[_Line], bounds: list[_Bound]) -> None:
    """Find an unmarked original entry under the last update of a live page's first run.

    Live pages run newest first, so updates refer back ('the air attacks') to what the
    original entry below introduces ('a rare aerial attack'). The first later paragraph
    that introduces, with 'a'/'an', a thing the update already named with 'the', and that
    has more body after it, opens the original entry.
    """
    if any(b.kind == "original" for b in bounds):
        return
    kinds = [b.kind for b in bounds]
    if "update" not in kinds:
        return
    k = kinds.index("update")
    while k + 1 < len(bounds) and bounds[k + 1].kind == "update":
        k += 1
    stop = bounds[k + 1].line if k + 1 < len(bounds) else len(lines)
    paras = [i for i in range(bounds[k].line + 1, stop) if lines[i].gap >= 1]
    seen = _heads(_DEF_NP, _paragraph(lines, bounds[k].line))
    for n, i in enumerate(paras):
        text = _paragraph(lines, i)
        opens = text[0].isalpha() and _prose(text) and n + 1 < len(paras)
        if opens and _heads(_INDEF_NP, text) & seen:
            bounds.insert(k + 1, _Bound(i, "original"))
            return
        seen |= _heads(_DEF_NP, text)


def _separator_gap(lines: list[_Line], series: tuple[str, ...]) -> int | None:
    """The blank-line run a compilation puts between pieces, if wider than between paragraphs."""
    gaps = Counter(line.gap for line in lines[1:])
    modal = gaps.most_common(1)[0][0] if gaps else 1
    piece_gaps = [lines[i].gap for i in range(1, len(lines)) if _piece_head(lines, i, series)]
    if piece_gaps and min(piece_gaps) > modal:
        return min(piece_gaps)
    return None


def _story_head(
    lines: list[_Line], i: int, modal: int, sep: int | None, series: tuple[str, ...]
) -> bool:
    """A headline standing alone over body text, or the page's own piece separator."""
    line = lines[i]
    if line.gap < 1 or lines[i - 1].text.endswith(":") or not _headingish(line.text, series):
        return False  # a line after 'The dead were named as:' is a list item
    if sep is not None:
        return line.gap >= sep
    nxt = lines[i + 1] if i + 1 < len(lines) else None
    if nxt is None or nxt.gap < 1 or _marker(nxt.text):
        return False
    body = _paragraph(lines, i + 1)
    return _prose(body) and (_title_case(line.text) or line.gap > modal)


def _bounds(lines: list[_Line], series: tuple[str, ...]) -> list[_Bound]:
    """Walk the lines once, opening a story wherever the evidence says one starts."""
    gaps = Counter(line.gap for line in lines[1:])
    modal = max(gaps.most_common(1)[0][0], 1) if gaps else 1
    sep = _separator_gap(lines, series)
    bounds = [_Bound(0, "lead")]

    def open_(bound: _Bound) -> None:
        if bound.line == 0:
            bounds[0] = bound  # the page opens with this story: no lead before it
        else:
            bounds.append(bound)

    consumed: set[int] = set()
    for i, line in enumerate(lines):
        if i in consumed:
            continue
        cur, text = bounds[-1], line.text
        is_update, when = _update_time(text)
        if is_update or _ORIGINAL.match(text):
            bound = _Bound(i, "update" if is_update else "original", time=when)
            nxt = lines[i + 1] if i + 1 < len(lines) else None
            if when == text and nxt and nxt.gap <= 1 and _headingish(nxt.text, series):
                bound.heading = nxt.text  # '2.30pm GMT' on its own line, then the update's title
                consumed.add(i + 1)
            open_(bound)
        elif head := _piece_head(lines, i, series):
            (source, is_outlet), block = head
            open_(_Bound(i, "piece", text, source, explicit=True, is_outlet=is_outlet, byline=True))
            consumed.update(block)
        elif attr := _attribution(text):
            source, is_outlet = attr
            if i and line.gap > modal and (sep is None or line.gap >= sep):
                open_(
                    _Bound(
                        i, "piece", None, source, explicit=True, is_outlet=is_outlet, byline=True
                    )
                )
            elif not cur.explicit:
                cur.source, cur.explicit, cur.is_outlet, cur.byline = source, True, is_outlet, True
        elif i and _story_head(lines, i, modal, sep, series):
            open_(_Bound(i, "story", heading=text))
        elif (i == 0 or line.gap or i - 1 in consumed) and (dl := _dateline(text)):
            when, source = dl
            if cur.prose_seen:
                has = source is not None
                open_(_Bound(i, "dateline", None, source, when, explicit=has, is_outlet=has))
            else:
                cur.time = cur.time or when
                if source and not (cur.explicit and cur.is_outlet):  # 'BEIRUT (Reuters) -'
                    cur.source, cur.explicit, cur.is_outlet = source, True, True
        if _prose(text):
            bounds[-1].prose_seen = True
    if bounds[0].kind == "lead" and _headingish(lines[0].text, series):
        bounds[0].heading = lines[0].text
    _infer_original(lines, bounds)
    return bounds


def _inherited(bounds: list[_Bound], outlet: str | None) -> tuple[str | None, bool]:
    """(source, is_outlet) of stories that name none: the page's outlet, or its one top
    byline.

    A byline at the top of a page that holds no other attributed piece covers the whole
    page; an outlet named that way beats the caller's `outlet`, a person's name does not.
    """
    top = bounds[0] if bounds[0].byline and sum(b.explicit for b in bounds) == 1 else None
    if top is not None and (top.is_outlet or not outlet):
        return top.source, top.is_outlet
    return (_canonical(outlet), True) if outlet and outlet.strip() else (None, True)


def segment_document(text: str, outlet: str | None = None) -> list[Segment]:
    """Split a document's text into contiguous, ordered segments that cover it exactly."""
    lines = _lines(text)
    if not lines:
        source, _is_outlet = _inherited([_Bound(0, "body")], outlet)
        return [Segment(index=0, start=0, end=len(text), source=source, kind="body")]
    bounds = _bounds(lines, series_names())
    if len(bounds) == 1 and bounds[0].kind == "lead":
        bounds[0].kind = "body"
    inherited, inherited_is_outlet = _inherited(bounds, outlet)
    starts = [0] + [lines[b.line].start for b in bounds[1:]]
    ends = starts[1:] + [len(text)]
    out = []
    for n, (b, start, end) in enumerate(zip(bounds, starts, ends, strict=True)):
        source, is_outlet = (
            (b.source, b.is_outlet) if b.explicit else (inherited, inherited_is_outlet)
        )
        out.append(
            Segment(
                index=n,
                start=start,
                end=end,
                heading=b.heading,
                source=source,
                author=source if source and not is_outlet else None,
                time=b.time,
                kind=b.kind,
            )
        )
    return out

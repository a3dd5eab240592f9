"""Matching keys for place names: one rule applied to gazetteer names and mentions alike.

Arabic place names reach English text through many transliterations ("Dayr al-Zawr",
"Deir ez-Zor", "Deir Ezzor"), so string equality finds almost nothing. fogwatch indexes
every name under two keys and looks a mention up under the same two:

* ``fold_key`` - the *exact-fold* key: case and diacritics folded, apostrophes and ayn
  marks dropped, spaces and hyphens ignored, a leading article ("al-", "the") dropped.
  "Deir Ezzor" and "Deir ez-Zor" meet here. A hit is strong evidence.
* ``place_key`` - the *loose* key: the fold plus articles inside the name ("ez-", "ash-",
  glued "Ezzor" -> "Zor"), doubled letters, q/k, kh, sh/ch, dh/z and a single vowel class
  (a e i o u, and w/y after the first letter unless
  they stand between two vowels, so "Darayya" stays apart from "Daraa"). "Dayr al-Zawr", "Deir al-Zor", "Sheikhoun"
  /"Shaykhun", "Menbij"/"Manbij", "Homs"/"Hims" meet here. A hit is a candidate that the
  resolver scores lower and checks against the surface name.

Consonants are kept apart (no d/t, s/z, k/kh merging) because the consonant skeleton is
what distinguishes Arabic names; merging them made unrelated towns collide (see
docs/places.md for the measured collision rates).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Articles and particles dropped as separate words: Arabic "al" and its sun-letter
#: assimilations, their French/Levantine spellings, and English "the".
# fmt: off
ARTICLES: frozenset[str] = frozenset((
    "al", "el", "il", "ul", "ad", "ed", "ud", "ar", "er", "ur", "as", "es", "us", "ash", "esh",
    "ush", "az", "ez", "uz", "at", "et", "ut", "an", "en", "un", "ath", "eth", "adh", "edh",
    "the",
))
# fmt: on

# Letters NFKD does not decompose, and marks that are not "combining" in Unicode.
_TRANSLATE = str.maketrans(
    {
        "ı": "i",
        "ø": "o",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "đ": "d",
        "ð": "d",
        "ł": "l",
        "ə": "e",
        "þ": "th",
        "ʿ": None,
        "ʾ": None,
        "ʻ": None,
        "ʼ": None,
        "`": None,
        "'": None,
        "’": None,
        "‘": None,
        "´": None,
        "ʹ": None,
        "′": None,
    }
)
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_WORD = re.compile(r"[0-9a-z\u0600-\u06ff]+")
_ABU = frozenset({"abu", "abou", "abo", "albu", "bu", "bou"})
# Glued sun-letter article: "Ezzor", "Assuwayda", "Arraqqa", "Alladhiqiyah".
_GLUED_ARTICLE = re.compile(r"^[aeu]([tdrzsnl])(?=\1[a-z]{2})")
# Arabic-transliteration digraphs, longest first: one sound, several spellings.
_DIGRAPHS = (
    ("sch", "S"),
    ("sh", "S"),
    ("ch", "S"),
    ("kh", "X"),
    ("gh", "g"),
    ("dh", "z"),
    ("th", "t"),
    ("ph", "f"),
    ("ck", "k"),
    ("dj", "j"),
    ("q", "k"),
)
_VOWEL_CLASS = str.maketrans("eiou", "aaaa")
_DOUBLES = re.compile(r"(.)\1+")
_INTERVOCALIC_W = re.compile(r"(?<=a)w(?=a)")
_INTERVOCALIC_Y = re.compile(r"(?<=a)y(?=a)")
_SEMIVOWEL = re.compile(r"(?<=.)[wy]")
_VOWEL_RUN = re.compile(r"a{2,}")


def _fold_tokens(name: str) -> list[str]:
    """Fold case and diacritics and split into word tokens, dropping one leading article."""
    text = name.casefold()
    if text.isascii():
        if "'" in text or "`" in text:
            text = text.replace("'", "").replace("`", "")
    else:
        text = unicodedata.normalize("NFKD", text.translate(_TRANSLATE))
        if not _ARABIC.search(text):  # Latin, Greek, Cyrillic: drop the marks
            text = text.encode("ascii", "ignore").decode()
        else:
            text = "".join(ch for ch in text if not unicodedata.combining(ch))
    tokens = _WORD.findall(text)
    if len(tokens) > 1 and tokens[0] in ARTICLES:
        del tokens[0]
    return tokens


@lru_cache(maxsize=300_000)
def _loose_token(token: str, first: bool) -> str:
    """The loose form of one folded word; cached because words repeat across names."""
    if token in _ABU:
        return "ba"
    if not first or len(token) > 5:
        token = _GLUED_ARTICLE.sub("", token)
    for old, new in _DIGRAPHS:
        if old in token:
            token = token.replace(old, new)
    token = _DOUBLES.sub(r"\1", token.translate(_VOWEL_CLASS))
    if "w" in token or "y" in token:
        token = _INTERVOCALIC_W.sub("W", token)
        token = _INTERVOCALIC_Y.sub("Y", token)
        token = _VOWEL_RUN.sub("a", _SEMIVOWEL.sub("a", token))
    if len(token) > 2 and token.endswith("ah"):
        token = token[:-1]
    return token


def _loose(tokens: list[str]) -> str:
    many = len(tokens) > 1
    return "".join(
        _loose_token(t, i == 0) for i, t in enumerate(tokens) if not (many and t in ARTICLES)
    )


def fold(name: str) -> str:
    """Exact-fold key: "Deir ez-Zor", "Deir Ezzor" and "DEIR EZ ZOR" give "deirezzor".

    Only spelling noise is removed (case, accents, ayn marks, spaces, hyphens, a leading
    "al-"), so two names with the same fold key are the same name. Uncached, for bulk
    loads; ``fold_key`` is the cached form for lookups.
    """
    return "".join(_fold_tokens(name))


fold_key = lru_cache(maxsize=100_000)(fold)


@lru_cache(maxsize=100_000)
def place_key(name: str) -> str:
    """Loose phonetic key: "Dayr al-Zawr", "Deir al-Zor" and "Deir Ezzor" all give "darzar".

    Applied to gazetteer names and to mentions alike, so any two spellings that differ
    only in articles, vowels, doubled letters or the usual digraph choices share a key.
    """
    return _loose(_fold_tokens(name))


def keys(name: str) -> tuple[str, str]:
    """Both keys of a name, ``(fold_key, place_key)``, the pair the gazetteer indexes.

    Not cached: the gazetteer build calls it once per name, and the per-word cache inside
    already catches the repetition ("Tall", "Khirbat", "Deir").
    """
    tokens = _fold_tokens(name)
    return "".join(tokens), _loose(tokens)


# --------------------------------------------------------------------------- skeleton

#: Arabic letters to the Latin consonant a transliteration writes for them; long vowels,
#: alif, hamza, ayn and ta marbuta carry no consonant ("" drops them). Letters that
#: English transliterations confuse share one symbol (ث/ت/ط -> t, ذ/ز/ظ -> z, د/ض -> d,
#: س/ص -> s, ق/ك -> k, ح/ه -> h).
# fmt: off
_AR_CONSONANTS = str.maketrans({
    "ب": "b", "ت": "t", "ث": "t", "ط": "t", "ج": "j", "ح": "h", "ه": "h", "خ": "X",
    "د": "d", "ض": "d", "ذ": "z", "ز": "z", "ظ": "z", "ر": "r", "س": "s", "ص": "s",
    "ش": "S", "غ": "g", "ف": "f", "ق": "k", "ك": "k", "ل": "l", "م": "m", "ن": "n",
    "پ": "b", "چ": "S", "ڤ": "f", "گ": "k", "ک": "k", "ی": "",
    "ا": "", "أ": "", "إ": "", "آ": "", "ٱ": "", "ء": "", "ؤ": "", "ئ": "", "ع": "",
    "ة": "", "ى": "", "و": "", "ي": "",
})
# fmt: on
#: Latin digraphs first, then single letters: vowels and the semivowels w/y carry no
#: consonant in the skeleton (Arabic writes long vowels with و/ي), q/c -> k, p -> b, v -> f.
_LATIN_SKELETON = (
    ("sch", "S"),
    ("sh", "S"),
    ("ch", "S"),
    ("kh", "X"),
    ("gh", "g"),
    ("dh", "z"),
    ("th", "t"),
    ("ph", "f"),
    ("ck", "k"),
    ("dj", "j"),
    ("ou", ""),
)  # fmt: skip
_LATIN_SINGLE = str.maketrans(
    {"a": "", "e": "", "i": "", "o": "", "u": "", "w": "", "y": "", "q": "k", "c": "k",
     "p": "b", "v": "f", "x": "ks"}
)  # fmt: skip
#: Words that tell neighbouring namesakes apart ("Big Sukariyeh", "السكرية الكبيرة",
#: "Tahtani", "Northern Mkeimin"): English reports translate them or drop them, so the
#: skeleton leaves them out in both scripts.
# fmt: off
_QUALIFIERS = frozenset((
    "big", "little", "great", "greater", "small", "upper", "lower", "old", "new", "northern",
    "southern", "eastern", "western", "north", "south", "east", "west",
    "kabir", "kebir", "kbir", "kabira", "kabirah", "kubra", "saghir", "sghir", "saghira",
    "sughra", "soghra", "fawqani", "foqani", "fouqani", "tahtani", "tahtaniyah", "shamali",
    "shamaliyah", "janubi", "janoubi", "sharqi", "gharbi", "jadid", "jadida", "jadidah",
    "qadim", "qadima",
    "كبير", "الكبير", "كبيرة", "الكبيرة", "الكبرى", "كبرى", "صغير", "الصغير", "صغيرة",
    "الصغيرة", "الصغرى", "صغرى", "فوقاني", "الفوقاني", "الفوقانية", "تحتاني", "التحتاني",
    "التحتانية", "شمالي", "الشمالي", "الشمالية", "جنوبي", "الجنوبي", "الجنوبية", "شرقي",
    "الشرقي", "الشرقية", "غربي", "الغربي", "الغربية", "جديد", "الجديد", "الجديدة", "قديم",
    "القديم", "القديمة",
))
# fmt: on
_AR_ARTICLE = re.compile(r"^(?:ال|أل)(?=\w{2})")


@lru_cache(maxsize=300_000)
def _skeleton_token(token: str) -> str:
    if _ARABIC.search(token):
        token = _AR_ARTICLE.sub("", token)
        return token.translate(_AR_CONSONANTS)  # Arabic writes no doubled letters
    if token in _ABU:
        return "b"
    if len(token) > 5:
        token = _GLUED_ARTICLE.sub("", token)
    # doubled letters are one Arabic letter (shadda); collapse them before the vowels go,
    # so "Hmeimim" keeps its three m's like "حميميم"
    token = _DOUBLES.sub(r"\1", token)
    for old, new in _LATIN_SKELETON:
        if old in token:
            token = token.replace(old, new)
    # a final -h after a vowel is the feminine ending (Hamah, Raqqah), not a consonant
    if len(token) > 2 and token.endswith("h") and token[-2] in "aeiou":
        token = token[:-1]
    return token.translate(_LATIN_SINGLE)


def skeleton(name: str) -> str:
    """Consonant skeleton of a name in Latin or Arabic script, for matching across them.

    "Kafr Nabl", "Kafranbel", "Kfar Nubl" and "كفرنبل" all give "kfrnbl"; "Deir ez-Zor"
    and "دير الزور" give "drzr". Articles (al-, el-, ال) and vowels are dropped, letters
    that transliterations confuse are folded, doubled Latin letters collapse (Arabic
    writes a doubled consonant once). A coarse net:
    a hit is a candidate that needs support from context.
    """
    tokens = _fold_tokens(name)
    if len(tokens) > 1:
        kept = [t for t in tokens if t not in _QUALIFIERS]
        if kept and len(kept) < len(tokens):
            tokens = kept
    tokens = [
        t[2:] if i and len(t) >= 6 and t[:2] in ("el", "al") and not _ARABIC.search(t) else t
        for i, t in enumerate(tokens)
    ]  # a glued article inside a name: "Maaret Elartiq", "Rasm Alahmar"
    many = len(tokens) > 1
    out = []
    last = len(tokens) - 1
    for i, t in enumerate(tokens):
        if many and t in ARTICLES:
            continue
        if many and _ARABIC.search(t) and t in ("ال", "أل"):
            continue
        if i < last and t.endswith("ة"):
            # construct state: "خربة غزالة" is read "Khirbat Ghazala"
            out.append(_skeleton_token(t[:-1]) + "t")
            continue
        out.append(_skeleton_token(t))
    return "".join(out)


skeleton_key = lru_cache(maxsize=100_000)(skeleton)

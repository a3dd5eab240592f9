"""Checks on the bundled sample corpus (examples/sample-corpus/).

These tests read files only; they import nothing from fogwatch. They guard the shape of
the corpus (formats, sidecars, sizes, fictional markers), the accuracy of its ground truth
(expected.yaml quotes must occur in the documents) and the rule that no outside prose is
reproduced (no 8-word run of a seed page may appear here).
"""

from __future__ import annotations

import csv
import datetime as dt
import email.utils
import html
import itertools
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from conftest import SAMPLE_CORPUS, SEEDS

MARKER = "[Fictional sample article written for fogwatch.]"
README_STATEMENT = (
    "All articles here are fictional, written for the fogwatch project; outlets are invented; "
    "places are real; no outside text is reproduced."
)
SIDECAR_KEYS = {"published", "outlet", "title", "url"}
RECORD_FIELDS = ["id", "title", "text", "published", "outlet", "url"]
URL_HOSTS = {"example.org", "example.com"}
CONTENT_NS = "{http://purl.org/rss/1.0/modules/content/}encoded"
MIN_WORDS, MAX_WORDS = 100, 600
NGRAM = 8


# --------------------------------------------------------------------------- helpers


class _ArticleText(HTMLParser):
    """Collects the text inside <article>, and notes which page parts exist."""

    BLOCKS = {"p", "h1", "h2", "h3", "h4", "li", "div", "article", "br"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.parts: list[str] = []
        self.tags: set[str] = set()
        self.meta: dict[str, str] = {}
        self.title = ""
        self._in_title = False
        self.comments: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        a = dict(attrs)
        if tag == "meta":
            key = a.get("property") or a.get("name")
            if key:
                self.meta[key] = a.get("content", "")
        if tag == "title":
            self._in_title = True
        if tag == "article":
            self.depth += 1
        if self.depth and tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if self.depth and tag in self.BLOCKS:
            self.parts.append("\n")
        if tag == "article":
            self.depth -= 1

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if self.depth:
            self.parts.append(data)

    def handle_comment(self, data):
        self.comments.append(data)

    @property
    def text(self) -> str:
        return "".join(self.parts)


def parse_html(path: Path) -> _ArticleText:
    parser = _ArticleText()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


def strip_tags(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))


def read_sidecar(txt: Path) -> tuple[Path, dict]:
    found = [
        p
        for p in (Path(f"{txt}.meta.json"), Path(f"{txt}.meta.yaml"), Path(f"{txt}.meta.yml"))
        if p.exists()
    ]
    assert len(found) == 1, (
        f"{txt.name}: expected exactly one sidecar, found {[p.name for p in found]}"
    )
    side = found[0]
    text = side.read_text(encoding="utf-8")
    data = json.loads(text) if side.suffix == ".json" else yaml.safe_load(text)
    assert isinstance(data, dict), f"{side.name} is not a mapping"
    return side, data


def jsonl_records(path: Path) -> list[dict]:
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def csv_records(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def rss_items(path: Path) -> list[ET.Element]:
    root = ET.parse(path).getroot()
    return root.findall("./channel/item")


def load_documents() -> dict[str, dict]:
    """Every document of the corpus: key -> {text, published, outlet, title, url}.

    Keys are file names, or "<file>#<id>" for records inside .jsonl, .csv and RSS files.
    """
    docs: dict[str, dict] = {}
    for path in sorted(SAMPLE_CORPUS.iterdir()):
        name = path.name
        if name.endswith(".txt"):
            _, meta = read_sidecar(path)
            docs[name] = {
                "text": path.read_text(encoding="utf-8"),
                **{k: str(v) for k, v in meta.items()},
            }
        elif name.endswith(".html"):
            page = parse_html(path)
            docs[name] = {
                "text": page.text,
                "published": page.meta.get("article:published_time", "")[:10],
                "outlet": page.meta.get("og:site_name", ""),
                "title": page.meta.get("og:title", page.title),
                "url": page.meta.get("og:url", ""),
            }
        elif name.endswith(".jsonl"):
            for rec in jsonl_records(path):
                docs[f"{name}#{rec['id']}"] = dict(rec)
        elif name.endswith(".csv"):
            for rec in csv_records(path)[1]:
                docs[f"{name}#{rec['id']}"] = dict(rec)
        elif name.endswith(".xml"):
            for item in rss_items(path):
                pub = email.utils.parsedate_to_datetime(item.findtext("pubDate"))
                docs[f"{name}#{item.findtext('guid')}"] = {
                    "text": strip_tags(
                        item.findtext(CONTENT_NS) or item.findtext("description") or ""
                    ),
                    "published": pub.date().isoformat(),
                    "outlet": ET.parse(path).getroot().findtext("./channel/title"),
                    "title": item.findtext("title"),
                    "url": item.findtext("link"),
                }
    return docs


def words(text: str) -> list[str]:
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("'", "")
    return re.findall(r"[a-z0-9]+", text)


def ngrams(tokens: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u2019", "'")).strip()


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def doc_refs(node) -> list[str]:
    """Every value of a `document`, `original`, `copy` or `same_as_document` key, and
    the items of the non_conflict list, anywhere in expected.yaml."""
    refs: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in {"document", "original", "copy", "same_as_document"} and isinstance(
                value, str
            ):
                refs.append(value)
            elif key == "non_conflict":
                refs.extend(value)
            else:
                refs.extend(doc_refs(value))
    elif isinstance(node, list):
        for item in node:
            refs.extend(doc_refs(item))
    return refs


def claims(expected: dict) -> list[dict]:
    out = list(expected["multi_outlet_incident"]["claims"]) + list(expected["violation"]["claims"])
    for incident in expected["other_incidents"]:
        out.extend(incident["claims"])
    return out


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def expected() -> dict:
    return yaml.safe_load((SAMPLE_CORPUS / "expected.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def documents() -> dict[str, dict]:
    return load_documents()


# --------------------------------------------------------------------------- tests


def test_corpus_directory_and_readme():
    assert SAMPLE_CORPUS.is_dir()
    readme = (SAMPLE_CORPUS / "README.md").read_text(encoding="utf-8")
    assert README_STATEMENT in squash(readme)
    for path in SAMPLE_CORPUS.iterdir():
        if path.name != "README.md":
            assert (
                path.name in readme
                or path.name.removesuffix(".meta.json").removesuffix(".meta.yaml") in readme
            ), f"{path.name} is not described in README.md"


def test_all_formats_present():
    names = [p.name for p in SAMPLE_CORPUS.iterdir()]
    assert sum(n.endswith(".txt") for n in names) >= 5
    assert any(n.endswith(".txt.meta.json") for n in names)
    assert any(n.endswith(".txt.meta.yaml") for n in names)
    assert sum(n.endswith(".html") for n in names) >= 2
    assert sum(n.endswith(".jsonl") for n in names) == 1
    assert sum(n.endswith(".csv") for n in names) == 1
    assert sum(n.endswith(".xml") for n in names) == 1


def test_every_file_referenced_by_expected_exists(expected, documents):
    refs = set(doc_refs(expected)) | set(expected["documents"])
    refs |= {d["sidecar"] for d in expected["documents"].values() if "sidecar" in d}
    assert refs
    for ref in sorted(refs):
        file_name, _, record = ref.partition("#")
        assert (SAMPLE_CORPUS / file_name).is_file(), f"missing file {file_name}"
        if record or file_name.endswith((".txt", ".html")):
            assert ref in documents, f"{ref} is not a document of the corpus"


def test_expected_lists_every_document_with_matching_metadata(expected, documents):
    assert set(expected["documents"]) == set(documents)
    for key, info in expected["documents"].items():
        doc = documents[key]
        assert doc["outlet"] == info["outlet"], key
        assert doc["published"] == str(info["published"]), key


def test_sidecars_have_only_allowed_keys():
    txts = sorted(SAMPLE_CORPUS.glob("*.txt"))
    assert txts
    for txt in txts:
        side, meta = read_sidecar(txt)
        assert set(meta) == SIDECAR_KEYS, f"{side.name}: keys {sorted(meta)}"
        published = str(meta["published"])
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", published), side.name
        assert dt.date(2016, 1, 1) <= dt.date.fromisoformat(published) <= dt.date(2017, 12, 31)
        assert urlparse(meta["url"]).hostname in URL_HOSTS, side.name
        first_line = next(
            line for line in txt.read_text(encoding="utf-8").splitlines() if line.strip()
        )
        assert first_line.strip() == meta["title"], f"{txt.name}: title differs from headline"
    for orphan in itertools.chain(
        SAMPLE_CORPUS.glob("*.meta.json"), SAMPLE_CORPUS.glob("*.meta.yaml")
    ):
        assert Path(str(orphan).rsplit(".meta.", 1)[0]).exists(), (
            f"sidecar without document: {orphan.name}"
        )


def test_jsonl_parses():
    path = next(SAMPLE_CORPUS.glob("*.jsonl"))
    records = jsonl_records(path)
    assert 3 <= len(records) <= 4
    for rec in records:
        assert list(rec) == RECORD_FIELDS
        assert all(isinstance(rec[k], str) and rec[k] for k in RECORD_FIELDS)
        dt.date.fromisoformat(rec["published"])
        assert urlparse(rec["url"]).hostname in URL_HOSTS
    assert len({r["id"] for r in records}) == len(records)


def test_csv_parses():
    path = next(SAMPLE_CORPUS.glob("*.csv"))
    header, rows = csv_records(path)
    assert header == RECORD_FIELDS
    assert 3 <= len(rows) <= 4
    for row in rows:
        assert None not in row, "row has more fields than the header"
        assert all(row[k] for k in RECORD_FIELDS)
        dt.date.fromisoformat(row["published"])
        assert urlparse(row["url"]).hostname in URL_HOSTS
        assert "\n" in row["text"], "multi-paragraph text should survive quoting"
    # Every field is quoted, so commas and quotes inside the text are safe.
    first_data_line = path.read_text(encoding="utf-8").splitlines()[1]
    assert first_data_line.startswith('"')


def test_rss_parses():
    path = next(SAMPLE_CORPUS.glob("*.xml"))
    root = ET.parse(path).getroot()
    assert root.tag == "rss" and root.get("version") == "2.0"
    assert root.findtext("./channel/title")
    items = rss_items(path)
    assert 2 <= len(items) <= 3
    for item in items:
        for field in ("title", "link", "pubDate", "guid", "description"):
            assert item.findtext(field), field
        assert email.utils.parsedate_to_datetime(item.findtext("pubDate")).tzinfo is not None
        assert urlparse(item.findtext("link")).hostname in URL_HOSTS
        assert len(words(strip_tags(item.findtext(CONTENT_NS) or ""))) >= MIN_WORDS


def test_html_pages_are_full_pages():
    pages = sorted(SAMPLE_CORPUS.glob("*.html"))
    assert len(pages) >= 2
    for path in pages:
        page = parse_html(path)
        assert page.title.strip(), path.name
        assert page.meta.get("og:site_name"), path.name
        published = page.meta.get("article:published_time", "")
        dt.datetime.fromisoformat(published)
        assert {"html", "head", "body", "nav", "footer", "article"} <= page.tags, path.name
        assert urlparse(page.meta.get("og:url", "")).hostname in URL_HOSTS
        assert any("Fictional sample" in c for c in page.comments), path.name


def test_live_page_and_compilation_page_shapes():
    live = parse_html(SAMPLE_CORPUS / "frontline-dispatch_live-2017-03-14.html").text
    assert len(re.findall(r"UPDATE \d{4} GMT:", live)) >= 3
    compilation = (SAMPLE_CORPUS / "crossroads-digest_2016-12-06.txt").read_text(encoding="utf-8")
    assert len(re.findall(r"^Source: .+$", compilation, re.M)) >= 2
    assert re.search(r"^By [A-Z][a-z]+ [A-Z][a-z]+$", compilation, re.M)


def test_document_sizes(documents):
    assert len(documents) >= 18
    for key, doc in documents.items():
        n = len(doc["text"].split())
        assert MIN_WORDS <= n <= MAX_WORDS, f"{key}: {n} words"


def test_fictional_marker():
    for txt in SAMPLE_CORPUS.glob("*.txt"):
        lines = [line for line in txt.read_text(encoding="utf-8").splitlines() if line.strip()]
        assert lines[-1].strip() == MARKER, txt.name
    for path in SAMPLE_CORPUS.glob("*.jsonl"):
        for rec in jsonl_records(path):
            assert rec["text"].rstrip().endswith(MARKER), rec["id"]
    for path in SAMPLE_CORPUS.glob("*.csv"):
        for rec in csv_records(path)[1]:
            assert rec["text"].rstrip().endswith(MARKER), rec["id"]
    for path in SAMPLE_CORPUS.glob("*.xml"):
        assert "Fictional sample" in path.read_text(encoding="utf-8")
        for item in rss_items(path):
            assert MARKER in strip_tags(item.findtext(CONTENT_NS) or ""), item.findtext("guid")


def test_no_seed_prose_is_reproduced():
    seed_files = sorted(SEEDS.glob("*.txt"))
    if not seed_files:
        pytest.skip(f"no seed pages at {SEEDS}")
    seed_grams: set[tuple[str, ...]] = set()
    for seed in seed_files:
        seed_grams |= ngrams(words(seed.read_text(encoding="utf-8")), NGRAM)
    for path in sorted(SAMPLE_CORPUS.iterdir()):
        if not path.is_file():
            continue
        shared = ngrams(words(path.read_text(encoding="utf-8")), NGRAM) & seed_grams
        assert not shared, (
            f"{path.name} repeats seed text: {[' '.join(g) for g in sorted(shared)[:3]]}"
        )


def test_evidence_sentences_occur_in_their_documents(expected, documents):
    checked = 0
    for claim in claims(expected):
        text = squash(documents[claim["document"]]["text"])
        for sentence in claim.get("evidence", []):
            assert squash(sentence) in text, f"{claim['document']}: not found: {sentence[:60]}..."
            checked += 1
    for sentence in expected["truce"]["evidence"]:
        assert squash(sentence) in squash(documents[expected["truce"]["document"]]["text"])
        checked += 1
    assert checked >= 30


def test_non_toll_numbers_occur(expected, documents):
    for item in expected["non_toll_numbers"]:
        assert item["text"] in squash(documents[item["document"]]["text"]), item


def test_multi_outlet_incident_ground_truth(expected):
    incident = expected["multi_outlet_incident"]
    outlets = {c["outlet"] for c in incident["claims"]}
    assert len(outlets) >= 4
    figures = {
        (c["killed"]["low"], c["killed"]["high"]) for c in incident["claims"] if c.get("killed")
    }
    assert len(figures) >= 4, "tolls must conflict"
    blamed = {
        c["perpetrator"]
        for c in incident["claims"]
        if c.get("perpetrator") and c["stance"] == "asserts"
    }
    assert {"Russian air force", "US-led coalition"} <= blamed
    assert any(c["stance"] == "denies" for c in incident["claims"])
    for c in incident["claims"]:
        assert c["claimant"], c["id"]


def test_truce_window_contains_violation(expected):
    truce = expected["truce"]
    start = dt.datetime.fromisoformat(truce["start"])
    end = dt.datetime.fromisoformat(truce["end"])
    assert end - start == dt.timedelta(hours=truce["hours"])
    assert start.date() <= expected["violation"]["date"] <= end.date()
    assert expected["violation"]["inside_truce"] == truce["id"]


def test_syndicated_pair_is_near_duplicate(expected, documents):
    pair = expected["syndicated"]
    original, copy = pair["original"], pair["copy"]
    shingles = {k: ngrams(words(d["text"]), 3) for k, d in documents.items()}
    score = jaccard(shingles[original], shingles[copy])
    assert score >= pair["min_jaccard_3_shingles"], score
    assert documents[original]["outlet"] != documents[copy]["outlet"]
    assert documents[original]["text"].splitlines()[0] != documents[copy]["text"].splitlines()[0]
    for a, b in itertools.combinations(sorted(documents), 2):
        if {a, b} != {original, copy}:
            assert jaccard(shingles[a], shingles[b]) < 0.2, (a, b)


def test_non_conflict_documents_have_no_casualty_words(expected, documents):
    pattern = re.compile(r"\b(killed|wounded|injured|dead|died|strike|shell\w*|bomb\w*)\b", re.I)
    for key in expected["non_conflict"]:
        assert not pattern.search(documents[key]["text"]), key
        assert expected["documents"][key]["conflict"] is False

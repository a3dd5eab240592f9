"""Run the extractor over the five seed pages and print the seed scorer's report.

    python -m fogwatch.nlp.score_seeds [--shared PATH] [--out claims.jsonl] [--verbose]

The seeds and scorer live in ../shared (read in place, never copied). Documents get
their outlet and publication date from `seeds/expected.yaml`, as an ingest would
from a feed. Handy while iterating on rules; `tests/test_seeds_score.py` asserts the bar.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from fogwatch.model import Claim, Document

DEFAULT_SHARED = Path(__file__).resolve().parents[3].parent / "shared"


def seed_documents(shared: Path) -> list[Document]:
    spec = yaml.safe_load((shared / "seeds" / "expected.yaml").read_text(encoding="utf-8"))
    docs = []
    for name, meta in sorted(spec["documents"].items()):
        text = (shared / "seeds" / name).read_text(encoding="utf-8")
        docs.append(
            Document(
                id=hashlib.sha1(text.encode("utf-8")).hexdigest()[:16],
                name=name,
                text=text,
                published=meta.get("published"),
                outlet=meta.get("outlet"),
            )
        )
    return docs


def write_claims(claims: list[Claim], path: Path) -> None:
    with path.open("w", encoding="utf-8") as f:
        for c in claims:
            f.write(json.dumps(c.model_dump(mode="json"), ensure_ascii=False) + "\n")


def score(claims_path: Path, shared: Path, as_json: bool = False) -> subprocess.CompletedProcess:
    cmd = [sys.executable, str(shared / "tools" / "score_seeds.py"), str(claims_path)]
    if as_json:
        cmd.append("--json")
    return subprocess.run(cmd, capture_output=True, text=True, check=False)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--verbose", action="store_true", help="also print every claim")
    args = ap.parse_args(argv)

    from fogwatch.nlp.extractor import Extractor

    ex = Extractor()
    claims: list[Claim] = []
    for _doc, cs in ex.extract_many(seed_documents(args.shared)):
        claims.extend(cs)
    out = args.out or Path(tempfile.mkstemp(suffix=".jsonl")[1])
    write_claims(claims, out)
    if args.verbose:
        for c in claims:
            loc = c.location.name if c.location else None
            print(
                f"{c.id} seg{c.segment} {c.sub_event_type or c.event_type} | {loc} | {c.date}"
                f" | k={c.killed.low if c.killed else None}/{c.killed.high if c.killed else None}"
                f" i={c.injured.low if c.injured else None}"
                f" | by={c.claimant.name if c.claimant else None} | {c.stance}"
                f" | perp={[p.name for p in c.perpetrators]} | tgt={[t.name for t in c.targets]}"
                f" | {c.confidence} :: {c.evidence.text[:90]!r}"
            )
    res = score(out, args.shared)
    print(res.stdout, end="")
    if res.stderr:
        print(res.stderr, end="", file=sys.stderr)
    return res.returncode


if __name__ == "__main__":
    raise SystemExit(main())

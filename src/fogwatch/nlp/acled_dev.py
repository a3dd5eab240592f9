"""Measure event typing and fatality figures on the ACLED development set.

    python -m fogwatch.nlp.acled_dev [--csv PATH] [--limit N]

Each ACLED row's `notes` becomes a one-paragraph document published on the event
date; the extractor's claims are compared with the coded answers. Per row the
"main" claim is the typed claim with the highest confidence. Reported:

- coverage: rows with at least one claim / with a typed claim;
- event type and sub-event type accuracy over all rows (a row with no typed claim
  counts as wrong);
- fatalities: exact agreement of ACLED's figure with the largest killed figure the
  claims state (0 when none), on all rows and on the rows ACLED codes as fatal, and
  agreement on zero/non-zero.

The data is for development only (ACLED terms): it is read in place and never copied.
Rules are not tuned to its rows; the numbers go in docs/extraction.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
from collections import Counter
from pathlib import Path

from fogwatch.model import Claim, Document

DEFAULT_CSV = (
    Path(__file__).resolve().parents[3].parent
    / "shared"
    / "data"
    / "acled-dev"
    / "acled_2020-05_outside_middle_east.csv"
)


def _date(value: str) -> dt.date | None:
    for fmt in ("%d-%b-%y", "%Y-%m-%d", "%d %B %Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def main_claim(claims: list[Claim]) -> Claim | None:
    typed = [c for c in claims if c.sub_event_type]
    if not typed:
        return None
    return max(typed, key=lambda c: c.confidence)


def killed_figure(claims: list[Claim]) -> int:
    best = 0
    for c in claims:
        if c.killed is None:
            continue
        v = c.killed.low if c.killed.low is not None else c.killed.high
        best = max(best, v or 0)
    return best


def evaluate(rows: list[dict[str, str]]) -> dict[str, float]:
    from fogwatch.nlp.extractor import Extractor

    ex = Extractor()
    docs = []
    for r in rows:
        text = r["notes"]
        docs.append(
            Document(
                id=hashlib.sha1(text.encode()).hexdigest()[:12],
                name=r["event_id_cnty"],
                text=text,
                published=_date(r["event_date"]),
                outlet=r.get("source") or None,
                language="en",
            )
        )
    n = len(rows)
    c_any = c_typed = ok_type = ok_sub = ok_fat = ok_zero = n_pos = ok_pos = 0
    confusion: Counter[tuple[str, str]] = Counter()
    for r, (_doc, claims) in zip(rows, ex.extract_many(docs), strict=True):
        c_any += bool(claims)
        main = main_claim(claims)
        if main is not None:
            c_typed += 1
            ok_type += main.event_type == r["event_type"]
            ok_sub += main.sub_event_type == r["sub_event_type"]
            confusion[(r["event_type"], main.event_type or "-")] += 1
        else:
            confusion[(r["event_type"], "-")] += 1
        want = int(r["fatalities"] or 0)
        got = killed_figure(claims)
        ok_fat += got == want
        ok_zero += (got == 0) == (want == 0)
        if want > 0:
            n_pos += 1
            ok_pos += got == want
    return {
        "rows": n,
        "coverage_any": c_any / n,
        "coverage_typed": c_typed / n,
        "event_type_acc": ok_type / n,
        "sub_event_type_acc": ok_sub / n,
        "fatalities_exact": ok_fat / n,
        "fatalities_zero_agree": ok_zero / n,
        "fatal_rows": n_pos,
        "fatalities_exact_when_fatal": ok_pos / max(1, n_pos),
        "confusion": {f"{a} -> {b}": k for (a, b), k in confusion.most_common(15)},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args(argv)
    with args.csv.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    if args.limit:
        rows = rows[: args.limit]
    res = evaluate(rows)
    for k, v in res.items():
        if k == "confusion":
            print("confusion (ACLED -> fogwatch):")
            for pair, count in v.items():
                print(f"  {count:5d}  {pair}")
        else:
            print(f"{k:24s} {v:.3f}" if isinstance(v, float) else f"{k:24s} {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

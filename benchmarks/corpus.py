"""A deterministic generator of realistic synthetic news articles for the benchmarks.

Why synthetic: the benchmark must run anywhere, offline, and be the same corpus every
time, so numbers measured on two machines (or before and after a change) compare. Why
"realistic": throughput of a claim extractor depends on what the text holds. Real
conflict reporting is mostly background, quotes, politics and context; only a minority
of sentences carry a casualty figure, a strike or a denial. A corpus of nothing but
"Shelling killed 5 in Douma." would flatter nothing and measure the wrong thing. So:

- conflict stories (strikes, shelling, clashes, car bombs, abductions, denials) mixed
  with non-conflict ones (economy, aid logistics, culture, weather, diplomacy);
- lengths from 150 to 3,000 words, most between 300 and 1,200, as wire copy is;
- live pages made of "UPDATE 1400 GMT:" segments;
- syndicated copies: another outlet runs a story with a new first line and a couple of
  changed words, so syndication detection has work to do.

Every sentence comes from the templates below, filled with real Syrian place names and
actor names from `src/fogwatch/data/actors.yaml`; there is no outside prose.

    python benchmarks/corpus.py --docs 200 --seed 7 --out corpus.jsonl
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parents[1] / "src" / "fogwatch" / "data"

PLACES = [
    "Aleppo", "Idlib", "Douma", "Deir ez-Zor", "Raqqa", "Homs", "Hama", "Palmyra",
    "Maarat al-Numan", "Saraqib", "Jisr al-Shughur", "Khan Shaykhun", "Daraa", "Manbij",
    "Kobani", "Afrin", "al-Bab", "Tal Rifaat", "Harasta", "Ariha", "Latakia", "Tartous",
    "Qamishli", "Hasakah", "al-Bukamal", "al-Mayadin", "Jarablus", "Azaz", "Atarib",
    "Darayya", "Zabadani", "Madaya", "Rastan", "Talbiseh", "Salamiyah", "Kafr Nabl",
    "Sarmada", "Binnish", "Taftanaz", "Tal Abyad", "Ras al-Ain", "Busra al-Sham", "Nawa",
    "Inkhil", "Muhradah", "Suqaylabiyah", "Kafr Zita", "Al-Lataminah", "Qusayr", "Yabroud",
]  # fmt: skip
GOVERNORATES = [
    "Idlib province", "Aleppo province", "Hama province", "Homs province",
    "Deir ez-Zor province", "Raqqa province", "Daraa province", "Hasakah province",
    "Rural Damascus", "Latakia province",
]  # fmt: skip
NUMBER_WORDS = [
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "15", "17", "21", "23", "30", "dozens of", "at least 12", "at least 40",
]  # fmt: skip
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
FIRST = ["Ahmad", "Omar", "Khaled", "Rami", "Yusuf", "Samir", "Hassan", "Nour", "Lina", "Rana"]
LAST = ["al-Hamwi", "Darwish", "Haddad", "al-Khatib", "Sabbagh", "Issa", "Mansour", "Rahal"]

VICTIMS = [
    "civilians", "people", "children", "fighters", "soldiers", "members of a family",
    "aid workers", "rebels", "militants", "women and children",
]  # fmt: skip
WEAPONS_AIR = ["air strikes", "airstrikes", "barrel bombs", "a drone strike", "warplanes"]
WEAPONS_GROUND = ["shelling", "artillery fire", "rocket fire", "mortar shells", "a car bomb"]

# Sentences that carry a claim. {P} place, {A} perpetrator alias, {T} target alias,
# {N} a number, {V} victims, {D} weekday, {S} a speaker (monitor, ministry, outlet).
CONFLICT = [
    "{WA} by {A} killed {N} {V} in {P} on {D}, {S} said.",
    "{S} said {N} {V} were killed when {WA} hit a market in {P}.",
    "{N} {V} were killed and {N2} wounded in {WG} on {P} on {D}, according to {S}.",
    "{A} shelled residential areas of {P}, killing {N} {V}, {S} reported.",
    "Clashes between {A} and {T} near {P} left {N} fighters dead on {D}.",
    "{A} denied carrying out the strike on {P} and blamed {T} for the deaths.",
    "{S} accused {A} of bombing a hospital in {P}, wounding {N} {V}.",
    "A car bomb exploded in the centre of {P} on {D}, killing {N} {V}, {S} said.",
    "{A} seized the village of {P} after heavy fighting with {T}, {S} said.",
    "Gunmen abducted {N} {V} on the road between {P} and {P2}, {S} said.",
    "The death toll from {D}'s strike on {P} rose to {N}, {S} said.",
    "{A} said its forces had repelled an attack by {T} on positions near {P}.",
    "Rescuers pulled {N} bodies from the rubble in {P} after {WA} overnight.",
    "{S} said it had documented the deaths of {N} {V} in {P} since {D}.",
    "{A} claimed responsibility for the attack on a checkpoint in {P}.",
    "At least {N} {V} died in {P} when {WG} struck a school, {S} said.",
]
# Context: quotes, background and colour that a real story carries around its claims.
CONTEXT = [
    "The town had changed hands several times since the start of the war.",
    "Residents said the roads out of {P} were crowded with families heading north.",
    "Footage shared on social media showed thick smoke rising over the old quarter.",
    "The area is part of a zone where a truce brokered by Russia and Turkey was meant to hold.",
    "Aid groups have warned for months about the conditions in camps near the border.",
    "\u201cWe have no more room for the wounded,\u201d a doctor in {P} told the agency.",
    "It was not possible to verify the figures independently.",
    "The local council said water and electricity had been cut for a third day.",
    "Schools in {P2} remained closed and many teachers had left the region.",
    "The government says it is fighting terrorists; the opposition calls that a pretext.",
    "Prices of bread and fuel have risen sharply in {GOV} over the past year.",
    "{S} relies on a network of sources on the ground across the country.",
    "Diplomats in Geneva said talks on a new round of negotiations had stalled.",
    "The United Nations says more than half of the pre-war population has been displaced.",
    "A spokesman for {A} did not respond to a request for comment.",
    "Traders in {P} said the market had reopened only two weeks ago.",
    "The road linking {P} to {P2} is a vital supply line for the whole region.",
    "Humanitarian convoys have reached the area only twice this year.",
    "Analysts say the offensive is aimed at securing the main highway.",
    "Local activists said the figures were likely to rise as more bodies were found.",
]
# Context lines that also fit a story about anything else (no conflict vocabulary).
NEUTRAL = [
    "Residents said the roads out of {P} were crowded with families heading north.",
    "It was not possible to verify the figures independently.",
    "Traders in {P} said the market had reopened only two weeks ago.",
    "The local council said water and electricity had been cut for a third day.",
]
# Stories with no conflict claim at all.
CALM = [
    "The central bank in Damascus announced a new exchange rate for the pound on {D}.",
    "Farmers in {GOV} expect a wheat harvest below last year's because of the drought.",
    "A festival of traditional music opened in {P} with performers from several cities.",
    "The ministry of education said exams would start in June as planned.",
    "Engineers began repairing the water station that serves {P} and nearby villages.",
    "The football club from {P} won its third match of the season on {D}.",
    "Snow closed the mountain roads near {P2} for most of the week.",
    "A new bakery funded by a local charity opened in {P}, residents said.",
    "Officials discussed electricity rationing and the price of diesel at a meeting.",
    "Doctors in {P} launched a vaccination campaign for children under five.",
    "The olive harvest in {GOV} began early this year, traders said.",
    "A delegation of businessmen visited {P} to discuss rebuilding the industrial zone.",
    "Students at the university in {P} protested against a rise in fees.",
    "Heavy rain flooded several streets in {P} and damaged tents in nearby camps.",
    "Archaeologists said restoration work at the old citadel would take years.",
    "The government raised public sector salaries by a small margin on {D}.",
    "{S} published a report on the cost of rent in the main cities.",
    "A cargo ship carrying grain docked at the port of {P2}, officials said.",
    "The health directorate in {P} reported a rise in cases of seasonal flu.",
    "Writers and poets gathered in {P} for a reading in memory of a local author.",
]
HEADLINES_CONFLICT = [
    "{N} killed in {P} as {WG} continues",
    "Strikes on {P} kill {N}, monitor says",
    "{A} accused over deaths in {P}",
    "Fighting flares near {P}",
]
HEADLINES_CALM = [
    "Life returns slowly to {P}",
    "{P} prepares for the harvest season",
    "New measures announced for {GOV}",
]
SYNDICATION_LEADS = [
    "This report was first published by {O}.",
    "Republished with permission from {O}.",
    "Via {O}.",
]
SWAPS = [("said", "stated"), ("killed", "left dead"), ("near", "close to"), ("heavy", "fierce")]


@dataclass
class Article:
    """One generated article; `kind` says what it is, for the benchmark's breakdown."""

    id: str
    text: str
    title: str
    outlet: str
    published: dt.date
    kind: str  # conflict | calm | live | syndicated

    def as_record(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "text": self.text,
            "outlet": self.outlet,
            "published": self.published.isoformat(),
        }

    @property
    def words(self) -> int:
        return len(self.text.split())


def _actor_aliases() -> tuple[list[str], list[str], list[str]]:
    """Perpetrator-like, target-like and speaker aliases from the actor table."""
    spec = yaml.safe_load((DATA / "actors.yaml").read_text(encoding="utf-8"))
    armed: list[str] = []
    speakers: list[str] = []
    for actor in spec["actors"]:
        aliases = [a for a in actor.get("aliases") or [] if len(a) > 3 and a[0].isupper()]
        names = [actor["name"], *aliases[:3]]
        if actor.get("inter") in (1, 2, 3, 4, 8):
            armed.extend(names)
        if actor.get("kind") in ("monitor", "outlet", "government", "official", "ngo"):
            speakers.extend(names[:2])
    armed = sorted(set(armed))
    speakers = sorted(set(speakers)) or ["the Syrian Observatory for Human Rights"]
    return armed, armed, speakers


def _outlets() -> list[str]:
    spec = yaml.safe_load((DATA / "outlets.yaml").read_text(encoding="utf-8"))
    items = spec["outlets"] if isinstance(spec, dict) else spec
    return sorted({o["name"] for o in items})


class Generator:
    """Deterministic for a given seed: same seed, same articles, byte for byte."""

    def __init__(self, seed: int = 7):
        self.rng = random.Random(seed)
        self.armed, self.targets, self.speakers = _actor_aliases()
        self.outlets = _outlets()

    # ------------------------------------------------------------------ filling
    def fill(self, template: str) -> str:
        r = self.rng
        place, place2 = r.sample(PLACES, 2)
        a, t = r.sample(self.armed, 2)
        values = {
            "P": place,
            "P2": place2,
            "GOV": r.choice(GOVERNORATES),
            "A": a,
            "T": t,
            "N": r.choice(NUMBER_WORDS),
            "N2": r.choice(NUMBER_WORDS),
            "V": r.choice(VICTIMS),
            "D": r.choice(WEEKDAYS),
            "S": r.choice(self.speakers),
            "WA": r.choice(WEAPONS_AIR),
            "WG": r.choice(WEAPONS_GROUND),
            "O": r.choice(self.outlets),
        }
        s = template.format(**values)
        return s[0].upper() + s[1:]

    def paragraph(self, claim_share: float, pool: list[str]) -> str:
        """2-5 sentences; each is a claim with probability `claim_share`."""
        n = self.rng.randint(2, 5)
        sents = [
            self.fill(self.rng.choice(CONFLICT if self.rng.random() < claim_share else pool))
            for _ in range(n)
        ]
        return " ".join(sents)

    def body(self, words: int, claim_share: float, pool: list[str]) -> str:
        paras: list[str] = []
        count = 0
        while count < words:
            p = self.paragraph(claim_share, pool)
            paras.append(p)
            count += len(p.split())
        return "\n\n".join(paras)

    def length(self) -> int:
        """150-3,000 words, skewed short as news is (log-uniform-ish)."""
        r = self.rng.random()
        if r < 0.6:
            return self.rng.randint(150, 700)
        if r < 0.9:
            return self.rng.randint(700, 1500)
        return self.rng.randint(1500, 3000)

    # ------------------------------------------------------------------ articles
    def conflict(self, i: int, day: dt.date) -> Article:
        words = self.length()
        # the lead paragraph carries the claim; the rest is mostly context
        lead = " ".join(self.fill(self.rng.choice(CONFLICT)) for _ in range(2))
        rest = self.body(words - len(lead.split()), 0.18, CONTEXT)
        title = self.fill(self.rng.choice(HEADLINES_CONFLICT))
        return Article(
            f"bench-{i:06d}",
            f"{title}\n\n{lead}\n\n{rest}\n",
            title,
            self.rng.choice(self.outlets),
            day,
            "conflict",
        )

    def calm(self, i: int, day: dt.date) -> Article:
        title = self.fill(self.rng.choice(HEADLINES_CALM))
        text = f"{title}\n\n{self.body(self.length(), 0.0, CALM + NEUTRAL)}\n"
        return Article(f"bench-{i:06d}", text, title, self.rng.choice(self.outlets), day, "calm")

    def live(self, i: int, day: dt.date) -> Article:
        title = f"Syria live: {self.fill('fighting around {P}')}"
        parts = [title, ""]
        hour = self.rng.randint(6, 9)
        while hour < 23:
            stamp = f"UPDATE {hour:02d}00 GMT:"
            parts.append(f"{stamp} {self.body(self.rng.randint(60, 220), 0.3, CONTEXT)}")
            parts.append("")
            hour += self.rng.randint(1, 3)
        text = "\n".join(parts)
        return Article(f"bench-{i:06d}", text, title, self.rng.choice(self.outlets), day, "live")

    def syndicate(self, i: int, original: Article) -> Article:
        """Another outlet's copy: a credit line, a few words swapped, same story."""
        text = original.text
        for old, new in self.rng.sample(SWAPS, 2):
            text = text.replace(f" {old} ", f" {new} ", 1)
        credit = self.rng.choice(SYNDICATION_LEADS).format(O=original.outlet)
        outlet = self.rng.choice([o for o in self.outlets if o != original.outlet])
        return Article(
            f"bench-{i:06d}",
            f"{text}\n{credit}\n",
            original.title,
            outlet,
            original.published + dt.timedelta(days=self.rng.randint(0, 1)),
            "syndicated",
        )

    def articles(
        self, n: int, start: dt.date = dt.date(2016, 9, 1), conflict: float = 0.4
    ) -> Iterator[Article]:
        """`n` articles over 30 days. `conflict` is the share of conflict stories; of the
        rest, about a sixth are live pages and a fifth syndicated copies of a recent
        conflict story or live page, and the others are stories with no conflict claim.

        The default (0.4 conflict, 0.12 live, 0.1 syndicated, 0.38 other) is a regional
        news feed: a Syria desk's wire, not a war-only channel. `--conflict 0.8` gives
        a war-only mix; docs/performance.md reports both.
        """
        recent: list[Article] = []
        rest = 1.0 - conflict
        for i in range(n):
            day = start + dt.timedelta(days=i * 30 // max(n, 1))
            r = self.rng.random()
            if r < rest * 0.2 and recent:
                art = self.syndicate(i, self.rng.choice(recent))
            elif r < rest * 0.4:
                art = self.live(i, day)
            elif r < rest:
                art = self.calm(i, day)
            else:
                art = self.conflict(i, day)
            if art.kind in ("conflict", "live"):
                recent = (recent + [art])[-20:]
            yield art


def generate(n: int, seed: int = 7, conflict: float = 0.4) -> list[Article]:
    return list(Generator(seed).articles(n, conflict=conflict))


def write_jsonl(articles: list[Article], path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for a in articles:
            fh.write(json.dumps(a.as_record(), ensure_ascii=False) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--conflict", type=float, default=0.4, help="share of conflict stories")
    ap.add_argument("--out", type=Path, default=Path("corpus.jsonl"))
    args = ap.parse_args()
    arts = generate(args.docs, args.seed, args.conflict)
    write_jsonl(arts, args.out)
    words = sum(a.words for a in arts)
    kinds: dict[str, int] = {}
    for a in arts:
        kinds[a.kind] = kinds.get(a.kind, 0) + 1
    print(f"{len(arts)} articles, {words} words, {kinds} -> {args.out}")


if __name__ == "__main__":
    main()

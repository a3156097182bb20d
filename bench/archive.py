"""Write a synthetic news archive (``.jsonl.gz``) for scale benchmarks.

Usage:
    python bench/archive.py [--articles 100000] [--seed 7] [--out out/archive-100000.jsonl.gz]

Real archives cannot be shipped, so the scale benchmark codes articles written here from
sentence templates of our own (attacks, air strikes, protests, sanctions, threats,
statements, agreements, deployments and background lines). Actors come from the project's
knowledge base (``redline/data/actors/actors.csv`` and ``countries.csv``), so the coder
finds events in them as it would in news; places come from ``sites.csv``, the countries'
capitals and a list of well-known cities. Articles are dated over 2018-2021, hold 4-10
sentences in 2-5 paragraphs, and carry url, title, published and source. The RNG is
seeded: the same arguments write the same bytes (gzip timestamp fixed to 0).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "redline" / "data"

# Countries in the news this coder is built for, with how often they are drawn.
COUNTRY_WEIGHTS: dict[str, int] = {
    "USA": 12, "IRN": 12, "IRQ": 8, "SAU": 6, "ISR": 5, "SYR": 5, "YEM": 4, "LBN": 3,
    "TUR": 4, "ARE": 3, "RUS": 4, "CHN": 3, "GBR": 3, "FRA": 2, "DEU": 2, "QAT": 2,
    "KWT": 1, "BHR": 1, "OMN": 1, "JOR": 1, "EGY": 2, "AFG": 2, "PAK": 2, "IND": 1,
    "LBY": 2, "SDN": 1, "SOM": 1, "UKR": 2, "NGA": 1, "MLI": 1, "PRK": 1, "KOR": 1,
    "JPN": 1, "VEN": 1,
}  # fmt: skip

CITIES: tuple[str, ...] = (
    "Kirkuk", "Mosul", "Basra", "Erbil", "Karbala", "Najaf", "Fallujah", "Ramadi", "Aleppo",
    "Idlib", "Homs", "Deir ez-Zor", "Raqqa", "Hodeidah", "Aden", "Marib", "Taiz", "Jeddah",
    "Dhahran", "Isfahan", "Shiraz", "Mashhad", "Bandar Abbas", "Kerman", "Qom", "Tabriz",
    "Tyre", "Sidon", "Gaza", "Haifa", "Tel Aviv", "Benghazi", "Misrata", "Sirte", "Kandahar",
    "Herat", "Jalalabad", "Dubai", "Istanbul", "Geneva", "Vienna", "New York", "Brussels",
)  # fmt: skip

WATERS: tuple[str, ...] = (
    "the Strait of Hormuz", "the Gulf of Oman", "the Persian Gulf", "the Red Sea",
    "the Bab el-Mandeb strait", "the eastern Mediterranean", "the Arabian Sea",
)  # fmt: skip

OUTLETS: tuple[tuple[str, str], ...] = (
    ("Meridian Dispatch", "meridian-dispatch.example"),
    ("Tigris Post", "tigrispost.example"),
    ("Levant Ledger", "levantledger.example"),
    ("Crescent Telegraph", "crescent-telegraph.example"),
    ("Northstar Wire", "northstarwire.example"),
    ("Coastline Courier", "coastline-courier.example"),
)

# Words whose presence makes an organisation's name read better after "the".
_THE = re.compile(
    r"\b(Department|Office|Ministry|Council|Agency|Army|Navy|Force|Forces|Corps|Command|"
    r"Fleet|Organization|Organisation|Units|Brigades|Movement|Front|Group|Party|Union|"
    r"Court|Nations|League|Assembly|Commission|Mission|Judiciary|Company|Guard|House|"
    r"Congress|Senate|Staff|Houthis|Taliban|Majlis|Basij|Pentagon)\b"
)


_SITE_THE = re.compile(r"\b(Base|base|Embassy|Airport|Port|camp)\b")


@dataclass(frozen=True, slots=True)
class Actor:
    """One actor as it may be written: its names and a kind that decides which slots it fills."""

    names: tuple[str, ...]
    kind: str  # country, state-org, group, person, igo
    demonym: str | None = None
    capital: str | None = None


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split("|") if part.strip()]


def _with_article(name: str) -> str:
    """``the Pentagon``, ``the U.S. Army``, but ``Hezbollah`` and ``NATO``."""
    if name.lower().startswith("the "):
        return "the " + name[4:]
    if name.isupper() or not _THE.search(name):
        return name
    return "the " + name


def load_actors() -> dict[str, list[Actor]]:
    """Actor pools by slot kind, read from the knowledge base."""
    pools: dict[str, list[Actor]] = {
        k: [] for k in ("country", "state-org", "group", "person", "igo")
    }
    with (DATA / "actors" / "countries.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            weight = COUNTRY_WEIGHTS.get(row["iso3"])
            if not weight:
                continue
            aliases = [a for a in _split(row["aliases"]) if len(a) <= 20 and "Republic" not in a]
            actor = Actor(
                names=(row["name"], *aliases[:2]),
                kind="country",
                demonym=(_split(row["demonyms"]) or [None])[0],
                capital=(_split(row["capital"]) or [None])[0],
            )
            pools["country"].extend([actor] * weight)
    seen: set[str] = set()
    with (DATA / "actors" / "actors.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["id"] in seen or row["type"] == "facility":
                continue
            seen.add(row["id"])
            names = (row["name"], *_split(row["aliases"])[:3])
            if row["type"] == "person":
                pools["person"].append(Actor(names=(row["name"],), kind="person"))
            elif row["type"] == "armed-group":
                pools["group"].append(Actor(names=tuple(map(_with_article, names)), kind="group"))
            elif row["type"] == "igo":
                pools["igo"].append(Actor(names=tuple(map(_with_article, names)), kind="igo"))
            elif row["sector"] in {"GOV", "MIL", "LEG"}:
                pools["state-org"].append(
                    Actor(names=tuple(map(_with_article, names)), kind="state-org")
                )
    return pools


def load_sites() -> list[str]:
    """Named sites (bases, ports, airports) as they may be written."""
    sites: list[str] = []
    with (DATA / "places" / "sites.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["kind"] in {"strait", "gulf", "sea", "waterway"}:
                continue
            for name in (row["name"], *_split(row["aliases"])[:2]):
                sites.append("the " + name if _SITE_THE.search(name) else name)
    return sites


# --- templates -------------------------------------------------------------------------
# Placeholders: {a} and {b} actors (a acts on b), {p} a person, {c} a third party, {city},
# {site}, {sea}, {when}, {n}, {m}, {dem} the demonym of b's country when b is a country
# (else "foreign"), {harm} a casualty clause.

ATTACK = (
    "{A} fired a barrage of rockets at {site} {when}, {harm}.",
    "Fighters from {a} attacked a checkpoint on the edge of {city} {when}, {harm}.",
    "A drone launched by {a} hit an oil installation near {city} {when}, officials said.",
    "{A} shelled positions held by {b} outside {city} {when}, {harm}.",
    "Militants linked to {a} ambushed a convoy of {b} troops near {city}, {harm}.",
    "{A} said it was behind a roadside bomb that struck {b} forces in {city} {when}.",
    "Security officials blamed {a} for the mortar fire on {site}, which {harmed}.",
    "{A} seized a tanker in {sea} {when} and took its {n} crew members into custody.",
    "An explosion that officials attributed to {a} damaged a pipeline near {city} {when}.",
    "Gunmen loyal to {a} opened fire on protesters in {city} {when}, {harm}.",
    "{A} launched a cyberattack on computer systems used by {b}, according to officials.",
    "{A} attacked {b} with rockets and drones near {city} {when}, {harm}.",
)

STRIKE = (
    "{A} carried out airstrikes against {b} targets near {city} {when}, {harm}.",
    "Warplanes from {a} bombed weapons depots run by {b} around {city} {when}.",
    "{A} launched missile strikes on bases used by {b} {when}, {harm}.",
    "A drone strike by {a} near {site} killed {n} members of {b} {when}.",
    "{A} said it had struck {n} sites belonging to {b} in retaliation for the attacks.",
    "Jets from {a} hit a column of {b} vehicles on a highway west of {city} {when}.",
    "{A} bombed {b} positions in {city} for a second day {when}, {harm}.",
)

PROTEST = (
    "Thousands of demonstrators marched in {city} {when} to denounce {b}.",
    "Protesters in {city} burned {dem} flags and chanted slogans against {b} {when}.",
    "Supporters of {a} rallied in {city} {when}, demanding the withdrawal of {b} forces.",
    "Hundreds of students protested outside government offices in {city} against {b}.",
    "{A} staged a sit-in near {site} to protest against the presence of {b} troops.",
    "Crowds gathered outside the embassy of {b} in {city} {when}, shouting for its closure.",
)

SANCTION = (
    "{A} imposed new sanctions on {b} {when}, aiming at its oil exports.",
    "{A} announced sanctions against {p} and {n} other officials of {b}.",
    "{A} blacklisted {n} companies it accused of helping {b} evade restrictions.",
    "{A} froze assets held by {b} and barred its banks from the financial system {when}.",
    "{A} expelled {n} diplomats of {b} {when}, accusing them of spying.",
    "{A} suspended flights to {b} {when} and closed its border crossings.",
    "{A} banned imports from {b} after weeks of rising tension.",
)

THREAT = (
    "{A} warned that it would strike {b} if its forces came under attack again.",
    "{A} threatened {b} with a crushing response {when}.",
    "{P} said {a} would retaliate against {b} for the killing of its commanders.",
    "{A} vowed to take revenge on {b}, according to state media.",
    "{A} warned {b} against any further provocation in {sea}.",
    "{P} threatened to close {sea} to shipping if {b} kept up its pressure.",
)

STATEMENT = (
    "{A} condemned the attack and accused {b} of destabilising the region.",
    "{A} blamed {b} for the blast, a charge that {b} denied.",
    "{P} urged {b} to show restraint {when}.",
    "{A} rejected a proposal from {b} to reopen negotiations.",
    "{A} called on {b} to free the detained sailors without delay.",
    "{A} denied any role in the incident and called the accusations baseless.",
    "{A} criticised {b} over its handling of the crisis {when}.",
    "{P} accused {b} of lying about what happened in {city}.",
    "{A} demanded that {b} pay compensation to the families of the victims.",
)

AGREEMENT = (
    "{A} and {b} signed an agreement in {city} {when} to expand security cooperation.",
    "{A} agreed to a ceasefire with {b} after talks mediated by {c}.",
    "{P} met {q} in {city} {when} to discuss the tensions.",
    "{A} held talks with {b} in {city} on ways to ease the crisis.",
    "{A} pledged humanitarian aid to {b} after the fighting.",
    "{A} and {b} agreed to exchange prisoners {when}.",
    "{A} released {n} detainees as part of a deal reached with {b}.",
    "{A} offered to mediate between {b} and {c}.",
    "{A} praised {b} for its role in securing the release of the hostages.",
)

MOBILIZE = (
    "{A} deployed additional troops to {city} {when}.",
    "{A} sent an aircraft carrier strike group toward {sea}.",
    "{A} put its forces on high alert after the attack on {site}.",
    "{A} moved air defence batteries closer to {city} {when}.",
)

BACKGROUND = (
    "Oil prices rose about {n} percent in early trading after the news.",
    "The claims could not be independently verified.",
    "There was no immediate comment from {b}.",
    "Tensions in the region have been building for months.",
    "Local officials said the situation in {city} was calm by evening.",
    "Further details were not immediately available.",
    "The incident came amid a wider standoff between {a} and {b}.",
    "Analysts said the move was likely to raise tensions further.",
    "Shipping companies said they were reviewing routes through {sea}.",
    "Residents of {city} described hearing several loud explosions before dawn.",
)

HEADLINES: dict[str, tuple[str, ...]] = {
    "attack": ("{A} attacks {b} near {city}", "Deadly attack near {city} blamed on {a}"),
    "strike": ("{A} strikes {b} targets", "Airstrikes hit {b} around {city}"),
    "protest": ("Protests in {city} against {b}", "Crowds rally in {city}"),
    "sanction": ("{A} sanctions {b}", "New sanctions on {b}"),
    "threat": ("{A} warns {b} of response", "{A} threatens {b}"),
    "statement": ("{A} blames {b}", "{A} condemns attack, points at {b}"),
    "agreement": ("{A} and {b} reach deal", "Talks between {a} and {b} in {city}"),
    "mobilize": ("{A} sends forces to {city}", "{A} raises alert level"),
}

KINDS: dict[str, tuple[str, ...]] = {
    "attack": ATTACK,
    "strike": STRIKE,
    "protest": PROTEST,
    "sanction": SANCTION,
    "threat": THREAT,
    "statement": STATEMENT,
    "agreement": AGREEMENT,
    "mobilize": MOBILIZE,
}

# Which actor pools fill a (source, target) pair, per kind of story.
SIDES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "attack": (("group", "group", "country", "state-org"), ("country", "state-org", "group")),
    "strike": (("country", "country", "state-org"), ("group", "group", "country")),
    "protest": (("group", "country"), ("country", "country", "state-org")),
    "sanction": (("country", "country", "state-org", "igo"), ("country", "group", "state-org")),
    "threat": (("country", "state-org", "group", "person"), ("country", "group", "state-org")),
    "statement": (("country", "state-org", "person", "igo"), ("country", "group", "state-org")),
    "agreement": (("country", "state-org", "igo"), ("country", "group", "igo")),
    "mobilize": (("country", "state-org", "group"), ("country", "group")),
}

FOLLOW_UPS = (
    "statement",
    "statement",
    "threat",
    "protest",
    "sanction",
    "agreement",
    "mobilize",
    "attack",
    "strike",
)

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
START, END = date(2018, 1, 1), date(2021, 12, 31)


class Writer:
    """Writes one article at a time from a seeded RNG."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.pools = load_actors()
        self.sites = load_sites()
        capitals = {a.capital for a in self.pools["country"] if a.capital}
        self.cities = (*sorted(capitals), *CITIES)

    def actor(self, kinds: tuple[str, ...], avoid: Actor | None = None) -> Actor:
        """An actor from one of ``kinds``' pools, not ``avoid``."""
        while True:
            actor = self.rng.choice(self.pools[self.rng.choice(kinds)])
            if actor is not avoid:
                return actor

    def name(self, actor: Actor) -> str:
        """The canonical name mostly, an alias sometimes, a capital as metonym rarely."""
        roll = self.rng.random()
        if actor.kind == "country" and actor.capital and roll < 0.08:
            return actor.capital
        if roll < 0.7 or len(actor.names) == 1:
            return actor.names[0]
        return self.rng.choice(actor.names[1:])

    def when(self, published: date) -> str:
        """A time expression for an event 0-6 days before publication, or none."""
        back = self.rng.choice((0, 1, 1, 1, 2, 2, 3, 5))
        day = published - timedelta(days=back)
        roll = self.rng.random()
        if roll < 0.25:
            return ""
        if back == 0:
            return self.rng.choice(("on " + WEEKDAYS[day.weekday()], "earlier in the day"))
        if roll < 0.7:
            return "on " + WEEKDAYS[day.weekday()]
        if roll < 0.9:
            return f"on {day.strftime('%B')} {day.day}"
        return "last week" if back >= 3 else "late on " + WEEKDAYS[day.weekday()]

    def harm(self) -> tuple[str, str]:
        """A casualty clause as a participle ("killing ...") and as a finite verb."""
        n, m = self.rng.randint(1, 40), self.rng.randint(2, 60)
        who = self.rng.choice(("people", "civilians", "soldiers", "fighters", "police officers"))
        options = (
            (f"killing {n} {who}", f"killed {n} {who}"),
            (
                f"killing at least {n} {who} and wounding {m} others",
                f"killed at least {n} {who} and wounded {m} others",
            ),
            (f"wounding {m} {who}", f"wounded {m} {who}"),
            ("causing no casualties", "caused no casualties"),
            ("causing damage but no injuries", "caused damage but no injuries"),
        )
        return self.rng.choice(options)

    def fill(self, template: str, a: Actor, b: Actor, published: date, city: str, site: str) -> str:
        """One sentence from a template, its first letter capitalised."""
        harm, harmed = self.harm()
        a_name, b_name = self.name(a), self.name(b)
        person = self.actor(("person",))
        values = {
            "a": a_name,
            "A": a_name,
            "b": b_name,
            "c": self.name(self.actor(("country", "igo"), avoid=a)),
            "p": self.name(person),
            "P": self.name(person),
            "q": self.name(self.actor(("person",), avoid=person)),
            "city": city,
            "site": site,
            "sea": self.rng.choice(WATERS),
            "when": self.when(published),
            "n": str(self.rng.randint(2, 30)),
            "dem": b.demonym or "foreign",
            "harm": harm,
            "harmed": harmed,
        }
        text = template.format(**values)
        text = re.sub(r" +([,.])", r"\1", re.sub(r"  +", " ", text))
        return text[0].upper() + text[1:]

    def article(self, number: int) -> dict[str, str]:
        """One JSONL record: text in paragraphs, title, url, published, source."""
        rng = self.rng
        day = START + timedelta(days=rng.randrange((END - START).days + 1))
        published = datetime(
            day.year, day.month, day.day, rng.randrange(24), rng.randrange(60), tzinfo=UTC
        )
        kind = rng.choice(tuple(KINDS))
        sources, targets = SIDES[kind]
        a = self.actor(sources)
        b = self.actor(targets, avoid=a)
        city = rng.choice(self.cities)
        site = rng.choice(self.sites)
        outlet, domain = rng.choice(OUTLETS)
        sentences = [self.fill(rng.choice(KINDS[kind]), a, b, day, city, site)]
        for _ in range(rng.randint(3, 9)):
            roll = rng.random()
            if roll < 0.2:
                template = rng.choice(BACKGROUND)
            elif roll < 0.55:
                template = rng.choice(KINDS[kind])
            else:
                template = rng.choice(KINDS[rng.choice(FOLLOW_UPS)])
            # Follow-ups are mostly the other side answering, sometimes a third party.
            first, second = (b, a) if rng.random() < 0.4 else (a, b)
            if rng.random() < 0.2:
                first = self.actor(("country", "igo", "state-org"), avoid=second)
            sentences.append(self.fill(template, first, second, day, city, site))
        dateline = f"{city.upper()} ({outlet}) - "
        sentences[0] = dateline + sentences[0]
        paragraphs: list[str] = []
        while sentences:
            take = rng.randint(1, 3)
            paragraphs.append(" ".join(sentences[:take]))
            sentences = sentences[take:]
        title = self.fill(rng.choice(HEADLINES[kind]), a, b, day, city, site).rstrip(".")
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60]
        return {
            "title": title,
            "text": "\n\n".join(paragraphs),
            "url": f"https://{domain}/{day:%Y/%m/%d}/{slug}-{number}",
            "published": published.isoformat(),
            "source": outlet,
        }


def articles(count: int, seed: int = 7) -> Iterator[dict[str, str]]:
    """``count`` synthetic articles, the same ones for the same seed."""
    writer = Writer(seed)
    for number in range(count):
        yield writer.article(number)


def write(
    path: Path, count: int, seed: int = 7, *, report: Callable[[int], None] | None = None
) -> int:
    """Write ``count`` articles to ``path`` (gzip when it ends in .gz); returns its size."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as raw:
        if path.name.endswith(".gz"):
            # mtime=0 and no file name in the header: the same seed gives the same bytes.
            sink: io.BufferedIOBase = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0)
        else:
            sink = raw  # type: ignore[assignment]
        with sink:
            for number, record in enumerate(articles(count, seed), start=1):
                sink.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
                if report is not None and number % 10_000 == 0:
                    report(number)
    return path.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=None, help="default: out/archive-N.jsonl.gz")
    args = parser.parse_args()
    out = args.out or Path("out") / f"archive-{args.articles}.jsonl.gz"
    size = write(out, args.articles, args.seed)
    print(f"wrote {args.articles:,} articles to {out} ({size / 1_000_000:.1f} MB)")


if __name__ == "__main__":
    main()

"""Analysis at scale: timeline, ladder and rule evaluation over a large synthetic store.

Writes N synthetic events (consolidated incidents: 60 actors including proxies with sponsor
chains, 16 event types, five years, random realis and deaths) into a DuckDB file, then times
the dyad timeline query (p50/p99 over repeated calls with varied dyads and frequencies), the
escalation ladder of the busiest dyad and evaluating the shipped rule set over every event.

    python bench/analysis.py --events 1000000 --db /tmp/analysis.duckdb
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date, timedelta
from pathlib import Path

from redline.analyze.escalation import escalation
from redline.analyze.rules import evaluate, load_rules
from redline.analyze.timeline import timeline
from redline.consolidate.cluster import Casualties, Incident, Link
from redline.model import EVENT_TYPES, ActorRef, EventDate, Place, Realis
from redline.store import Store
from redline.store import incidents as stored

STATES = ["USA", "IRN", "IRQ", "SAU", "ISR", "SYR", "TUR", "RUS", "GBR", "YEM"]


def actors(rng: random.Random) -> list[ActorRef]:
    found = [ActorRef(id=s, name=s, country=s) for s in STATES]
    for state in STATES:
        found.append(
            ActorRef(id=f"{state.lower()}-army", name=f"{state} army", country=state, sector="MIL")
        )
        found.append(
            ActorRef(
                id=f"{state.lower()}-gov", name=f"{state} government", country=state, sector="GOV"
            )
        )
    for n in range(20):
        sponsor = rng.choice(STATES)
        found.append(
            ActorRef(
                id=f"militia-{n}",
                name=f"Militia {n}",
                sector="PRM",
                sponsors=(f"{sponsor.lower()}-army", sponsor),
            )
        )
    return found


def synthetic(count: int, seed: int = 7) -> list[Incident]:
    rng = random.Random(seed)
    pool = actors(rng)
    start = date(2018, 1, 1)
    realis = [Realis.ASSERTED] * 6 + [
        Realis.REPORTED,
        Realis.CLAIMED,
        Realis.HYPOTHETICAL,
        Realis.NEGATED,
        Realis.DENIED,
        Realis.THREATENED,
    ]
    places = [
        Place(name="K-1 Air Base", country="IRQ", lat=35.5, lon=44.29, precision=1, raw="K1 base"),
        Place(name="Baghdad", country="IRQ", lat=33.3, lon=44.4, precision=1, raw="Baghdad"),
        Place(name="Tehran", country="IRN", lat=35.7, lon=51.4, precision=1, raw="Tehran"),
        None,
    ]
    found = []
    for n in range(count):
        kind = rng.choice(EVENT_TYPES)
        dead = rng.choice([None] * 8 + [1, 3, 25]) if kind == "ASSAULT" else None
        ident = f"ev-{n:08d}"
        found.append(
            Incident(
                id=ident,
                event_type=kind,
                mode=None,
                realis=rng.choice(realis),
                source=(rng.choice(pool),),
                target=(rng.choice(pool),),
                date=EventDate(value=start + timedelta(days=rng.randrange(5 * 365))),
                location=rng.choice(places),
                fatalities=None if dead is None else Casualties(dead, dead, dead, "m", "m", "m"),
                mentions=(f"m-{n}",),
                links=(Link(f"m-{n}", "first report"),),
                articles=1,
                sources=rng.randint(1, 4),
                first_reported=None,
                cameo=None,
                intensity=-10.0 if kind == "ASSAULT" else rng.uniform(-8, 8),
                quote=f"synthetic report {n}",
            )
        )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--db", default="/tmp/redline-analysis-bench.duckdb")
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    path = Path(args.db)
    if path.exists():
        path.unlink()
    started = time.perf_counter()
    events = synthetic(args.events)
    with Store(path) as store:
        for chunk in range(0, len(events), 100_000):
            stored.replace(store, [], events[chunk : chunk + 100_000])
        print(
            f"wrote {store.counts()['incidents']:,} events in {time.perf_counter() - started:.1f} s"
        )
    rng = random.Random(1)
    with Store(path, read_only=True) as store:
        latencies = []
        for _ in range(args.calls):
            a, b = rng.sample(STATES, 2)
            freq = rng.choice(["D", "W", "M"])
            tick = time.perf_counter()
            line = timeline(store, a, b, freq=freq, rollup=rng.random() < 0.5)
            latencies.append((time.perf_counter() - tick) * 1000)
            assert line.buckets is not None
        latencies.sort()
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        print(
            f"timeline over {args.events:,} events: p50 {statistics.median(latencies):.0f} ms, "
            f"p99 {p99:.0f} ms ({args.calls} calls, random dyads, D/W/M, roll-up on/off)"
        )
        tick = time.perf_counter()
        ladder = escalation(store, "USA", "IRN", freq="W")
        print(
            f"escalation USA-IRN (roll-up): {len(ladder.steps):,} steps, "
            f"{len(ladder.shifts)} change points in {time.perf_counter() - tick:.1f} s"
        )
        tick = time.perf_counter()
        everything = store.incidents()
        read = time.perf_counter() - tick
        tick = time.perf_counter()
        alerts = evaluate(load_rules(), everything)
        print(
            f"rules: read {len(everything):,} events in {read:.1f} s, evaluated the shipped "
            f"rules in {time.perf_counter() - tick:.1f} s ({len(alerts):,} alerts)"
        )


if __name__ == "__main__":
    main()

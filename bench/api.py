"""Web API latency over a large store: ``/api/timeline`` (and ``/api/events``) over HTTP.

The library-level timeline is timed by ``bench/analysis.py``; a user of the dashboard sees
more: the server's snapshot of the store, FastAPI validation, reading every event of the
dyad for the chart's points, and JSON over a socket. So this builds a store of N synthetic
events (the same events as ``bench/analysis.py``, written in bulk: one Arrow ``INSERT`` per
100,000 rows instead of ``incidents.replace``), starts the real server (``create_app`` under
uvicorn, in its own process on a free port, as ``redline serve`` runs it) and times calls
with httpx over random dyads of the synthetic actors, frequencies D/W/M, roll-up on and off.

    python bench/api.py --events 1000000 --calls 300 [--db PATH] [--reuse]
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib.metadata import version
from pathlib import Path

import duckdb
import httpx
import pyarrow as pa
from analysis import actors  # bench/analysis.py: the same 60 actors

from redline.consolidate.cluster import Casualties, Incident, Link
from redline.model import EVENT_TYPES, EventDate, Place, Realis
from redline.store import Store
from redline.store.incidents import _COLUMNS, _SCHEMA, _row

CHUNK = 100_000
SERVER = """
import sys, uvicorn
from redline.serve.app import create_app
from redline.serve.snapshot import Snapshots
from redline.settings import Settings
snapshots = Snapshots(sys.argv[1])
app = create_app(Settings(db=sys.argv[1]), snapshots=snapshots)
try:
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
except KeyboardInterrupt:  # uvicorn re-raises the SIGINT it stopped on
    pass
finally:
    snapshots.close()
"""


def synthetic(count: int, seed: int = 7) -> Iterator[Incident]:
    """``bench/analysis.py``'s ``synthetic`` as a stream (same draws, same events), so a
    million events need not be held in memory at once."""
    rng = random.Random(seed)
    pool = actors(rng)
    start = date(2018, 1, 1)
    realis = [Realis.ASSERTED] * 6 + [Realis.REPORTED, Realis.CLAIMED, Realis.HYPOTHETICAL,
                                      Realis.NEGATED, Realis.DENIED, Realis.THREATENED]  # fmt: skip
    places = [
        Place(name="K-1 Air Base", country="IRQ", lat=35.5, lon=44.29, precision=1, raw="K1 base"),
        Place(name="Baghdad", country="IRQ", lat=33.3, lon=44.4, precision=1, raw="Baghdad"),
        Place(name="Tehran", country="IRN", lat=35.7, lon=51.4, precision=1, raw="Tehran"),
        None,
    ]
    for n in range(count):
        kind = rng.choice(EVENT_TYPES)
        dead = rng.choice([None] * 8 + [1, 3, 25]) if kind == "ASSAULT" else None
        yield Incident(
            id=f"ev-{n:08d}", event_type=kind, mode=None, realis=rng.choice(realis),
            source=(rng.choice(pool),), target=(rng.choice(pool),),
            date=EventDate(value=start + timedelta(days=rng.randrange(5 * 365))),
            location=rng.choice(places),
            fatalities=None if dead is None else Casualties(dead, dead, dead, "m", "m", "m"),
            mentions=(f"m-{n}",), links=(Link(f"m-{n}", "first report"),), articles=1,
            sources=rng.randint(1, 4), first_reported=None, cameo=None,
            intensity=-10.0 if kind == "ASSAULT" else rng.uniform(-8, 8),
            quote=f"synthetic report {n}",
        )  # fmt: skip


def build(path: Path, count: int) -> float:
    """Write ``count`` events with one Arrow insert per chunk; the seconds it took."""
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)
    started = time.perf_counter()
    stream = synthetic(count)
    with Store(path) as store:
        connection = store.connection
        for first in range(0, count, CHUNK):
            batch = [next(stream) for _ in range(min(CHUNK, count - first))]
            table = pa.Table.from_pylist([_row(i) for i in batch], schema=_SCHEMA)
            links = pa.table({
                "incident_id": [i.id for i in batch for _ in i.links],
                "mention_id": [link.mention for i in batch for link in i.links],
                "reason": [link.reason for i in batch for link in i.links],
            })  # fmt: skip
            connection.register("bulk_incidents", table)
            connection.register("bulk_links", links)
            connection.execute("BEGIN TRANSACTION")
            connection.execute(
                f"INSERT INTO incidents ({_COLUMNS}) SELECT {_COLUMNS} FROM bulk_incidents"
            )
            connection.execute("INSERT INTO incident_mentions SELECT * FROM bulk_links")
            connection.execute("COMMIT")
            connection.unregister("bulk_incidents")
            connection.unregister("bulk_links")
        stored = store.counts()["incidents"]
    if stored != count:
        raise SystemExit(f"wrote {stored:,} events, expected {count:,}")
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (p99 of 300 calls is the 297th fastest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class Timings:
    """Milliseconds per call and bytes per response."""

    latencies: list[float] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)


def summary(name: str, timings: Timings) -> str:
    latencies, sizes = timings.latencies, timings.sizes
    return (
        f"{name}: p50 {statistics.median(latencies):.0f} ms, "
        f"p95 {percentile(latencies, 0.95):.0f} ms, p99 {percentile(latencies, 0.99):.0f} ms, "
        f"max {max(latencies):.0f} ms ({len(latencies)} calls; median response "
        f"{statistics.median(sizes) / 1000:.0f} kB, largest {max(sizes) / 1000:,.0f} kB)"
    )


def machine() -> str:
    model = memory = "?"
    try:
        info = Path("/proc/cpuinfo").read_text()
        model = next(line.split(":", 1)[1].strip() for line in info.splitlines()
                     if line.startswith("model name"))  # fmt: skip
        kilobytes = Path("/proc/meminfo").read_text().split()[1]
        memory = f"{int(kilobytes) / 2**20:.0f} GiB"
    except (OSError, StopIteration, IndexError, ValueError):
        pass
    return (
        f"machine: {os.cpu_count()} CPUs ({model}), {memory} memory, {platform.system()}; "
        f"Python {platform.python_version()}, duckdb {duckdb.__version__}, "
        f"fastapi {version('fastapi')}, uvicorn {version('uvicorn')}, httpx {httpx.__version__}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--db", default="/tmp/redline-api-bench.duckdb")
    parser.add_argument("--reuse", action="store_true", help="keep an existing store at --db")
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=5, help="untimed calls first")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(machine())
    path = Path(args.db)
    if args.reuse and path.exists():
        with Store(path, read_only=True) as store:
            have = store.counts()["incidents"]
        print(f"reusing {path}: {have:,} events")
    else:
        seconds = build(path, args.events)
        print(f"wrote {args.events:,} events to {path} in {seconds:.1f} s (bulk Arrow inserts)")
    print(f"store file: {path.stat().st_size / 2**20:.0f} MiB")

    port = free_port()
    # The server's stdout only carries DuckDB's progress bar for the snapshot copy.
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(path), str(port)], stdout=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=120) as client:
            started = time.perf_counter()
            while True:
                try:
                    status = client.get("/api/status")
                    break
                except httpx.TransportError:
                    if server.poll() is not None or time.perf_counter() - started > 120:
                        raise SystemExit("the server did not start") from None
                    time.sleep(0.1)
            status.raise_for_status()
            print(f"server up and first answer (includes the snapshot of the store) in "
                  f"{time.perf_counter() - started:.1f} s; it reads "
                  f"{status.json()['counts']['events']:,} events")  # fmt: skip
            ids = [a.id for a in actors(random.Random(7))]
            rng = random.Random(args.seed)

            def timed(url: str, params: dict[str, str], into: Timings) -> None:
                tick = time.perf_counter()
                response = client.get(url, params=params)
                elapsed = (time.perf_counter() - tick) * 1000
                if response.status_code != 200:
                    raise SystemExit(f"{url} {params}: HTTP {response.status_code} {response.text}")
                into.latencies.append(elapsed)
                into.sizes.append(len(response.content))

            def draw() -> dict[str, str]:
                a, b = rng.sample(ids, 2)
                return {"a": a, "b": b, "rollup": rng.choice(["true", "false"])}

            for _ in range(args.warmup):
                timed("/api/timeline", {**draw(), "freq": "W"}, Timings())
            line, events = Timings(), Timings()
            for _ in range(args.calls):
                timed("/api/timeline", {**draw(), "freq": rng.choice(["D", "W", "M"])}, line)
            for _ in range(args.calls):
                params = draw()
                dyad = {"dyad": f"{params['a']},{params['b']}", "rollup": params["rollup"]}
                timed("/api/events", dyad, events)
            busiest = client.get(
                "/api/timeline", params={"a": "USA", "b": "IRN", "freq": "W", "rollup": "true"}
            ).json()
            points = len(busiest["events"])
    finally:
        # SIGINT, not SIGTERM: uvicorn re-raises the signal it stopped on, and only SIGINT
        # (KeyboardInterrupt) lets the server remove its snapshot of the store on the way out.
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)
    print(f"over HTTP to {base} (uvicorn, one worker), {args.warmup} untimed warm-up calls first")
    print(summary("GET /api/timeline (a,b; D/W/M; roll-up on/off)", line))
    print(summary("GET /api/events?dyad=A,B (limit 50; roll-up on/off)", events))
    print(f"for scale: USA-IRN weekly with roll-up returns {points:,} event points")


if __name__ == "__main__":
    main()

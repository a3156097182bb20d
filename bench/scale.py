"""Scale benchmark: LocalRunner against RayRunner on one corpus, and a whole archive end to end.

Usage:
    python bench/scale.py [--articles 2000] [--runners local:1,ray:1,ray:2,local:2]
                          [--examples] [--full [--full-articles N] [--full-runner ray:2]]

The corpus is the first N articles of the synthetic archive (``bench/archive.py``; written
if missing). It is ingested once; each runner then codes its own copy of that store, in its
own Python process, so that peak memory and Ray's start and stop belong to one run only.
Timed is ``Pipeline.code`` (parse, code, resolve, store, consolidate); a Ray run starts Ray
inside it, as a real run does, and its start (``RayRunner.init_seconds``) is reported apart
and counted in its rates. A runner may be listed twice (``local:1,ray:2,local:1``) to bracket
another run on a machine whose speed drifts; the other load on the machine is sampled. Every run's
events are checked against the first runner's (sorted event ids and types).

With ``--full`` the whole archive is then read and coded through ``Pipeline.run`` (what
``redline run ARCHIVE --runner ...`` does) into ``out/scale/full.duckdb`` by the fastest
runner, printing progress every 30 s.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "out" / "scale"
ARCHIVE = ROOT / "out" / "archive-100000.jsonl.gz"
EXAMPLES = ROOT / "examples"


# -- in the child process: one measured run ---------------------------------------------


def _processes() -> dict[int, tuple[int, str, int, int]]:
    """Every visible process: parent, name, peak RSS (VmHWM, bytes), CPU time (ticks)."""
    found: dict[int, tuple[int, str, int, int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        ticks = stat.rsplit(")", 1)[1].split()
        found[int(entry.name)] = (
            int(fields.get("PPid", "0").strip()),
            fields.get("Name", "?").strip(),
            int(fields.get("VmHWM", "0 kB").split()[0]) * 1024,
            int(ticks[11]) + int(ticks[12]),  # utime + stime
        )
    return found


def _descendants(processes: dict[int, tuple[int, str, int, int]], root: int) -> set[int]:
    """``root`` and every process below it."""
    mine = set()
    for pid in processes:
        ancestor = pid
        while ancestor and ancestor != root:
            ancestor = processes[ancestor][0] if ancestor in processes else 0
        if ancestor == root:
            mine.add(pid)
    return mine


def _busy_ticks() -> int:
    """CPU ticks the whole machine spent busy since boot (all cores)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    # user, nice, system; irq, softirq, steal (guest time is already in user and nice)
    return sum(values[0:3]) + sum(values[5:8])


class LoadWatch(threading.Thread):
    """Samples, every 0.5 s, how much CPU the machine spent outside this run's processes.

    The machine is shared: a run that others load (tests, builds) is slower for reasons that
    are not the runner's, so each run reports the other load it met.
    """

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.ticks = os.sysconf("SC_CLK_TCK")
        self.stopping = threading.Event()
        self.other_ticks = 0
        self.mine: dict[int, int] = {}
        self.peaks: dict[int, tuple[str, int]] = {}
        """Name and peak RSS of every process of this run seen (Ray's are gone at the end)."""
        self.busy = _busy_ticks()
        self.started_at = time.perf_counter()
        self.sample()

    def sample(self) -> None:
        processes = _processes()
        busy = _busy_ticks()
        spent = 0
        for pid in _descendants(processes, os.getpid()):
            now = processes[pid][3]
            self.peaks[pid] = processes[pid][1:3]
            spent += now - self.mine.get(pid, now if not self.mine else 0)
            self.mine[pid] = now
        self.other_ticks += max(0, (busy - self.busy) - spent)
        self.busy = busy

    def run(self) -> None:
        while not self.stopping.wait(0.5):
            self.sample()

    def stop(self) -> float:
        """Other processes' CPU seconds over the run."""
        self.stopping.set()
        self.join()
        self.sample()
        return self.other_ticks / self.ticks


def measure(spec: str, db: Path, batch_size: int, sources: list[str] | None) -> dict[str, Any]:
    """Code the pending articles of ``db`` (or read and code ``sources``) with one runner."""
    from redline.pipeline import LocalRunner, Pipeline
    from redline.settings import Settings
    from redline.store import Store

    kind, workers = spec.split(":")
    count = int(workers)
    pipeline = Pipeline(Settings(db=str(db), batch_size=batch_size))
    marks: dict[str, float] = {}
    peaks = {"before_consolidate": 0}
    batch_writes: list[float] = []
    done = {"read": 0, "code": 0}
    last_report = [time.perf_counter(), 0.0]

    def progress(phase: str, advance: int, total: int | None) -> None:
        now = time.perf_counter()
        if phase == "code" and "code_start" not in marks:
            marks["code_start"] = now
        if advance:
            done[phase] += advance
            if phase == "code":
                marks.setdefault("first_result", now)
                marks["last_result"] = now
                peaks["before_consolidate"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if sources is not None and now - last_report[0] >= 30:
            other = watch.other_ticks / watch.ticks
            load = (other - last_report[1]) / (now - last_report[0])
            last_report[:] = [now, other]
            elapsed = now - marks["start"]
            print(
                f"  {elapsed:7.0f} s  read {done['read']:,}  coded {done['code']:,}"
                f"{'' if total is None else f' of {total:,}'}  (other load {load:.2f} cores)",
                file=sys.stderr,
                flush=True,
            )

    ray_init = 0.0
    runner: Any
    if kind == "ray":
        from redline.scale.ray import RayRunner, require

        require()
    with Store(db) as store:
        writes = {"seconds": 0.0, "code_seconds": 0.0, "code_batches": 0}
        append = store.append

        def timed_append(result: Any, *, coded_by: str | None = None) -> None:
            started = time.perf_counter()
            append(result, coded_by=coded_by)
            spent = time.perf_counter() - started
            writes["seconds"] += spent
            if coded_by is not None:
                batch_writes.append(spent)
                writes["code_seconds"] += spent
                writes["code_batches"] += 1

        store.append = timed_append  # type: ignore[method-assign]
        watch = LoadWatch()
        watch.start()
        marks["start"] = time.perf_counter()
        # RayRunner starts Ray and shuts it down before consolidation, as in a real run.
        runner = RayRunner(workers=count) if kind == "ray" else LocalRunner(processes=count)
        if sources is None:
            marks["code_start"] = time.perf_counter()
            summary = pipeline.code(store, runner=runner, progress=progress)
            articles = done["code"]
        else:
            summary = pipeline.run(sources, store, runner=runner, progress=progress)
            articles = summary.articles
        finished = time.perf_counter()
        other_cpu = watch.stop()
        descendants = watch.peaks
        if kind == "ray":
            ray_init = runner.init_seconds
        rows = store.connection.execute("SELECT id, event_type FROM events ORDER BY id").fetchall()
        digest = hashlib.sha256("\n".join(f"{i} {t}" for i, t in rows).encode()).hexdigest()
        failures = store.connection.execute("SELECT kind, count(*) FROM failures GROUP BY kind")
        failure_kinds = dict(failures.fetchall())
    self_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    if kind == "ray":
        workers_peak = list(runner.peak_memory)
    elif count == 1:
        workers_peak = [self_peak]  # the worker runs inside the driver
    else:
        # Pool processes are reaped when the pool closes: the largest of them.
        workers_peak = [resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024]
    ray_system = sum(peak for name, peak in descendants.values() if not name.startswith("ray::"))
    code_start = marks.get("code_start", finished)
    first = marks.get("first_result", finished)
    last = marks.get("last_result", finished)
    first_batch = min(batch_size, articles)
    return {
        "runner": spec,
        "articles": articles,
        "coded": done["code"],
        "sentences": summary.sentences,
        "events": summary.events,
        "failures": summary.failures,
        "failure_kinds": failure_kinds,
        "incidents": summary.incidents,
        "stored_events": len(rows),
        "events_digest": digest,
        "ray_init_s": round(ray_init, 2),
        "ingest_s": round(code_start - marks["start"], 2) if sources else 0.0,
        # Ray starts inside the coding phase; it is taken out here and added back in rates.
        "first_result_s": round(first - code_start - ray_init, 2),
        "loop_s": round(last - code_start - ray_init, 2),
        # With Ray this includes its shutdown, which RayRunner does before consolidation.
        "consolidate_s": round(finished - last, 2),
        "code_s": round(finished - code_start - ray_init, 2),
        "total_s": round(finished - marks["start"], 2),
        "steady_articles_per_s": round((done["code"] - first_batch) / (last - first), 1)
        if last > first
        else None,
        "write_s": round(writes["seconds"], 2),
        "code_write_s": round(writes["code_seconds"], 2),
        "code_write_batches": writes["code_batches"],
        # Does a batch's write get slower as the store grows? First and last 100 batches.
        "write_ms_first_100": round(
            1000 * sum(batch_writes[:100]) / max(1, len(batch_writes[:100])), 1
        ),
        "write_ms_last_100": round(
            1000 * sum(batch_writes[-100:]) / max(1, len(batch_writes[-100:])), 1
        ),
        "driver_peak_bytes": self_peak,
        "driver_peak_before_consolidate_bytes": peaks["before_consolidate"] * 1024,
        "worker_peak_bytes": workers_peak,
        "ray_system_peak_bytes": ray_system if kind == "ray" else None,
        # CPU seconds other processes on the machine used during the run, and as cores.
        "other_cpu_s": round(other_cpu, 1),
        "other_cores": round(other_cpu / (finished - marks["start"]), 2),
    }


# -- in the parent process ---------------------------------------------------------------


def _first_lines(archive: Path, count: int, out: Path) -> Path:
    """The first ``count`` articles of the archive as their own ``.jsonl.gz``."""
    with gzip.open(archive, "rb") as source, gzip.open(out, "wb") as sink:
        for number, line in enumerate(source):
            if number >= count:
                break
            sink.write(line)
    return out


def _ingest(sources: list[str], db: Path, batch_size: int) -> dict[str, Any]:
    """Read sources into a fresh store, timed (the same for every runner, so done once)."""
    from redline.pipeline import Pipeline
    from redline.settings import Settings
    from redline.store import Store

    db.unlink(missing_ok=True)
    started = time.perf_counter()
    with Store(db) as store:
        summary = Pipeline(Settings(db=str(db), batch_size=batch_size)).ingest(sources, store)
    seconds = time.perf_counter() - started
    return {"articles": summary.articles, "failures": summary.failures, "seconds": seconds}


def _child(
    spec: str, db: Path, batch_size: int, sources: list[str] | None = None
) -> dict[str, Any]:
    """Run ``measure`` in a fresh interpreter; its last stdout line is the result."""
    command = [
        sys.executable,
        "-u",
        __file__,
        "--child",
        spec,
        "--db",
        str(db),
        "--batch-size",
        str(batch_size),
    ]
    for source in sources or []:
        command += ["--source", source]
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _mb(value: int | None) -> str:
    return "n/a" if value is None else f"{value / 1e6:,.0f}"


def _rate(count: float, seconds: float) -> float:
    return count / seconds if seconds > 0 else 0.0


def _ratio(value: float | None, base: float | None) -> str:
    return f"{value / base:.2f}x" if value and base else "n/a"


def table(results: list[dict[str, Any]]) -> str:
    """The comparison as a Markdown table (rates count Ray's start)."""
    base = results[0]
    base_rate = _rate(base["articles"], base["code_s"] + base["ray_init_s"])
    lines = [
        "| runner | ray.init s | first result s | code s | consolidate s | driver writes s "
        "| articles/s | sentences/s | speed-up | steady articles/s | steady speed-up | mentions "
        "| same events | peak MB per worker | driver peak MB | other load (cores) |",
        "| --- " * 16 + "|",
    ]
    for r in results:
        seconds = r["code_s"] + r["ray_init_s"]
        rate = _rate(r["articles"], seconds)
        same = "yes" if r["events_digest"] == base["events_digest"] else "**no**"
        lines.append(
            f"| {r['runner']} | {r['ray_init_s']:.1f} | {r['first_result_s']:.1f} "
            f"| {r['code_s']:.1f} | {r['consolidate_s']:.1f} | {r['code_write_s']:.1f} "
            f"| {rate:.1f} | {_rate(r['sentences'], seconds):.0f} "
            f"| {rate / base_rate:.2f}x | {r['steady_articles_per_s']} "
            f"| {_ratio(r['steady_articles_per_s'], base['steady_articles_per_s'])} "
            f"| {r['events']:,} "
            f"| {same} | {', '.join(_mb(m) for m in r['worker_peak_bytes'])} "
            f"| {_mb(r['driver_peak_bytes'])} | {r['other_cores']:.2f} |"
        )
    return "\n".join(lines)


def compare(args: argparse.Namespace) -> list[dict[str, Any]]:
    """Ingest the corpus once, then code a copy of it with each runner."""
    corpus = _first_lines(args.archive, args.articles, WORK / f"corpus-{args.articles}.jsonl.gz")
    base = WORK / "base.duckdb"
    ingested = _ingest([str(corpus)], base, args.batch_size)
    print(
        f"corpus: first {args.articles:,} articles of {args.archive.name}; ingest "
        f"{ingested['articles']:,} articles, {ingested['failures']} failures, "
        f"{ingested['seconds']:.1f} s (not part of the timings below)",
        flush=True,
    )
    results = []
    for spec in args.runners.split(","):
        db = WORK / f"run-{spec.replace(':', '-')}.duckdb"
        shutil.copyfile(base, db)
        result = _child(spec, db, args.batch_size)
        results.append(result)
        print(
            f"  {spec}: {result['code_s']:.1f} s coding (+{result['ray_init_s']:.1f} s "
            f"ray.init), {result['events']:,} events",
            flush=True,
        )
        if not args.keep:
            db.unlink()
    print()
    print(table(results))
    first = results[0]
    print(
        f"\nsentences: {first['sentences']:,} ({first['sentences'] / first['articles']:.1f} per "
        f"article); first runner's events: {first['events']:,} mentions, "
        f"{first['incidents']:,} events after consolidation"
    )
    for r in results:
        if r["runner"].startswith("ray"):
            print(
                f"{r['runner']}: Ray's own "
                f"processes (GCS, raylet, ...) peak {_mb(r['ray_system_peak_bytes'])} MB "
                "in all"
            )
        writes = r["code_write_s"]
        print(
            f"{r['runner']}: driver wrote {r['code_write_batches']} batches in {writes:.1f} s "
            f"({_rate(r['articles'], writes):,.0f} articles/s, "
            f"{_rate(r['events'], writes):,.0f} mentions/s while writing)"
        )
    if args.examples:
        db = WORK / "examples.duckdb"
        _ingest([str(EXAMPLES)], db, args.batch_size)
        ex = _child("local:1", db, args.batch_size)
        print(
            f"\nexamples/ for reference (local:1): {ex['articles']} articles, "
            f"{ex['sentences']:,} sentences ({ex['sentences'] / ex['articles']:.1f} per "
            f"article), {ex['events']} mentions, {ex['code_s']:.1f} s coding"
        )
        results.append({**ex, "runner": "examples local:1"})
        db.unlink()
    base.unlink()
    return results


def full(args: argparse.Namespace, spec: str) -> dict[str, Any]:
    """Read and code the archive (or its first ``--full-articles``) end to end."""
    archive = args.archive
    if args.full_articles:
        archive = _first_lines(
            archive, args.full_articles, WORK / f"full-{args.full_articles}.jsonl.gz"
        )
    db = WORK / "full.duckdb"
    db.unlink(missing_ok=True)
    print(
        f"\nend to end: {archive.name} with {spec} into {db} (batch {args.batch_size})", flush=True
    )
    r = _child(spec, db, args.batch_size, [str(archive)])
    seconds = r["total_s"]
    code_seconds = r["code_s"]
    print(
        f"articles {r['articles']:,}; sentences {r['sentences']:,}; mentions {r['events']:,}; "
        f"events after consolidation {r['incidents']:,}; failures {r['failures']} "
        f"{r['failure_kinds']}"
    )
    print(
        f"time {seconds:,.0f} s (ray.init {r['ray_init_s']:.1f}, read {r['ingest_s']:,.0f}, "
        f"code {code_seconds:,.0f} of which consolidate {r['consolidate_s']:,.0f})"
    )
    print(
        f"end to end {_rate(r['articles'], seconds):.1f} articles/s, "
        f"{_rate(r['sentences'], seconds):.0f} sentences/s; coding phase "
        f"{_rate(r['coded'], code_seconds):.1f} articles/s, "
        f"{_rate(r['sentences'], code_seconds):.0f} sentences/s; steady "
        f"{r['steady_articles_per_s']} articles/s"
    )
    print(
        f"driver writes {r['write_s']:,.0f} s in all, {r['code_write_s']:,.0f} s for "
        f"{r['code_write_batches']:,} coded batches; peak MB per worker "
        f"{', '.join(_mb(m) for m in r['worker_peak_bytes'])}, driver "
        f"{_mb(r['driver_peak_bytes'])} ({_mb(r['driver_peak_before_consolidate_bytes'])} "
        f"before consolidation); store {db.stat().st_size / 1e6:,.0f} MB"
    )
    print(
        f"a coded batch's write: {r['write_ms_first_100']} ms (first 100 batches), "
        f"{r['write_ms_last_100']} ms (last 100); other processes on the machine used "
        f"{r['other_cpu_s']:,.0f} CPU s ({r['other_cores']:.2f} cores on average)"
    )
    return r


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--archive", type=Path, default=ARCHIVE)
    parser.add_argument("--articles", type=int, default=2000, help="corpus size to compare on")
    parser.add_argument("--runners", default="local:1,ray:1,ray:2,local:2")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--examples", action="store_true", help="also code examples/ (local:1)")
    parser.add_argument("--keep", action="store_true", help="keep each run's store")
    parser.add_argument("--no-compare", action="store_true", help="only the --full run")
    parser.add_argument("--full", action="store_true", help="then code the archive end to end")
    parser.add_argument("--full-articles", type=int, default=None, help="first N only")
    parser.add_argument("--full-runner", default=None, help="default: fastest in the comparison")
    parser.add_argument("--json", type=Path, default=None, help="also write all figures here")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--source", action="append", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        print(json.dumps(measure(args.child, args.db, args.batch_size, args.source)))
        return
    WORK.mkdir(parents=True, exist_ok=True)
    if not args.archive.exists():
        sys.path.insert(0, str(Path(__file__).parent))
        from archive import write  # type: ignore[import-not-found]

        print(f"writing {args.archive} ...", flush=True)
        write(args.archive, 100_000)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}; batch size {args.batch_size}",
        flush=True,
    )
    figures: dict[str, Any] = {}
    spec = args.full_runner
    if not args.no_compare:
        figures["compare"] = results = compare(args)
        runs = [r for r in results if not r["runner"].startswith("examples")]
        fastest = max(runs, key=lambda r: _rate(r["articles"], r["code_s"] + r["ray_init_s"]))
        spec = spec or fastest["runner"]
    if args.full:
        figures["full"] = full(args, spec or "ray:2")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()

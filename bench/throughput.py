"""End-to-end throughput of `redline run`: articles/s, sentences/s and peak memory.

Usage:
    python bench/throughput.py CORPUS [--limit N] [--batch-size N]

CORPUS is anything `redline run` reads: a folder, an HTML/TXT file or a JSONL file
(e.g. a file of stories with a ``text`` field). The run goes into a fresh temporary
store. Sentences are all sentences of the coded articles (the coder parses only those
that can hold an event). Peak memory is the process's maximum resident set size.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

from redline.pipeline import LocalRunner, Pipeline
from redline.settings import Settings
from redline.store import Store


def _limited(path: Path, limit: int | None, folder: Path) -> list[str]:
    """Copy the first ``limit`` JSONL records to a temp file so runs are comparable."""
    if limit is None or path.suffix != ".jsonl":
        return [str(path)]
    out = folder / "sample.jsonl"
    with path.open() as source, out.open("w") as sink:
        for number, line in enumerate(source):
            if number >= limit:
                break
            sink.write(line)
    return [str(out)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--limit", type=int, default=None, help="first N JSONL records only")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--processes", type=int, default=1, help="worker processes")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        sources = _limited(args.corpus, args.limit, Path(folder))
        settings = Settings(db=str(Path(folder) / "bench.duckdb"), batch_size=args.batch_size)
        pipeline = Pipeline(settings)
        started = time.perf_counter()
        with Store(settings.db) as store:
            ingested = pipeline.ingest(sources, store)
            after_ingest = time.perf_counter()
            load_started = time.perf_counter()
            if args.processes == 1:
                runner = LocalRunner(pipeline.spec.build())
            else:
                runner = LocalRunner(processes=args.processes)
            loaded = time.perf_counter()
            coded = pipeline.code(store, runner=runner)
            finished = time.perf_counter()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    code_seconds = finished - loaded
    total_seconds = (after_ingest - started) + code_seconds
    figures = {
        "corpus": str(args.corpus),
        "articles": ingested.articles,
        "failures": ingested.failures + coded.failures,
        "sentences": coded.sentences,
        "events": coded.events,
        "ingest_seconds": round(after_ingest - started, 2),
        "model_load_seconds": round(loaded - load_started, 2),
        "code_seconds": round(code_seconds, 2),
        "articles_per_second": round(ingested.articles / total_seconds, 1),
        "sentences_per_second": round(coded.sentences / total_seconds, 1),
        "coding_sentences_per_second": round(coded.sentences / code_seconds, 1),
        "processes": args.processes,
        "peak_memory_mb": round(peak_mb),
        "peak_memory_children_mb": round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        ),
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, "
        f"Python {platform.python_version()}",
    }
    if args.json:
        print(json.dumps(figures))
        return
    for key, value in figures.items():
        print(f"{key:>28}: {value}")
    print(
        "\nEnd to end (ingest + code, model load excluded): "
        f"{figures['articles_per_second']} articles/s, "
        f"{figures['sentences_per_second']} sentences/s, peak {figures['peak_memory_mb']} MB",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()

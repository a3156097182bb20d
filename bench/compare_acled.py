"""`redline compare` against ACLED: code ACLED's own notes, then match our events to ACLED's.

The ACLED dev notes (``../shared/data/acled-sample/events.dev.jsonl`` where that folder
exists) are written out twice into a scratch folder: as an ACLED CSV export (ACLED's columns,
the form `redline compare --format acled` reads) and as JSON-lines articles (the note as text,
ACLED's upload time as publication time). redline codes the articles into a store, and the
comparison reports how many of ACLED's events redline finds at the right date, place and dyad.

    python bench/compare_acled.py [--data ../shared/data] [--limit N] [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from redline.interop.compare import compare
from redline.interop.export import ACLED_COLUMNS
from redline.interop.imports import read_acled
from redline.pipeline import Pipeline
from redline.settings import Settings
from redline.store import Store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(Path(__file__).parents[2] / "shared" / "data"))
    parser.add_argument("--limit", type=int, default=None, help="Only the first N notes.")
    parser.add_argument("--out", default=None, help="Keep the scratch files here.")
    args = parser.parse_args()
    source = Path(args.data) / "acled-sample" / "events.dev.jsonl"
    if not source.exists():
        print(f"skipped: {source} does not exist (the ACLED sample is not on this machine)")
        return
    rows = [json.loads(line) for line in source.read_text("utf-8").splitlines() if line.strip()]
    rows = rows[: args.limit] if args.limit else rows
    folder = Path(args.out or tempfile.mkdtemp(prefix="redline-acled-"))
    folder.mkdir(parents=True, exist_ok=True)
    export = folder / "acled.csv"
    with open(export, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ACLED_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "notes": row["text"]})
    articles = folder / "notes.jsonl"
    with open(articles, "w", encoding="utf-8") as handle:
        for row in rows:
            published = datetime.fromtimestamp(int(row["timestamp"]), UTC).isoformat()
            handle.write(json.dumps({"text": row["text"], "title": row["id"],
                                     "url": f"https://acleddata.example/{row['id']}",
                                     "published": published}) + "\n")  # fmt: skip
    store_path = folder / "notes.duckdb"
    store_path.unlink(missing_ok=True)
    started = time.perf_counter()
    with Store(store_path) as store:
        # ACLED notes are one or two sentences: keep the short ones a news page would not be.
        summary = Pipeline(Settings(min_chars=20)).run([str(articles)], store)
        coded = time.perf_counter() - started
        ours = store.incidents()
    theirs = read_acled(export)
    tick = time.perf_counter()
    result = compare(ours, theirs, "acled")
    matched = time.perf_counter() - tick
    total = result.total
    print(f"{len(rows):,} ACLED notes coded in {coded:.0f} s: {summary.events:,} mentions, "
          f"{len(ours):,} events ({summary.failures} failures)")  # fmt: skip
    print(
        f"compared (violence and protest, {result.settings.days} day, "
        f"{result.settings.km:g} km) in {matched:.1f} s"
    )
    print(
        f"redline events {total.both + total.ours_only:,}, ACLED events "
        f"{total.both + total.theirs_only:,}, matched {total.both:,}"
    )
    print(
        f"overlap {total.overlap:.3f}; share of ACLED found {result.recall_of_theirs():.3f}; "
        f"share of ours in ACLED {result.precision_against_theirs():.3f}"
    )
    print(f"scratch files in {folder}", file=sys.stderr)


if __name__ == "__main__":
    main()

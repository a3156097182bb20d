"""Consolidation accuracy on bench/consolidation/ and speed on synthetic mentions.

Usage: python bench/consolidation.py [--scale N]

Accuracy: the 70 labelled articles are coded into a fresh in-memory store; each article's
main report (its first factual mention of the labelled event type) gives the article an
event; pairwise precision and recall of "same event" over article pairs against the labels.
Speed: N synthetic mentions (default 100,000) clustered by the pure function.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import time
from datetime import UTC, date, datetime, timedelta
from itertools import combinations
from pathlib import Path

from redline.consolidate.cluster import FACTUAL, Source, cluster
from redline.model import ActorRef, Event, EventDate, Evidence, Place, Realis
from redline.pipeline import Pipeline
from redline.settings import Settings
from redline.store import Store

HERE = Path(__file__).parent / "consolidation"


def accuracy() -> dict[str, float]:
    labels = {row["article"]: row for row in csv.DictReader((HERE / "labels.csv").open())}
    urls = {}
    for line in (HERE / "articles.jsonl").open():
        record = json.loads(line)
        urls[record["url"]] = record["id"]
    with Store(":memory:") as store:
        Pipeline(Settings(db=":memory:")).run([str(HERE / "articles.jsonl")], store)
        by_article = {a: None for a in labels}
        article_of = {
            row["id"]: urls.get(row["url"]) for row in store._query("SELECT id, url FROM articles")
        }
        incidents = store.incidents(with_links=True)
        incident_of = {m: i.id for i in incidents for m in i.mentions}
        mentions = sorted(store.events(), key=lambda e: (e.evidence.sentence, e.id))
        for mention in mentions:
            label = article_of.get(mention.article_id)
            if label is None or by_article.get(label) is not None:
                continue
            wanted = labels[label]["event_type"]
            if mention.event_type == wanted and mention.realis in FACTUAL:
                by_article[label] = incident_of.get(mention.id)
        counts = store.counts()
    tp = fp = fn = 0
    for a, b in combinations(sorted(labels), 2):
        gold = labels[a]["incident"] == labels[b]["incident"]
        ours = by_article[a] is not None and by_article[a] == by_article[b]
        tp += gold and ours
        fp += ours and not gold
        fn += gold and not ours
    missing = sum(v is None for v in by_article.values())
    return {
        "articles": len(labels),
        "articles_without_main_report": missing,
        "gold_pairs": tp + fn,
        "precision": tp / max(1, tp + fp),
        "recall": tp / max(1, tp + fn),
        "mentions": counts["events"],
        "events": counts["incidents"],
    }


def synthetic(n: int, seed: int = 7) -> tuple[list[Event], dict[str, Source]]:
    """Mentions of n/4 incidents over a year in 40 countries, 1-7 reports each."""
    rng = random.Random(seed)
    actors = [ActorRef(id=f"G{i}", name=f"Group {i}", sponsors=(f"S{i % 5}",)) for i in range(300)]
    events: list[Event] = []
    articles: dict[str, Source] = {}
    start = date(2020, 1, 1)
    i = 0
    while len(events) < n:
        day = start + timedelta(days=rng.randrange(365))
        lat, lon = rng.uniform(-30, 50), rng.uniform(-20, 120)
        source, target = rng.sample(actors, 2)
        kind = rng.choice(["ASSAULT", "PROTEST", "COERCE", "ACCUSE", "MOBILIZE"])
        for r in range(rng.randint(1, 7)):
            article = f"a{i}-{r}"
            articles[article] = Source(article, f"site{rng.randrange(50)}", datetime.now(UTC))
            events.append(
                Event(
                    id=f"m{len(events):07d}",
                    article_id=article,
                    event_type=kind,
                    mode=None,
                    realis=Realis.ASSERTED,
                    source=(source,) if rng.random() > 0.2 else (),
                    target=(target,),
                    date=EventDate(value=day + timedelta(days=rng.choice([0, 0, 0, 1]))),
                    location=Place(
                        name="x",
                        country=f"C{int(lat) % 40}",
                        lat=lat + rng.uniform(-0.02, 0.02),
                        lon=lon,
                        precision=1 if rng.random() > 0.3 else 3,
                    ),
                    fatalities=rng.choice([None, 0, 1, 2, 5]),
                    evidence=Evidence(
                        article_id=article, sentence=0, start=0, end=10, quote=f"quote {i}"
                    ),
                    coder="synthetic",
                )
            )
        i += 1
    return events[:n], articles


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=100_000)
    args = parser.parse_args()
    print("labelled set:", json.dumps(accuracy(), indent=1))
    events, articles = synthetic(args.scale)
    began = time.perf_counter()
    grouped = cluster(events, articles)
    took = time.perf_counter() - began
    print(f"{len(events):,} synthetic mentions -> {len(grouped):,} events in {took:.1f} s")


if __name__ == "__main__":
    main()

"""Golden files: the example corpus, run end to end, against reviewed expected events.

tests/golden/<example>.events.json holds, for every file in examples/, the events the
pipeline codes from it. After a deliberate coder change run
``pytest tests/test_golden.py --update-golden`` and review the diff like code.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from redline.model import Event
from redline.pipeline import Pipeline
from redline.settings import Settings
from redline.store import Store

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples"
GOLDEN = Path(__file__).parent / "golden"
FILES = sorted(p for p in EXAMPLES.iterdir() if p.suffix in {".html", ".txt", ".jsonl"})

pytestmark = pytest.mark.model


def brief(event: Event) -> dict[str, Any]:
    return {
        "sentence": event.evidence.sentence,
        "trigger": event.evidence.trigger,
        "date": event.date.value.isoformat(),
        "event_type": event.event_type,
        "mode": event.mode,
        "context": list(event.context),
        "realis": str(event.realis),
        "source": [a.id for a in event.source],
        "target": [a.id for a in event.target],
        "fatalities": event.fatalities,
        # "(actors)" marks a country read from the event's actors, not a place named.
        "place": (
            None
            if event.location is None
            else event.location.name
            + ("" if event.location.basis == "text" else f" ({event.location.basis}s)")
        ),
        "country": event.location.country if event.location else None,
        "quote": event.evidence.quote,
    }


@pytest.fixture(scope="module")
def coded() -> dict[str, list[dict[str, Any]]]:
    by_file: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with Store(":memory:") as store:
        summary = Pipeline(Settings()).run([str(EXAMPLES)], store)
        assert summary.failures == 0, [f.message for f in store.failures()]
        for event in store.events():
            article = store.article(event.article_id)
            assert article is not None
            name = Path(article.origin.split(":")[0]).name
            by_file[name].append(brief(event))
    for events in by_file.values():
        events.sort(key=lambda e: (e["sentence"], e["trigger"], e["event_type"]))
    return dict(by_file)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_golden_examples(
    path: Path, coded: dict[str, list[dict[str, Any]]], request: pytest.FixtureRequest
) -> None:
    golden = GOLDEN / f"{path.stem}.events.json"
    got = coded.get(path.name, [])
    if request.config.getoption("--update-golden"):
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n")
    assert golden.exists(), f"no golden file for {path.name}: run pytest --update-golden"
    expected = json.loads(golden.read_text())
    assert got == expected, (
        f"events coded from examples/{path.name} changed; if intended, rerun with "
        "--update-golden and review the diff"
    )


def _has(events: list[dict[str, Any]], **want: Any) -> bool:
    return any(all(e[k] == v for k, v in want.items()) for e in events)


def test_golden_key_events_of_the_k1_sequence(coded: dict[str, list[dict[str, Any]]]) -> None:
    everything = [e for events in coded.values() for e in events]
    k1 = [
        e
        for e in everything
        if e["event_type"] == "ASSAULT"
        and e["source"] == ["kataib-hezbollah"]
        and "USA" in e["target"]
        and e["realis"] == "asserted"
    ]
    assert k1, "Kata'ib Hezbollah -> USA ASSAULT (the K1 attack) was not coded"
    assert any("K1" in e["quote"] for e in k1)
    assert any(e["fatalities"] == 1 for e in k1), "the contractor's death was not read"
    assert any(e["date"] == "2019-12-27" for e in k1), "the K1 attack was not dated 27 Dec 2019"
    assert any(e["place"] in {"K-1 Air Base", "Kirkuk"} and e["country"] == "IRQ" for e in k1), (
        "the K1 attack was not placed at or near Kirkuk, Iraq"
    )
    strikes = [
        e
        for e in everything
        if e["event_type"] == "ASSAULT"
        and e["mode"] == "aerial"
        and e["source"] == ["USA"]
        and "kataib-hezbollah" in e["target"]
        and e["realis"] == "asserted"
    ]
    assert strikes, "USA -> Kata'ib Hezbollah ASSAULT:aerial (29 Dec strikes) was not coded"
    assert any(e["date"] == "2019-12-29" for e in strikes), "the strikes were not dated 29 Dec"


def test_golden_no_asserted_event_from_negation(coded: dict[str, list[dict[str, Any]]]) -> None:
    everything = [e for events in coded.values() for e in events]
    for event in everything:
        if " did not " in event["quote"] and event["trigger"].split("@")[0] in event["quote"]:
            word = event["trigger"].split("@")[0]
            if f"did not {word}" in event["quote"]:
                assert event["realis"] == "negated", event

"""Schema-driven fuzzing of the JSON API: schemathesis over ``/openapi.json``, in-process.

The API must answer every request, however malformed, with a 2xx or a 4xx: a 5xx means an
unchecked input reached code that cannot take it. This drives every operation of the schema
(all schemathesis phases: examples, coverage, fuzzing, stateful) against a small real store
of hand-made events, under three server set-ups, because the write endpoints take different
paths in each:

* ``writes off``: no ``api_token`` setting, so ingest and rule edits answer 403;
* ``token, not given``: a token is set but the client sends none (schemathesis still fuzzes
  the ``Authorization`` header, so wrong tokens are tried too): 401;
* ``token given``: the client sends the right token, so ingest runs the real pipeline (spaCy
  model included) and rule edits parse and save TOML. Fetches get a 0.5 s timeout, so random
  URLs cannot hold the run up, and the write rate limit is lifted so writes are exercised.

Then, because a random string is almost never TOML, a Hypothesis stage sends rule files that
*are* TOML (random ``[[rule]]`` tables with right and wrong keys, types and values) to
``PUT /api/rules``. A 5xx anywhere fails the run (exit status 1). The other schemathesis
checks run too and are reported, but only 5xx are the goal.

    python bench/fuzz_api.py [--examples 100] [--rules-examples 500] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import tempfile
import time
import tomllib
import traceback
from collections import Counter
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from datetime import time as clock_time
from importlib.metadata import version
from pathlib import Path
from typing import Any

import duckdb
import hypothesis
import schemathesis
from hypothesis import strategies as st
from schemathesis.engine import events, from_schema
from schemathesis.engine.statistic import Statistic

from redline.analyze.alerts import check
from redline.analyze.rules import Rule, load_rules
from redline.consolidate.update import consolidate
from redline.model import (
    EVENT_TYPES,
    ActorRef,
    Article,
    Event,
    EventDate,
    Evidence,
    Place,
    Realis,
    RunResult,
)
from redline.serve.app import create_app
from redline.serve.snapshot import Snapshots
from redline.settings import Settings
from redline.store import Store

TOKEN = "fuzz-token-0123456789"
WRITES = ("POST /api/ingest", "PUT /api/rules")
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Asgi = Callable[[Scope, Receive, Send], Awaitable[None]]


@schemathesis.serializer("application/toml")
def _toml_body(ctx: Any, value: Any) -> bytes:
    """The rules body is TOML text; a generated non-string (negative mode) goes as JSON text."""
    return (
        value.encode("utf-8", "surrogatepass")
        if isinstance(value, str)
        else json.dumps(value, default=str).encode()
    )


# -- a small real store -----------------------------------------------------------------------

KH = ActorRef(id="kataib-hezbollah", name="Kata'ib Hezbollah", country="IRQ", sector="PRM",
              sponsors=("irgc-quds-force", "irgc", "IRN"), text="Kataib Hezbollah")  # fmt: skip
USA = ActorRef(id="USA", name="United States", country="USA", sector="GOV", text="U.S.")
IRN = ActorRef(id="IRN", name="Iran", country="IRN", sector="GOV", text="Iran")
CIVILIANS = ActorRef(id="civilians", name="Civilians", sector="CVL", text="protesters")
K1 = Place(name="K-1 Air Base", country="IRQ", admin1="Kirkuk", lat=35.5, lon=44.29,
           precision=1, raw="K1 base")  # fmt: skip
EMBASSY = Place(name="U.S. Embassy in Baghdad", country="IRQ", admin1="Baghdad", lat=33.2989,
                lon=44.3953, precision=1, raw="U.S. embassy in Baghdad")  # fmt: skip


def build_store(path: Path) -> None:
    """Hand-made reports (no NLP model): two copies of one attack, strikes, a mob, a threat,
    then consolidation and the shipped rules, so every read endpoint has something to show."""
    stories = [
        ("a-k1", "Kataib Hezbollah fired rockets at the K1 base near Kirkuk, killing a U.S. "
         "contractor.", "fired", date(2019, 12, 27), "ASSAULT", "heavy-weapons", KH, USA, K1, 1),
        ("a-k1-copy", "Kataib Hezbollah fired rockets at the K1 base near Kirkuk, killing a "
         "U.S. contractor, officials said.", "fired", date(2019, 12, 27), "ASSAULT",
         "heavy-weapons", KH, USA, K1, 1),
        ("a-strikes", "U.S. jets struck Kataib Hezbollah sites near al-Qaim, killing 25 "
         "fighters.", "struck", date(2019, 12, 29), "ASSAULT", "aerial", USA, KH, None, 25),
        ("a-embassy", "Protesters broke into the U.S. embassy in Baghdad.", "broke",
         date(2019, 12, 31), "PROTEST", "riot", CIVILIANS, USA, EMBASSY, None),
        ("a-threat", "Iran threatened the United States with a harsh revenge.", "threatened",
         date(2020, 1, 3), "THREATEN", None, IRN, USA, None, None),
    ]  # fmt: skip
    articles, mentions = [], []
    for number, story in enumerate(stories):
        ident, text, trigger, day, kind, mode, source, target, place, dead = story
        article = Article(
            id=ident, origin=f"{ident}.html", text=text, url=f"https://news.example/{ident}",
            site="news.example", published_at=datetime(day.year, day.month, day.day, 18,
                                                        tzinfo=UTC),
            ingested_at=datetime(2020, 1, 5, tzinfo=UTC),
        )  # fmt: skip
        mentions.append(
            Event(
                id=f"m{number}", article_id=ident, date=EventDate(value=day, raw="on Friday"),
                event_type=kind, mode=mode,
                realis=Realis.THREATENED if kind == "THREATEN" else Realis.ASSERTED,
                source=(source,), target=(target,), coder="fuzz", location=place,
                evidence=Evidence(article_id=ident, sentence=0, start=0, end=len(text),
                                  quote=text, trigger=f"{trigger}@{text.index(trigger)}"),
                fatalities=dead, cameo="190" if kind == "ASSAULT" else None,
                intensity=-10.0 if kind == "ASSAULT" else -5.0,
            )
        )  # fmt: skip
        articles.append(article)
    with Store(path) as store:
        store.append(RunResult(articles=tuple(articles), events=tuple(mentions)), coded_by="fuzz")
        consolidate(store)
        check(store, load_rules())


# -- the app as a real server would answer ------------------------------------------------


@dataclass
class Crashes:
    """Unhandled exceptions, keyed by where they were raised, with the first request seen.

    In-process, an exception escapes the ASGI app (Starlette has already sent the 500), where
    uvicorn would log it and keep serving; this wrapper does the same and keeps the evidence.
    """

    seen: dict[str, tuple[int, str]] = field(default_factory=dict)

    def wrap(self, app: Asgi) -> Asgi:
        async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
            body = bytearray()

            started = False

            async def keep(message: Message) -> None:
                nonlocal started
                started = started or message["type"] == "http.response.start"
                await send(message)

            async def read() -> Message:
                message = await receive()
                if message.get("type") == "http.request" and len(body) < 400:
                    body.extend(message.get("body", b"")[: 400 - len(body)])
                return message

            try:
                await app(scope, read, keep)
            except Exception as exc:
                if scope.get("type") != "http":
                    raise
                frame = traceback.extract_tb(exc.__traceback__)[-1]
                where = f"{type(exc).__name__} at {Path(frame.filename).name}:{frame.lineno}"
                query = scope.get("query_string", b"").decode("latin-1")
                request = f"{scope['method']} {scope['path']}{'?' + query if query else ''}"
                request += f" body={bytes(body)[:300]!r}" if body else ""
                count, first = self.seen.get(where, (0, f"{exc!s:.200} <- {request}"))
                self.seen[where] = (count + 1, first)
                if not started:
                    await send({"type": "http.response.start", "status": 500, "headers": []})
                    await send({"type": "http.response.body", "body": b"Internal Server Error"})

        return wrapped


# -- schemathesis runs -------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one set-up gave: cases, operations, status codes, 5xx and other check failures."""

    name: str
    cases: int = 0
    seconds: float = 0.0
    operations: set[str] = field(default_factory=set)
    statuses: Counter[int] = field(default_factory=Counter)
    writes: dict[str, Counter[int]] = field(default_factory=dict)
    server_errors: list[str] = field(default_factory=list)
    failing_checks: dict[str, set[str]] = field(default_factory=dict)
    examples: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def run_schemathesis(
    name: str, settings: Settings, folder: Path, *, examples: int, seed: int, token: bool
) -> tuple[Outcome, Crashes]:
    crashes = Crashes()
    snapshots = Snapshots(settings.db, every=0.2)
    app = create_app(settings, snapshots=snapshots, rules_path=folder / f"{name}.rules.toml")
    config: dict[str, Any] = {
        "seed": seed,
        "continue-on-failure": True,
        "generation": {"max-examples": examples, "database": "none"},
        "checks": {"enabled": True},
    }
    if token:
        config["headers"] = {"Authorization": f"Bearer {TOKEN}"}
    schema = schemathesis.openapi.from_asgi(
        "/openapi.json", crashes.wrap(app), config=schemathesis.Config.from_dict(config)
    )
    outcome = Outcome(name)
    statistic = Statistic()
    started = time.perf_counter()
    try:
        for event in from_schema(schema).execute():
            if isinstance(event, events.ScenarioFinished):
                statistic.on_scenario_finished(event.recorder)
                for case_id, interaction in event.recorder.interactions.items():
                    node = event.recorder.cases.get(case_id)
                    label = node.value.operation.label if node else event.recorder.label
                    outcome.operations.add(label)
                    if interaction.response is None:
                        continue
                    code = interaction.response.status_code
                    outcome.statuses[code] += 1
                    if label in WRITES:
                        outcome.writes.setdefault(label, Counter())[code] += 1
                    if code >= 500:
                        request = interaction.request
                        outcome.server_errors.append(
                            f"{code} {request.method} {request.uri} body={request.body!r:.200}"
                        )
            elif isinstance(event, events.NonFatalError | events.FatalError):
                text = getattr(event, "value", None) or getattr(event, "exception", None)
                outcome.errors.append(f"{getattr(event, 'label', '')}: {text!s:.300}")
    finally:
        snapshots.close()
    outcome.seconds = time.perf_counter() - started
    outcome.cases = statistic.total_cases
    for label, groups in statistic.failures.items():
        for group in groups.values():
            for failure in group.failures:
                title = failure.title
                outcome.failing_checks.setdefault(title, set()).add(label)
                outcome.examples.setdefault(title, f"{label}: {failure.message!s:.160}")
    return outcome, crashes


# -- TOML rule files for PUT /api/rules ------------------------------------------------------

_RULE_KEYS = sorted(Rule.__dataclass_fields__)
_WORDS = [*EVENT_TYPES, *[str(r) for r in Realis], "IRN", "USA", "kataib-hezbollah", "embassy",
          "military base", "critical", "warning", "info", "heavy-weapons", "aerial", "riot",
          "2019-12-27", "2020-02-30", "", " ", "x" * 300]  # fmt: skip


def _toml_key(key: str) -> str:
    bare = key and all(c.isascii() and (c.isalnum() or c in "-_") for c in key)
    return key if bare else _toml_string(key)


def _toml_string(text: str) -> str:
    return json.dumps(text).replace("\x7f", "\\u007f")


def toml_value(value: Any) -> str:
    """One TOML value (inline): what a rule file may hold, right type or not."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, datetime | date | clock_time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no TOML for {value!r}")


def toml_document(data: dict[str, Any]) -> str:
    """Top-level keys first, then ``[[rule]]`` tables when ``rule`` is a list of tables."""
    lines, tables = [], None
    for key, value in data.items():
        if (
            key == "rule"
            and isinstance(value, list)
            and value
            and all(isinstance(v, dict) for v in value)
        ):
            tables = value
        else:
            lines.append(f"{_toml_key(key)} = {toml_value(value)}")
    for table in tables or []:
        lines.append("[[rule]]")
        lines += [f"{_toml_key(k)} = {toml_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


def rule_documents() -> st.SearchStrategy[dict[str, Any]]:
    """Rule files: mostly rules whose keys hold values of about the right kind (so parsing
    gets past the first check), mixed with values of any TOML type and unknown keys."""
    scalar = st.one_of(
        st.sampled_from(_WORDS),
        st.text(max_size=12),
        st.integers(min_value=-(2**63), max_value=2**63 - 1),
        st.booleans(),
        st.floats(),
        st.dates(),
        st.datetimes(timezones=st.none() | st.just(UTC)),
        st.times(),
    )
    anything = st.recursive(
        scalar,
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(st.sampled_from(["count", "days", "x"]), inner, max_size=3)
        ),
        max_leaves=8,
    )
    words = st.sampled_from(_WORDS)
    when = st.one_of(
        st.dates(min_value=date(2015, 1, 1), max_value=date(2025, 1, 1)),
        st.datetimes(min_value=datetime(2015, 1, 1), max_value=datetime(2025, 1, 1)),
        st.sampled_from(["2019-12-27", "2020-02-30", "yesterday"]),
    )
    number = st.integers(min_value=-2, max_value=50)
    fitting: dict[str, st.SearchStrategy[Any]] = {
        "id": st.from_regex(r"\A[a-z0-9][a-z0-9-]{0,12}\Z"),
        "title": st.sampled_from(["A title", "", "  "]),
        "severity": st.sampled_from(["info", "warning", "critical", "CRITICAL", "high"]),
        "description": st.text(max_size=20),
        "rollup": st.booleans(),
        "first": st.booleans(),
        "min_fatalities": number,
        "min_sources": number,
        "since": when,
        "until": when,
        "threshold": st.fixed_dictionaries({"count": number, "days": number}),
    }
    for key in _RULE_KEYS:
        fitting.setdefault(key, words | st.lists(words, max_size=3))
    keys = st.sampled_from([*_RULE_KEYS, "junk", "Source"])
    table = st.builds(
        lambda ident, title, chosen, wrong: {"id": ident, "title": title, **chosen, **wrong},
        fitting["id"] | st.text(max_size=8),
        fitting["title"] | st.text(max_size=10),
        st.lists(st.sampled_from(_RULE_KEYS), max_size=6, unique=True).flatmap(
            lambda chosen: st.fixed_dictionaries({k: fitting[k] for k in chosen})
        ),
        st.one_of(st.just({}), st.just({}), st.dictionaries(keys, anything, max_size=2)),
    )
    tables = st.lists(table, max_size=4).map(lambda found: {"rule": found})
    other = st.dictionaries(st.sampled_from(["rule", "rules", "x"]), anything, max_size=2)
    return st.one_of(tables, tables, tables, other)


EDGE_FILES = {
    "arrays nested 100,000 deep": "a = " + "[" * 100_000 + "]" * 100_000 + "\n",
    "inline tables nested 50,000 deep": "a = " + "{b = " * 50_000 + "1" + "}" * 50_000 + "\n",
    "since a date-time, until an earlier date": '[[rule]]\nid = "x"\ntitle = "t"\n'
    "since = 2020-01-01T00:00:00\nuntil = 2019-01-01\n",
    "an integer beyond 64 bits": '[[rule]]\nid = "x"\ntitle = "t"\nmin_sources = '
    + "9" * 5000
    + "\n",
    "a byte-order mark": '\ufeff[[rule]]\nid = "x"\ntitle = "t"\n',
}
"""Files a generator rarely writes but a person (or an attacker) might."""


def run_rule_files(
    settings: Settings, folder: Path, *, examples: int, seed: int
) -> tuple[Outcome, Crashes]:
    """PUT random TOML rule files with the token, through the same schemathesis transport."""
    crashes = Crashes()
    snapshots = Snapshots(settings.db, every=0.2)
    app = create_app(settings, snapshots=snapshots, rules_path=folder / "toml.rules.toml")
    schema = schemathesis.openapi.from_asgi("/openapi.json", crashes.wrap(app))
    operation = schema["/api/rules"]["PUT"]
    outcome = Outcome("TOML rule files")
    outcome.operations.add(operation.label)
    started = time.perf_counter()

    def put(text: str | bytes) -> None:
        case = operation.Case(body=text, media_type="application/toml",
                              headers={"Authorization": f"Bearer {TOKEN}"})  # fmt: skip
        response = case.call()
        outcome.cases += 1
        outcome.statuses[response.status_code] += 1
        if response.status_code >= 500:
            outcome.server_errors.append(
                f"{response.status_code} PUT /api/rules body={text!r:.300}"
            )

    @hypothesis.settings(max_examples=examples, database=None, deadline=None,
                         suppress_health_check=list(hypothesis.HealthCheck))  # fmt: skip
    @hypothesis.seed(seed)
    @hypothesis.given(document=rule_documents())
    def send(document: dict[str, Any]) -> None:
        text = toml_document(document)
        try:
            tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            hypothesis.reject()  # the generator's own slip: not a TOML file after all
        put(text)

    try:
        for text in EDGE_FILES.values():
            put(text)
        send()
    finally:
        snapshots.close()
    outcome.seconds = time.perf_counter() - started
    return outcome, crashes


# -- report ----------------------------------------------------------------------------------


def report(outcome: Outcome, crashes: Crashes) -> None:
    codes = ", ".join(f"{code}: {n:,}" for code, n in sorted(outcome.statuses.items()))
    print(f"\n[{outcome.name}] {outcome.cases:,} cases over {len(outcome.operations)} "
          f"operations in {outcome.seconds:.1f} s")  # fmt: skip
    print(f"  status codes: {codes}")
    for label, counts in sorted(outcome.writes.items()):
        print(f"    {label}: " + ", ".join(f"{c}: {n:,}" for c, n in sorted(counts.items())))
    print(f"  5xx responses: {len(outcome.server_errors)}")
    for line in outcome.server_errors[:5]:
        print(f"    {line}")
    for where, (count, first) in crashes.seen.items():
        print(f"  unhandled {where} ({count}x): {first}")
    for title, labels in sorted(outcome.failing_checks.items()):
        kind = "5xx" if title == "Server error" else "not a 5xx"
        print(f"  check failing ({kind}): {title} on {len(labels)} "
              f"operation(s): {', '.join(sorted(labels))}")  # fmt: skip
        print(f"    e.g. {outcome.examples[title]}".replace("\n", " "))
    for error in outcome.errors:
        print(f"  engine error: {error}".replace("\n", " "))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100, help="max examples per operation")
    parser.add_argument("--rules-examples", type=int, default=500, help="TOML rule files sent")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} CPUs, {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}, schemathesis {version('schemathesis')}"
          f", hypothesis {hypothesis.__version__}, duckdb {duckdb.__version__}")  # fmt: skip
    results: list[tuple[Outcome, Crashes]] = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        db = folder / "fuzz.duckdb"
        build_store(db)
        setups = [
            ("writes off", Settings(db=str(db)), False),
            ("token, not given", Settings(db=str(db), api_token=TOKEN), False),
            ("token given", Settings(db=str(db), api_token=TOKEN, fetch_timeout=0.5,
                                     api_writes_per_minute=1_000_000), True),
        ]  # fmt: skip
        for label, settings, token in setups:
            results.append(
                run_schemathesis(
                    label, settings, folder, examples=args.examples, seed=args.seed, token=token
                )
            )
            report(*results[-1])
        rules = Settings(db=str(db), api_token=TOKEN, api_writes_per_minute=1_000_000)
        results.append(run_rule_files(rules, folder, examples=args.rules_examples, seed=args.seed))
        report(*results[-1])
    fuzzed, toml = results[:-1], results[-1][0]
    total = sum(o.cases for o, _ in fuzzed)
    operations = set().union(*(o.operations for o, _ in fuzzed))
    server_errors = sum(len(o.server_errors) for o, _ in results)
    print(f"\nschemathesis: {total:,} cases over {len(operations)} operations "
          f"({len(fuzzed)} set-ups); TOML rule files: {toml.cases:,}; "
          f"5xx responses: {server_errors}")  # fmt: skip
    return 1 if server_errors else 0


if __name__ == "__main__":
    sys.exit(main())

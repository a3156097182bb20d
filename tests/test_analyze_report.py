"""The HTML report: every section present, nothing loaded from the web, untrusted text inert."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from redline.analyze.alerts import check
from redline.analyze.escalation import RUNGS
from redline.analyze.report import build_report, gather
from redline.analyze.rules import Rule, parse_rules
from redline.cli_report import report
from redline.consolidate.cluster import Casualties, Incident, Link
from redline.model import ActorRef, Article, Event, EventDate, Evidence, Place, Realis, RunResult
from redline.store import Store
from redline.store import alerts as stored_alerts
from redline.store import incidents as stored

KH = ActorRef(id="kataib-hezbollah", name="Kata'ib Hezbollah", sponsors=("irgc-qf", "IRN"))
IRN = ActorRef(id="IRN", name="Iran")
USA = ActorRef(id="USA", name="United States")
GBR = ActorRef(id="GBR", name="Britain")
FRA = ActorRef(id="FRA", name="France")
DAY = date(2019, 12, 1)
NOW = datetime(2020, 1, 10, 12, 0, tzinfo=UTC)
SCRIPT = "<script>alert('x')</script>"
URLS = {
    "a1": "https://news.example/k1",
    "a2": "javascript:alert(1)",
    "a3": "https://wire.example/strikes",
    "a4": "https://other.example/paris",
}
RULES: list[Rule] = parse_rules(
    {
        "rule": [
            {
                "id": "deadly-attack",
                "title": "Deadly attack",
                "severity": "critical",
                "event_type": "ASSAULT",
                "min_fatalities": 1,
            },
            {
                "id": "first-us-death",
                "title": "First US death from an Iran-aligned attack",
                "source": "IRN",
                "against": "USA",
                "min_fatalities": 1,
                "first": True,
            },
        ]
    }
)

# id, day, type, mode, source, target, dead, intensity, sources, place, mentions
_EVENTS: list[tuple[str, int, str, str | None, ActorRef, ActorRef, int | None, float, int]] = [
    ("k1", 26, "ASSAULT", "heavy-weapons", KH, USA, 1, -10.0, 2),
    ("strike", 28, "ASSAULT", "aerial", USA, KH, 25, -10.0, 3),
    ("threat", 29, "THREATEN", None, IRN, USA, None, -4.4, 1),
    ("accuse", 30, "ACCUSE", None, IRN, USA, None, -2.0, 5),
    ("paris", 27, "ASSAULT", None, GBR, FRA, 2, -10.0, 1),
]
# mention id -> (incident, article, quote)
_MENTIONS = {
    "m-k1a": ("k1", "a1", f"Rockets hit the K-1 base {SCRIPT} near Kirkuk."),
    "m-k1b": ("k1", "a2", "A US contractor was killed at K-1."),
    "m-strike": ("strike", "a3", "US jets struck Kata'ib Hezbollah in retaliation."),
    "m-threat": ("threat", "a3", "Iran threatened a crushing response."),
    "m-accuse": ("accuse", "a3", "Iran accused Washington of terrorism."),
    "m-paris": ("paris", "a4", "Britain attacked France in a hypothetical test."),
}


def _incident(
    ident: str,
    day: int,
    event_type: str,
    mode: str | None,
    source: ActorRef,
    target: ActorRef,
    dead: int | None,
    intensity: float,
    sources: int,
) -> Incident:
    mentions = tuple(m for m, (owner, _, _) in _MENTIONS.items() if owner == ident)
    return Incident(
        id=ident,
        event_type=event_type,
        mode=mode,
        realis=Realis.ASSERTED,
        source=(source,),
        target=(target,),
        date=EventDate(value=DAY + timedelta(days=day)),
        location=Place(name="K-1 Air Base", country="IRQ") if ident == "k1" else None,
        fatalities=None if dead is None else Casualties(dead, dead, dead, "m", "m", "m"),
        mentions=mentions,
        articles=len(mentions),
        sources=sources,
        first_reported=None,
        cameo=None,
        intensity=intensity,
        quote=_MENTIONS[mentions[0]][2],
        links=tuple(Link(m, "test") for m in mentions),
    )


def _fill(store: Store) -> None:
    """Write articles, mentions and events for the sample dyad (and one event beside it)."""
    articles = tuple(
        Article(
            id=ident,
            origin="test",
            text=f"text of {ident}",
            title="Evil <b>title</b>" if ident == "a2" else f"Story {ident}",
            url=url,
            site="example",
            published_at=datetime(2019, 12, 28, tzinfo=UTC),
            ingested_at=NOW,
        )
        for ident, url in URLS.items()
    )
    incidents = [_incident(*row) for row in _EVENTS]
    days = {i.id: i.date for i in incidents}
    mentions = tuple(
        Event(
            id=mention,
            article_id=article,
            date=days[owner],
            event_type="ASSAULT",
            mode=None,
            realis=Realis.CLAIMED if mention == "m-k1b" else Realis.ASSERTED,
            source=(KH,),
            target=(USA,),
            evidence=Evidence(article_id=article, sentence=0, start=0, end=len(quote), quote=quote),
            coder="test",
        )
        for mention, (owner, article, quote) in _MENTIONS.items()
    )
    store.append(RunResult(articles=articles, events=mentions))
    stored.replace(store, [], incidents)


@pytest.fixture(scope="module")
def sample() -> Iterator[Store]:
    """One store for the tests that only read it (charts take a moment to draw)."""
    with Store(":memory:") as db:
        _fill(db)
        yield db


@pytest.fixture(scope="module")
def page(sample: Store) -> str:
    return build_report(sample, "USA", "IRN", rules=RULES, now=NOW)


@pytest.fixture
def filled(store: Store) -> Store:
    _fill(store)
    return store


def _section(page: str, name: str) -> str:
    start = page.index(f'<section id="{name}">')
    return page[start : page.index("</section>", start)]


def test_report_shows_every_section_of_the_dyad(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<h1>USA ↔ IRN</h1>" in page
    assert "generated 2020-01-10 12:00 UTC" in page
    assert "2019-12-27 to 2019-12-31" in page, "the period covered is the events' dates"
    timeline = _section(page, "timeline")
    assert "<svg" in timeline and "</svg>" in timeline
    ladder = _section(page, "ladder")
    for name in RUNGS:
        assert f">{name}<" in ladder, f"rung {name!r} should be listed"
    assert '<span class="cur">current</span>' in ladder and '<span class="pk">peak</span>' in ladder
    assert "2019-12-27" in ladder and "attack causing deaths" in ladder
    assert "Action and reaction" in page and "USA answering IRN" in page


def test_report_header_counts_events_hostile_events_and_alerts(sample: Store, page: str) -> None:
    data = gather(sample, "USA", "IRN", rules=RULES, now=NOW)
    assert (data.events, data.hostile, len(data.alerts)) == (4, 4, 3)
    assert "<li><b>4</b>events</li>" in page and "<li><b>3</b>alerts</li>" in page


def test_report_alerts_carry_their_evidence_and_article_links(page: str) -> None:
    alerts = _section(page, "alerts")
    assert "First US death from an Iran-aligned attack" in alerts
    assert "A US contractor was killed at K-1." in alerts
    assert "claimed" in alerts, "each quote shows its realis"
    assert f'<a href="{URLS["a1"]}"' in alerts
    assert alerts.count('<article class="alert') == 3
    assert "France" not in alerts, "an alert on events beside the dyad is left out"


def test_report_top_events_most_hostile_then_most_sources(sample: Store, page: str) -> None:
    events = _section(page, "events")
    order = [
        events.index(text) for text in ("US jets struck", "Rockets hit", "crushing", "accused")
    ]
    assert order == sorted(order), "equal hostility ranks by sources; then less hostile"
    assert "K-1 Air Base" in events and ">25<" in events
    assert f'<a href="{URLS["a3"]}"' in events, "a top event links its article"
    top = gather(sample, "USA", "IRN", rules=RULES, top=1, now=NOW).top
    assert [i.id for i in top] == ["strike"]


def test_report_loads_nothing_and_links_only_web_articles(page: str) -> None:
    lowered = page.lower()
    for banned in ("<script", "<link", "<img", "<iframe", "<object", "@import", " src="):
        assert banned not in lowered, f"the page must not hold {banned!r}"
    # The chart's clip paths point inside the page (url(#id)); nothing else may be fetched.
    assert re.findall(r"url\(\s*['\"]?([^#'\")\s])", page) == []
    assert "content-security-policy" in lowered
    # Every URL in the page is an article's, and each one is the target of a link.
    assert set(re.findall(r"https?://[^\s\"'<>]+", page)) <= set(URLS.values())
    for url in re.findall(r"https?://[^\s\"'<>]+", page):
        assert f'<a href="{url}"' in page
    targets = re.findall(r"\b(?:href|src)\s*=\s*[\"']?([^\"'\s>]+)", page, re.IGNORECASE)
    assert targets and all(t in URLS.values() or t.startswith("#") for t in targets)


def test_report_escapes_untrusted_text(sample: Store, page: str) -> None:
    assert SCRIPT not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "Evil &lt;b&gt;title&lt;/b&gt;" in page and "<b>title</b>" not in page
    assert "javascript:" not in page, "a non-web URL is shown as text, never linked"
    odd = build_report(sample, "USA", "<i>IRN</i>", rules=RULES, now=NOW)
    assert "<i>IRN</i>" not in odd and "&lt;i&gt;IRN&lt;/i&gt;" in odd


def test_report_is_read_only_and_shows_stored_alerts_once(filled: Store) -> None:
    before = (filled.counts(), stored_alerts.count(filled))
    build_report(filled, "USA", "IRN", rules=RULES, now=NOW)
    assert (filled.counts(), stored_alerts.count(filled)) == before, "nothing is written"
    check(filled, RULES, now=NOW)
    alerts = _section(build_report(filled, "USA", "IRN", rules=RULES, now=NOW), "alerts")
    assert alerts.count('<article class="alert') == 3, "stored and fresh alerts dedupe by id"
    assert alerts.count("raised 2020-01-10") == 3
    # Stored alerts show even when the rules that raised them are not given again.
    again = _section(build_report(filled, "USA", "IRN", rules=[], now=NOW), "alerts")
    assert again.count('<article class="alert') == 3


def test_report_since_and_until_narrow_events_and_alerts(sample: Store) -> None:
    since, until = date(2019, 12, 29), date(2019, 12, 30)
    data = gather(sample, "USA", "IRN", rules=RULES, since=since, until=until, now=NOW)
    assert {i.id for i in data.top} == {"strike", "threat"}
    assert [a["date"] for a in data.alerts] == ["2019-12-29"]
    page = build_report(sample, "USA", "IRN", rules=RULES, since=since, now=NOW)
    assert "asked for 2019-12-29 to the end" in page


def test_report_without_events_says_there_is_nothing_yet(sample: Store, store: Store) -> None:
    page = build_report(sample, "USA", "CHN", rules=RULES, now=NOW)
    assert "Nothing yet" in page and "<svg" not in page
    assert "<li><b>0</b>events</li>" in page
    assert "No alerts" in page and "No events yet." in page
    empty = build_report(store, "USA", "IRN", now=NOW)
    assert "Nothing yet" in empty and "<svg" not in empty, "an empty store works too"


def test_report_rejects_a_dyad_of_one(sample: Store) -> None:
    from redline.errors import ConfigError

    with pytest.raises(ConfigError, match="two different actors"):
        build_report(sample, "USA", "USA", rules=RULES)


def test_report_command_writes_the_page(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    with Store(db) as store:
        _fill(store)
    out = tmp_path / "report.html"
    out.write_text("old report")
    result = CliRunner().invoke(report, ["USA", "IRN", "--db", str(db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    size = out.stat().st_size
    assert f"wrote {out} ({size:,} bytes)" in result.output
    page = out.read_text("utf-8")
    assert "<h1>USA ↔ IRN</h1>" in page and "<svg" in page
    assert "First US fatality from an Iran-aligned attack" in page, "the default rules apply"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "store.duckdb"]


def test_report_command_errors_are_one_sentence(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    missing = CliRunner().invoke(
        report, ["USA", "IRN", "--db", str(tmp_path / "none.duckdb"), "--out", str(out)]
    )
    assert missing.exit_code == 1 and "No store at" in missing.output
    assert not out.exists()
    bad = CliRunner().invoke(
        report, ["USA", "IRN", "--out", str(out), "--rules", str(tmp_path / "none.toml")]
    )
    assert bad.exit_code == 1 and "No rule file" in bad.output

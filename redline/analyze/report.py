"""One self-contained HTML page on a dyad: timeline, ladder, alerts with evidence, top events.

The page is meant to be mailed, archived and printed, so it carries everything it shows: the
chart is inline SVG with its text drawn as paths (no fonts), the CSS is inline, and there is
no script. A Content-Security-Policy forbids loading anything, so even a page edited later
cannot reach the network. Article text is untrusted: every string from the store is escaped,
and only ``http(s)`` article URLs become links.

``gather`` reads the store (read-only: rules are evaluated, never stored) into a
``ReportData``; ``render`` turns that into HTML; ``build_report`` does both.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from redline.analyze.alerts import listed, proofs, unstored
from redline.analyze.escalation import RUNGS, Ladder, direction, escalation
from redline.analyze.reaction import DyadReactions, Reaction, load
from redline.analyze.rules import SEVERITIES, Rule, evaluate, load_rules
from redline.analyze.sides import hostility, on_side, site_of
from redline.analyze.timeline import COUNTED, FREQUENCIES, Timeline, between, chart, check_freq
from redline.analyze.timeline import timeline as build_timeline
from redline.errors import ConfigError

if TYPE_CHECKING:
    from redline.consolidate.cluster import Incident
    from redline.model import ActorRef
    from redline.store.db import Store

REACTION_DAYS = 14
"""How far back a response looks for its trigger, and the before/after window it is judged
over (``reaction.load``'s default)."""


@dataclass(frozen=True, slots=True)
class ReportData:
    """Everything the page shows, read from the store once (so it can be tested alone).

    ``alerts`` are payload dicts (``FiredAlert.payload`` shape): stored ones keep their
    ``fired_at``, alerts only evaluated now have ``None``. ``links`` maps a top event's id to
    the URL of the article its quote came from (else of any report with a web URL).
    """

    a: str
    b: str
    rollup: bool
    freq: str
    since: date | None
    until: date | None
    generated: datetime
    first: date | None
    last: date | None
    line: Timeline
    ladder: Ladder
    alerts: tuple[dict[str, Any], ...]
    reactions: tuple[Reaction, ...]
    summaries: tuple[DyadReactions, ...]
    top: tuple[Incident, ...]
    links: Mapping[str, str]

    @property
    def events(self) -> int:
        """Events between the two sides (realis asserted, claimed, reported)."""
        return self.line.total("both")

    @property
    def hostile(self) -> int:
        """Of those, the hostile ones."""
        return sum(b.hostile for b in self.line.series("both"))


def _within(day: date, since: date | None, until: date | None) -> bool:
    return (since is None or day >= since) and (until is None or day <= until)


def _involves(incident: Incident, sides: list[str], rollup: bool) -> bool:
    """Whether either side acts, is hit, or has its people at the site that was hit (a mob at
    the US embassy is the USA's business even when the coder found no target actor)."""
    if on_side([*incident.source, *incident.target], sides, rollup):
        return True
    site = site_of(incident.location, incident.target)
    return site is not None and not set(site.hosts).isdisjoint(sides)


def _dyad_alerts(
    store: Store,
    rules: Sequence[Rule],
    sides: list[str],
    rollup: bool,
    since: date | None,
    until: date | None,
) -> list[dict[str, Any]]:
    """Alerts resting on at least one event involving either side, fresh and stored, once each.

    Each payload gets ``scope``: ``"dyad"`` when one of its events runs between the two
    sides, ``"side"`` when its events only involve one of them (a mob at the US embassy
    whose backers the coder could not name). Rules run over every stored event, not just the
    dyad's: a ``first`` rule must see the earliest match ever, and a burst may gather events
    from several dyads.
    """
    incidents = {i.id: i for i in store.incidents()}
    dyad = {k for k, i in incidents.items() if _involves(i, sides, rollup)}
    a, b = sides
    between_sides = {k for k in dyad if direction(incidents[k], a, b, rollup=rollup)}
    found: dict[str, dict[str, Any]] = {}
    for alert in evaluate(rules, incidents.values()):
        if dyad.isdisjoint(alert.incidents) or not _within(alert.date, since, until):
            continue
        found[alert.id] = unstored(alert, proofs(store, [incidents[i] for i in alert.incidents]))
    for payload in listed(store):
        day = date.fromisoformat(payload["date"])
        if dyad.isdisjoint(payload["incidents"]) or not _within(day, since, until):
            continue
        if payload["id"] in found:
            # Fresh evidence (reports added since it fired), but when it fired is history.
            found[payload["id"]]["fired_at"] = payload["fired_at"]
        else:
            found[payload["id"]] = payload
    for payload in found.values():
        payload["scope"] = "side" if between_sides.isdisjoint(payload["incidents"]) else "dyad"
    return sorted(found.values(), key=lambda p: (p["date"], p["rule"], p["id"]))


def _rank(incident: Incident) -> tuple[float, int, date, str]:
    return (-hostility(incident.intensity), -incident.sources, incident.date.value, incident.id)


def gather(
    store: Store,
    a: str,
    b: str,
    *,
    rollup: bool = True,
    freq: str = "W",
    rules: Sequence[Rule] | None = None,
    since: date | None = None,
    until: date | None = None,
    top: int = 10,
    now: datetime | None = None,
) -> ReportData:
    """Read what the report shows about the dyad ``a``–``b``; writes nothing to the store."""
    check_freq(freq)
    if a == b:
        raise ConfigError(f"A dyad needs two different actors; got {a!r} twice.")
    if since and until and until < since:
        raise ConfigError(f"The end date ({until}) is before the start date ({since}).")
    everything = [
        i for i in between(store, a, b, rollup=rollup) if direction(i, a, b, rollup=rollup)
    ]
    counted = [i for i in everything if i.realis in COUNTED and _within(i.date.value, since, until)]
    best = sorted(counted, key=_rank)[: max(top, 0)]
    links: dict[str, str] = {}
    for proof in proofs(store, best):
        # The article the shown quote came from, else the first report one can open.
        quoted = [r for r in proof.reports if r.quote == proof.quote]
        url = next((r.url for r in [*quoted, *proof.reports] if _linkable(r.url)), None)
        if url:
            links[proof.incident] = url
    reactions, summaries = load(
        store, a, b, rollup=rollup, since=since, until=until, window_days=REACTION_DAYS
    )
    days = [i.date.value for i in counted]
    return ReportData(
        a=a,
        b=b,
        rollup=rollup,
        freq=freq,
        since=since,
        until=until,
        generated=now or datetime.now(UTC),
        first=min(days, default=None),
        last=max(days, default=None),
        line=build_timeline(store, a, b, freq=freq, rollup=rollup, since=since, until=until),
        ladder=escalation(store, a, b, rollup=rollup, freq=freq, since=since, until=until),
        alerts=tuple(
            _dyad_alerts(
                store,
                load_rules() if rules is None else rules,
                [a, b],
                rollup,
                since,
                until,
            )
        ),
        reactions=tuple(reactions),
        summaries=tuple(summaries),
        top=tuple(best),
        links=links,
    )


def build_report(
    store: Store,
    a: str,
    b: str,
    *,
    rollup: bool = True,
    freq: str = "W",
    rules: Sequence[Rule] | None = None,
    since: date | None = None,
    until: date | None = None,
    top: int = 10,
    now: datetime | None = None,
    quotes: int = 5,
) -> str:
    """The HTML page on the dyad ``a``–``b`` (see ``gather`` and ``render``)."""
    data = gather(
        store,
        a,
        b,
        rollup=rollup,
        freq=freq,
        rules=rules,
        since=since,
        until=until,
        top=top,
        now=now,
    )
    return render(data, quotes=quotes)


# -- rendering -----------------------------------------------------------------------------


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


_WEB = re.compile(r"^https?://\S+$", re.IGNORECASE)


def _linkable(url: str | None) -> bool:
    # Anything else (javascript:, data:, file:) could run or read something when clicked.
    return url is not None and _WEB.match(url) is not None


def _link(url: str | None, text: str) -> str:
    if not _linkable(url):
        return _e(text)
    return f'<a href="{_e(url)}" rel="noreferrer">{_e(text)}</a>'


def _names(actors: Iterable[ActorRef]) -> str:
    return ", ".join(a.name for a in actors) or "unknown"


def _kind(incident: Incident) -> str:
    return incident.event_type + (f"/{incident.mode}" if incident.mode else "")


def _number(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


_CSS = """
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial,
  sans-serif; color: #1a1a1a; background: #fff; max-width: 1100px; margin: 0 auto;
  padding: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .5rem; border-bottom: 2px solid #1a1a1a;
  padding-bottom: .2rem; }
h3 { font-size: 1rem; margin: 1rem 0 .3rem; }
.meta { color: #555; margin: 0 0 .75rem; }
.counts { display: flex; gap: 1.5rem; flex-wrap: wrap; margin: .75rem 0; padding: 0;
  list-style: none; }
.counts li { border: 1px solid #ccc; border-radius: 4px; padding: .4rem .8rem; }
.counts b { display: block; font-size: 1.4rem; }
.empty { color: #555; font-style: italic; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; font-size: .9rem; }
th, td { border: 1px solid #ccc; padding: .3rem .45rem; text-align: left;
  vertical-align: top; }
th { background: #f0f0f0; }
td.n { text-align: right; white-space: nowrap; }
td.d { white-space: nowrap; }
figure { margin: .5rem 0; }
figure svg { width: 100%; height: auto; }
figcaption { color: #555; font-size: .85rem; }
.ladder td.rung { white-space: nowrap; }
.ladder tr.current td { background: #fde0dd; font-weight: 600; }
.ladder tr.peak td.mark, .ladder tr.current td.mark { white-space: nowrap; }
.mark span { display: inline-block; border-radius: 3px; padding: 0 .35rem; margin-right: .25rem;
  font-size: .8rem; color: #fff; }
.mark .cur { background: #b2182b; }
.mark .pk { background: #2166ac; }
.alert { border: 1px solid #ccc; border-left: 6px solid #999; border-radius: 4px;
  padding: .5rem .8rem; margin: .8rem 0; }
.alert.critical { border-left-color: #b2182b; }
.alert.warning { border-left-color: #e08214; }
.alert.info { border-left-color: #2166ac; }
.sev { font-weight: 700; text-transform: uppercase; font-size: .8rem; letter-spacing: .04em; }
.alert h3 { margin: .2rem 0; }
.proof { margin: .5rem 0 .5rem 1rem; }
blockquote { margin: .3rem 0 .3rem 1rem; padding: .1rem .6rem; border-left: 3px solid #ccc;
  color: #333; }
.report { color: #555; font-size: .85rem; }
a { color: #0b57d0; }
@media print {
  body { font-size: 10.5pt; max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  tr, .alert, blockquote, figure { break-inside: avoid; }
  a { color: inherit; }
  a[href]::after { content: " <" attr(href) ">"; font-size: .8em; color: #555;
    word-break: break-all; }
  th, .ladder tr.current td, .mark span { -webkit-print-color-adjust: exact;
    print-color-adjust: exact; }
}
"""

_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'"


def render(data: ReportData, *, quotes: int = 5) -> str:
    """The page for ``data``; ``quotes`` caps the reports quoted per event of an alert."""
    dyad = f"{data.a} ↔ {data.b}"
    body = [
        _header(data, dyad),
        _timeline_section(data),
        _ladder_section(data),
        _alerts_section(data, quotes),
        _reaction_section(data),
        _top_section(data),
    ]
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">',
            '<meta name="referrer" content="no-referrer">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>redline report: {_e(dyad)}</title>",
            f"<style>{_CSS}</style>",
            "</head>",
            "<body>",
            *body,
            '<p class="meta">Made by redline from coded news reports; every event links to '
            "the sentences it was read from. Check the evidence before acting on it.</p>",
            "</body>",
            "</html>",
            "",
        ]
    )


def _arrow(data: ReportData, way: str) -> str:
    return {"A->B": f"{data.a} → {data.b}", "B->A": f"{data.b} → {data.a}"}.get(
        way, f"{data.a} ↔ {data.b}"
    )


def _header(data: ReportData, dyad: str) -> str:
    scope = "roll-up (proxies and agencies count as their state)" if data.rollup else "group level"
    if data.first is None or data.last is None:
        covered = "no events yet"
    else:
        covered = f"{data.first.isoformat()} to {data.last.isoformat()}"
    asked = ""
    if data.since or data.until:
        asked = (
            f" (asked for {data.since.isoformat() if data.since else 'the start'} to "
            f"{data.until.isoformat() if data.until else 'the end'})"
        )
    generated = data.generated.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        "<header>",
        f"<h1>{_e(dyad)}</h1>",
        f'<p class="meta">Events covered: {_e(covered)}{_e(asked)} · {_e(scope)} · '
        f"generated {_e(generated)}</p>",
        '<ul class="counts">',
        f"<li><b>{data.events}</b>events</li>",
        f"<li><b>{data.hostile}</b>hostile events</li>",
        f"<li><b>{len(data.alerts)}</b>alerts</li>",
        f"<li><b>{_e(RUNGS[data.ladder.current])}</b>current rung</li>",
        "</ul>",
    ]
    if not data.events:
        parts.append(
            f'<p class="empty">Nothing yet: no events between {_e(data.a)} and {_e(data.b)} '
            "in the store. Run <code>redline run</code> on more reports, or check the actor "
            "ids.</p>"
        )
    parts.append("</header>")
    return "\n".join(parts)


_NO_METADATA: dict[str, Any] = {"Type": None, "Creator": None, "Date": None, "Format": None}
_SVG_ROOT = re.compile(r"<svg\b[^>]*>")
_NAMESPACE = re.compile(r'\s+xmlns(?::\w+)?="[^"]*"')


def svg(line: Timeline) -> str:
    """The timeline chart as inline SVG text, ready to sit in an HTML body.

    Text is drawn as paths so the page needs no font; the ids are salted so the same data
    gives the same bytes; the XML prolog and namespace URLs go, since an HTML parser needs
    neither and the page should name no URL but its articles'.
    """
    import matplotlib
    import matplotlib.pyplot as plt

    figure = chart(line)
    buffer = io.StringIO()
    try:
        with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "redline-report"}):
            figure.savefig(buffer, format="svg", bbox_inches="tight", metadata=_NO_METADATA)
    finally:
        plt.close(figure)
    text = buffer.getvalue()
    text = text[text.find("<svg") :]
    root = _SVG_ROOT.search(text)
    if root is None:  # pragma: no cover - matplotlib always writes an <svg> root
        return ""
    tag = _NAMESPACE.sub("", root.group(0)).replace("<svg", '<svg role="img"', 1)
    return text[: root.start()] + tag + text[root.end() :]


def _timeline_section(data: ReportData) -> str:
    parts = ['<section id="timeline">', "<h2>Timeline</h2>"]
    if not data.line.buckets:
        parts.append('<p class="empty">Nothing to chart yet.</p>')
    else:
        scope = "roll-up" if data.rollup else "group level"
        parts += [
            "<figure>",
            svg(data.line),
            f"<figcaption>Hostility (sum of each event's 0–10 hostility) per "
            f"{_e(FREQUENCIES[data.freq])} by direction, and events per "
            f"{_e(FREQUENCIES[data.freq])} ({_e(scope)}; realis asserted, claimed or "
            "reported).</figcaption>",
            "</figure>",
        ]
    parts.append("</section>")
    return "\n".join(parts)


def _ladder_section(data: ReportData) -> str:
    ladder = data.ladder
    peak = ladder.peak()
    counts = [0] * len(RUNGS)
    for step in ladder.steps:
        counts[step.rung] += 1
    window = f"highest in the {ladder.window_days} days to {ladder.as_of}" if ladder.as_of else ""
    parts = [
        '<section id="ladder">',
        "<h2>Escalation ladder</h2>",
        f'<p class="meta">Current rung: <b>{ladder.current} {_e(ladder.current_name)}</b>'
        f"{' (' + _e(window) + ')' if window else ''}; highest ever: "
        f"<b>{peak} {_e(RUNGS[peak])}</b>; {len(ladder.steps)} events on the ladder (threats "
        "and plans of attack included, as threats).</p>",
        '<table class="ladder">',
        "<tr><th>rung</th><th>name</th><th>events</th><th></th></tr>",
    ]
    for level in range(len(RUNGS) - 1, -1, -1):
        marks = []
        if level == ladder.current:
            marks.append('<span class="cur">current</span>')
        if level == peak:
            marks.append('<span class="pk">peak</span>')
        row_class = ' class="current"' if level == ladder.current else ""
        if level == peak and level != ladder.current:
            row_class = ' class="peak"'
        parts.append(
            f'<tr{row_class}><td class="n">{level}</td><td class="rung">{_e(RUNGS[level])}</td>'
            f'<td class="n">{counts[level]}</td><td class="mark">{"".join(marks)}</td></tr>'
        )
    parts.append("</table>")
    parts.append("<h3>Climbs: events that reached a new rung</h3>")
    if not ladder.climbs:
        parts.append('<p class="empty">No hostile events yet.</p>')
    else:
        parts.append("<table><tr><th>date</th><th>direction</th><th>rung</th><th>event</th></tr>")
        for step in ladder.climbs:
            parts.append(
                f'<tr><td class="d">{step.date.isoformat()}</td>'
                f"<td>{_e(_arrow(data, step.direction))}</td>"
                f"<td>{step.rung} {_e(step.name)}</td><td>{_e(step.summary)}</td></tr>"
            )
        parts.append("</table>")
    parts.append(f"<h3>Change points in hostility per {_e(FREQUENCIES[ladder.freq])}</h3>")
    if not ladder.shifts:
        parts.append('<p class="empty">No change points in the hostility series.</p>')
    else:
        parts.append("<table><tr><th>from</th><th>shift</th><th>events that opened it</th></tr>")
        for shift in ladder.shifts:
            opened = '<span class="empty">(quieter)</span>'
            if shift.events:
                opened = "<br>".join(
                    f"{e.date.isoformat()} {_e(_arrow(data, e.direction))}: {_e(e.summary)} "
                    f"[{e.rung} {_e(e.name)}]"
                    for e in shift.events
                )
            parts.append(
                f'<tr><td class="d">{shift.start.isoformat()}</td>'
                f"<td>{_e(shift.direction)} {shift.before:.1f} → {shift.after:.1f}</td>"
                f"<td>{opened}</td></tr>"
            )
        parts.append("</table>")
    parts.append("</section>")
    return "\n".join(parts)


def _alerts_section(data: ReportData, quotes: int) -> str:
    parts = ['<section id="alerts">', "<h2>Alerts</h2>"]
    dyad = [p for p in data.alerts if p.get("scope", "dyad") == "dyad"]
    side = [p for p in data.alerts if p.get("scope") == "side"]
    if not dyad:
        parts.append('<p class="empty">No alerts on events between these sides.</p>')
    parts += _alert_items(dyad, quotes)
    if side:
        parts.append(
            f"<h3>Involving {_e(data.a)} or {_e(data.b)} with no identified actor of the "
            "other side</h3>"
        )
        parts += _alert_items(side, quotes)
    parts.append("</section>")
    return "\n".join(parts)


def _alert_items(alerts: Sequence[Mapping[str, Any]], quotes: int) -> list[str]:
    parts: list[str] = []
    for payload in alerts:
        severity = str(payload.get("severity", ""))
        kind = severity if severity in SEVERITIES else "warning"
        fired = payload.get("fired_at")
        when = f"raised {fired}" if fired else "evaluated for this report (not stored)"
        parts += [
            f'<article class="alert {kind}">',
            f'<div><span class="sev">{_e(severity)}</span> · {_e(payload["date"])} · '
            f'<span class="report">rule {_e(payload["rule"])}; {_e(when)}</span></div>',
            f"<h3>{_e(payload['title'])}</h3>",
            f"<p>{_e(payload['summary'])}</p>",
        ]
        for proof in payload.get("evidence", []):
            parts.append(_proof(proof, quotes))
        parts.append("</article>")
    return parts


def _proof(proof: Mapping[str, Any], quotes: int) -> str:
    facts = [str(proof["date"]), str(proof["summary"])]
    if proof.get("place"):
        facts.append(f"at {proof['place']}")
    if proof.get("fatalities"):
        facts.append(f"{proof['fatalities']} dead")
    facts.append(f"{proof['sources']} independent sources")
    parts = [
        '<div class="proof">',
        f"<p><b>Event {_e(proof['incident'])}</b>: {_e(', '.join(facts))}</p>",
    ]
    # Copies of one sentence (a wire story reprinted, or read twice) say nothing new.
    seen: set[tuple[str, str | None]] = set()
    reports = []
    for report in proof.get("reports", []):
        key = (report["quote"], report.get("url"))
        if key not in seen:
            seen.add(key)
            reports.append(report)
    for report in reports[: max(quotes, 0)]:
        label = report.get("title") or report.get("site") or report.get("url")
        label = label or f"article {report['article_id']}"
        parts.append(
            f"<blockquote>{_e(report['quote'])}<br>"
            f'<span class="report">{_e(report["realis"])} · '
            f"{_link(report.get('url'), str(label))}</span></blockquote>"
        )
    hidden = len(reports) - max(quotes, 0)
    if hidden > 0:
        parts.append(
            f'<p class="report">… and {hidden} more reports (<code>redline events '
            "--mentions</code> lists them all).</p>"
        )
    parts.append("</div>")
    return "\n".join(parts)


def _reaction_section(data: ReportData) -> str:
    parts = ['<section id="reaction">', "<h2>Action and reaction</h2>"]
    if not data.reactions:
        parts.append(
            '<p class="empty">No hostile event answered one by the other side within '
            f"{REACTION_DAYS} days.</p>"
        )
        parts.append("</section>")
        return "\n".join(parts)
    parts += [
        '<p class="meta">A response is a hostile event answering one by the other side within '
        f"{REACTION_DAYS} days; deterred / provoked compare the other side's hostile events in "
        f"the {REACTION_DAYS} days before and after it.</p>",
        "<table><tr><th>who answers whom</th><th>responses</th><th>median lag (days)</th>"
        "<th>mean intensity ratio</th><th>mean casualty ratio</th><th>deterred</th>"
        "<th>provoked</th><th>no change</th></tr>",
    ]
    for summary in data.summaries:
        parts.append(
            f"<tr><td>{_e(summary.responder)} answering {_e(summary.other)}</td>"
            f'<td class="n">{len(summary.reactions)}</td>'
            f'<td class="n">{_number(summary.median_lag, 1)}</td>'
            f'<td class="n">{_number(summary.mean_intensity_ratio)}</td>'
            f'<td class="n">{_number(summary.mean_casualty_ratio)}</td>'
            f'<td class="n">{summary.deterred}</td><td class="n">{summary.provoked}</td>'
            f'<td class="n">{summary.unchanged}</td></tr>'
        )
    parts.append("</table>")
    parts.append("<h3>Linked responses</h3>")
    parts.append(
        "<table><tr><th>response</th><th>answers</th><th>lag</th><th>cue</th><th>verdict</th></tr>"
    )
    for r in data.reactions:
        parts.append(
            f"<tr><td>{r.response.date.value.isoformat()} {_e(_names(r.response.source))} → "
            f"{_e(_names(r.response.target))}: {_e(_kind(r.response))}</td>"
            f"<td>{r.trigger.date.value.isoformat()} {_e(_names(r.trigger.source))} → "
            f"{_e(_names(r.trigger.target))}: {_e(_kind(r.trigger))}</td>"
            f'<td class="n">{r.lag_days}d</td><td>{_e(r.cue or "")}</td>'
            f"<td>{_e(r.verdict)}</td></tr>"
        )
    parts.append("</table>")
    parts.append("</section>")
    return "\n".join(parts)


def _top_section(data: ReportData) -> str:
    parts = ['<section id="events">', "<h2>Top events</h2>"]
    if not data.top:
        parts.append('<p class="empty">No events yet.</p>')
        parts.append("</section>")
        return "\n".join(parts)
    parts += [
        '<p class="meta">Most hostile first, then most independent sources.</p>',
        "<table><tr><th>date</th><th>who → whom</th><th>type/mode</th><th>hostility</th>"
        "<th>place</th><th>dead</th><th>sources</th><th>quote</th></tr>",
    ]
    for incident in data.top:
        dead = ""
        if incident.fatalities is not None:
            deaths = incident.fatalities
            dead = str(deaths.best)
            if deaths.low != deaths.high:
                dead += f" ({deaths.low}–{deaths.high})"
        kind = _kind(incident)
        if incident.realis != COUNTED[0]:
            kind += f" ({incident.realis})"
        url = data.links.get(incident.id)
        quote = _e(incident.quote)
        if url:
            quote += f' <span class="report">{_link(url, "report")}</span>'
        place = incident.location.name if incident.location else ""
        parts.append(
            f'<tr><td class="d">{incident.date.value.isoformat()}</td>'
            f"<td>{_e(_names(incident.source))} → {_e(_names(incident.target))}</td>"
            f"<td>{_e(kind)}</td>"
            f'<td class="n">{hostility(incident.intensity):.1f}</td>'
            f'<td>{_e(place)}</td><td class="n">{_e(dead)}</td>'
            f'<td class="n">{incident.sources}</td><td>{quote}</td></tr>'
        )
    parts.append("</table>")
    parts.append("</section>")
    return "\n".join(parts)

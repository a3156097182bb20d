"""When an event happened: time expressions resolved against the publication date.

The coder reads the time expression nearest the trigger in its sentence ("on Friday",
"on Dec. 27", "last week", "in May 2019", "since October", "two days earlier") and
resolves it against the article's publication date, with a precision (``day``, ``week``,
``month``, ``year``, ``range``) and the raw text. Without one, the publication date
stands in, flagged as a fallback.

Rules, not a general date parser: news dates are few in kind, and rules never move a date
into the future or pick an unrelated number.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from redline.coding.lexicon import NUMBER_WORDS
from redline.model import EventDate

_MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
_MONTHS["sept"] = 9
_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAYS = {name.lower(): number for number, name in enumerate(calendar.day_name)}
_NUMBERS = {**NUMBER_WORDS, "a": 1, "an": 1}
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("day_month_year", re.compile(rf"\b(\d{{1,2}}) {_MONTH},? (\d{{4}})\b", re.I)),
    ("month_day_year", re.compile(rf"\b{_MONTH} (\d{{1,2}}),? (\d{{4}})\b", re.I)),
    ("iso", re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")),
    ("month_day", re.compile(rf"\b{_MONTH} (\d{{1,2}})(?:st|nd|rd|th)?\b(?!,? \d{{4}})", re.I)),
    ("day_month", re.compile(rf"\b(\d{{1,2}}) {_MONTH}\b(?!,? \d{{4}})", re.I)),
    ("since_month", re.compile(rf"\bsince (?:early |late |mid-)?{_MONTH}\b(?! \d)", re.I)),
    (
        "month_year",
        re.compile(rf"\b(?:in |during |early |late |mid-)?{_MONTH},? (\d{{4}})\b", re.I),
    ),
    (
        "past_span",
        re.compile(r"\b(?:in|over|during) the (?:past|last) (\w+) (day|week|month|year)s?\b", re.I),
    ),
    ("ago", re.compile(r"\b(\w+) (day|week|month|year)s? ago\b", re.I)),
    (
        "apart",
        re.compile(r"\b(\w+) (day|week|month|year)s? (earlier|before|later|after)\b", re.I),
    ),
    (
        "next_day",
        re.compile(r"\bthe (day before|previous day|next day|following day|day after)\b", re.I),
    ),
    ("yesterday", re.compile(r"\b(yesterday|last night)\b", re.I)),
    ("today", re.compile(r"\b(today|tonight|this morning|this afternoon|this evening)\b", re.I)),
    ("last_unit", re.compile(r"\blast (week|month|year)\b", re.I)),
    ("this_unit", re.compile(r"\b(?:earlier |later )?this (week|month|year)\b", re.I)),
    (
        "weekday",
        re.compile(
            r"\b(?:on |late |early |last )?(monday|tuesday|wednesday|thursday|friday|saturday|"
            r"sunday)\b((?:,? (?:morning|afternoon|evening|night))? local time)?",
            re.I,
        ),
    ),
    ("in_month", re.compile(rf"\bin (?:early |late |mid-)?{_MONTH}\b(?!,? \d)", re.I)),
    ("in_year", re.compile(r"\bin ((?:19|20)\d{2})\b", re.I)),
    ("since_year", re.compile(r"\bsince ((?:19|20)\d{2})\b", re.I)),
]


@dataclass(frozen=True, slots=True)
class TimeExpression:
    """A resolved expression: where it is in the sentence and what it means."""

    start: int
    end: int
    value: date
    precision: str
    end_value: date | None = None
    ties: bool = False
    """Dates only the event named right after it: "(on Friday,) six days after attacks"."""


def _month(text: str) -> int:
    return _MONTHS[
        text.lower().rstrip(".")[:4]
        if text.lower().startswith("sept")
        else text.lower().rstrip(".")[:3]
    ]


def _count(word: str) -> int | None:
    return int(word) if word.isdigit() else _NUMBERS.get(word.lower())


def _not_after(candidate: date, published: date) -> date:
    """A day-and-month without a year is the latest such day not after publication."""
    if candidate > published + timedelta(days=1):
        try:
            return candidate.replace(year=candidate.year - 1)
        except ValueError:
            return candidate - timedelta(days=365)
    return candidate


def _resolve(kind: str, groups: tuple[str, ...], published: date) -> TimeExpression | None:
    if kind == "day_month_year":
        return TimeExpression(0, 0, date(int(groups[2]), _month(groups[1]), int(groups[0])), "day")
    if kind == "month_day_year":
        return TimeExpression(0, 0, date(int(groups[2]), _month(groups[0]), int(groups[1])), "day")
    if kind == "iso":
        return TimeExpression(0, 0, date(int(groups[0]), int(groups[1]), int(groups[2])), "day")
    if kind == "month_day":
        day = date(published.year, _month(groups[0]), int(groups[1]))
        return TimeExpression(0, 0, _not_after(day, published), "day")
    if kind == "day_month":
        day = date(published.year, _month(groups[1]), int(groups[0]))
        return TimeExpression(0, 0, _not_after(day, published), "day")
    if kind == "month_year":
        return TimeExpression(0, 0, date(int(groups[1]), _month(groups[0]), 1), "month")
    if kind in {"in_month", "since_month"}:
        first = _not_after(date(published.year, _month(groups[0]), 1), published)
        if kind == "since_month":
            return TimeExpression(0, 0, first, "range", published)
        return TimeExpression(0, 0, first, "month")
    if kind == "in_year":
        return TimeExpression(0, 0, date(int(groups[0]), 1, 1), "year")
    if kind == "since_year":
        return TimeExpression(0, 0, date(int(groups[0]), 1, 1), "range", published)
    if kind in {"past_span", "ago"}:
        count = _count(groups[0])
        if count is None:
            return None
        days = count * _UNIT_DAYS[groups[1].lower()]
        if kind == "past_span":
            return TimeExpression(0, 0, published - timedelta(days=days), "range", published)
        precision = "day" if groups[1].lower() == "day" else groups[1].lower()
        return TimeExpression(0, 0, published - timedelta(days=days), precision)
    if kind == "yesterday":
        return TimeExpression(0, 0, published - timedelta(days=1), "day")
    if kind == "today":
        return TimeExpression(0, 0, published, "day")
    if kind in {"last_unit", "this_unit"}:
        unit = groups[0].lower()
        back = _UNIT_DAYS[unit] if kind == "last_unit" else 0
        start = published - timedelta(days=back)
        if unit == "week":
            # A calendar week, Monday to Sunday: "last week" read on a Friday includes the
            # Wednesday nine days before, which "seven days back" would miss.
            start -= timedelta(days=start.weekday())
        if unit == "month":
            start = start.replace(day=1)
        if unit == "year":
            start = start.replace(month=1, day=1)
        return TimeExpression(0, 0, start, unit)
    if kind == "weekday":
        wanted = _WEEKDAYS[groups[0].lower()]
        if groups[1] and wanted == (published.weekday() + 1) % 7:
            # "early on Wednesday local time" in a story stamped Tuesday (UTC): the place of
            # the event is already a day ahead.
            return TimeExpression(0, 0, published + timedelta(days=1), "day")
        back = (published.weekday() - wanted) % 7
        return TimeExpression(0, 0, published - timedelta(days=back), "day")
    return None


def _step(kind: str, groups: tuple[str, ...], inside: bool) -> int | None:
    """Days from the date a relative expression counts from: "two days later" is +2.

    "After" and "before" tie two events, and which one the date counts for depends on where
    it is written: "seized on July 19, two weeks after marines detained a tanker" puts the
    detention two weeks before the date in the sentence; "Two days after the ship attacks,
    rebels launched drones" puts the launch two days after the story's last date.
    """
    if kind == "next_day":
        return -1 if groups[0].lower() in {"day before", "previous day"} else 1
    count = _count(groups[0])
    if count is None:
        return None
    days = count * _UNIT_DAYS[groups[1].lower()]
    word = groups[2].lower()
    if word in {"after", "before"} and inside:
        return -days if word == "after" else days
    return -days if word in {"earlier", "before"} else days


def find(text: str, published: date, since: date | None = None) -> list[TimeExpression]:
    """Every time expression in a sentence, resolved, in text order (no overlaps).

    "Two days later" and "the day before" count from the sentence's last day-exact date
    before them ("On 3 May, ... killed one day before"), else from ``since`` (the story's
    last date); with neither they are left unread.
    """
    found: list[TimeExpression] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            span = match.span()
            if any(span[0] < end and start < span[1] for start, end in taken):
                continue
            try:
                if kind in {"apart", "next_day"}:
                    before = [e for e in found if e.end <= span[0] and e.precision == "day"]
                    anchor = max(before, key=lambda e: e.start).value if before else since
                    step = _step(kind, match.groups(), inside=bool(before))
                    if anchor is None or step is None:
                        continue
                    # "after"/"before" beside a date in the sentence: see ``_step``.
                    tied = (
                        bool(before)
                        and kind == "apart"
                        and match.group(3).lower()
                        in {
                            "after",
                            "before",
                        }
                    )
                    resolved: TimeExpression | None = TimeExpression(
                        0, 0, anchor + timedelta(days=step), "day", ties=tied
                    )
                else:
                    resolved = _resolve(kind, match.groups(), published)
            except (ValueError, KeyError):
                continue
            if resolved is None or resolved.value > published + timedelta(days=1):
                continue
            taken.append(span)
            found.append(replace(resolved, start=span[0], end=span[1]))
    return sorted(found, key=lambda e: e.start)


def event_date(
    text: str, trigger: int | None, published: date, *, basis: str = "publication"
) -> EventDate:
    """The date of the event whose trigger sits at offset ``trigger`` in sentence ``text``.

    The expression nearest the trigger wins. Without one, the reference date stands in,
    flagged as a fallback; ``basis`` says what that reference date is: ``publication``, or
    ``ingest`` for articles that gave no publication date.

    Example:
        >>> event_date("Rockets hit the base on Friday.", 7, date(2019, 12, 28)).value
        datetime.date(2019, 12, 27)
    """
    return nearest(text, find(text, published), trigger, published, basis=basis)


def nearest(
    text: str,
    expressions: list[TimeExpression],
    trigger: int | None,
    published: date,
    *,
    basis: str = "publication",
) -> EventDate:
    """The event date from a sentence's expressions already found (see ``event_date``).

    A time that dates a statement ("officials said on Friday") is not the event's, unless
    the statement is the event: the event happened on or before it, so with no other time
    the statement's day stands in, flagged as a fallback with basis ``statement``.
    """
    anchor = trigger if trigger is not None else 0
    expressions = [e for e in expressions if not e.ties or 0 <= anchor - e.end <= 40]
    if not expressions:
        return EventDate(value=published, precision="day", raw=None, fallback=True, basis=basis)
    events = [e for e in expressions if not _dates_statement(text, e, anchor)]
    if not events:
        said = min(expressions, key=lambda e: abs(e.start - anchor))
        return EventDate(
            value=said.value,
            precision="day",
            raw=text[said.start : said.end],
            fallback=True,
            basis="statement",
        )
    best = min(events, key=lambda e: min(abs(e.start - anchor), abs(e.end - anchor)))
    return EventDate(
        value=best.value,
        precision=best.precision,
        raw=text[best.start : best.end],
        fallback=False,
        end=best.end_value,
        basis=basis,
    )


_STATEMENT = re.compile(
    r"\b(?:said|says|told(?: [\w.'’-]+){1,2}|announced|reported|confirmed|added|stated)\s+$",
    re.I,
)


def _dates_statement(text: str, expression: TimeExpression, trigger: int) -> bool:
    """Whether ``expression`` follows a speech verb that is not the event's own trigger."""
    start = max(0, expression.start - 40)
    verb = _STATEMENT.search(text[start : expression.start])
    return verb is not None and not (start + verb.start() <= trigger < expression.start)

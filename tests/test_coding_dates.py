"""Event dates: time expressions resolved against the publication date, with precision."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redline.coding.dates import event_date, find

SATURDAY = date(2019, 12, 28)


@pytest.mark.parametrize(
    ("sentence", "published", "value", "precision"),
    [
        ("Rockets hit the base on Friday.", SATURDAY, date(2019, 12, 27), "day"),
        ("Rockets hit the base on Saturday.", SATURDAY, SATURDAY, "day"),
        ("Rockets hit the base on Sunday night.", SATURDAY, date(2019, 12, 22), "day"),
        ("The attack on Dec. 27 killed a contractor.", SATURDAY, date(2019, 12, 27), "day"),
        # Across a year boundary: "Dec. 30" read in January is last year's.
        ("The strike on Dec. 30 killed two.", date(2020, 1, 3), date(2019, 12, 30), "day"),
        ("Talks began on 2 January.", date(2020, 1, 3), date(2020, 1, 2), "day"),
        # Across a month boundary.
        ("It happened yesterday.", date(2020, 3, 1), date(2020, 2, 29), "day"),
        ("Militias fired rockets two days ago.", date(2020, 1, 1), date(2019, 12, 30), "day"),
        ("On 23 February 2022, locals killed a thief.", date(2022, 3, 1), date(2022, 2, 23), "day"),
        ("On March 11, 2020, rockets hit Camp Taji.", date(2020, 3, 12), date(2020, 3, 11), "day"),
        ("Tankers were attacked in May 2019.", date(2019, 9, 1), date(2019, 5, 1), "month"),
        ("In March, protesters gathered.", date(2020, 1, 5), date(2019, 3, 1), "month"),
        ("Iran was sanctioned in 2018.", SATURDAY, date(2018, 1, 1), "year"),
        # "last week" is the calendar week before: Monday 16 to Sunday 22 December.
        ("Militias fired rockets last week.", SATURDAY, date(2019, 12, 16), "week"),
        ("Militias fired rockets last week.", date(2020, 1, 17), date(2020, 1, 6), "week"),
        # A story stamped Tuesday (UTC) about "Wednesday local time": a day ahead.
        ("Missiles hit early on Wednesday local time.", date(2020, 1, 7), date(2020, 1, 8), "day"),
        ("Missiles hit early on Wednesday.", date(2020, 1, 7), date(2020, 1, 1), "day"),
        ("Protests grew earlier this month.", SATURDAY, date(2019, 12, 1), "month"),
    ],
)
def test_coding_dates_resolve(sentence: str, published: date, value: date, precision: str) -> None:
    found = event_date(sentence, 10, published)
    assert (found.value, found.precision) == (value, precision), found
    assert found.raw and found.raw in sentence and not found.fallback


@pytest.mark.parametrize(
    ("sentence", "start", "end"),
    [
        ("Rocket attacks have hit bases since October.", date(2019, 10, 1), SATURDAY),
        ("In the past six months, a dozen attacks hit bases.", date(2019, 7, 1), SATURDAY),
    ],
)
def test_coding_dates_ranges(sentence: str, start: date, end: date) -> None:
    found = event_date(sentence, 5, SATURDAY)
    assert found.precision == "range" and found.end == end
    assert found.value == start


def test_coding_dates_nearest_expression_to_the_trigger_wins() -> None:
    sentence = "On Friday officials said the strike on Dec. 20 killed two."
    assert event_date(sentence, sentence.index("strike"), SATURDAY).value == date(2019, 12, 20)
    assert event_date(sentence, 0, SATURDAY).value == date(2019, 12, 27)


def test_coding_dates_a_statement_time_is_not_the_event_time() -> None:
    sentence = "Strikes killed six soldiers, the military said on Friday, after raids on Thursday."
    found = event_date(sentence, sentence.index("killed"), date(2020, 3, 13))
    assert found.value == date(2020, 3, 12) and found.raw == "on Thursday", found
    only = "Strikes killed six soldiers at two sites, the Iraqi military said on Friday."
    found = event_date(only, only.index("killed"), date(2020, 3, 14))
    # The event came on or before the statement: its day stands in, flagged.
    assert (found.value, found.fallback, found.basis) == (date(2020, 3, 13), True, "statement")
    # When the statement is the event, its time is the event's.
    said = "Iraq's military said on Friday that the strikes violated its sovereignty."
    found = event_date(said, said.index("said"), date(2020, 3, 14))
    assert (found.value, found.fallback) == (date(2020, 3, 13), False), found


def test_coding_dates_fallback_is_flagged_with_its_basis() -> None:
    found = event_date("Rockets hit the base.", 3, SATURDAY)
    assert found.fallback and found.value == SATURDAY and found.basis == "publication"
    ingest = event_date("Rockets hit the base.", 3, SATURDAY, basis="ingest")
    assert ingest.fallback and ingest.basis == "ingest"


def test_coding_dates_never_in_the_future() -> None:
    assert event_date("The summit on 5 March 2030 was cancelled.", 4, SATURDAY).fallback


@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)),
    st.sampled_from(
        [
            "monday",
            "friday",
            "sunday",
            "yesterday",
            "last week",
            "Dec. 31",
            "1 January",
            "in March",
            "since October",
            "three days ago",
        ]
    ),
)
def test_coding_dates_property_resolved_dates_are_not_after_publication(
    published: date, expression: str
) -> None:
    for found in find(f"It happened {expression}.", published):
        assert found.value <= published + timedelta(days=1)
        assert found.value >= published - timedelta(days=366)


@pytest.mark.parametrize(
    ("sentence", "since", "value"),
    [
        # Counted from the sentence's own date, not from publication.
        ("On 3 May 2022 a bomb went off; two days later troops came.", None, date(2022, 5, 5)),
        # "after"/"before" next to a date in the sentence tie the other event to it.
        ("Troops came on 5 May 2022, two days after a bomb went off.", None, date(2022, 5, 3)),
        ("On 3 May 2022 a man was shot, one day before the talks.", None, date(2022, 5, 4)),
        (
            "Two days after the attacks, rebels launched drones.",
            date(2022, 5, 12),
            date(2022, 5, 14),
        ),
        # With no date in the sentence, from the story's last date.
        ("Police had made arrests the day before.", date(2022, 4, 4), date(2022, 4, 3)),
        ("The hostages were freed the following day.", date(2022, 6, 10), date(2022, 6, 11)),
    ],
)
def test_coding_dates_relative_steps_count_from_the_last_date(
    sentence: str, since: date | None, value: date
) -> None:
    found = find(sentence, date(2022, 6, 30), since)
    assert found and found[-1].value == value, found


def test_coding_dates_relative_steps_without_a_date_are_left_unread() -> None:
    # "the day before" what? Without a date to count from, it is not read from publication.
    assert find("Police had made arrests the day before.", date(2022, 6, 30)) == []
    # "ago" counts from publication, as it always does.
    assert [e.value for e in find("Rockets fell two days ago.", date(2022, 6, 30))] == [
        date(2022, 6, 28)
    ]


def test_coding_dates_since_a_year_is_a_range_to_publication() -> None:
    (found,) = find("Attacks have grown since 2017.", date(2022, 6, 30))
    assert (found.value, found.precision, found.end_value) == (
        date(2017, 1, 1),
        "range",
        date(2022, 6, 30),
    )

"""Places: named sites, cities with ambiguous names, countries, regions and datelines."""

from __future__ import annotations

import pytest

from redline.coding.places import Gazetteer


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.builtin()


def place(gazetteer: Gazetteer, sentence: str) -> tuple[str | None, str | None, int | None]:
    found = gazetteer.locate(sentence, 5, set())
    return (found.name, found.country, found.precision) if found else (None, None, None)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "A rocket attack on the K1 base near Kirkuk killed a contractor.",
            ("K-1 Air Base", "IRQ", 1),
        ),
        ("Iran fired missiles at Ain al-Asad on Wednesday.", ("Ain al-Asad Air Base", "IRQ", 1)),
        (
            "Protesters broke into the U.S. embassy in Baghdad.",
            ("U.S. Embassy in Baghdad", "IRQ", 1),
        ),
        ("Two tankers were attacked in the Strait of Hormuz.", ("Strait of Hormuz", None, 1)),
        ("Drones struck Abqaiq before dawn.", ("Abqaiq", "SAU", 1)),
    ],
)
def test_coding_places_named_sites(
    gazetteer: Gazetteer, sentence: str, expected: tuple[str, str | None, int]
) -> None:
    assert place(gazetteer, sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "country"),
    [
        ("Clashes erupted in Tripoli on Friday.", "LBY"),
        ("Clashes erupted in Tripoli, Lebanon, on Friday.", "LBN"),
        ("A bomb exploded in Paris overnight.", "FRA"),
        ("A convoy was hit near Hamilton in Bermuda.", "BMU"),
        ("A convoy was hit near Hamilton, Canada.", "CAN"),
    ],
)
def test_coding_places_ambiguous_cities_follow_the_countries_named(
    gazetteer: Gazetteer, sentence: str, country: str
) -> None:
    assert place(gazetteer, sentence)[1] == country


def test_coding_places_georgia_is_the_country(gazetteer: Gazetteer) -> None:
    assert place(gazetteer, "Troops were deployed in Georgia.") == ("Georgia", "GEO", 3)


def test_coding_places_vague_region_gets_country_and_regional_precision(
    gazetteer: Gazetteer,
) -> None:
    assert place(gazetteer, "Forces advanced in northern Iraq.") == ("northern Iraq", "IRQ", 2)


def test_coding_places_dateline(gazetteer: Gazetteer) -> None:
    sentence = "KIRKUK, Iraq (Gulf Wire) — A U.S. contractor was killed on Friday."
    assert place(gazetteer, sentence) == ("Kirkuk", "IRQ", 1)


def test_coding_places_names_without_a_place_preposition_are_not_places(
    gazetteer: Gazetteer,
) -> None:
    assert place(gazetteer, "Jordan Peterson spoke to Paris Hilton.") == (None, None, None)


def test_coding_places_unknown_alias_needs_a_country_named(gazetteer: Gazetteer) -> None:
    assert place(gazetteer, "Locals killed a thief in Kongo Trading Center.") == (None, None, None)

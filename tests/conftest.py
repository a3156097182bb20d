"""Shared fixtures: an in-memory store, article factories, recorded pages, a fixed clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from redline.model import Article
from redline.store import Store

PAGES = Path(__file__).parent / "pages"
FIXED = datetime(2020, 1, 10, 12, 0, tzinfo=UTC)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite tests/golden/*.events.json from the current coder; review the diff.",
    )


@pytest.fixture
def store() -> Iterator[Store]:
    with Store(":memory:") as db:
        yield db


@pytest.fixture
def clock() -> Callable[[], datetime]:
    return lambda: FIXED


@pytest.fixture
def make_article() -> Callable[..., Article]:
    def make(text: str, **fields: object) -> Article:
        from redline.ingest.clean import content_id

        values: dict[str, object] = {
            "id": content_id(text),
            "origin": "test",
            "text": text,
            "published_at": datetime(2019, 12, 28, 9, 0, tzinfo=UTC),
            "ingested_at": FIXED,
        }
        values.update(fields)
        return Article(**values)  # type: ignore[arg-type]

    return make


@pytest.fixture
def pages() -> Path:
    return PAGES

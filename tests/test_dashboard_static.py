"""The dashboard's files, without a browser: nothing is loaded from outside the server, API
text is never parsed as HTML, and the chart library is served from the plotly package."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

import redline.serve.vendor as vendor
from redline.serve.app import create_app
from redline.serve.snapshot import Snapshots
from redline.settings import Settings
from redline.store import Store

STATIC = Path(vendor.__file__).parent / "static"
FILES = ("index.html", "app.js", "style.css")
CDNS = ("cdn.", "cdnjs", "jsdelivr", "unpkg", "googleapis", "gstatic", "plot.ly")


def get(app: Any, url: str) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.get(url)

    return asyncio.run(go())


@pytest.fixture
def app(tmp_path: Path) -> Iterator[FastAPI]:
    db = tmp_path / "empty.duckdb"
    with Store(db):
        pass
    snapshots = Snapshots(db, every=0)
    yield create_app(Settings(db=str(db)), snapshots=snapshots)
    snapshots.close()


class _Links(HTMLParser):
    """Every src and href in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.links += [v or "" for k, v in attrs if k in {"src", "href"}]


def test_the_pages_load_nothing_from_outside() -> None:
    parser = _Links()
    parser.feed((STATIC / "index.html").read_text("utf-8"))
    assert "vendor/plotly.min.js" in parser.links and "app.js" in parser.links
    for link in parser.links:
        assert not re.match(r"(?i)^([a-z][a-z0-9+.-]*:)?//", link), f"external link {link!r}"
    for name in FILES:
        text = (STATIC / name).read_text("utf-8")
        assert not re.search(r"(?i)https?://|(?<![:\w])//[a-z0-9-]+\.[a-z]", text), name
        assert not re.search(r"(?i)@import|url\(\s*['\"]?(https?:)?//", text), name
        for cdn in CDNS:
            assert cdn not in text.lower(), f"{name} mentions {cdn}"


def test_api_text_is_never_parsed_as_html() -> None:
    script = (STATIC / "app.js").read_text("utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script, f"app.js uses {sink}"
    # Article links are made by one guard that keeps only http(s) URLs.
    assert script.count('el("a", { href: parsed.href') == 1
    assert 'parsed.protocol === "http:" || parsed.protocol === "https:"' in script


def test_the_dashboard_and_the_chart_library_are_served(app: FastAPI) -> None:
    page = get(app, "/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert 'src="vendor/plotly.min.js"' in page.text
    for name in ("app.js", "style.css"):
        assert get(app, f"/{name}").status_code == 200
    plotly = get(app, "/vendor/plotly.min.js")
    assert plotly.status_code == 200
    assert plotly.headers["content-type"].startswith("text/javascript")
    assert len(plotly.content) > 1_000_000 and b"plotly.js" in plotly.content[:500]
    assert "/vendor/plotly.min.js" not in get(app, "/openapi.json").json()["paths"]


def test_a_missing_plotly_is_a_clear_404(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vendor, "find_spec", lambda name: None)
    app = FastAPI()
    vendor.add_vendor_routes(app)
    answer = get(app, "/vendor/plotly.min.js")
    assert answer.status_code == 404 and "pip install" in answer.json()["detail"]

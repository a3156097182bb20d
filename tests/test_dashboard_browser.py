"""The dashboard in a real browser: Playwright drives Debian's Chromium over the example store.

The example corpus is coded once per module; uvicorn serves the app on a free port in a
thread. The test picks USA–Iran, waits for the timeline, clicks the marker of the US strike of
29 Dec 2019 with the mouse (at the pixel Plotly drew it) and reads the evidence it opens. A
screenshot is left in ``test-artifacts/dashboard.png``.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip(
        f"{CHROMIUM} is missing (`make test` installs Debian's chromium as root or via sudo)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is missing: pip install -e '.[dev]'"
)

import uvicorn  # noqa: E402

from redline.analyze.alerts import check  # noqa: E402
from redline.analyze.rules import load_rules  # noqa: E402
from redline.pipeline import Pipeline  # noqa: E402
from redline.serve.app import create_app  # noqa: E402
from redline.serve.snapshot import Snapshots  # noqa: E402
from redline.settings import Settings  # noqa: E402
from redline.store import Store  # noqa: E402

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples"
ARTIFACTS = ROOT / "test-artifacts"
# From ../shared/notes/stack.md: what Debian's Chromium needs to run headless in a container
# without reaching out to Google's services.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [pytest.mark.browser, pytest.mark.model]

# Where a data coordinate (date, hostility) lies on the page, in pixels: Plotly's axis maps
# plus the plot area's offset inside the chart element. With a trace and point index, where
# Plotly drew that marker.
PIXEL = """([x, y]) => {
    const chart = document.getElementById("chart");
    const layout = chart._fullLayout;
    const box = chart.getBoundingClientRect();
    return {
        x: box.left + layout.xaxis._offset + layout.xaxis.d2p(x),
        y: box.top + layout.yaxis._offset + layout.yaxis.d2p(y),
    };
}"""
MARKER = """([trace, index]) => {
    const data = document.getElementById("chart")._fullData[trace];
    return {x: data.x[index], y: data.y[index], id: data.customdata[index]};
}"""


@pytest.fixture(scope="module")
def example_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dashboard") / "examples.duckdb"
    with Store(path) as store:
        summary = Pipeline(Settings()).run([str(EXAMPLES)], store)
        assert summary.failures == 0, [f.message for f in store.failures()]
        check(store, load_rules())  # so the alert list has something to show
    return path


@pytest.fixture(scope="module")
def base_url(example_db: Path) -> Iterator[str]:
    snapshots = Snapshots(example_db, every=0)
    app = create_app(Settings(db=str(example_db)), snapshots=snapshots)
    # The socket is bound before the server starts, so the free port cannot be taken meanwhile.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="off", ws="none")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
        snapshots.close()


@dataclass
class Tab:
    """A browser page, plus what went wrong on it: script errors, requests leaving the server."""

    page: Any
    problems: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def clean(self) -> None:
        assert not self.problems, self.problems
        assert not self.outside, f"requests left the test server: {self.outside}"


@pytest.fixture(scope="module")
def tab(base_url: str) -> Iterator[Tab]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        tab = Tab(context.new_page())

        # Offline by construction: any request that leaves the test server is refused and noted.
        def only_local(route: Any) -> None:
            if route.request.url.startswith(base_url + "/"):
                route.continue_()
            else:
                tab.outside.append(route.request.url)
                route.abort()

        context.route("**/*", only_local)
        tab.page.on("pageerror", lambda error: tab.problems.append(f"page error: {error}"))
        tab.page.on("console", lambda m: m.type == "error" and tab.problems.append(m.text))
        yield tab
        context.close()
        browser.close()


def test_pick_usa_iran_click_the_29_dec_strike_and_read_its_evidence(
    tab: Tab, base_url: str
) -> None:
    page = tab.page
    started = time.monotonic()
    page.goto(base_url + "/")
    page.locator("#chart[data-state=ready]").wait_for()  # the default pick, drawn on load
    page.fill("#pick-a", "USA")
    page.fill("#pick-b", "IRN")
    page.check("#pick-rollup")
    with page.expect_response(lambda r: "/api/timeline?" in r.url and "b=IRN" in r.url):
        page.click("#pick-show")
    chart = page.locator("#chart[data-state=ready][data-dyad='USA,IRN'][data-rollup=true]")
    chart.wait_for()
    assert page.locator("#chart .scatterlayer .point").count() >= 20, "event markers drawn"

    # The chart lists what it plotted (trace and point index of each marker): find the US
    # strike of 29 Dec 2019.
    points = page.locator("#chart-points button").evaluate_all(
        "buttons => buttons.map(b => ({...b.dataset, text: b.textContent}))"
    )
    strikes = [p for p in points if p["date"] == "2019-12-29" and p["direction"] == "A->B"
               and "airstrikes" in p["text"]]  # fmt: skip
    assert strikes, f"no USA→IRN strike on 2019-12-29 among {[p['date'] for p in points]}"
    strike = strikes[0]

    # Late December is crowded (the K1 attack on the 27th, the strikes on the 29th, the embassy
    # on the 31st sit a few pixels apart over a year), so zoom in as a user would: drag a box
    # over 22 Dec – 5 Jan. Plotly zooms the time axis on a horizontal drag.
    page.locator("#chart").scroll_into_view_if_needed()
    start = page.evaluate(PIXEL, ["2019-12-22", 5])
    end = page.evaluate(PIXEL, ["2020-01-05", 5])
    page.mouse.move(start["x"], start["y"])
    page.mouse.down()
    page.mouse.move(end["x"], end["y"], steps=12)
    page.mouse.up()
    zoomed = (
        "() => new Date(document.getElementById('chart')._fullLayout.xaxis.range[0])"
        " > new Date('2019-12-15')"
    )
    page.wait_for_function(zoomed)
    # Plotly reads a click soon after the drag's mouse-up as a double click, which zooms back
    # out: pause as long as its double-click window, as a person would.
    page.wait_for_timeout(
        page.evaluate("() => document.getElementById('chart')._context.doubleClickDelay") + 100
    )

    # A real click on the marker: the mouse goes to the pixel Plotly drew it at, Plotly's hover
    # picks it up, and the click goes through Plotly's own plotly_click event.
    marker = page.evaluate(MARKER, [int(strike["trace"]), int(strike["point"])])
    assert marker["id"] == strike["eventId"]
    where = page.evaluate(PIXEL, [marker["x"], marker["y"]])
    page.mouse.move(where["x"], where["y"])
    page.locator("#chart .hoverlayer .hovertext", has_text="2019-12-29").wait_for()
    page.mouse.click(where["x"], where["y"])

    assert page.evaluate(zoomed), "the click was not read as a double click"

    evidence = page.locator(f"#evidence[data-state=ready][data-event-id='{strike['eventId']}']")
    evidence.wait_for()
    quotes = evidence.locator(".report .quote")
    texts = quotes.all_text_contents()
    assert any("airstrikes" in t for t in texts), texts
    marked = evidence.locator(".report .quote mark").all_text_contents()
    assert "airstrikes" in marked, f"the trigger is highlighted: {marked}"
    links = evidence.locator(".report a[href^='https://']")
    assert links.count() >= 1, "each report links to its article"
    assert "sources" in evidence.locator(".facts").inner_text()

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "dashboard.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    tab.clean()
    print(f"dashboard flow {time.monotonic() - started:.1f}s; screenshot {shot}")


def test_alerts_table_and_actor_page_render_from_the_api(tab: Tab, base_url: str) -> None:
    page = tab.page
    page.goto(base_url + "/#alerts")
    page.locator("#alerts li.alert").first.wait_for()
    assert "first-us-fatality-iran-aligned" in page.locator("#alerts").inner_text()

    page.goto(base_url + "/#events")
    page.locator("#events-body tr[data-event-id]").first.wait_for()
    page.select_option("#filters select[name=type]", "ASSAULT")
    page.fill("#filters input[name=since]", "2019-12-29")
    page.fill("#filters input[name=until]", "2019-12-29")
    page.click("#filters button[type=submit]")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#events-body tr[data-event-id]')]"
        ".every(r => r.cells[0].textContent === '2019-12-29')"
    )
    rows = page.locator("#events-body tr[data-event-id]")
    assert rows.count() >= 1
    assert "ASSAULT" in rows.first.inner_text()
    rows.first.click()
    first_id = rows.first.get_attribute("data-event-id")
    page.locator(f"#evidence[data-state=ready][data-event-id='{first_id}']").wait_for()

    page.goto(base_url + "/#actors/kataib-hezbollah")
    actor = page.locator("#actor[data-actor-id='kataib-hezbollah']")
    actor.wait_for()
    text = actor.inner_text()
    assert "Kata'ib Hezbollah" in text and "Aliases" in text and "Affiliations" in text
    tab.clean()

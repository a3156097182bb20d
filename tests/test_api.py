"""The JSON API in-process (httpx over ASGI): every endpoint, bad parameters, tokens, limits,
and answering while another process writes the store."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from test_interop_export import build

from redline.analyze.alerts import check
from redline.analyze.rules import load_rules
from redline.serve.app import create_app
from redline.serve.snapshot import Snapshots
from redline.settings import Settings
from redline.store import Store

TOKEN = "s3cret-token"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "store.duckdb"
    with Store(path) as store:
        build(store)
        check(store, load_rules())
    return path


def call(app: Any, method: str, url: str, **kwargs: Any) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.request(method, url, **kwargs)

    return asyncio.run(go())


@pytest.fixture
def api(db: Path, tmp_path: Path) -> Iterator[Any]:
    snapshots = Snapshots(db, every=0)
    settings = Settings(db=str(db), api_token=TOKEN, api_writes_per_minute=5)
    yield create_app(settings, snapshots=snapshots, rules_path=tmp_path / "rules.toml")
    snapshots.close()


def test_status_and_schema(api: Any) -> None:
    status = call(api, "GET", "/api/status").json()
    assert status["counts"] == {"articles": 4, "mentions": 4, "events": 3, "failures": 0,
                                "alerts": 1}  # fmt: skip
    assert status["writes"] == "on" and status["snapshot"]["stale"] is False
    paths = call(api, "GET", "/openapi.json").json()["paths"]
    for path in ("/api/events", "/api/events/{event_id}", "/api/dyads", "/api/timeline",
                 "/api/escalation", "/api/alerts", "/api/actors", "/api/actors/{actor_id}",
                 "/api/status", "/api/ingest", "/api/rules"):  # fmt: skip
        assert path in paths, f"{path} missing from the OpenAPI schema"


def test_events_filters_and_pages(api: Any) -> None:
    page = call(api, "GET", "/api/events", params={"limit": 2}).json()
    assert page["total"] == 3 and len(page["events"]) == 2 and page["offset"] == 0
    rest = call(api, "GET", "/api/events", params={"limit": 2, "offset": 2}).json()
    assert [e["event_type"] for e in rest["events"]] == ["PROTEST"]
    dyad = call(api, "GET", "/api/events", params={"dyad": "USA,IRN"}).json()
    assert dyad["total"] == 2, "the K-1 attack and the strikes, with roll-up"
    assert call(api, "GET", "/api/events", params={"dyad": "USA,IRN", "rollup": "false"}
                ).json()["total"] == 0  # fmt: skip
    assert call(api, "GET", "/api/events", params={"type": "protest"}).json()["total"] == 1
    assert call(api, "GET", "/api/events", params={"place": "Anbar"}).json()["total"] == 1
    assert call(api, "GET", "/api/events", params={"since": "2019-12-28"}).json()["total"] == 2
    assert (
        call(api, "GET", "/api/events", params={"actor": "kataib-hezbollah"}).json()["total"] == 2
    )


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"type": "BOMBING"}, "Unknown event type 'BOMBING'"),
        ({"realis": "maybe"}, "Unknown realis 'maybe'"),
        ({"limit": 0}, "greater than or equal to 1"),
        ({"limit": 5000}, "less than or equal to 1000"),
        ({"since": "27/12/2019"}, "date"),
        ({"dyad": "USA"}, "pattern"),
        ({"actor": "x' OR 1=1 --"}, "pattern"),
    ],
)
def test_bad_parameters_get_a_clear_4xx(api: Any, params: dict[str, Any], words: str) -> None:
    response = call(api, "GET", "/api/events", params=params)
    assert response.status_code == 422, response.text
    assert words in response.text


def test_one_event_with_its_reports(api: Any) -> None:
    events = call(api, "GET", "/api/events", params={"type": "ASSAULT"}).json()["events"]
    k1 = call(api, "GET", f"/api/events/{events[0]['id']}").json()
    assert [r["url"] for r in k1["reports"]] == ["https://gulfwire.example/k1",
                                                 "https://ledger.example/k1"]  # fmt: skip
    report = k1["reports"][0]
    assert report["quote"].startswith("Kataib Hezbollah fired") and report["trigger"].startswith(
        "fired@"
    )
    assert report["why"] and report["realis"] == "asserted" and report["site"] == "Gulf Wire"
    assert call(api, "GET", "/api/events/ev-nope").status_code == 404
    assert call(api, "GET", "/api/events/bad%20id!").status_code == 422


def test_dyads_timeline_escalation_alerts(api: Any) -> None:
    dyads = call(api, "GET", "/api/dyads", params={"rollup": "true"}).json()["dyads"]
    assert {"source": "IRN", "target": "USA", "events": 1} in dyads
    line = call(api, "GET", "/api/timeline", params={"a": "USA", "b": "IRN", "freq": "D"}).json()
    assert {b["direction"] for b in line["buckets"]} == {"A->B", "B->A", "both"}
    assert [p["date"] for p in line["events"]] == ["2019-12-27", "2019-12-29"]
    assert call(api, "GET", "/api/timeline", params={"a": "USA", "freq": "X"}).status_code == 422
    ladder = call(api, "GET", "/api/escalation", params={"a": "USA", "b": "IRN"}).json()
    assert ladder["peak"] == 7 and ladder["rungs"][7] == "attack causing deaths"
    alerts = call(api, "GET", "/api/alerts").json()["alerts"]
    assert [a["rule"] for a in alerts] == ["first-us-fatality-iran-aligned"]
    assert alerts[0]["evidence"][0]["reports"][0]["quote"].startswith("Kataib Hezbollah")


def test_actors(api: Any) -> None:
    found = call(api, "GET", "/api/actors", params={"q": "hezbollah"}).json()["actors"]
    assert "kataib-hezbollah" in [a["id"] for a in found]
    kh = call(api, "GET", "/api/actors/kataib-hezbollah").json()
    assert kh["rollup"] == "IRN" and "Hezbollah Brigades" in kh["aliases"]
    assert any(d["authority"] for d in kh["designations"])
    assert call(api, "GET", "/api/actors/no-such-actor").status_code == 404


def test_writes_need_the_token(api: Any, db: Path) -> None:
    body = {"articles": [{"text": "x"}]}
    assert call(api, "POST", "/api/ingest", json=body).status_code == 401
    wrong = call(api, "POST", "/api/ingest", json=body, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and "wrong token" in wrong.text
    off = create_app(Settings(db=str(db)), snapshots=Snapshots(db, every=0))
    refused = call(off, "PUT", "/api/rules", content=b"", headers={"Authorization": "Bearer x"})
    assert refused.status_code == 403 and "Writes are off" in refused.text
    empty = call(api, "POST", "/api/ingest", json={}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert empty.status_code == 422 and "at least one" in empty.text
    bad_url = call(api, "POST", "/api/ingest", json={"urls": ["file:///etc/passwd"]},
                   headers={"Authorization": f"Bearer {TOKEN}"})  # fmt: skip
    assert bad_url.status_code == 422


def test_rules_are_checked_before_they_are_saved(api: Any, tmp_path: Path) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/toml"}
    text = '[[rule]]\nid = "any-assault"\ntitle = "Any assault"\nevent_type = "ASSAULT"\n'
    saved = call(api, "PUT", "/api/rules", content=text.encode(), headers=auth)
    assert saved.status_code == 200 and saved.json()["rules"] == ["any-assault"]
    assert call(api, "GET", "/api/rules").text == text
    bad = call(api, "PUT", "/api/rules", content=b'[[rule]]\nid = "x"\ntitle = "X"\nevnt = 1\n',
               headers=auth)  # fmt: skip
    assert bad.status_code == 400 and "unknown key 'evnt'" in bad.text
    assert call(api, "GET", "/api/rules").text == text, "a refused file changes nothing"
    broken = call(api, "PUT", "/api/rules", content=b"[[rule", headers=auth)
    assert broken.status_code == 400 and "Not valid TOML" in broken.text


def test_body_size_and_write_rate_limits(db: Path, tmp_path: Path) -> None:
    settings = Settings(db=str(db), api_token=TOKEN, api_max_body=100, api_writes_per_minute=2)
    app = create_app(settings, snapshots=Snapshots(db, every=0), rules_path=tmp_path / "r.toml")
    auth = {"Authorization": f"Bearer {TOKEN}"}
    big = call(app, "PUT", "/api/rules", content=b"#" * 500, headers=auth)
    assert big.status_code == 413
    codes = [call(app, "PUT", "/api/rules", content=b"", headers=auth).status_code
             for _ in range(3)]  # fmt: skip
    assert codes == [200, 200, 429], "the third write in a minute is refused"


def test_the_server_answers_while_another_process_writes(db: Path) -> None:
    snapshots = Snapshots(db, every=0)
    app = create_app(Settings(db=str(db)), snapshots=snapshots)
    assert call(app, "GET", "/api/status").json()["counts"]["events"] == 3
    holder = textwrap.dedent(
        f"""
        import sys, time
        from redline.store import Store
        store = Store({str(db)!r})
        store.connection.execute("DELETE FROM alerts")
        print("holding", flush=True)
        sys.stdin.readline()
        store.close()
        """
    )
    with subprocess.Popen([sys.executable, "-c", holder], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True) as writer:  # fmt: skip
        assert writer.stdout is not None and writer.stdin is not None
        try:
            assert writer.stdout.readline().strip() == "holding"
            during = call(app, "GET", "/api/status")
            assert during.status_code == 200, "the last snapshot is served while a writer holds it"
            assert during.json()["counts"]["alerts"] == 1
            assert during.json()["snapshot"]["stale"] is True
        finally:
            writer.stdin.write("\n")
            writer.stdin.flush()
            writer.wait(timeout=30)
    after = call(app, "GET", "/api/status").json()
    assert after["counts"]["alerts"] == 0 and after["snapshot"]["stale"] is False, (
        "once the writer is gone the next request reads a fresh snapshot"
    )
    snapshots.close()


@pytest.mark.model
def test_ingest_codes_text_through_the_api(api: Any) -> None:
    text = ("Kataib Hezbollah fired rockets at the K1 base near Kirkuk on Friday, killing a U.S. "
            "contractor, U.S. officials said, in the latest of a series of attacks on bases.")  # fmt: skip
    response = call(api, "POST", "/api/ingest",
                    json={"articles": [{"text": text, "published": "2019-12-28"}]},
                    headers={"Authorization": f"Bearer {TOKEN}"})  # fmt: skip
    assert response.status_code == 200, response.text
    assert response.json()["articles"] == 1 and response.json()["mentions"] >= 1
    status = call(api, "GET", "/api/status").json()
    assert status["counts"]["articles"] == 5 and status["last_ingest"]["articles"] == 1

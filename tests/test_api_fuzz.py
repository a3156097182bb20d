"""The API never answers 5xx: a small schemathesis run over the OpenAPI schema, in-process.

A 5xx means some input reached code that cannot take it; the schema-driven run (a few
examples per operation, every operation, writes with a token set but not given) keeps that
guarantee in CI. ``bench/fuzz_api.py`` is the long run, with the token given and TOML rule
files; the requests it once answered with a 500 are pinned below.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from pathlib import Path
from typing import Any

import httpx
import pytest
from test_interop_export import build

from redline.serve.app import create_app
from redline.serve.snapshot import Snapshots
from redline.settings import Settings
from redline.store import Store

schemathesis = pytest.importorskip(
    "schemathesis", reason="schemathesis is not installed (pip install -e '.[dev]')"
)

TOKEN = "fuzz-token-0123456789"
Message = MutableMapping[str, Any]
Asgi = Callable[[Message, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
                Awaitable[None]]  # fmt: skip


@schemathesis.serializer("application/toml")
def _toml_body(ctx: Any, value: Any) -> bytes:
    """PUT /api/rules takes TOML text; schemathesis knows no TOML serializer of its own."""
    return (
        value.encode("utf-8", "surrogatepass") if isinstance(value, str) else repr(value).encode()
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "store.duckdb"
    with Store(path) as store:
        build(store)
    return path


@pytest.fixture
def app(db: Path, tmp_path: Path) -> Iterator[Any]:
    snapshots = Snapshots(db, every=0)
    settings = Settings(db=str(db), api_token=TOKEN, fetch_timeout=0.5)
    # The rules file does not exist yet: GET /api/rules must say so, not fail.
    yield create_app(settings, snapshots=snapshots, rules_path=tmp_path / "rules.toml")
    snapshots.close()


def as_server(app: Asgi, crashes: list[str]) -> Asgi:
    """In-process an exception escapes the app after Starlette sent its 500; a server (uvicorn)
    logs it and keeps going. Do the same, keeping the exception for the failure message."""

    async def wrapped(scope: Message, receive: Any, send: Any) -> None:
        try:
            await app(scope, receive, send)
        except Exception as exc:
            crashes.append(f"{scope.get('method')} {scope.get('path')}: {exc!r}")

    return wrapped


def test_no_operation_answers_5xx(app: Any) -> None:
    crashes: list[str] = []
    config = schemathesis.Config.from_dict({
        "seed": 1,
        "continue-on-failure": True,
        "generation": {"max-examples": 4, "database": "none"},
        "phases": {"examples": {"enabled": False}, "coverage": {"enabled": False},
                   "stateful": {"enabled": False}},
        "checks": {"enabled": False, "not_a_server_error": {"enabled": True}},
    })  # fmt: skip
    schema = schemathesis.openapi.from_asgi("/openapi.json", as_server(app, crashes), config=config)
    from schemathesis.engine import events, from_schema

    operations: set[str] = set()
    server_errors: list[str] = []
    cases = 0
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            cases += len(event.recorder.cases)
            operations |= {node.value.operation.label for node in event.recorder.cases.values()}
            for interaction in event.recorder.interactions.values():
                if interaction.response is not None and interaction.response.status_code >= 500:
                    request = interaction.request
                    server_errors.append(f"{request.method} {request.uri} {request.body!r:.200}")
        elif isinstance(event, events.FatalError):
            pytest.fail(f"schemathesis stopped: {event.exception!r}")
        elif isinstance(event, events.NonFatalError):
            pytest.fail(f"schemathesis could not test {event.label}: {event.value!r}")
    assert not server_errors and not crashes, f"5xx answers: {server_errors} {crashes}"
    assert len(operations) >= 12, f"every operation is fuzzed, got {sorted(operations)}"
    assert cases >= 12


def call(app: Any, method: str, url: str, **kwargs: Any) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.request(method, url, **kwargs)

    return asyncio.run(go())


AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.mark.parametrize(
    ("method", "url", "kwargs", "status"),
    [
        ("GET", "/api/rules", {}, 404),
        ("POST", "/api/ingest", {"json": {"urls": ["https://[::1"]}, "headers": AUTH}, 422),
        ("POST", "/api/ingest", {"json": {"urls": ["http://\u00aa"]}, "headers": AUTH}, 422),
        ("PUT", "/api/rules", {"content": "a = " + "[" * 100_000, "headers": AUTH}, 400),
        ("PUT", "/api/rules", {"content": "a = " + "9" * 5000, "headers": AUTH}, 400),
    ],
    ids=[
        "rules-file-not-written-yet",
        "url-bad-port",
        "url-bad-idna-host",
        "toml-nested-deep",
        "toml-integer-5000-digits",
    ],
)
def test_inputs_that_once_gave_a_500(
    app: Any, method: str, url: str, kwargs: dict[str, Any], status: int
) -> None:
    response = call(app, method, url, **kwargs)
    assert response.status_code == status, response.text

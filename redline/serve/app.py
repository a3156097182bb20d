"""The JSON API (and the dashboard's files): a thin FastAPI shell over the library.

Reads go to a snapshot of the store (``serve.snapshot``), so the server answers while another
process writes. Writes (ingesting articles, replacing the rules) need the ``api_token``
setting, compared in constant time; without a token they are off. Every body is size-limited
and write requests are rate-limited per client. Documented keys of each response are stable:
new keys may be added. The OpenAPI schema is at ``/openapi.json``.
"""

import hmac
import json
import tempfile
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import asdict
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from fastapi import Body, Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import AfterValidator, BaseModel, Field

from redline import __version__
from redline.errors import ConfigError, RedlineError, StoreError
from redline.model import EVENT_TYPES, Realis
from redline.serve.snapshot import Snapshots
from redline.settings import Settings
from redline.store import Store
from redline.store.db import date_range

Freq = Annotated[str, Query(pattern="^[DWMQY]$", description="D, W, M, Q or Y")]
ActorId = Annotated[str, Query(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.'-]+$")]
Limit = Annotated[int, Query(ge=1, le=1000)]


class TextArticle(BaseModel):
    """An article given as text."""

    text: str = Field(min_length=1, max_length=500_000)
    title: str | None = Field(default=None, max_length=1000)
    url: str | None = Field(default=None, max_length=2000)
    published: str | None = Field(default=None, max_length=40, description="ISO date or time")


def _parsable_url(url: str) -> str:
    """Refuse a URL the HTTP client cannot even parse (``https://[::1``, a bad IDNA host):
    fetching it raises instead of failing, which would be a 500 rather than a 422."""
    import httpx

    try:
        httpx.URL(url)
    except (httpx.InvalidURL, UnicodeError, ValueError) as exc:
        raise ValueError(f"not a URL that can be fetched ({exc})") from None
    return url


class IngestRequest(BaseModel):
    """URLs to fetch, or articles as text (at most 50 of each per request)."""

    urls: list[
        Annotated[str, Field(pattern=r"^https?://", max_length=2000), AfterValidator(_parsable_url)]
    ] = Field(default_factory=list, max_length=50)
    articles: list[TextArticle] = Field(default_factory=list, max_length=50)


class _RateLimit:
    """At most ``per_minute`` requests per client in any 60 seconds (a sliding window)."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self.seen: dict[str, deque[float]] = {}
        self.lock = threading.Lock()

    def allow(self, client: str) -> bool:
        with self.lock:
            now = self.clock()
            times = self.seen.setdefault(client, deque())
            while times and now - times[0] >= 60:
                times.popleft()
            if len(times) >= self.per_minute:
                return False
            times.append(now)
            return True


def create_app(
    settings: Settings,
    *,
    snapshots: Snapshots | None = None,
    rules_path: str | Path | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> FastAPI:
    """The API over ``settings.db``; ``rules_path`` is the rule file alerts and edits use."""
    app = FastAPI(
        title="redline",
        version=__version__,
        description="Coded political-conflict events with their evidence.",
        docs_url=None,  # the interactive docs page loads its scripts from a CDN
        redoc_url=None,
    )
    reader = snapshots or Snapshots(settings.db)
    rules_file = Path(rules_path or settings.rules) if (rules_path or settings.rules) else None
    limiter = _RateLimit(settings.api_writes_per_minute, clock)
    state: dict[str, Any] = {"rules_file": rules_file, "last_ingest": None}

    @app.middleware("http")
    async def limit_body(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        length = request.headers.get("content-length")
        if length is not None:
            if not length.isdigit():
                return JSONResponse({"detail": "Content-Length is not a number."}, 400)
            if int(length) > settings.api_max_body:
                return JSONResponse(
                    {"detail": f"Request body over {settings.api_max_body} bytes."}, 413
                )
        return await call_next(request)

    @app.exception_handler(ConfigError)
    async def bad_input(request: Request, exc: ConfigError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, 400)

    @app.exception_handler(StoreError)
    async def busy(request: Request, exc: StoreError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, 503, headers={"Retry-After": "5"})

    def reading() -> Iterator[Store]:
        with reader.store() as store:
            yield store

    Reader = Annotated[Store, Depends(reading)]

    def writer(request: Request, authorization: str | None = Header(default=None)) -> None:
        token = settings.api_token
        if not token:
            raise HTTPException(403, "Writes are off: set the api_token setting "
                                "(REDLINE_API_TOKEN) to turn them on.")  # fmt: skip
        given = (authorization or "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), token.encode()):
            raise HTTPException(401, "Missing or wrong token (Authorization: Bearer TOKEN).",
                                headers={"WWW-Authenticate": "Bearer"})  # fmt: skip
        client = request.client.host if request.client else "unknown"
        if not limiter.allow(client):
            raise HTTPException(429, f"Over {settings.api_writes_per_minute} writes a minute.",
                                headers={"Retry-After": "60"})  # fmt: skip

    # -- events ------------------------------------------------------------------------

    @app.get("/api/events", summary="Events (consolidated), filtered and paginated")
    def events(
        store: Reader,
        actor: ActorId | None = None,
        dyad: Annotated[
            str | None,
            Query(
                pattern=r"^[A-Za-z0-9_.'-]+,[A-Za-z0-9_.'-]+$",
                description="A,B: events between A and B",
            ),
        ] = None,
        type: Annotated[str | None, Query(description="PLOVER event type")] = None,
        mode: Annotated[str | None, Query(max_length=40)] = None,
        realis: Annotated[str | None, Query(max_length=20)] = None,
        since: date | None = None,
        until: date | None = None,
        place: Annotated[str | None, Query(max_length=100)] = None,
        rollup: bool = True,
        limit: Limit = 50,
        offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    ) -> dict[str, Any]:
        """Keys: ``total``, ``limit``, ``offset``, ``events`` (each as ``redline events
        --format jsonl``)."""
        from redline.analyze.timeline import direction_clauses, side_clause
        from redline.store import incidents

        clauses: list[str] = []
        parameters: list[Any] = []
        if actor:
            clauses.append(f"({side_clause('source', actor, rollup)} OR "
                           f"{side_clause('target', actor, rollup)})")  # fmt: skip
        if dyad:
            a, b = dyad.split(",")
            clauses.append(direction_clauses(a, b, rollup)["both"])
        if type:
            if type.upper() not in EVENT_TYPES:
                raise HTTPException(
                    422, f"Unknown event type {type!r}; one of {list(EVENT_TYPES)}."
                )
            clauses.append("event_type = ?")
            parameters.append(type.upper())
        if mode:
            clauses.append("mode = ?")
            parameters.append(mode)
        if realis:
            if realis not in {str(r) for r in Realis}:
                raise HTTPException(
                    422, f"Unknown realis {realis!r}; one of {[str(r) for r in Realis]}."
                )
            clauses.append("realis = ?")
            parameters.append(realis)
        date_range(clauses, parameters, since, until)
        if place:
            clauses.append("(json_extract_string(location, '$.name') ILIKE ? OR "
                           "json_extract_string(location, '$.admin1') ILIKE ? OR "
                           "json_extract_string(location, '$.country') = ?)")  # fmt: skip
            parameters += [place, place, place.upper()]
        where = " WHERE " + " AND ".join(clauses) if clauses else ""
        total = store._query(f"SELECT count(*) AS n FROM incidents{where}", parameters)[0]["n"]
        found = incidents.read(store, clauses=clauses, parameters=parameters,
                               limit=limit, offset=offset)  # fmt: skip
        return {"total": int(total), "limit": limit, "offset": offset,
                "events": [incidents.to_dict(i) for i in found]}  # fmt: skip

    @app.get("/api/events/{event_id}", summary="One event with its reports and evidence")
    def event(
        store: Reader,
        event_id: Annotated[str, PathParam(pattern=r"^[A-Za-z0-9_-]{1,64}$")],
    ) -> dict[str, Any]:
        """Keys: those of an event, plus ``reports`` (each report's ``quote``, ``sentence``,
        ``start``, ``end``, ``trigger``, ``realis``, ``why`` and its article's ``url``,
        ``title``, ``site``, ``published``)."""
        from redline.store import incidents
        from redline.store.codec import event_to_dict

        found = incidents.read(store, clauses=["id = ?"], parameters=[event_id], with_links=True)
        if not found:
            raise HTTPException(404, f"No event {event_id!r}.")
        incident = found[0]
        mentions = {m.id: m for m in store.mentions(incident.mentions)}
        meta = store.article_metadata(m.article_id for m in mentions.values())
        data = incidents.to_dict(incident)
        reports = []
        for link in incident.links:
            mention = mentions.get(link.mention)
            if mention is None:
                continue
            article = meta.get(mention.article_id, {})
            row = event_to_dict(mention)
            published = article.get("published_at")
            reports.append({
                **row["evidence"], "id": mention.id, "realis": row["realis"],
                "date": row["date"], "why": link.reason, "url": article.get("url"),
                "title": article.get("title"), "site": article.get("site"),
                "published": published.isoformat() if published else None,
            })  # fmt: skip
        data["reports"] = reports
        return data

    @app.get("/api/dyads", summary="Events per directed actor pair")
    def dyads(store: Reader, rollup: bool = False, limit: Limit = 50) -> dict[str, Any]:
        """Keys: ``dyads`` (each ``source``, ``target``, ``events``), ``rollup``."""
        rows = store.dyad_counts(rollup=rollup)[:limit]
        return {"rollup": rollup,
                "dyads": [{"source": s, "target": t, "events": n} for s, t, n in rows]}  # fmt: skip

    @app.get("/api/timeline", summary="A dyad's timeline")
    def timeline(
        store: Reader,
        a: ActorId,
        b: ActorId | None = None,
        freq: Freq = "W",
        rollup: bool = True,
        since: date | None = None,
        until: date | None = None,
        max_points: Annotated[int, Query(ge=0, le=20_000)] = 5000,
    ) -> dict[str, Any]:
        """Keys: ``a``, ``b``, ``freq``, ``rollup``, ``buckets`` (each ``period``,
        ``direction`` — ``A->B``, ``B->A`` or ``both`` — ``events``, ``hostile``,
        ``hostility_sum``, ``hostility_max``, ``fatalities``) and ``events`` (the dyad's
        events as points: ``id``, ``date``, ``direction``, ``event_type``, ``mode``,
        ``hostility``, ``quote``; past ``max_points`` the most hostile) and ``events_total``."""
        from redline.analyze.timeline import Point
        from redline.analyze.timeline import points as dyad_points
        from redline.analyze.timeline import timeline as build

        line = build(store, a, b, freq=freq, rollup=rollup, since=since, until=until)
        found: list[Point] = []
        total = 0
        if b is not None:
            found, total = dyad_points(store, a, b, rollup=rollup, since=since, until=until,
                                       limit=max_points)  # fmt: skip
        return {
            "a": a, "b": b, "freq": freq, "rollup": rollup,
            "buckets": [{**asdict(x), "period": x.period.isoformat()} for x in line.buckets],
            "events": [{**asdict(p), "date": p.date.isoformat()} for p in found],
            "events_total": total,
        }  # fmt: skip

    @app.get("/api/escalation", summary="A dyad's escalation ladder")
    def escalation(
        store: Reader,
        a: ActorId,
        b: ActorId,
        freq: Annotated[str, Query(pattern="^[DWM]$")] = "W",
        rollup: bool = True,
    ) -> dict[str, Any]:
        """Keys: ``current``, ``current_name``, ``peak``, ``rungs``, ``climbs``, ``shifts``,
        ``steps`` (as ``redline escalation --format json``)."""
        from redline.analyze.escalation import RUNGS
        from redline.analyze.escalation import escalation as build

        ladder = build(store, a, b, rollup=rollup, freq=freq)
        data: dict[str, Any] = json.loads(json.dumps(asdict(ladder), default=str))
        data.update(current_name=ladder.current_name, peak=ladder.peak(), rungs=list(RUNGS))
        return data

    @app.get("/api/alerts", summary="Stored red-line alerts")
    def alerts(
        store: Reader, rule: Annotated[str | None, Query(max_length=100)] = None
    ) -> dict[str, Any]:
        """Keys: ``alerts`` (each as ``redline alerts --format jsonl``)."""
        from redline.analyze.alerts import listed

        return {"alerts": [a for a in listed(store) if rule is None or a["rule"] == rule]}

    @app.get("/api/actors", summary="Search actors")
    def actors(q: Annotated[str, Query(max_length=100)] = "", limit: Limit = 20) -> dict[str, Any]:
        """Keys: ``actors`` (each ``id``, ``name``, ``country``, ``sector``, ``type``)."""
        from redline.coding.actors import ActorDictionary

        kb = ActorDictionary.builtin()
        found = kb.search(q)[:limit]
        return {"actors": [{"id": e.id, "name": e.name, "country": e.country, "sector": e.sector,
                            "type": e.type} for e in found]}  # fmt: skip

    @app.get("/api/actors/{actor_id}", summary="One actor: aliases, roles, affiliations")
    def actor(
        actor_id: Annotated[str, PathParam(min_length=1, max_length=100)],
    ) -> dict[str, Any]:
        """Keys: ``id``, ``name``, ``country``, ``type``, ``aliases``, ``roles``,
        ``affiliations``, ``designations``, ``rollup``."""
        from redline.coding.actors import ActorDictionary

        kb = ActorDictionary.builtin()
        rows = kb.entries(actor_id)
        if not rows:
            raise HTTPException(404, f"No actor {actor_id!r}.")
        first = rows[0]

        def span(x: Any) -> dict[str, Any]:
            return {"valid_from": str(x.valid_from) if x.valid_from else None,
                    "valid_to": str(x.valid_to) if x.valid_to else None}  # fmt: skip

        return {
            "id": first.id, "name": first.name, "country": first.country, "type": first.type,
            "aliases": kb.aliases_of(actor_id),
            "roles": [{"sector": r.sector, **span(r)} for r in rows],
            "affiliations": [{"relation": e.relation, "parent": e.parent, "note": e.note,
                              "confidence": e.confidence, **span(e)}
                             for e in kb.affiliations_of(actor_id)]
            + [{"relation": "parent", "parent": p, "note": "", "confidence": None,
                "valid_from": None, "valid_to": None} for p in first.sponsors],
            "designations": [{"authority": d.authority, "designation": d.designation, **span(d)}
                             for d in kb.designations_of(actor_id)],
            "rollup": kb.rollup(actor_id),
        }  # fmt: skip

    @app.get("/api/status", summary="What the server reads, and the store's counts")
    def status(store: Reader) -> dict[str, Any]:
        """Keys: ``version``, ``counts`` (articles, events as ``mentions``, ``events``,
        ``failures``, ``alerts``), ``snapshot`` (``taken_at``, ``stale``, ``reason``),
        ``writes`` (on or off), ``last_ingest``."""
        from redline.store import alerts as stored_alerts

        counts = store.counts()
        snap = reader.state()
        return {
            "version": __version__,
            "counts": {"articles": counts["articles"], "mentions": counts["events"],
                       "events": counts["incidents"], "failures": counts["failures"],
                       "alerts": stored_alerts.count(store)},
            "snapshot": {"taken_at": snap.taken_at.isoformat() if snap.taken_at else None,
                         "stale": snap.stale, "reason": snap.reason},
            "writes": "on" if settings.api_token else "off",
            "last_ingest": state["last_ingest"],
        }  # fmt: skip

    # -- writes --------------------------------------------------------------------------

    @app.post("/api/ingest", summary="Fetch URLs or take texts, code and store them",
              dependencies=[Depends(writer)])  # fmt: skip
    def ingest(request: Annotated[IngestRequest, Body()]) -> dict[str, Any]:
        """Needs the token. Keys: ``articles``, ``mentions``, ``events``, ``failures``
        (with ``failure_kinds``), ``skipped``."""
        from redline.consolidate.update import consolidate
        from redline.pipeline import Pipeline

        if not request.urls and not request.articles:
            raise HTTPException(422, "Give at least one of 'urls' or 'articles'.")
        sources: list[str] = list(request.urls)
        with tempfile.TemporaryDirectory() as folder:
            if request.articles:
                path = Path(folder) / "articles.jsonl"
                with open(path, "w", encoding="utf-8") as handle:
                    for article in request.articles:
                        handle.write(json.dumps(article.model_dump(exclude_none=True)) + "\n")
                sources.append(str(path))
            try:
                with Store(settings.db) as store:
                    summary = Pipeline(settings).run(sources, store)
                    consolidate(store)
            except StoreError as exc:
                raise StoreError(f"The store is busy ({exc}); retry shortly.") from None
        reader.refresh(force=True)
        result = {"articles": summary.articles, "mentions": summary.events,
                  "events": summary.incidents, "failures": summary.failures,
                  "failure_kinds": summary.failure_kinds, "skipped": summary.skipped}  # fmt: skip
        state["last_ingest"] = {**result, "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        return result

    @app.get("/api/rules", summary="The red-line rules in use", response_class=PlainTextResponse)
    def rules_text() -> str:
        """The TOML text of the rules alerts are evaluated with."""
        from redline.analyze.rules import default_rules_path

        path = state["rules_file"] or default_rules_path()
        try:
            return Path(path).read_text("utf-8")
        except FileNotFoundError:  # --rules names a file not written yet (PUT creates it)
            raise HTTPException(404, f"No rules file at {path} yet.") from None

    @app.put(
        "/api/rules",
        summary="Replace the red-line rules (TOML)",
        dependencies=[Depends(writer)],
        openapi_extra={"requestBody": {"required": True, "content": {
            "application/toml": {"schema": {"type": "string"}}}}},
    )  # fmt: skip
    async def rules_put(request: Request) -> dict[str, Any]:
        """Needs the token; the body is the TOML text. It is checked first: a bad file is
        refused with the error (400) and nothing is saved. Keys: ``rules`` (ids), ``path``."""
        import tomllib

        from redline.analyze.rules import parse_rules

        raw = await request.body()
        try:
            text = raw.decode("utf-8")
            data = tomllib.loads(text)
        except UnicodeDecodeError:
            raise HTTPException(400, "The rules must be UTF-8 text.") from None
        except tomllib.TOMLDecodeError as exc:
            raise HTTPException(400, f"Not valid TOML: {exc}") from None
        except (RecursionError, ValueError) as exc:  # `a = [[[[…`, an integer of 5,000 digits
            raise HTTPException(400, f"Not valid TOML: {exc}.") from None
        rules = parse_rules(data, origin="rules")
        target = state["rules_file"] or Path(settings.db).with_name(
            Path(settings.db).name + ".rules.toml")  # fmt: skip
        temporary = Path(str(target) + ".tmp")
        temporary.write_text(text, "utf-8")
        temporary.replace(target)
        state["rules_file"] = target
        return {"rules": [r.id for r in rules], "path": str(target)}

    from redline.serve.vendor import add_vendor_routes  # before "/": the mount shadows it

    add_vendor_routes(app)
    static = resources.files("redline.serve").joinpath("static")
    if static.is_dir():
        app.mount("/", StaticFiles(directory=str(static), html=True), name="dashboard")

    @app.exception_handler(RedlineError)
    async def other(request: Request, exc: RedlineError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, 400)

    return app

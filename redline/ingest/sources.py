"""Readers that turn paths and URLs into ``RawPage`` records (or ``Failure`` records).

A folder is walked recursively for ``.html``, ``.htm``, ``.txt`` and ``.jsonl`` files;
other files in it (a README, images) are ignored. A file named explicitly with another
suffix is a failure, not an error: one bad input never stops a batch.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx

from redline.ingest.fetch import fetch
from redline.model import Failure, RawPage

STAGE = "ingest.read"
SUFFIXES = {".html": "html", ".htm": "html", ".txt": "text", ".jsonl": "jsonl"}


def _kind(path: Path) -> str | None:
    """The reader a file needs; ``archive.jsonl.gz`` is JSON lines read through gzip."""
    if path.name.lower().endswith(".jsonl.gz"):
        return "jsonl"
    return SUFFIXES.get(path.suffix.lower())


def _now() -> datetime:
    return datetime.now(UTC)


def _failure(item: str, kind: str, message: str, now: Callable[[], datetime]) -> Failure:
    return Failure(stage=STAGE, item=item, kind=kind, message=message, at=now())


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def is_url(source: str) -> bool:
    """True for ``http://`` and ``https://`` sources."""
    return source.startswith(("http://", "https://"))


def expand(sources: Iterable[str]) -> Iterator[str]:
    """Yield URLs as given and every readable file under the given paths, sorted."""
    for source in sources:
        if is_url(source):
            yield source
            continue
        path = Path(source)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and _kind(child) is not None:
                    yield str(child)
        else:
            yield source


def read_file(
    path: Path, *, max_bytes: int, now: Callable[[], datetime] = _now
) -> Iterator[RawPage | Failure]:
    """Read one file into pages: one for HTML/text, one per line for JSONL."""
    item = str(path)
    kind = _kind(path)
    if not path.exists():
        yield _failure(item, "missing", f"{item} does not exist.", now)
        return
    if kind is None:
        yield _failure(
            item,
            "unsupported-format",
            f"{item}: unsupported file type '{path.suffix}'; "
            "redline reads .html, .htm, .txt, .jsonl and .jsonl.gz files.",
            now,
        )
        return
    size = path.stat().st_size
    if size > max_bytes and kind != "jsonl":
        yield _failure(
            item,
            "too-large",
            f"{item} is {_megabytes(size)}, over the {_megabytes(max_bytes)} limit "
            "(raise the max_bytes setting to read it).",
            now,
        )
        return
    if size == 0:
        yield _failure(item, "empty", f"{item} is empty.", now)
        return
    if kind == "jsonl":
        yield from read_jsonl(path, max_bytes=max_bytes, now=now)
        return
    yield RawPage(origin=item, content=path.read_bytes(), media_type=kind, fetched_at=now())


def _text_field(record: dict[str, object], key: str) -> str | None:
    value = record.get(key)
    return str(value) if value not in (None, "") else None


def read_jsonl(
    path: Path, *, max_bytes: int, now: Callable[[], datetime] = _now
) -> Iterator[RawPage | Failure]:
    """Read a JSONL file of articles: ``text`` or ``html``, optional metadata keys.

    Streamed line by line (a ``.gz`` file is decompressed as it is read), so an archive of
    any size is read in bounded memory; a truncated ``.gz`` ends with one failure.
    """
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as handle:
        try:
            yield from _jsonl_lines(path, handle, max_bytes=max_bytes, now=now)
        except (OSError, EOFError) as exc:
            item = str(path)
            yield _failure(item, "truncated", f"{item}: the compressed file ends early ({exc}).",
                           now)  # fmt: skip


def _jsonl_lines(
    path: Path, handle: Iterable[bytes], *, max_bytes: int, now: Callable[[], datetime]
) -> Iterator[RawPage | Failure]:
    for number, line in enumerate(handle, start=1):
        item = f"{path}:{number}"
        if not line.strip():
            continue
        if len(line) > max_bytes:
            yield _failure(
                item,
                "too-large",
                f"{item}: line is {_megabytes(len(line))}, over the {_megabytes(max_bytes)} limit.",
                now,
            )
            continue
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            yield _failure(item, "bad-json", f"{item}: not a JSON object ({exc}).", now)
            continue
        if not isinstance(record, dict):
            yield _failure(item, "bad-json", f"{item}: expected a JSON object.", now)
            continue
        body, media_type = record.get("text"), "text"
        if not body:
            body, media_type = record.get("html"), "html"
        if not isinstance(body, str) or not body.strip():
            yield _failure(item, "empty", f"{item}: the record has no 'text' or 'html' field.", now)
            continue

        yield RawPage(
            origin=item,
            content=body.encode("utf-8"),
            media_type=media_type,
            url=_text_field(record, "url"),
            title=_text_field(record, "title"),
            published=_text_field(record, "published"),
            site=_text_field(record, "source"),
            fetched_at=now(),
        )


def read(
    sources: Iterable[str],
    *,
    max_bytes: int = 10_000_000,
    client: httpx.Client | None = None,
    timeout: float = 20.0,
    now: Callable[[], datetime] = _now,
) -> Iterator[RawPage | Failure]:
    """Read paths, folders and URLs into pages, with a failure for each bad item.

    Args:
        sources: file paths, folders or ``http(s)`` URLs.
        max_bytes: largest file or response body accepted.
        client: the HTTP client to fetch URLs with (inject a mock in tests).
        timeout: seconds per request when redline creates the client itself.
        now: the clock.

    Example:
        >>> pages = list(read(["examples/"]))  # doctest: +SKIP
    """
    own_client: httpx.Client | None = None
    try:
        for source in expand(sources):
            if is_url(source):
                if client is None:
                    own_client = client = httpx.Client(
                        timeout=timeout,
                        follow_redirects=True,
                        headers={"User-Agent": "redline/0.1 (+event coder)"},
                    )
                yield fetch(source, client=client, max_bytes=max_bytes, now=now)
            else:
                yield from read_file(Path(source), max_bytes=max_bytes, now=now)
    finally:
        if own_client is not None:
            own_client.close()

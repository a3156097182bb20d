"""Fetch one URL with an injected ``httpx.Client``, bounded in size and time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import httpx

from redline.model import Failure, RawPage

STAGE = "ingest.fetch"


def _now() -> datetime:
    return datetime.now(UTC)


def fetch(
    url: str,
    *,
    client: httpx.Client,
    max_bytes: int = 10_000_000,
    now: Callable[[], datetime] = _now,
) -> RawPage | Failure:
    """Download ``url`` and return its page, or a ``Failure`` that says why not.

    The body is streamed so that a huge response is cut off at ``max_bytes`` instead of
    filling memory. Timeouts come from the client.

    Example:
        >>> client = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(
        ...     200, text="<html><body><p>Hi</p></body></html>")))
        >>> fetch("https://news.example/a", client=client).media_type
        'html'
    """

    def failure(kind: str, message: str) -> Failure:
        return Failure(stage=STAGE, item=url, kind=kind, message=message, at=now())

    try:
        with client.stream("GET", url) as response:
            if response.status_code >= 400:
                return failure(
                    "http-error", f"{url} answered HTTP {response.status_code}; nothing was read."
                )
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    return failure(
                        "too-large",
                        f"{url} is larger than the {max_bytes / 1_000_000:.1f} MB limit "
                        "(raise the max_bytes setting to read it).",
                    )
                chunks.append(chunk)
            content_type = response.headers.get("content-type", "")
            final_url = str(response.url)
    except httpx.TimeoutException:
        return failure("timeout", f"{url} did not answer in time; try again later.")
    except httpx.HTTPError as exc:
        return failure("unreachable", f"{url} could not be reached ({exc.__class__.__name__}).")
    except (httpx.InvalidURL, ValueError, UnicodeError) as exc:
        # Not an HTTPError: a URL httpx cannot parse ("https://[::1", a bad IDNA host).
        return failure("bad-url", f"{url} is not a URL that can be fetched ({exc}).")
    media_type = "text" if content_type.startswith("text/plain") else "html"
    return RawPage(
        origin=url,
        content=b"".join(chunks),
        media_type=media_type,
        url=final_url,
        fetched_at=now(),
    )

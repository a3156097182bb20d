"""Read news feeds: parse RSS 2.0, RSS 1.0 (RDF) and Atom, and poll URLs politely.

Feeds are untrusted XML from the network, so the parser refuses any document type
declaration: no DTD means no entity expansion (billion laughs) and no external entities.
Polling uses conditional GET (``ETag`` / ``Last-Modified``) so an unchanged feed costs a
304 and no body, and every network or HTTP problem comes back as a value: one bad feed
never stops a watch cycle.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit
from xml.parsers import expat

import httpx

from redline.errors import ConfigError, RedlineError
from redline.model import RawPage

ATOM = "http://www.w3.org/2005/Atom"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RSS1 = "http://purl.org/rss/1.0/"
RSS090 = "http://my.netscape.com/rdf/simple/0.9/"
DC = "http://purl.org/dc/elements/1.1/"
XML = "http://www.w3.org/XML/1998/namespace"

FEED_MEDIA_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/x-rss+xml",
        "application/xml",
        "text/xml",
    }
)
"""Content types that mean "feed" when the body itself does not say."""

ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, text/html;q=0.5, */*;q=0.1"
)


def _now() -> datetime:
    return datetime.now(UTC)


class FeedError(RedlineError):
    """A feed cannot be parsed: not XML, not RSS/Atom, or refused as unsafe."""

    def __init__(self, feed_url: str, reason: str) -> None:
        # Both values go to Exception.args so the error pickles (Ray workers) intact.
        super().__init__(feed_url, reason)
        self.feed_url = feed_url
        self.reason = reason

    def __str__(self) -> str:
        return f"Feed {self.feed_url} could not be read: {self.reason}."


class WatchListError(ConfigError, ValueError):
    """A watch list file is missing, unreadable or holds lines that are not URLs."""


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One entry of a feed.

    ``url`` is absolute (relative links are resolved against the feed). ``published`` is
    timezone-aware, or ``None`` when the feed gave no date redline could read. ``summary``
    is the description as the feed gave it and may hold HTML. ``feed`` is the feed's URL.
    """

    url: str
    title: str | None
    published: datetime | None
    summary: str | None
    feed: str


@dataclass(frozen=True, slots=True)
class PollResult:
    """What one poll of one URL found.

    Exactly one of these holds: ``error`` is set; ``not_modified`` is true (the server
    answered 304, nothing changed since the last poll); ``is_page`` is true (an ordinary
    web page, whose body is in ``page`` so the caller need not download it again); or the
    URL is a feed and ``items`` lists every entry it holds now, old and new alike.
    """

    url: str
    items: list[FeedItem] = field(default_factory=list)
    is_page: bool = False
    not_modified: bool = False
    error: str | None = None
    page: RawPage | None = None


class _UnsafeXML(Exception):
    """Raised from inside expat to stop at the first DTD declaration."""


def _refuse_dtd(*_: Any) -> None:
    raise _UnsafeXML


def _qualify(name: str) -> str:
    # expat writes "uri}local"; ElementTree's convention is "{uri}local".
    return "{" + name if "}" in name else name


def _parse_xml(data: bytes, feed_url: str) -> ET.Element:
    # expat is driven by hand (not ET.fromstring) so the DOCTYPE handler fires before any
    # entity is declared, in whatever encoding the document is written.
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.StartElementHandler = lambda name, attrs: builder.start(
        _qualify(name), {_qualify(key): value for key, value in attrs.items()}
    )
    parser.EndElementHandler = lambda name: builder.end(_qualify(name))
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(data, True)
    except _UnsafeXML:
        raise FeedError(
            feed_url,
            "the document declares a DTD or entities (<!DOCTYPE>/<!ENTITY>), which redline "
            "refuses for safety; real RSS and Atom feeds never need one",
        ) from None
    except expat.ExpatError as exc:
        raise FeedError(feed_url, f"it is not well-formed XML ({exc})") from None
    except (ValueError, LookupError) as exc:
        # Unknown or undecodable encodings surface from pyexpat as these.
        raise FeedError(feed_url, f"its text cannot be decoded ({exc})") from None
    return builder.close()


def _text(element: ET.Element | None) -> str | None:
    if element is None:
        return None
    text = "".join(element.itertext()).strip()
    return text or None


def _date(*values: str | None) -> datetime | None:
    for value in values:
        if not value:
            continue
        parsed: datetime | None
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                parsed = None
        if parsed is not None:
            # A date without an offset ("-0000" in RFC 822, none in ISO) is read as UTC,
            # so every published date compares with every other.
            return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
    return None


def _link(base: str, href: str | None) -> str | None:
    if not href or not href.strip():
        return None
    url = urljoin(base, href.strip())
    # Only web links can be fetched and coded; "javascript:" or "mailto:" are not articles.
    return url if urlsplit(url).scheme in ("http", "https") else None


def _base(element: ET.Element, parent: str) -> str:
    value = element.get(f"{{{XML}}}base")
    return urljoin(parent, value.strip()) if value else parent


def _rss_items(root: ET.Element, feed_url: str) -> list[FeedItem]:
    items = []
    for item in root.iterfind("channel/item"):
        link = _link(feed_url, item.findtext("link"))
        guid = item.find("guid")
        if link is None and guid is not None and guid.get("isPermaLink", "true") == "true":
            link = _link(feed_url, guid.text)
        if link is None:
            continue
        items.append(
            FeedItem(
                url=link,
                title=_text(item.find("title")),
                published=_date(item.findtext("pubDate"), item.findtext(f"{{{DC}}}date")),
                summary=_text(item.find("description")),
                feed=feed_url,
            )
        )
    return items


def _rdf_items(root: ET.Element, feed_url: str) -> list[FeedItem]:
    items = []
    for namespace in (RSS1, RSS090):
        for item in root.iterfind(f"{{{namespace}}}item"):
            link = _link(feed_url, item.findtext(f"{{{namespace}}}link"))
            link = link or _link(feed_url, item.get(f"{{{RDF}}}about"))
            if link is None:
                continue
            items.append(
                FeedItem(
                    url=link,
                    title=_text(item.find(f"{{{namespace}}}title")),
                    published=_date(item.findtext(f"{{{DC}}}date")),
                    summary=_text(item.find(f"{{{namespace}}}description")),
                    feed=feed_url,
                )
            )
    return items


def _atom_link(entry: ET.Element, base: str) -> str | None:
    # rel="alternate" (the default) is the article; "self", "edit", "enclosure" are not.
    candidates = [
        link
        for link in entry.iterfind(f"{{{ATOM}}}link")
        if link.get("rel", "alternate") == "alternate"
    ]
    candidates.sort(key=lambda link: link.get("type", "text/html") != "text/html")
    for link in candidates:
        url = _link(_base(link, base), link.get("href"))
        if url is not None:
            return url
    return None


def _atom_items(root: ET.Element, feed_url: str) -> list[FeedItem]:
    feed_base = _base(root, feed_url)
    items = []
    for entry in root.iterfind(f"{{{ATOM}}}entry"):
        link = _atom_link(entry, _base(entry, feed_base))
        if link is None:
            continue
        summary = entry.find(f"{{{ATOM}}}summary")
        if summary is None:
            summary = entry.find(f"{{{ATOM}}}content")
        items.append(
            FeedItem(
                url=link,
                title=_text(entry.find(f"{{{ATOM}}}title")),
                published=_date(
                    entry.findtext(f"{{{ATOM}}}published"), entry.findtext(f"{{{ATOM}}}updated")
                ),
                summary=_text(summary),
                feed=feed_url,
            )
        )
    return items


def parse_feed(data: bytes, feed_url: str) -> list[FeedItem]:
    """Parse an RSS 2.0, RSS 1.0/RDF or Atom document into items, in document order.

    Items without a usable link are skipped, because a link is what the watcher reads.

    Args:
        data: the raw document; its XML declaration decides the encoding.
        feed_url: where it came from, to resolve relative links and name it in errors.

    Raises:
        FeedError: the document is not well-formed XML, not a feed, or declares a DTD.

    Example:
        >>> rss = b'<rss><channel><item><link>/a</link></item></channel></rss>'
        >>> parse_feed(rss, "https://news.example/feed")[0].url
        'https://news.example/a'
    """
    root = _parse_xml(data, feed_url)
    if root.tag == "rss":
        return _rss_items(root, feed_url)
    if root.tag == f"{{{RDF}}}RDF":
        return _rdf_items(root, feed_url)
    if root.tag == f"{{{ATOM}}}feed":
        return _atom_items(root, feed_url)
    name = root.tag.rpartition("}")[2]
    raise FeedError(
        feed_url, f"it is XML but not an RSS or Atom feed (the root element is <{name}>)"
    )


_PROLOG = re.compile(
    r"(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>|\s)*<([A-Za-z_][\w:.-]*)", re.S | re.I
)


def _root_name(data: bytes) -> str | None:
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore")
    else:
        # Markup is ASCII in every encoding a feed uses bar UTF-16, so latin-1 never fails.
        text = head.removeprefix(b"\xef\xbb\xbf").decode("latin-1")
    match = _PROLOG.match(text)
    return match.group(1) if match else None


def looks_like_feed(content_type: str | None, data: bytes) -> bool:
    """True when a response is a feed rather than a web page.

    The body's root element decides when it can be seen (servers often label feeds
    ``text/html`` or pages ``text/xml``); the ``Content-Type`` decides otherwise.

    Example:
        >>> looks_like_feed("text/html", b'<?xml version="1.0"?><rss version="2.0"/>')
        True
    """
    root = _root_name(data)
    if root is not None:
        return root.rpartition(":")[2].lower() in {"rss", "feed", "rdf"}
    media_type = (content_type or "").partition(";")[0].strip().lower()
    return media_type in FEED_MEDIA_TYPES


class FeedPoller:
    """Poll feed URLs with conditional GET, remembering validators per URL.

    The validators live in this instance only, so one poller should serve a whole watch
    session. Nothing raised by the network or by a bad feed escapes ``poll``.

    Args:
        client: the HTTP client (inject ``httpx.MockTransport`` in tests).
        timeout: seconds allowed per request.
        max_bytes: largest body read; a longer one is an error, not a truncated feed.
        now: the clock that stamps ``PollResult.page.fetched_at``.
    """

    def __init__(
        self,
        client: httpx.Client,
        timeout: float = 20.0,
        max_bytes: int = 10_000_000,
        *,
        now: Callable[[], datetime] = _now,
    ) -> None:
        self.client = client
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.now = now
        self._validators: dict[str, list[tuple[bytes, bytes]]] = {}

    def poll(self, url: str) -> PollResult:
        """Fetch ``url`` once and say whether it is a changed feed, unchanged, a page or broken.

        Example:
            >>> poller = FeedPoller(httpx.Client(transport=httpx.MockTransport(
            ...     lambda request: httpx.Response(500))))
            >>> poller.poll("https://news.example/feed").error
            'https://news.example/feed answered HTTP 500.'
        """
        try:
            return self._poll(url)
        except httpx.TimeoutException:
            return PollResult(url, error=f"{url} did not answer within {self.timeout:g} s.")
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            return PollResult(url, error=f"{url} could not be reached ({exc}).")
        except FeedError as exc:
            return PollResult(url, error=str(exc))
        except ValueError as exc:
            # e.g. a validator the server sent that cannot be sent back as a header.
            return PollResult(url, error=f"{url} could not be polled ({exc}).")

    def _poll(self, url: str) -> PollResult:
        headers = [(b"Accept", ACCEPT.encode()), *self._validators.get(url, [])]
        with self.client.stream(
            "GET", url, headers=headers, timeout=self.timeout, follow_redirects=True
        ) as response:
            if response.status_code == 304:
                return PollResult(url, not_modified=True)
            if response.status_code >= 400:
                return PollResult(url, error=f"{url} answered HTTP {response.status_code}.")
            body = self._read(response)
            if body is None:
                return PollResult(
                    url,
                    error=f"{url} is larger than the {self.max_bytes:,}-byte limit "
                    "(raise max_bytes to read it).",
                )
            content_type = response.headers.get("content-type")
            final_url = str(response.url)
            validators = self._validators_of(response)
        if looks_like_feed(content_type, body):
            # Relative links are relative to where the feed was found, after redirects.
            items = parse_feed(body, final_url)
            result = PollResult(url, items=[_refeed(item, url) for item in items])
        else:
            media_type = "text" if (content_type or "").startswith("text/plain") else "html"
            page = RawPage(
                origin=url,
                content=body,
                media_type=media_type,
                url=final_url,
                fetched_at=self.now(),
            )
            result = PollResult(url, is_page=True, page=page)
        # Remembered only now: a feed that failed to parse must be fetched in full next time.
        self._validators[url] = validators
        return result

    def _read(self, response: httpx.Response) -> bytes | None:
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                return None
            chunks.append(chunk)
        return b"".join(chunks)

    @staticmethod
    def _validators_of(response: httpx.Response) -> list[tuple[bytes, bytes]]:
        # Kept as the bytes the server sent, so they go back byte for byte.
        encoding = response.headers.encoding
        validators = []
        etag = response.headers.get("etag")
        if etag:
            validators.append((b"If-None-Match", etag.encode(encoding)))
        modified = response.headers.get("last-modified")
        if modified:
            validators.append((b"If-Modified-Since", modified.encode(encoding)))
        return validators


def _refeed(item: FeedItem, feed: str) -> FeedItem:
    # Items name the watched URL, not a redirect target, so the caller can group by it.
    if item.feed == feed:
        return item
    return FeedItem(item.url, item.title, item.published, item.summary, feed)


def _is_url(text: str) -> bool:
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def read_watch_list(path: str | Path) -> list[str]:
    """Read the URLs to watch: one per line, ``#`` comments and blank lines ignored.

    A comment may also follow a URL after whitespace. Repeated URLs are kept once.

    Raises:
        WatchListError: the file cannot be read, or some lines are not http(s) URLs;
            the message lists every such line by number.

    Example:
        >>> read_watch_list("feeds.txt")  # doctest: +SKIP
        ['https://news.example/rss.xml']
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise WatchListError(f"Watch list {path} does not exist.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise WatchListError(f"Watch list {path} cannot be read ({exc}).") from None
    urls: dict[str, None] = {}
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        content = re.split(r"\s+#", line, maxsplit=1)[0].strip()
        if not content or content.startswith("#"):
            continue
        if " " in content or "\t" in content:
            problems.append(f"  line {number}: {content!r} holds more than one URL")
        elif not _is_url(content):
            problems.append(f"  line {number}: {content!r} is not an http:// or https:// URL")
        else:
            urls[content] = None
    if problems:
        raise WatchListError(
            f"Watch list {path} has {len(problems)} bad line(s):\n"
            + "\n".join(problems)
            + "\nFix them, or start them with '#' to skip them."
        )
    return list(urls)

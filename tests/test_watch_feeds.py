"""Feeds: parsing RSS/RDF/Atom safely, sniffing feeds from pages, polling a live server."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from redline.errors import ConfigError, RedlineError
from redline.watch.feeds import (
    FeedError,
    FeedItem,
    FeedPoller,
    WatchListError,
    looks_like_feed,
    parse_feed,
    read_watch_list,
)

FEED_URL = "https://news.example/world/feed.xml"

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>World news</title>
    <link>https://news.example/</link>
    <item>
      <title>Troops massed at the border</title>
      <link>https://news.example/world/troops</link>
      <pubDate>Tue, 05 Mar 2024 14:30:00 +0100</pubDate>
      <description><![CDATA[<p>Columns of <b>armour</b> were seen.</p>]]></description>
    </item>
    <item>
      <title>Talks resume</title>
      <link>  ../talks?id=7  </link>
      <pubDate>Wed, 06 Mar 2024 08:00:00 GMT</pubDate>
    </item>
    <item>
      <title>A note with no link at all</title>
      <description>Housekeeping.</description>
    </item>
    <item>
      <title>Permalink only</title>
      <guid isPermaLink="true">https://news.example/world/permalink</guid>
      <dc:date>2024-03-07T10:00:00Z</dc:date>
    </item>
    <item>
      <title>Opaque guid</title>
      <guid isPermaLink="false">tag:news.example,2024:42</guid>
    </item>
    <item>
      <title>Script link</title>
      <link>javascript:alert(1)</link>
    </item>
  </channel>
</rss>
"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://atom.example/blog/">
  <title>Atom world</title>
  <link rel="self" href="https://atom.example/feed.atom"/>
  <entry>
    <title type="html">Ceasefire &lt;em&gt;holds&lt;/em&gt;</title>
    <link rel="self" href="https://atom.example/api/entries/1"/>
    <link rel="enclosure" href="https://atom.example/photo.jpg"/>
    <link href="posts/ceasefire"/>
    <published>2024-03-05T09:15:00+02:00</published>
    <updated>2024-03-05T12:00:00Z</updated>
    <summary>The ceasefire held overnight.</summary>
  </entry>
  <entry xml:base="https://other.example/desk/">
    <title>Only an update date</title>
    <link rel="alternate" type="application/pdf" href="report.pdf"/>
    <link rel="alternate" type="text/html" href="report.html"/>
    <updated>2024-03-06</updated>
    <content type="text">Full text here.</content>
  </entry>
  <entry>
    <title>No link</title>
    <updated>2024-03-06T00:00:00Z</updated>
  </entry>
</feed>
"""

RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://rdf.example/">
    <title>RDF news</title>
    <link>https://rdf.example/</link>
  </channel>
  <item rdf:about="https://rdf.example/story/1">
    <title>Sanctions announced</title>
    <link>/story/1</link>
    <description>New measures.</description>
    <dc:date>2024-03-04T18:00:00-05:00</dc:date>
  </item>
  <item rdf:about="https://rdf.example/story/2">
    <title>Link only in rdf:about</title>
  </item>
</rdf:RDF>
"""


def test_watch_feeds_rss2_items_links_dates_and_skips() -> None:
    items = parse_feed(RSS, FEED_URL)
    assert [item.url for item in items] == [
        "https://news.example/world/troops",
        "https://news.example/talks?id=7",
        "https://news.example/world/permalink",
    ], "RSS items: expected the linked items (relative link resolved, linkless ones skipped)"
    first = items[0]
    assert first == FeedItem(
        url="https://news.example/world/troops",
        title="Troops massed at the border",
        published=datetime(2024, 3, 5, 14, 30, tzinfo=timezone(timedelta(hours=1))),
        summary="<p>Columns of <b>armour</b> were seen.</p>",
        feed=FEED_URL,
    ), "RSS item fields were not read as written"
    assert items[1].published == datetime(2024, 3, 6, 8, 0, tzinfo=UTC), "GMT pubDate misread"
    assert items[2].published == datetime(2024, 3, 7, 10, 0, tzinfo=UTC), (
        "dc:date (ISO 8601) should stand in for a missing pubDate"
    )
    assert items[1].summary is None, "an item without a description should have summary None"


def test_watch_feeds_atom_prefers_alternate_html_link_and_xml_base() -> None:
    items = parse_feed(ATOM, "https://atom.example/feed.atom")
    assert [item.url for item in items] == [
        "https://atom.example/blog/posts/ceasefire",
        "https://other.example/desk/report.html",
    ], "Atom: wrong links (rel=alternate text/html, resolved against xml:base)"
    first, second = items
    assert first.title == "Ceasefire <em>holds</em>", "Atom title text not unescaped"
    assert first.published == datetime(2024, 3, 5, 7, 15, tzinfo=UTC), (
        "Atom <published> should win over <updated>"
    )
    assert first.summary == "The ceasefire held overnight.", "Atom summary not read"
    assert second.published == datetime(2024, 3, 6, tzinfo=UTC), (
        "a date-only <updated> should read as midnight UTC"
    )
    assert second.summary == "Full text here.", "Atom <content> should stand in for <summary>"


def test_watch_feeds_rdf_items_use_link_then_rdf_about() -> None:
    items = parse_feed(RDF, "https://rdf.example/index.rdf")
    assert [(item.url, item.title) for item in items] == [
        ("https://rdf.example/story/1", "Sanctions announced"),
        ("https://rdf.example/story/2", "Link only in rdf:about"),
    ], "RDF: items or links not read"
    assert items[0].published == datetime(2024, 3, 4, 23, 0, tzinfo=UTC), "RDF dc:date misread"
    assert items[0].summary == "New measures.", "RDF description not read"
    assert items[1].published is None, "an RDF item without dc:date should have no date"


def test_watch_feeds_unreadable_dates_become_none_and_naive_dates_utc() -> None:
    rss = (
        b"<rss><channel>"
        b"<item><link>https://a.example/1</link><pubDate>last Tuesday</pubDate></item>"
        b"<item><link>https://a.example/2</link><pubDate>2024-03-01T10:00:00</pubDate></item>"
        b"<item><link>https://a.example/3</link>"
        b"<pubDate>Fri, 01 Mar 2024 10:00:00 -0000</pubDate></item>"
        b"</channel></rss>"
    )
    dates = [item.published for item in parse_feed(rss, FEED_URL)]
    assert dates == [
        None,
        datetime(2024, 3, 1, 10, tzinfo=UTC),
        datetime(2024, 3, 1, 10, tzinfo=UTC),
    ], "bad dates should be None, dates without an offset read as UTC"


def test_watch_feeds_other_encodings_are_decoded() -> None:
    latin = '<?xml version="1.0" encoding="windows-1252"?><rss><channel><item>'
    latin += "<title>Caf\u00e9 \u201cclosed\u201d</title><link>https://a.example/c</link>"
    latin += "</item></channel></rss>"
    assert parse_feed(latin.encode("cp1252"), FEED_URL)[0].title == "Café “closed”", (
        "a windows-1252 feed was not decoded by its XML declaration"
    )
    assert parse_feed(RSS.replace(b"UTF-8", b"UTF-16").decode().encode("utf-16"), FEED_URL), (
        "a UTF-16 feed gave no items"
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"<rss><channel><item>", "not well-formed XML"),
        (b"", "not well-formed XML"),
        (b"<rss><channel><title>AT&T</title></channel></rss>", "not well-formed XML"),
        (b"<html><body>hi</body></html>", "not an RSS or Atom feed (the root element is <html>)"),
    ],
    ids=["unclosed", "empty", "bare-ampersand", "html-root"],
)
def test_watch_feeds_bad_documents_raise_feed_error(data: bytes, expected: str) -> None:
    with pytest.raises(FeedError) as caught:
        parse_feed(data, FEED_URL)
    message = str(caught.value)
    assert expected in message, f"FeedError message should say {expected!r}: {message}"
    assert FEED_URL in message, f"FeedError message should name the feed: {message}"
    assert caught.value.feed_url == FEED_URL, "FeedError.feed_url not set"
    assert isinstance(caught.value, RedlineError), "FeedError should be a RedlineError"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<rss><channel><item><title>&lol3;</title><link>https://a.example/</link></item></channel></rss>
"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "file:///etc/passwd">
<rss><channel/></rss>
"""


@pytest.mark.parametrize(
    "data",
    [BILLION_LAUGHS, EXTERNAL, BILLION_LAUGHS.replace(b'"1.0"?>', b'"1.0" encoding="UTF-16"?>')],
    ids=["entities", "external-dtd", "utf-16"],
)
def test_watch_feeds_doctype_is_refused(data: bytes) -> None:
    if b"UTF-16" in data:
        data = data.decode().encode("utf-16")
    with pytest.raises(FeedError, match="declares a DTD") as caught:
        parse_feed(data, FEED_URL)
    assert "lol" not in str(caught.value), "the refused document's entities leaked into the error"


def test_watch_feeds_doctype_inside_a_comment_is_harmless() -> None:
    data = b"<rss><!-- <!DOCTYPE x> --><channel><item><link>https://a.example/</link></item>"
    data += b"</channel></rss>"
    assert len(parse_feed(data, FEED_URL)) == 1, "text inside a comment is not a declaration"


@pytest.mark.parametrize(
    ("content_type", "data", "expected"),
    [
        ("application/rss+xml", RSS, True),
        ("text/html; charset=utf-8", RSS, True),
        ("text/xml", ATOM, True),
        (None, RDF, True),
        ("text/html", b"\xef\xbb\xbf\n<!DOCTYPE html>\n<html><head></head></html>", False),
        ("text/xml", b"<!doctype html><html></html>", False),
        ("application/xml", b'<?xml version="1.0"?><urlset></urlset>', False),
        ("text/html", b"<p>Just a fragment</p>", False),
        ("application/atom+xml", b"", True),
        ("text/html", b"", False),
        (None, b"plain words", False),
        ("application/rss+xml", "<rss/>".encode("utf-16"), True),
    ],
    ids=[
        "rss-typed",
        "rss-as-html",
        "atom",
        "rdf-untyped",
        "html5",
        "html-as-xml",
        "sitemap",
        "fragment",
        "empty-feed-type",
        "empty-html-type",
        "text",
        "utf-16",
    ],
)
def test_watch_feeds_looks_like_feed(content_type: str | None, data: bytes, expected: bool) -> None:
    assert looks_like_feed(content_type, data) is expected, (
        f"looks_like_feed({content_type!r}, {data[:40]!r}) should be {expected}"
    )


def test_watch_feeds_read_watch_list_skips_comments_and_repeats(tmp_path: Path) -> None:
    path = tmp_path / "watch.txt"
    path.write_text(
        "# world desks\n"
        "\n"
        "https://news.example/feed.xml\n"
        "   https://atom.example/feed.atom   # the Atom one\n"
        "https://news.example/page#section\n"
        "https://news.example/feed.xml\n",
        encoding="utf-8",
    )
    assert read_watch_list(path) == [
        "https://news.example/feed.xml",
        "https://atom.example/feed.atom",
        "https://news.example/page#section",
    ], "watch list: comments, blanks, inline comments or repeats mishandled"


def test_watch_feeds_read_watch_list_names_every_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "watch.txt"
    path.write_text(
        "https://ok.example/feed\nnews.example/feed\n# fine\nftp://files.example/x\n"
        "https://a.example https://b.example\nhttp://\n",
        encoding="utf-8",
    )
    with pytest.raises(WatchListError) as caught:
        read_watch_list(path)
    message = str(caught.value)
    for number in (2, 4, 5, 6):
        assert f"line {number}:" in message, f"bad line {number} not reported: {message}"
    assert "line 1:" not in message, f"a good line was reported: {message}"
    assert isinstance(caught.value, ValueError), "WatchListError should be a ValueError"
    assert isinstance(caught.value, ConfigError), "WatchListError should be a ConfigError"


def test_watch_feeds_read_watch_list_missing_file(tmp_path: Path) -> None:
    with pytest.raises(WatchListError, match="does not exist"):
        read_watch_list(tmp_path / "nope.txt")


# --- polling a real local HTTP server -------------------------------------------------


def rss_with(titles: list[str]) -> bytes:
    items = "".join(f"<item><title>{t}</title><link>a/{t}</link></item>" for t in titles)
    return f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()


@dataclass
class Site:
    """What the test server serves, and what it saw; tests change it between polls."""

    titles: list[str] = field(default_factory=lambda: ["one"])
    version: int = 1
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    base: str = ""

    def publish(self, title: str) -> None:
        self.titles.append(title)
        self.version += 1


def make_handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def reply(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            site.requests.append((self.path, dict(self.headers.items())))
            if self.path == "/feed.xml":
                etag = f'"v{site.version}"'
                if self.headers.get("If-None-Match") == etag:
                    self.reply(304, b"", {"ETag": etag})
                else:
                    self.reply(
                        200,
                        rss_with(site.titles),
                        {"ETag": etag, "Content-Type": "application/rss+xml"},
                    )
            elif self.path == "/dated.xml":
                modified = "Tue, 05 Mar 2024 10:00:00 GMT"
                if self.headers.get("If-Modified-Since") == modified:
                    self.reply(304, b"", {})
                else:
                    self.reply(
                        200,
                        rss_with(["dated"]),
                        {"Last-Modified": modified, "Content-Type": "text/xml"},
                    )
            elif self.path == "/moved":
                self.reply(301, b"", {"Location": "/sub/feed.xml"})
            elif self.path == "/sub/feed.xml":
                self.reply(200, rss_with(["moved"]), {"Content-Type": "application/rss+xml"})
            elif self.path == "/broken":
                self.reply(500, b"oops", {"Content-Type": "text/plain"})
            elif self.path == "/page" and self.headers.get("If-None-Match") == '"p1"':
                self.reply(304, b"", {"ETag": '"p1"'})
            elif self.path == "/page":
                html = b"<!DOCTYPE html><html><body><p>Rockets hit the base.</p></body></html>"
                self.reply(200, html, {"Content-Type": "text/html; charset=utf-8", "ETag": '"p1"'})
            elif self.path == "/bad.xml":
                self.reply(200, b"<rss><channel><item>", {"Content-Type": "application/rss+xml"})
            elif self.path == "/huge.xml":
                self.reply(200, rss_with(["x" * 5000]), {"Content-Type": "application/rss+xml"})
            elif self.path == "/slow":
                site.release.wait(5)
                # The client has given up by now, which is the point of this URL.
                with contextlib.suppress(OSError):
                    self.reply(200, rss_with(["late"]), {})
            else:
                self.reply(404, b"", {})

    return Handler


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class QuietServer(ThreadingHTTPServer):
    # Handler threads are joined on close, so no request outlives its test.
    daemon_threads = False


@pytest.fixture
def site() -> Iterator[Site]:
    state = Site()
    server = QuietServer(("127.0.0.1", 0), make_handler(state))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client() as http:
        yield http


def test_watch_feeds_poll_sees_new_items_and_uses_etag(site: Site, client: httpx.Client) -> None:
    poller = FeedPoller(client, timeout=5, max_bytes=100_000)
    url = site.base + "/feed.xml"

    first = poller.poll(url)
    assert first.error is None and not first.is_page and not first.not_modified, (
        f"first poll should read the feed: {first}"
    )
    assert [item.url for item in first.items] == [site.base + "/a/one"], (
        "first poll: items or resolved links wrong"
    )
    assert all(item.feed == url for item in first.items), "items should name the polled feed"
    assert "If-None-Match" not in site.requests[-1][1], "the first poll cannot be conditional"

    second = poller.poll(url)
    assert second.not_modified and second.items == [], f"unchanged feed should be 304: {second}"
    assert site.requests[-1][1].get("If-None-Match") == '"v1"', "ETag was not sent back"

    site.publish("two")
    third = poller.poll(url)
    assert not third.not_modified, "a changed feed was reported as not modified"
    assert [item.title for item in third.items] == ["one", "two"], (
        f"the new item did not appear after the feed changed: {third.items}"
    )
    assert poller.poll(url).not_modified, "after re-reading, the new ETag should be remembered"


def test_watch_feeds_poll_uses_last_modified(site: Site, client: httpx.Client) -> None:
    poller = FeedPoller(client)
    url = site.base + "/dated.xml"
    assert [item.title for item in poller.poll(url).items] == ["dated"], "dated feed not read"
    assert poller.poll(url).not_modified, "If-Modified-Since was not sent or not honoured"
    assert site.requests[-1][1].get("If-Modified-Since") == "Tue, 05 Mar 2024 10:00:00 GMT", (
        "Last-Modified was not sent back as If-Modified-Since"
    )


def test_watch_feeds_validators_are_per_poller(site: Site, client: httpx.Client) -> None:
    url = site.base + "/feed.xml"
    FeedPoller(client).poll(url)
    fresh = FeedPoller(client).poll(url)
    assert fresh.items and not fresh.not_modified, "a new poller must not reuse another's ETag"


def test_watch_feeds_poll_error_page_and_bad_feed_do_not_raise(
    site: Site, client: httpx.Client
) -> None:
    poller = FeedPoller(client, timeout=5, max_bytes=1000)

    broken = poller.poll(site.base + "/broken")
    assert broken.error is not None and "HTTP 500" in broken.error, f"500 not reported: {broken}"
    assert broken.items == [] and not broken.is_page, "a failed poll should carry no items"

    page = poller.poll(site.base + "/page")
    assert page.is_page and page.error is None and page.items == [], f"HTML not a page: {page}"
    assert page.page is not None and b"Rockets hit the base." in page.page.content, (
        "the page's body should come back so the caller need not fetch it again"
    )
    assert page.page.media_type == "html" and page.page.url == site.base + "/page", (
        "page metadata wrong"
    )
    assert poller.poll(site.base + "/page").not_modified, "an unchanged page should be 304 too"

    bad = poller.poll(site.base + "/bad.xml")
    assert bad.error is not None and "not well-formed XML" in bad.error, f"bad XML: {bad}"
    assert "If-None-Match" not in site.requests[-1][1], "no validators for a failed feed"

    huge = poller.poll(site.base + "/huge.xml")
    assert huge.error is not None and "limit" in huge.error, f"over-size not reported: {huge}"

    missing = poller.poll(site.base + "/nowhere")
    assert missing.error is not None and "HTTP 404" in missing.error, "404 not reported"


def test_watch_feeds_poll_follows_redirects_and_resolves_against_target(
    site: Site, client: httpx.Client
) -> None:
    result = FeedPoller(client).poll(site.base + "/moved")
    assert [item.url for item in result.items] == [site.base + "/sub/a/moved"], (
        f"links should resolve against the redirect target: {result}"
    )
    assert result.items[0].feed == site.base + "/moved", "items should name the watched URL"


def test_watch_feeds_poll_timeout_and_unreachable_become_errors(
    site: Site, client: httpx.Client
) -> None:
    poller = FeedPoller(client, timeout=0.2)
    slow = poller.poll(site.base + "/slow")
    site.release.set()
    assert slow.error is not None and "did not answer within 0.2 s" in slow.error, (
        f"timeout not reported: {slow}"
    )
    unreachable = poller.poll(f"http://127.0.0.1:{closed_port()}/feed")
    assert unreachable.error is not None and "could not be reached" in unreachable.error, (
        f"connection failure not reported: {unreachable}"
    )
    invalid = poller.poll("http://exa mple.com:abc/")
    assert invalid.error is not None, f"an invalid URL should be an error: {invalid}"


def test_watch_feeds_poll_with_mock_transport_reads_atom_as_html() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=ATOM, headers={"Content-Type": "text/html"})

    with httpx.Client(transport=httpx.MockTransport(answer)) as mock:
        result = FeedPoller(mock).poll("https://atom.example/feed.atom")
    assert not result.is_page and len(result.items) == 2, (
        f"an Atom body served as text/html should still be read as a feed: {result}"
    )

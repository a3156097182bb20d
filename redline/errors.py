"""Exceptions raised by the redline library.

Per-item problems (a bad page, an unreadable file) are not raised: they become
``Failure`` records and the batch goes on. These exceptions are for things that stop
the whole job, such as a bad configuration or a store that cannot be opened::

    RedlineError
     ├── ConfigError         a setting, data file or stage name is wrong
     ├── FetchError          a source cannot be read at all (raised only outside batches)
     ├── ParseError          the NLP model is missing or cannot run
     ├── CodingError         a coder was wired or configured wrongly
     ├── StoreError          the database cannot be opened, read or written
     │    └── SchemaVersionError  the database was written by a newer (or older) redline
     └── MissingExtraError   an optional dependency is not installed

Messages name the thing, the value and the remedy.
"""

from __future__ import annotations


class RedlineError(Exception):
    """Root of every error redline raises on purpose."""


class ConfigError(RedlineError):
    """A setting, data file or stage name is invalid."""


class FetchError(RedlineError):
    """A source cannot be read."""


class ParseError(RedlineError):
    """The NLP model is missing or failed."""


class CodingError(RedlineError):
    """A coding stage was wired or configured wrongly."""


class StoreError(RedlineError):
    """The store cannot be opened, read or written."""


class SchemaVersionError(StoreError):
    """The store's schema is newer than this redline understands, or older and read-only."""


class MissingExtraError(RedlineError):
    """An optional dependency is missing; the message gives the pip line."""

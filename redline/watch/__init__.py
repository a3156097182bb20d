"""Watch: poll feeds for new articles and deliver alerts to sinks exactly once each.

This package is the I/O half of ``redline watch``: ``feeds`` reads RSS/Atom and polls
URLs, ``delivery`` sends alerts to stdout, a JSON-lines file or a webhook and keeps a
ledger so that no sink gets the same alert twice.
"""

from redline.watch.delivery import (
    DeliveryReport,
    JsonlLedger,
    JsonlSink,
    Ledger,
    LedgerError,
    MemoryLedger,
    SendResult,
    Sink,
    SinkReport,
    StdoutSink,
    Undelivered,
    WebhookSink,
    deliver,
    format_alert,
)
from redline.watch.feeds import (
    FeedError,
    FeedItem,
    FeedPoller,
    PollResult,
    WatchListError,
    looks_like_feed,
    parse_feed,
    read_watch_list,
)

__all__ = [
    "DeliveryReport",
    "FeedError",
    "FeedItem",
    "FeedPoller",
    "JsonlLedger",
    "JsonlSink",
    "Ledger",
    "LedgerError",
    "MemoryLedger",
    "PollResult",
    "SendResult",
    "Sink",
    "SinkReport",
    "StdoutSink",
    "Undelivered",
    "WatchListError",
    "WebhookSink",
    "deliver",
    "format_alert",
    "looks_like_feed",
    "parse_feed",
    "read_watch_list",
]

"""Local HTTP servers for tests: a webhook receiver and a helper to serve any handler."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Receiver:
    """What the webhook server does and saw: ``status`` for the first ``fail_first`` POSTs
    (with ``Retry-After`` when set), then 202; accepted payloads with their headers."""

    fail_first: int = 0
    status: int = 503
    retry_after: str | None = None
    attempts: int = 0
    accepted: list[tuple[dict[str, Any], dict[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def rules(self) -> list[str]:
        return [payload["rule"] for payload, _ in self.accepted]


def receiver_handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with receiver.lock:
                receiver.attempts += 1
                failing = receiver.attempts <= receiver.fail_first
                if not failing:
                    receiver.accepted.append((json.loads(body), dict(self.headers.items())))
            self.send_response(receiver.status if failing else 202)
            if failing and receiver.retry_after is not None:
                self.send_header("Retry-After", receiver.retry_after)
            self.send_header("Content-Length", "0")
            self.end_headers()

    return Handler


class JoiningServer(ThreadingHTTPServer):
    # Handler threads are joined on close, so no request outlives its test.
    daemon_threads = False


def serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve ``handler`` on 127.0.0.1 (any free port); yield the base URL, then shut down."""
    server = JoiningServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()

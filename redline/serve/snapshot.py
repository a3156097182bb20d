"""Read snapshots: how the server keeps answering while `redline run` or `watch` writes.

DuckDB lets one process write a file, and a writing process shuts every other process out,
readers included. So the server never reads the store itself: it reads a *snapshot*, a copy
taken with DuckDB's own ``COPY FROM DATABASE`` while no writer holds the file. When the store
changes the server tries to take a new snapshot; if a writer holds the store it keeps serving
the last snapshot (``stale`` says so) and tries again on a later request. Snapshots are new
files, swapped in by name, so a request that is reading one is never disturbed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from redline.errors import StoreError
from redline.store import Store


@dataclass(frozen=True, slots=True)
class State:
    """What the server is reading: which snapshot, taken when, and whether it is behind."""

    path: Path | None
    taken_at: datetime | None
    stale: bool
    reason: str | None


def _signature(db: Path) -> tuple[float, int, float]:
    wal = db.with_name(db.name + ".wal")
    stat = db.stat()
    return (stat.st_mtime, stat.st_size, wal.stat().st_mtime if wal.exists() else 0.0)


class Snapshots:
    """Snapshots of one store file, refreshed at most every ``every`` seconds."""

    def __init__(
        self,
        db: str | Path,
        *,
        folder: str | Path | None = None,
        every: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.db = Path(db)
        if not self.db.exists():
            raise StoreError(f"No store at {self.db}; run `redline run PATH --db {self.db}` first.")
        self.folder = Path(folder) if folder else self.db.with_name(self.db.name + ".snapshots")
        self.folder.mkdir(parents=True, exist_ok=True)
        # Left by a server that was killed before it could clean up.
        for stale in self.folder.glob("snapshot-*"):
            stale.unlink(missing_ok=True)
        self.every = every
        self.clock = clock
        self._lock = threading.Lock()
        self._path: Path | None = None
        self._signature: tuple[float, int, float] | None = None
        self._taken_at: datetime | None = None
        self._checked = -float("inf")
        self._reason: str | None = None
        self._serial = 0

    def state(self) -> State:
        """The snapshot in use, and whether the store has changed since it was taken."""
        stale = self._signature is None or _signature(self.db) != self._signature
        return State(self._path, self._taken_at, stale, self._reason)

    def refresh(self, *, force: bool = False) -> State:
        """Take a new snapshot if the store changed and no writer holds it."""
        with self._lock:
            now = self.clock()
            if not force and now - self._checked < self.every and self._path is not None:
                return self.state()
            self._checked = now
            signature = _signature(self.db)
            if signature == self._signature and self._path is not None:
                return self.state()
            try:
                self._take(signature)
            except duckdb.Error as exc:
                # A writer holds the file: serve the last snapshot and say why.
                self._reason = f"the store is being written ({exc.__class__.__name__})"
                if self._path is None:
                    raise StoreError(
                        f"Cannot read {self.db} yet: {self._reason}; retry when the writer pauses."
                    ) from None
            return self.state()

    def _take(self, signature: tuple[float, int, float]) -> None:
        self._serial += 1
        target = self.folder / f"snapshot-{self._serial:06d}.duckdb"
        target.unlink(missing_ok=True)
        copier = duckdb.connect(":memory:")
        try:
            copier.execute("SET enable_progress_bar = false")
            # Attached read-only, the store takes a shared lock: it fails while a writer
            # holds the file and keeps writers out only for the copy.
            copier.execute("ATTACH ? AS src (READ_ONLY)", [str(self.db)])
            copier.execute("ATTACH ? AS snap", [target.as_posix()])
            copier.execute("COPY FROM DATABASE src TO snap")
            copier.execute("DETACH src")
            copier.execute("DETACH snap")
        finally:
            copier.close()
        previous = self._path
        self._path, self._signature = target, signature
        self._taken_at = datetime.now(UTC)
        self._reason = None
        # The previous snapshot stays for requests that picked it just before the swap;
        # older ones go (a reader that still has one open keeps it on POSIX systems).
        keep = {target.name, previous.name if previous else ""}
        for file in self.folder.glob("snapshot-*.duckdb"):
            if file.name not in keep:
                file.unlink(missing_ok=True)

    @contextmanager
    def store(self) -> Iterator[Store]:
        """A read-only store over the newest snapshot, for one request."""
        self.refresh()
        path = self._path
        if path is None:
            raise StoreError(f"No snapshot of {self.db} could be taken.")
        with Store(path, read_only=True) as store:
            yield store

    def close(self) -> None:
        """Remove the snapshots (the server is stopping)."""
        for file in self.folder.glob("snapshot-*"):
            file.unlink(missing_ok=True)
        with suppress(OSError):
            self.folder.rmdir()

"""``RayRunner``: the pipeline's stages on a Ray cluster, the driver still the only writer.

Each Ray actor builds the stages once (spaCy model, lexicon, actor dictionaries) from the
plain ``WorkerSpec`` and then codes batch after batch; only plain records (``RunResult``)
come back. Batches are submitted in a bounded window and results yielded in input order, so
memory stays bounded however long the archive, and the driver writes one batch at a time
exactly as with ``LocalRunner``. Ray is optional: ``pip install 'redline[ray]'``.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from redline.errors import MissingExtraError
from redline.model import Article, RunResult
from redline.pipeline import WorkerSpec

INSTALL = "The Ray runner needs Ray: pip install 'redline[ray]' (or pip install 'ray>=2.40')."


def require() -> Any:
    """The ray module, or one sentence saying how to install it."""
    try:
        import ray
    except ImportError:
        raise MissingExtraError(INSTALL) from None
    return ray


class _Coder:
    """A Ray actor's body: one worker built once, then one batch per call."""

    def __init__(self, spec: WorkerSpec) -> None:
        self.worker = spec.build()

    def run(self, batch: list[Article]) -> RunResult:
        return self.worker(batch)

    def memory(self) -> int:
        """Peak resident memory of this worker process, in bytes (for the benchmark)."""
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class RayRunner:
    """Run batches on Ray actors: a local Ray by default, an existing cluster by ``address``.

    Args:
        workers: actors to start, each with its own copy of the stages (one CPU each).
        address: ``ray://host:port`` or ``auto`` to join a running cluster; ``None`` starts
            a local Ray with ``workers`` CPUs for this run and stops it afterwards.
        in_flight: batches queued per actor; more keeps actors busy, fewer saves memory.
    """

    def __init__(self, *, workers: int = 2, address: str | None = None, in_flight: int = 2) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        self.workers = workers
        self.address = address
        self.in_flight = in_flight
        self.peak_memory: list[int] = []
        """Peak resident memory of each actor after the last ``map`` (bytes)."""
        self.init_seconds = 0.0
        """How long starting Ray took in the last ``map`` (0 when it was already running)."""

    def map(self, spec: WorkerSpec, batches: Iterable[list[Article]]) -> Iterator[RunResult]:
        """Yield each batch's result in input order."""
        ray = require()
        started_here = not ray.is_initialized()
        began = time.perf_counter()
        if started_here:
            if self.address:
                ray.init(address=self.address, logging_level="WARNING", log_to_driver=False)
            else:
                ray.init(num_cpus=self.workers, include_dashboard=False,
                         logging_level="WARNING", log_to_driver=False)  # fmt: skip
        self.init_seconds = time.perf_counter() - began if started_here else 0.0
        try:
            actor_class = ray.remote(num_cpus=1)(_Coder)
            actors = [actor_class.remote(spec) for _ in range(self.workers)]
            pending: deque[Any] = deque()
            window = self.workers * self.in_flight
            for number, batch in enumerate(batches):
                pending.append(actors[number % len(actors)].run.remote(batch))
                if len(pending) >= window:
                    yield ray.get(pending.popleft())
            while pending:
                yield ray.get(pending.popleft())
            self.peak_memory = list(ray.get([a.memory.remote() for a in actors]))
            for actor in actors:
                ray.kill(actor)
        finally:
            if started_here:
                ray.shutdown()

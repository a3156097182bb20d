"""The Ray runner on a local 2-CPU Ray cluster: the same events as the local runner, bounded
submission, resumption after an interrupted run, and the CLI's options."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from redline.cli import cli
from redline.model import Article, RunResult
from redline.pipeline import LocalRunner, Pipeline, WorkerSpec
from redline.settings import Settings
from redline.store import Store

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'redline[ray]')")

from redline.scale.ray import RayRunner  # noqa: E402

EXAMPLES = Path(__file__).parent.parent / "examples"
CORPUS = sorted(str(p) for p in EXAMPLES.glob("1[6-9]-*.html")) + sorted(
    str(p) for p in EXAMPLES.glob("2[0-4]-*.html")
)

pytestmark = pytest.mark.model


def _events(store: Store) -> list[tuple[str, str, tuple[str, ...], tuple[str, ...]]]:
    return sorted(
        (e.id, e.event_type, tuple(a.id for a in e.source), tuple(a.id for a in e.target))
        for e in store.events()
    )


@pytest.fixture(scope="module")
def local_events() -> list[tuple[str, str, tuple[str, ...], tuple[str, ...]]]:
    with Store(":memory:") as store:
        Pipeline(Settings(batch_size=2)).run(CORPUS, store, runner=LocalRunner())
        return _events(store)


def test_ray_codes_the_same_events_as_the_local_runner(
    local_events: list[tuple[str, str, tuple[str, ...], tuple[str, ...]]],
) -> None:
    runner = RayRunner(workers=2)
    with Store(":memory:") as store:
        summary = Pipeline(Settings(batch_size=2)).run(CORPUS, store, runner=runner)
        assert summary.failures == 0
        assert _events(store) == local_events, "Ray and local runners must code the same events"
    assert len(runner.peak_memory) == 2 and all(0 < m < 1.5e9 for m in runner.peak_memory), (
        f"each worker should stay under 1.5 GB, measured {runner.peak_memory}"
    )
    assert not ray.is_initialized(), "a Ray started for the run is stopped after it"


class _Interrupted(Exception):
    pass


class _Stopping:
    """A runner that stops the run after ``after`` batches, as a killed job would."""

    def __init__(self, inner: RayRunner, after: int) -> None:
        self.inner, self.after = inner, after

    def map(self, spec: WorkerSpec, batches: Iterable[list[Article]]) -> Iterator[RunResult]:
        for number, result in enumerate(self.inner.map(spec, batches)):
            if number == self.after:
                raise _Interrupted
            yield result


def test_an_interrupted_ray_run_resumes_where_it_stopped(
    tmp_path: Path, local_events: list[tuple[str, str, tuple[str, ...], tuple[str, ...]]]
) -> None:
    db = tmp_path / "store.duckdb"
    pipeline = Pipeline(Settings(batch_size=2))
    with Store(db) as store, pytest.raises(_Interrupted):
        pipeline.run(CORPUS, store, runner=_Stopping(RayRunner(workers=2), after=2))
    with Store(db) as store:
        coded = len(store.known_articles([a for a in _ids(store)], coded_by=pipeline.coder))
        assert 0 < coded < len(CORPUS), "the first run stopped part-way"
        pending = store.count_pending(pipeline.coder)
        summary = pipeline.run(CORPUS, store, runner=RayRunner(workers=2))
        assert summary.skipped == len(CORPUS), "a rerun reads nothing twice"
        assert store.count_pending(pipeline.coder) == 0 and pending > 0
        assert _events(store) == local_events, "the resumed run ends with the same events"


def _ids(store: Store) -> list[str]:
    return [row["id"] for row in store._query("SELECT id FROM articles")]


def test_run_command_uses_ray(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    result = CliRunner().invoke(
        cli, ["run", *CORPUS[:2], "--db", str(db), "--runner", "ray", "--workers", "2"]
    )
    assert result.exit_code == 0, result.output
    assert "2 articles" in result.output
    wrong = CliRunner().invoke(cli, ["run", CORPUS[0], "--db", str(db), "--address", "auto"])
    assert wrong.exit_code != 0 and "--address needs --runner ray" in wrong.output

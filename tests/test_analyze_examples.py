"""Analysis on the example corpus, end to end: the red lines the US–Iran case must trip.

The corpus is coded once per module into a store file; the CLI commands then read it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from redline.analyze.alerts import check
from redline.analyze.rules import load_rules
from redline.analyze.timeline import COUNTED
from redline.cli import cli
from redline.pipeline import Pipeline
from redline.settings import Settings
from redline.store import Store

EXAMPLES = Path(__file__).parent.parent / "examples"

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def example_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("examples") / "examples.duckdb"
    with Store(path) as store:
        summary = Pipeline(Settings()).run([str(EXAMPLES)], store)
        assert summary.failures == 0, [f.message for f in store.failures()]
    result = CliRunner().invoke(cli, ["alerts", "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert "new alerts" in result.output
    yield path


def _alerts(db: Path) -> list[dict[str, object]]:
    result = CliRunner().invoke(cli, ["alerts", "--list", "--db", str(db), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines() if line.strip()]


def test_default_rules_fire_the_two_red_lines_with_evidence(example_db: Path) -> None:
    alerts = {a["rule"]: a for a in _alerts(example_db)}
    fatality = alerts.get("first-us-fatality-iran-aligned")
    assert fatality is not None, f"no fatality alert among {sorted(alerts)}"
    assert fatality["date"] == "2019-12-27"
    quotes = [r["quote"] for p in fatality["evidence"] for r in p["reports"]]  # type: ignore[attr-defined]
    assert any("K1" in q or "Kirkuk" in q for q in quotes), "the evidence names the K1 attack"
    embassy = alerts.get("attack-on-us-embassy")
    assert embassy is not None, f"no embassy alert among {sorted(alerts)}"
    assert embassy["date"] == "2019-12-31"
    quotes = [r["quote"] for p in embassy["evidence"] for r in p["reports"]]  # type: ignore[attr-defined]
    assert any("embassy" in q for q in quotes)
    assert all(r["url"] for p in embassy["evidence"] for r in p["reports"]), "links to articles"  # type: ignore[attr-defined]


def test_alerts_rest_only_on_events_that_happened(example_db: Path) -> None:
    with Store(example_db, read_only=True) as store:
        incidents = {i.id: i for i in store.incidents()}
        stored = store._query("SELECT incident_ids FROM alerts")
    assert stored, "`redline alerts` stored no alert"
    for row in stored:
        for ident in row["incident_ids"]:
            assert incidents[ident].realis in COUNTED, f"{ident} is {incidents[ident].realis}"


def test_alerts_are_stored_once(example_db: Path) -> None:
    with Store(example_db) as store:
        again = check(store, load_rules())
    assert again.new == () and again.fired > 0


def test_timeline_escalation_and_reaction_commands(example_db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    png, csv_path = tmp_path / "t.png", tmp_path / "t.csv"
    result = runner.invoke(
        cli,
        [
            "timeline",
            "USA",
            "IRN",
            "--db",
            str(example_db),
            "--freq",
            "W",
            "--rollup",
            "--png",
            str(png),
            "--csv",
            str(csv_path),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "USA <-> IRN" in result.output and "2019-12-23" in result.output
    assert png.stat().st_size > 1000 and csv_path.read_text().count("\n") > 5
    result = runner.invoke(cli, ["escalation", "USA", "IRN", "--db", str(example_db)])
    assert result.exit_code == 0, result.output
    assert "attack causing deaths" in result.output and "Kata'ib Hezbollah" in result.output
    result = runner.invoke(
        cli, ["escalation", "USA", "IRN", "--db", str(example_db), "--format", "json"]
    )
    ladder = json.loads(result.output)
    assert ladder["climbs"][-1]["date"] == date(2019, 12, 27).isoformat()
    result = runner.invoke(cli, ["reaction", "USA", "IRN", "--db", str(example_db)])
    assert result.exit_code == 0, result.output
    assert "USA answering IRN" in result.output


def test_bad_arguments_get_one_clear_line(example_db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rule]]\nid = "x"\ntitle = "X"\nevent_type = "BOMB"\n', "utf-8")
    result = runner.invoke(cli, ["alerts", "--db", str(example_db), "--rules", str(bad)])
    assert result.exit_code != 0 and "event_type 'BOMB' is not a PLOVER event type" in result.output
    result = runner.invoke(cli, ["timeline", "USA", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code != 0 and "No store at" in result.output


def test_report_shows_the_red_lines_with_evidence(example_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(
        cli, ["report", "USA", "IRN", "--db", str(example_db), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    page = out.read_text("utf-8")
    for title in ("First US fatality from an Iran-aligned attack", "Attack on a US embassy"):
        assert title in page, f"the report lacks the alert {title!r}"
    assert "<svg" in page and "attack causing deaths" in page and "<script" not in page

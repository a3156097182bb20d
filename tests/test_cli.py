"""CLI: run, events, failures, dyads through click's runner, with the real model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from redline import __version__
from redline.cli import cli

ARTICLE = """<!doctype html><html><head><meta charset="utf-8">
<title>Militia rockets kill contractor | Test Wire</title>
<meta property="article:published_time" content="2019-12-28T08:00:00+00:00">
<meta property="og:site_name" content="Test Wire"></head><body>
<nav><a href="/">Home</a></nav>
<article><h1>Militia rockets kill contractor</h1>
<p>Kata'ib Hezbollah fired more than 30 rockets at the K1 base near Kirkuk on Friday, killing a U.S. civilian contractor, U.S. officials said.</p>
<p>The United States carried out airstrikes against Kata'ib Hezbollah in Iraq and Syria on Sunday.</p>
<p>Iran did not attack the base, its foreign ministry said in a statement on Saturday.</p>
</article><footer>All rights reserved.</footer></body></html>"""

STABLE_KEYS = {
    "id",
    "date",
    "event_type",
    "mode",
    "realis",
    "source",
    "target",
    "location",
    "fatalities",
    "evidence",
    "coder",
}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "k1.html").write_text(ARTICLE)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "german.txt").write_text(
        "Nachrichten\nDie Regierung in Berlin hat am Montag neue Maßnahmen beschlossen. Der "
        "Minister sagte, dass die Bürger sich auf eine schwierige Zeit einstellen müssten."
    )
    return folder


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_cli_version() -> None:
    code, output = invoke("--version")
    assert code == 0 and __version__ in output


@pytest.mark.model
def test_cli_run_events_failures(corpus: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "s.duckdb")
    code, output = invoke("run", str(corpus), "--db", db)
    assert code == 0, output
    assert "1 articles, " in output and "2 failures" in output

    code, output = invoke("events", "--db", db, "--format", "jsonl", "--raw")
    events = [json.loads(line) for line in output.splitlines()]
    assert events, "no events coded"
    for event in events:
        assert set(event) >= STABLE_KEYS, f"missing keys {STABLE_KEYS - set(event)}"
        for actor in event["source"] + event["target"]:
            assert {"id", "name", "country", "sector", "sponsors"} <= set(actor)
        quote = event["evidence"]["quote"]
        assert quote and event["evidence"]["end"] - event["evidence"]["start"] == len(quote)
    dyads = {
        (
            tuple(a["id"] for a in e["source"]),
            tuple(a["id"] for a in e["target"]),
            e["event_type"],
            e["realis"],
        )
        for e in events
    }
    assert (("kataib-hezbollah",), ("USA",), "ASSAULT", "asserted") in dyads
    assert (("USA",), ("kataib-hezbollah",), "ASSAULT", "asserted") in dyads
    assert not any(
        e["realis"] == "asserted" and e["source"] and e["source"][0]["id"] == "IRN" for e in events
    ), "a negated attack became an asserted event"

    code, output = invoke(
        "events",
        "--db",
        db,
        "--type",
        "assault",
        "--actor",
        "USA",
        "--since",
        "2019-12-01",
        "--until",
        "2019-12-31",
        "--format",
        "csv",
    )
    assert code == 0 and output.startswith("id,date,event_type")
    assert len(output.splitlines()) >= 3

    code, output = invoke("events", "--db", db)
    assert code == 0 and "Kata'ib Hezbollah" in output

    code, output = invoke("events", "--db", db, "--format", "jsonl", "--mentions")
    merged = [json.loads(line) for line in output.splitlines()]
    assert merged and len(merged) <= len(events), "consolidation made more events than mentions"
    for event in merged:
        assert {"id", "mentions", "articles", "sources", "fatalities", "reports"} <= set(event)
        assert event["mentions"] == len(event["reports"]) >= 1, event
        assert all(r["why"] for r in event["reports"]), "a report without its merge reason"

    code, output = invoke("consolidate", "--db", db, "--rebuild")
    assert code == 0 and f"events {len(merged)} -> {len(merged)}" in output, output

    code, output = invoke("failures", "--db", db)
    assert "unsupported language: de" in output and "empty" in output

    code, output = invoke("dyads", "--db", db)
    assert "kataib-hezbollah -> USA" in output

    code, output = invoke("run", str(corpus), "--db", db)
    assert "0 articles, 0 mentions" in output and "1 articles already stored" in output


def test_cli_missing_store_is_one_sentence(tmp_path: Path) -> None:
    code, output = invoke("events", "--db", str(tmp_path / "none.duckdb"))
    assert code == 1
    assert "No store at" in output and "Traceback" not in output


def test_cli_bad_date_is_a_usage_error(tmp_path: Path) -> None:
    code, output = invoke("events", "--db", str(tmp_path / "x.duckdb"), "--since", "yesterday")
    assert code == 2 and "expected a date like 2019-12-27" in output


def test_cli_bad_config_is_one_sentence(tmp_path: Path) -> None:
    config = tmp_path / "redline.toml"
    config.write_text("colour = 'red'\n")
    result = subprocess.run(
        [sys.executable, "-m", "redline", "--config", str(config), "failures"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "unknown setting 'colour'" in result.stderr and "Traceback" not in result.stderr


def test_cli_stages_lists_registry() -> None:
    code, output = invoke("stages")
    assert code == 0 and "coding.events.rules.v1" in output.split()


@pytest.mark.model
def test_cli_killed_run_finishes_on_rerun(tmp_path: Path) -> None:
    """SIGKILL `redline run` part-way, run it again: the store equals one clean run's."""
    import signal
    import time

    corpus = tmp_path / "many"
    corpus.mkdir()
    body = ARTICLE.split("<article>")[1].split("</article>")[0]
    for number in range(400):
        page = ARTICLE.replace(body, body.replace("30 rockets", f"{number + 2} rockets"))
        (corpus / f"{number:03}.html").write_text(page)
    command = [sys.executable, "-m", "redline", "run", str(corpus), "--batch-size", "8"]

    def events(db: Path) -> list[str]:
        code, output = invoke("events", "--db", str(db), "--format", "csv")
        assert code == 0, output
        return sorted(output.splitlines())

    clean_db = tmp_path / "clean.duckdb"
    started = time.monotonic()
    subprocess.run([*command, "--db", str(clean_db)], check=True, capture_output=True)
    duration = time.monotonic() - started

    killed_db = tmp_path / "killed.duckdb"
    # Kill part-way; if a busy machine made the run finish first, try again earlier.
    for fraction in (0.6, 0.4, 0.2):
        killed_db.unlink(missing_ok=True)
        process = subprocess.Popen(
            [*command, "--db", str(killed_db)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(duration * fraction)
        process.send_signal(signal.SIGKILL)
        if process.wait() == -signal.SIGKILL:
            break
    else:
        pytest.fail("the run always ended before it could be killed")
    rerun = subprocess.run([*command, "--db", str(killed_db)], capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert events(killed_db) == events(clean_db)


def test_cli_actors_search_and_show() -> None:
    code, output = invoke("actors", "--search", "hizballah")
    assert code == 0 and "kataib-hezbollah" in output and "hezbollah " in output
    code, output = invoke("actors", "show", "kataib-hezbollah")
    assert code == 0
    assert "member-of -> popular-mobilization-forces" in output
    assert "rolls up to: IRN" in output and "Foreign Terrorist Organization" in output
    _, output = invoke("actors", "show", "mark-esper")
    assert "sector MIL, 2017-11-20 to 2019-07-23" in output
    code, output = invoke("actors", "show", "kataib")
    assert code == 1 and "Did you mean: kataib-hezbollah" in output


def test_cli_actors_import_phoenix_dictionary(tmp_path: Path) -> None:
    source = tmp_path / "x.actors.txt"
    source.write_text(
        "ARNOR_ [ARN]\n+ARNORIAN_\nGOLLUM\n\t[HOBGOV 19950601 - 19990815]\n"
        "BADLY_DATED\n\t[HOB 9008223-911221]\n"
    )
    out = tmp_path / "x.csv"
    result = CliRunner().invoke(cli, ["actors", "import", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 actor rows written" in result.output
    assert "line 6: cannot read the date" in result.output
    code, output = invoke("actors", "--actors", str(out), "--search", "gollum")
    assert code == 0 and "HOBGOV" in output


@pytest.mark.model
def test_cli_user_actor_file_and_rollup_on_examples(tmp_path: Path) -> None:
    examples = Path(__file__).parent.parent / "examples"
    db = str(tmp_path / "s.duckdb")
    mine = tmp_path / "mine.csv"
    mine.write_text(
        "id,name,aliases,country,sector,type,sponsors\n"
        "k1-air-base,K-1 Air Base,K1 base,IRQ,MIL,facility,USA\n"
    )
    code, output = invoke(
        "run",
        str(examples / "22-us-airstrikes-kataib-hezbollah.html"),
        "--db",
        db,
        "--actors",
        str(mine),
    )
    assert code == 0, output
    _, plain = invoke("dyads", "--db", db)
    _, rolled = invoke("dyads", "--db", db, "--rollup")
    assert "USA -> kataib-hezbollah" in plain and "kataib-hezbollah -> USA" in plain
    assert "USA -> IRN" in rolled and "IRN -> USA" in rolled
    assert "kataib-hezbollah" not in rolled

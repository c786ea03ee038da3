"""The command line end to end, with the real model, into tmp_path."""
import sqlite3

import pytest
from click.testing import CliRunner

from pipeline.cli import cli

from .conftest import RAW

# The real command list: a new command cannot skip the help test.
COMMANDS = sorted(cli.commands)


def test_the_stage_commands_are_there():
    assert {"ingest", "clean", "extract", "build", "serve", "check"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command):
    result = CliRunner().invoke(cli, [command, "-h"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert "claims-pipeline" in result.output


def test_build_writes_database_and_summary(tmp_path):
    db = tmp_path / "out" / "claims.db"
    result = CliRunner().invoke(cli, ["build", str(RAW), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert db.exists()
    summary = result.output.strip().splitlines()[-1]
    for word in ("documents", "sentences", "mentions", "dates", "money", "claims", " s:"):
        assert word in summary
    conn = sqlite3.connect(db)
    assert conn.execute("select count(*) from documents").fetchone()[0] == 5
    run = conn.execute("select pipeline_version, spacy_model, n_documents, finished from runs").fetchone()
    assert run[0] and "core_web_sm" in run[1] and run[2] == 5 and run[3]


def test_build_quiet_prints_nothing(tmp_path):
    result = CliRunner().invoke(cli, ["build", str(RAW), "--db", str(tmp_path / "c.db"), "--quiet"])
    assert result.exit_code == 0
    assert result.output == ""


def test_unknown_model_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(cli, ["build", str(RAW), "--db", str(tmp_path / "c.db"), "--model", "no_such_model"])
    assert result.exit_code != 0
    assert "no_such_model" in result.output and "--model" in result.output
    assert not (tmp_path / "c.db").exists()


def test_empty_folder_is_a_clear_error(tmp_path):
    (tmp_path / "raw").mkdir()
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "raw"), "--db", str(tmp_path / "c.db")])
    assert result.exit_code != 0
    assert "no .txt" in result.output


def test_check_passes_on_a_fresh_build(corpus_db):
    result = CliRunner().invoke(cli, ["check", "--db", str(corpus_db)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("ok")


def test_check_reports_a_broken_span(corpus_db, tmp_path):
    broken = tmp_path / "broken.db"
    broken.write_bytes(corpus_db.read_bytes())
    conn = sqlite3.connect(broken)
    conn.execute("update claims set start = start + 1 where id = (select min(id) from claims)")
    conn.commit()
    conn.close()
    result = CliRunner().invoke(cli, ["check", "--db", str(broken)])
    assert result.exit_code == 1
    assert "claims" in result.output and "does not equal" in result.output


def test_stage_commands_print_json():
    doc = sorted(RAW.glob("004_*"))[0]
    result = CliRunner().invoke(cli, ["clean", str(doc), "--kind", "boilerplate"])
    assert result.exit_code == 0
    assert '"kind": "boilerplate"' in result.output
    result = CliRunner().invoke(cli, ["extract", str(doc), "--only", "money"])
    assert result.exit_code == 0
    assert "1000000000.0" in result.output


NOTED = ("The ministry said exports rose 12.5% in 2023.¹\n\nNotes\n\n"
         "¹ Ministry of Trade, Annual Report 2023, https://example.org/report.\n\n"
         "Bibliography\n\nMinistry of Trade. Annual Report 2023. https://example.org/report.\n")


# --only FIELD -> what its JSON holds (every field of DocResult can be asked for)
ONLY = [
    ("paragraphs", lambda rows: [r["kind"] for r in rows][:2] == ["body", "heading"]),
    ("markers", lambda rows: [(r["number"], r["role"]) for r in rows] == [(1, "citation"), (1, "label")]),
    ("percentages", lambda rows: [r["value"] for r in rows] == [12.5]),
    ("note_bibliography", lambda rows: rows == [[0, 0]]),
    ("format", lambda value: value == "txt"),
]


@pytest.mark.parametrize("field,holds", ONLY, ids=[o[0] for o in ONLY])
def test_extract_prints_any_field_of_the_result(tmp_path, field, holds):
    import json

    doc = tmp_path / "noted.txt"
    doc.write_text(NOTED, encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", str(doc), "--only", field])
    assert result.exit_code == 0, result.output
    assert holds(json.loads(result.output)), result.output


def test_module_entry_point_runs():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "pipeline", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "build" in out.stdout

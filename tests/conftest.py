"""Shared fixtures: the real spaCy model and one database built from the project's corpus."""
from __future__ import annotations

import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def nlp():
    from pipeline import nlp as nlp_stage

    return nlp_stage.load_model()


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory):
    """extracted/claims.db built from raw/ by the CLI, once per test session."""
    from click.testing import CliRunner

    from pipeline.cli import cli

    db = tmp_path_factory.mktemp("corpus") / "claims.db"
    result = CliRunner().invoke(cli, ["build", str(RAW), "--db", str(db)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return db


def copy_small_corpus(base: pathlib.Path, n: int = 3) -> pathlib.Path:
    """A project folder with base/raw/ holding the n smallest text documents of raw/ (quick builds)."""
    import shutil

    (base / "raw").mkdir(parents=True)
    for path in sorted(RAW.glob("*.txt"), key=lambda p: p.stat().st_size)[:n]:
        shutil.copy(path, base / "raw" / path.name)
    return base

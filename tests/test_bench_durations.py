"""bench/durations.py: the durations scorer on a database and a gold file made here (real SQLite, the
shared scorer's alignment)."""
import json
import sqlite3
import subprocess
import sys

import pytest

from .conftest import ROOT, SHARED

TEXT = "Published: May 4, 2001\n\nThe plan runs for five years. Talks lasted  two weeks. It rained for days.\n"


def _kit(tmp_path, rows):
    """A one-document kit: raw/news/a.txt, its gold.jsonl (two DURATIONs and a DATE), and a database
    whose documents.text differs from the file in white space (as the pipeline's does) with `rows`."""
    raw = tmp_path / "raw" / "news"
    raw.mkdir(parents=True)
    (raw / "a.txt").write_text(TEXT)

    def at(s):
        return TEXT.index(s), TEXT.index(s) + len(s)

    timexes = [{"type": "DURATION", "value": "P5Y", "text": "five years"},
               {"type": "DURATION", "value": "P2W", "text": "two weeks"},
               {"type": "DATE", "value": "2001-05-04", "text": "May 4, 2001"}]
    for t in timexes:
        t["start"], t["end"] = at(t["text"])
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"doc": "a", "corpus": "news", "file": "news/a.txt", "dct": "2001-05-04",
                                "body_start": TEXT.index("The"), "body_end": len(TEXT), "timexes": timexes}) + "\n")
    stored = " ".join(TEXT.split())  # white space squeezed: the scorer must align, not compare offsets
    db = tmp_path / "tb.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE documents (id TEXT, path TEXT, paths TEXT, text TEXT)")
    con.execute("CREATE TABLE durations (id TEXT, document_id TEXT, start INT, end INT, text TEXT, value TEXT)")
    con.execute("INSERT INTO documents VALUES ('d', 'raw/news/a.txt', NULL, ?)", (stored,))
    for i, (text, value) in enumerate(rows):
        start = stored.index(text)
        con.execute("INSERT INTO durations VALUES (?, 'd', ?, ?, ?, ?)",
                    (str(i), start, start + len(text), text, value))
    con.commit()
    con.close()
    return db, gold


@pytest.mark.parametrize("rows,expected", [
    # both found with gold's value and span
    ([("five years", "P5Y"), ("two weeks", "P2W")], "durations: value_share=1.000 relaxed_f1=1.000 strict_f1=1.000"),
    # one value wrong, one span wider, one row on no gold: share 1/2, relaxed P 2/3 R 1, strict P 1/3 R 1/2
    ([("five years", "P4Y"), ("lasted two weeks", "P2W"), ("days", "PXD")],
     "durations: value_share=0.500 relaxed_f1=0.800 strict_f1=0.400"),
    ([], "durations: value_share=0.000 relaxed_f1=0.000 strict_f1=0.000"),
])
def test_durations_scorer_last_line(tmp_path, rows, expected):
    if not (SHARED / "eval" / "timex.py").exists():
        pytest.skip(f"the shared scorer is not at {SHARED / 'eval' / 'timex.py'}")
    db, gold = _kit(tmp_path, rows)
    command = [sys.executable, "-m", "bench.durations", str(db), "--gold", str(gold), "--shared", str(SHARED)]
    out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == expected, out


def test_durations_scorer_names_a_missing_database(tmp_path):
    done = subprocess.run([sys.executable, "-m", "bench.durations", str(tmp_path / "none.db")], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode != 0 and "none.db not found" in done.stderr

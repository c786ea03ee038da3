"""Scores a database's durations rows against a TimeML kit's gold DURATION TIMEX3s.

The kit is ../shared/external/timebank/gold.jsonl; the scoring mirrors ../shared/eval/timex.py's of `dates`.

Rows are carried from `documents.text` to the written .txt file with timex.py's own alignment (imported
from ../shared/eval, not copied), so both scorers place rows alike.

- value share: of the gold DURATIONs, those an overlapping row gives gold's exact value (P5Y, PT24H, PXY);
- span P/R/F1, relaxed (any overlap) and strict (same [start, end)): a row counts for precision when it
  overlaps a gold DURATION.
Last line: `durations: value_share=... relaxed_f1=... strict_f1=...`.

Usage: python -m bench.durations DB [--gold ../shared/external/timebank/gold.jsonl] [--raw DIR]
                                   [--shared DIR] [--errors N]
"""
from __future__ import annotations

import argparse
import collections
import json
import pathlib
import re
import sqlite3
import sys
from typing import Iterable

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def _timex(shared: pathlib.Path):
    """timex.py of ../shared/eval, imported for its alignment helpers."""
    folder = shared / "eval"
    if not (folder / "timex.py").exists():
        sys.exit(f"durations: {folder / 'timex.py'} not found: the scorer's alignment lives there")
    sys.path.insert(0, str(folder))
    try:
        import timex
    finally:
        sys.path.remove(str(folder))
    return timex


def load_durations(db: pathlib.Path, docs: dict, texts: dict, timex) -> dict[str, list[dict]]:
    """file -> the document's `durations` rows inside the gold body, start/end in the written file."""
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    rows_by_file: dict[str, list[dict]] = {}
    for d in map(dict, con.execute("SELECT * FROM documents")):
        paths = [d.get("path")] + (json.loads(d["paths"]) if d.get("paths") else [])
        tails = ["/".join(p.replace("\\", "/").split("/")[-2:]) for p in paths if p]
        file = next((t for t in tails if t in docs), None)
        if file is None:
            continue
        gold, written = docs[file], texts[file]
        mapping, _ = timex.align(d["text"] or "", written)
        rows = []
        for r in map(dict, con.execute("SELECT * FROM durations WHERE document_id = ? ORDER BY start", (d["id"],))):
            span = timex.carry(mapping, r["start"], r["end"])
            if span is None or timex.squash(written[span[0]:span[1]]) != timex.squash(r["text"]):
                needle = (r["text"] or "").strip()
                found = [m.start() for m in re.finditer(re.escape(needle), written)] if needle else []
                if not found:
                    continue
                s = min(found, key=lambda x: abs(x - (span[0] if span else r["start"])))
                span = (s, s + len(needle))
            r["start"], r["end"] = span
            if gold["body_start"] <= r["start"] and r["end"] <= gold["body_end"]:
                rows.append(r)
        rows_by_file[file] = rows
    return rows_by_file


def _overlap(a: dict, b: dict) -> int:
    return max(0, min(a["end"], b["end"]) - max(a["start"], b["start"]))


def score(golds: Iterable[dict], rows_by_file: dict[str, list[dict]]):
    """(metrics, errors): errors are (class, doc, gold text and value, row text and value)."""
    c, errors = collections.Counter(), []
    for g in golds:
        rows = rows_by_file.get(g["file"], [])
        gold = [t for t in g["timexes"] if t["type"] == "DURATION"]
        c["gold"] += len(gold)
        c["rows"] += len(rows)
        for r in rows:
            hits = [t for t in gold if _overlap(t, r)]
            c["rows relaxed"] += bool(hits)
            c["rows strict"] += any((t["start"], t["end"]) == (r["start"], r["end"]) for t in hits)
            if not hits:
                other = [t["type"] for t in g["timexes"] if _overlap(t, r)]
                errors.append((f"spurious: row on gold {'/'.join(sorted(set(other)))}" if other
                               else "spurious: row on no gold TIMEX3", g["doc"], None, r))
        for t in gold:
            over = [r for r in rows if _overlap(t, r)]
            if not over:
                errors.append(("missed", g["doc"], t, None))
                continue
            c["gold relaxed"] += 1
            c["gold strict"] += any((r["start"], r["end"]) == (t["start"], t["end"]) for r in over)
            if any(r["value"] == t["value"] for r in over):
                c["value correct"] += 1
            else:
                errors.append(("value wrong", g["doc"], t, max(over, key=lambda r: _overlap(t, r))))
    m = {"value_share": c["value correct"] / c["gold"] if c["gold"] else 0.0}
    for kind in ("relaxed", "strict"):
        p = c[f"rows {kind}"] / c["rows"] if c["rows"] else 0.0
        r = c[f"gold {kind}"] / c["gold"] if c["gold"] else 0.0
        m.update({f"{kind}_p": p, f"{kind}_r": r, f"{kind}_f1": 2 * p * r / (p + r) if p + r else 0.0})
    return m, c, errors


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("db", type=pathlib.Path,
                        help="database built from the kit's raw/, e.g. extracted/eval/timebank.db")
    parser.add_argument("--gold", type=pathlib.Path, default=SHARED / "external" / "timebank" / "gold.jsonl",
                        help="gold.jsonl: one document per line, TIMEX3 offsets into its .txt")
    parser.add_argument("--raw", type=pathlib.Path, help="folder of the .txt files (default: raw/ beside --gold)")
    parser.add_argument("--shared", type=pathlib.Path, default=SHARED,
                        help="the shared folder whose eval/timex.py places rows, e.g. ../shared")
    parser.add_argument("--errors", type=int, default=0, metavar="N",
                        help="print N errors of each class, e.g. --errors 5")
    args = parser.parse_args(argv)
    for path, what in ((args.db, "database"), (args.gold, "gold file")):
        if not path.exists():
            sys.exit(f"durations: {what} {path} not found")
    timex = _timex(args.shared)
    raw = args.raw or args.gold.parent / "raw"
    docs = {rec["file"]: rec for rec in map(json.loads, args.gold.open(encoding="utf-8"))}
    texts = {file: (raw / file).read_text(encoding="utf-8") for file in docs}
    metrics, counts, errors = score(docs.values(), load_durations(args.db, docs, texts, timex))
    classes = collections.Counter(e[0] for e in errors)
    print(f"gold DURATION {counts['gold']}, rows {counts['rows']}; matched strict {counts['gold strict']}, "
          f"relaxed {counts['gold relaxed']}, value correct {counts['value correct']}")
    print(f"relaxed P/R/F1 {metrics['relaxed_p']:.3f} {metrics['relaxed_r']:.3f} {metrics['relaxed_f1']:.3f}; "
          f"strict P/R/F1 {metrics['strict_p']:.3f} {metrics['strict_r']:.3f} {metrics['strict_f1']:.3f}")
    print("error classes: " + ", ".join(f"{k} {n}" for k, n in classes.most_common()))
    for cls, _ in classes.most_common():
        for _, doc, t, r in [e for e in errors if e[0] == cls][:args.errors]:
            gold = f"{t['text']!r} {t['value']}" if t else "-"
            row = f"{r['text']!r} {r['value']}" if r else "-"
            print(f"  {cls}: {doc}: gold {gold} | row {row}")
    print("durations: " + " ".join(f"{k}={metrics[k]:.3f}" for k in ("value_share", "relaxed_f1", "strict_f1")))


if __name__ == "__main__":
    main()

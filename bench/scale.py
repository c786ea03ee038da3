"""What one changed document costs at two corpus sizes: the cost of an update in place should
follow the change, not the corpus.

Small documents (a title, a byline, a date line and a paragraph or two of the corpus's sentences,
corpus.make_document) are generated, built cold once, then one of them is edited and the rebuild
timed through the command line (start, plan, producing the changed document in a worker with its
model load, the update and its steps across documents). The larger corpus is the smaller one and
more documents, built by updating the smaller one's database.

Usage: python -m bench.scale [--sizes 1000,20000] [--jobs N]
"""
from __future__ import annotations

import argparse
import pathlib
import random
import shutil
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import corpus  # noqa: E402
from bench.__main__ import change_one_document, run_build  # noqa: E402
from pipeline import nlp  # noqa: E402
from pipeline.build import run as build_stage  # noqa: E402

SENTENCES_PER_DOCUMENT = (2, 4)


def add_documents(raw: pathlib.Path, start: int, stop: int, seed: int = 11) -> None:
    """Documents start..stop-1, each a title, byline, date line and one paragraph of the corpus's
    sentences (from its own seed: the first ones are the same whatever stop is)."""
    sentences, headings, _ = corpus.read_pools(ROOT / "raw")
    raw.mkdir(parents=True, exist_ok=True)
    for n in range(start, stop):
        rng = random.Random(seed * 1_000_003 + n)
        blocks = [f"By {rng.choice(corpus.NAMES)}",
                  f"{rng.choice(corpus.MONTHS)} {rng.randint(1, 28)}, {rng.randint(2015, 2024)}",
                  " ".join(rng.choice(sentences) for _ in range(rng.randint(*SENTENCES_PER_DOCUMENT)))]
        corpus.write_text(raw / f"doc_{n:06d}.txt", "txt", rng.choice(headings), blocks)


def one_changed_seconds(raw: pathlib.Path, db: pathlib.Path, jobs: int, model: str) -> tuple[float, float]:
    """(seconds of a rebuild after one document changed, its peak RSS in MB); the change is undone after."""
    changed = change_one_document(raw)
    original = changed.read_text(encoding="utf-8")
    wall, peak = run_build(raw, db, jobs, model)
    changed.write_text(original[:original.rindex("\nThe ministry said on Tuesday")], encoding="utf-8")
    return wall, peak


def measure(sizes: list[int], jobs: int, model: str, work: pathlib.Path) -> list[dict]:
    raw, db = work / "raw", work / "extracted" / "claims.db"
    rows, have = [], 0
    for size in sizes:
        add_documents(raw, have, size)
        have = size
        start = time.perf_counter()
        build_wall, build_peak = run_build(raw, db, jobs, model)
        one, one_peak = one_changed_seconds(raw, db, jobs, model)
        rows.append({"documents": size, "build_s": build_wall, "one_changed_s": one,
                     "peak_rss_mb": max(build_peak, one_peak), "db_mb": db.stat().st_size / 1e6,
                     "total_s": time.perf_counter() - start})
        print(f"{size} documents: building them {build_wall:.1f} s, one changed {one:.2f} s, "
              f"database {rows[-1]['db_mb']:.0f} MB, peak RSS {rows[-1]['peak_rss_mb']:.0f} MB", flush=True)
    return rows


def one_changed_fields(rows: list[dict]) -> str:
    """`one_changed_s_1k=... one_changed_s_20k=...` of measure's rows, for the bench line."""
    return " ".join(f"one_changed_s_{r['documents'] / 1000:g}k={r['one_changed_s']:.2f}" for r in rows)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,20000", help="corpus sizes in documents (default 1000,20000)")
    parser.add_argument("--jobs", type=int, default=build_stage.default_jobs(), help="worker processes")
    parser.add_argument("--model", default=nlp.DEFAULT_MODEL, help="spaCy pipeline")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print its path")
    args = parser.parse_args(argv)
    work = pathlib.Path(tempfile.mkdtemp(prefix="claims-scale-"))
    try:
        rows = measure(sorted(int(s) for s in args.sizes.split(",")), args.jobs, args.model, work)
        print("scale: " + one_changed_fields(rows))
    finally:
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

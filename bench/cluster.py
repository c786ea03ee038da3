"""cluster_wps: the build's words/s through a 2-worker local Dask cluster (`build --cluster local:2`),
comparable to bench's e2e_wps: the same generated corpus, a cold cache, the same words (those of
the paragraphs the build sent to spaCy), the cluster's start-up included as the pool's is.

    python -m bench.cluster [--size 5] [--workers 2]

builds the corpus both ways, alternately (the machine is shared: each figure is the best of
--repeat), and prints `cluster: e2e_wps=... cluster_wps=... cluster_ratio=... cluster_peak_rss_mb=...`.
"""
from __future__ import annotations

import argparse
import pathlib
import shutil
import tempfile

from bench import corpus
from bench.__main__ import ROOT, prose_paragraphs, run_build
from pipeline import nlp

DEFAULT_WORKERS = 2


def cluster_build(raw: pathlib.Path, db: pathlib.Path, model: str = nlp.DEFAULT_MODEL,
                  workers: int = DEFAULT_WORKERS) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB of the build and its cluster) of one build through a local
    cluster of `workers` processes, started by the build itself."""
    return run_build(raw, db, workers, model, extra=("--cluster", f"local:{workers}"))


def cluster_wps(raw: pathlib.Path, words: int, model: str = nlp.DEFAULT_MODEL,
                workers: int = DEFAULT_WORKERS) -> tuple[float, float]:
    """(words/s, peak RSS in MB) of a cold build of `raw` through a local cluster; `words`: the
    words e2e_wps counts for this corpus (bench's prose_paragraphs of a build of it)."""
    work = pathlib.Path(tempfile.mkdtemp(prefix="claims-bench-cluster-"))
    try:
        wall, peak = cluster_build(raw, work / "claims.db", model, workers)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return words / wall, peak


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.cluster", description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=float, default=5.0, help="corpus size in MB of text (default 5, bench's largest)")
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS, help="cluster workers and local jobs (default 2)")
    parser.add_argument("--repeat", type=int, default=1, help="builds of each kind, alternated; the best is kept")
    parser.add_argument("--model", default=nlp.DEFAULT_MODEL, help="spaCy pipeline")
    args = parser.parse_args(argv)
    work = pathlib.Path(tempfile.mkdtemp(prefix="claims-bench-"))
    try:
        raw = work / "raw"
        info = corpus.generate(ROOT / "raw", raw, args.size)
        local_walls, cluster_rates, peaks = [], [], []
        words = None
        for n in range(args.repeat):
            db = work / f"local{n}" / "claims.db"
            wall, _ = run_build(raw, db, args.workers, args.model)
            local_walls.append(wall)
            if words is None:
                words = sum(len(t.split()) for t in prose_paragraphs(db))
            rate, peak = cluster_wps(raw, words, args.model, args.workers)
            cluster_rates.append(rate)
            peaks.append(peak)
            print(f"corpus {args.size:g} MB ({info['documents']} documents, {words} words): local build "
                  f"{words / wall:.0f} words/s, cluster build {rate:.0f} words/s (peak RSS {peak:.0f} MB)", flush=True)
        e2e, clustered = words / min(local_walls), max(cluster_rates)
        print(f"cluster: e2e_wps={e2e:.0f} cluster_wps={clustered:.0f} cluster_ratio={clustered / e2e:.2f} "
              f"cluster_peak_rss_mb={max(peaks):.0f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

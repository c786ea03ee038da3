"""`make bench`: how fast the build is next to spaCy alone, how fast rebuilds are, how much memory.

For each corpus size (generated from raw/ into a temporary folder, see corpus.py) it times a cold
build through the command line (`claims-pipeline build`, empty cache) while sampling the resident
memory of the build and its workers. On the largest corpus it then times a rebuild with nothing
changed, a rebuild after one document changed, and bare `nlp.pipe` over exactly the paragraphs the
build sent to spaCy (same model, components, batch size and number of processes).

Words are the whitespace-separated words of those paragraphs, for both rates. PDF reading is timed
apart, ingest alone in this process: the corpus's text PDFs (pages/s), and scanned pages made as the
OCR tests make them (tests/scan_fixtures.py: 300 dpi, turned a little, speckled) read by Tesseract.
Then the same corpus is built through a 2-worker local Dask cluster (bench/cluster.py), and one
changed document is timed at two corpus sizes of small documents (bench/scale.py: an update in
place should cost what changed, not the corpus). The last line is
    bench: e2e_wps=... spacy_wps=... ratio=... noop_s=... one_changed_s=... one_changed_s_1k=...
           one_changed_s_20k=... cluster_wps=... peak_rss_mb=... pdf_pages_s=... ocr_pages_s=...

Usage: python -m bench [--sizes 2.5,5] [--scale 1000,20000] [--jobs N] [--model NAME] [--keep]
"""
from __future__ import annotations

import argparse
import os
import pathlib
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from typing import Optional

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import corpus  # noqa: E402
from pipeline.build import run as build_stage  # noqa: E402
from pipeline import nlp  # noqa: E402
from pipeline.build import worker as process  # noqa: E402
from pipeline.extract import document as extract  # noqa: E402


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found += [int(c) for c in handle.read().split()]
    except OSError:
        pass
    return found


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class MemorySampler(threading.Thread):
    """Peak of the summed resident memory of a process and all its descendants (shared pages of
    forked workers are counted in each: an upper bound)."""

    def __init__(self, pid: int, interval: float = 0.05):
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak_kb, self.running = pid, interval, 0, True

    def run(self):
        while self.running:
            pids, todo = [], [self.pid]
            while todo:
                pid = todo.pop()
                pids.append(pid)
                todo += _children(pid)
            self.peak_kb = max(self.peak_kb, sum(_rss_kb(pid) for pid in pids))
            time.sleep(self.interval)


def run_build(raw: pathlib.Path, db: pathlib.Path, jobs: int, model: str, extra: tuple = ()) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one `claims-pipeline build`, with the model bare spaCy is timed
    with; `extra`: more options (bench/cluster.py: --cluster)."""
    command = [sys.executable, "-m", "pipeline", "build", str(raw), "--db", str(db), "--jobs", str(jobs),
               "--model", model, "--quiet", *extra]
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT)
    sampler = MemorySampler(proc.pid)
    sampler.start()
    try:
        code = proc.wait()
    finally:
        if proc.poll() is None:  # the benchmark was interrupted: stop the build (its workers die with it)
            proc.kill()
            proc.wait()
        sampler.running = False
        sampler.join()
    wall = time.perf_counter() - start
    if code != 0:
        raise SystemExit(f"build failed with exit code {code}")
    return wall, sampler.peak_kb / 1024


def prose_paragraphs(db: pathlib.Path) -> list[str]:
    conn = sqlite3.connect(db)
    kinds = ",".join(f"'{k}'" for k in sorted(extract.PROSE_KINDS))
    texts = [row[0] for row in conn.execute(f"select text from paragraphs where kind in ({kinds}) order by document_id, start")]
    conn.close()
    return texts


def spacy_batch_size(texts: list[str]) -> int:
    """The build cuts batches at process.BATCH_CHARS characters: the same size in texts."""
    mean = sum(len(t) for t in texts) / max(1, len(texts))
    return max(1, round(process.BATCH_CHARS / max(1.0, mean)))


def bare_spacy_seconds(texts: list[str], model: str, jobs: int) -> float:
    """nlp.pipe alone over `texts`: the ceiling the build is measured against."""
    loaded = nlp.load_model(model)
    start = time.perf_counter()
    for _ in loaded.pipe(texts, batch_size=spacy_batch_size(texts), n_process=jobs):
        pass
    return time.perf_counter() - start


def change_one_document(raw: pathlib.Path) -> pathlib.Path:
    """Append a sentence to the middle .txt document; return it."""
    texts = sorted(raw.glob("*.txt"))
    path = texts[len(texts) // 2]
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("\nThe ministry said on Tuesday it had approved $12 million for the new quantum centre.\n")
    return path


# Scanned pages the OCR rate is measured on (each ~1 s here).
OCR_PAGES = 6


def pdf_rates(raw: pathlib.Path, work: pathlib.Path) -> tuple[float, Optional[float], int, str]:
    """(text-PDF pages/s, OCR pages/s or None, text-PDF pages read, why OCR was not measured):
    ingest alone, in this process."""
    from pipeline import ingest
    from pipeline.ingest.pdf import ocr
    from tests import scan_fixtures

    pages, start = 0, time.perf_counter()
    for path in sorted(raw.glob("*.pdf")):
        pages += len(ingest.parse_file(path, raw.parent).pages)
    pdf_rate = pages / max(1e-9, time.perf_counter() - start)
    engine, why_not = ocr.ocr_engine()
    if engine is None:
        return pdf_rate, None, pages, why_not
    images = [scan_fixtures.degrade(scan_fixtures.draw_page(page_number=n + 1).image, 1.0, 0.003, seed=n)
              for n in range(OCR_PAGES)]
    scan = work / "scan.pdf"
    scan.write_bytes(scan_fixtures.image_pdf(images, 300))
    start = time.perf_counter()
    read = ingest.parse_file(scan, work)
    ocr_rate = len(read.pages) / max(1e-9, time.perf_counter() - start)
    return pdf_rate, ocr_rate, pages, ""


def _stop(signum, frame):
    raise SystemExit(f"interrupted by signal {signum}")


def main(argv=None) -> None:
    signal.signal(signal.SIGTERM, _stop)
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="2.5,5", help="corpus sizes in MB of text, comma-separated (default 2.5,5)")
    parser.add_argument("--scale", default="1000,20000",
                        help="corpus sizes in small documents for one changed document (default 1000,20000)")
    parser.add_argument("--jobs", type=int, default=build_stage.default_jobs(), help="worker processes (default: cores)")
    parser.add_argument("--model", default=nlp.DEFAULT_MODEL, help="spaCy pipeline for the builds and bare spaCy alike")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print its path")
    args = parser.parse_args(argv)
    from bench import cluster, scale  # they use this module's run_build: imported once it is loaded
    sizes = sorted(float(s) for s in args.sizes.split(","))
    work = pathlib.Path(tempfile.mkdtemp(prefix="claims-bench-"))
    rows = []
    try:
        for size in sizes:
            raw, db = work / f"{size:g}MB" / "raw", work / f"{size:g}MB" / "extracted" / "claims.db"
            info = corpus.generate(ROOT / "raw", raw, size)
            wall, peak = run_build(raw, db, args.jobs, args.model)
            texts = prose_paragraphs(db)  # of the cold build: what spaCy alone is timed on, below
            words = sum(len(t.split()) for t in texts)
            rows.append((size, info, words, wall, peak))
            print(f"corpus {size:g} MB: {info['documents']} documents ({info['pdfs']} PDF), "
                  f"{info['text_bytes'] / 1e6:.1f} MB of text files, {words} words sent to spaCy; "
                  f"cold build {wall:.1f} s = {words / wall:.0f} words/s, peak RSS {peak:.0f} MB", flush=True)
        size, info, words, e2e_wall, peak = rows[-1]
        noop, _ = run_build(raw, db, args.jobs, args.model)
        print(f"rebuild, nothing changed: {noop:.2f} s", flush=True)
        changed = change_one_document(raw)
        one, _ = run_build(raw, db, args.jobs, args.model)
        changed_words = len(changed.read_text(encoding="utf-8").split())
        alone = work / "alone" / "raw"
        alone.mkdir(parents=True)
        shutil.copy(changed, alone / changed.name)
        own, _ = run_build(alone, alone.parent / "claims.db", args.jobs, args.model)
        print(f"rebuild, one document changed ({changed.name}, {changed_words} words): {one:.2f} s; "
              f"that document alone, cold (start, model load, processing): {own:.2f} s; "
              f"the difference, the cost of the other {info['documents'] - 1} documents: {one - own:.2f} s", flush=True)
        spacy_s = bare_spacy_seconds(texts, args.model, args.jobs)
        e2e_wps, spacy_wps = words / e2e_wall, words / spacy_s
        print(f"bare nlp.pipe (n_process={args.jobs}, batch_size={spacy_batch_size(texts)}): {spacy_s:.1f} s "
              f"= {spacy_wps:.0f} words/s", flush=True)
        print(f"peak RSS by corpus size: " + ", ".join(f"{r[0]:g} MB -> {r[4]:.0f} MB" for r in rows))
        pdf_rate, ocr_rate, pdf_pages, why_not = pdf_rates(raw, work)
        ocr_shown = f"{ocr_rate:.2f} scanned pages/s ({OCR_PAGES} pages at 300 dpi)" if ocr_rate else f"not measured ({why_not})"
        print(f"PDF reading (ingest alone, one process): {pdf_rate:.1f} text pages/s ({pdf_pages} pages); "
              f"OCR: {ocr_shown}", flush=True)
        clustered, cluster_peak = cluster.cluster_wps(raw, words, args.model)
        print(f"through a 2-worker local Dask cluster: {clustered:.0f} words/s ({clustered / e2e_wps:.2f} of the "
              f"local build), peak RSS {cluster_peak:.0f} MB", flush=True)
        scaled = scale.measure(sorted(int(n) for n in args.scale.split(",")), args.jobs, args.model, work / "scale")
        changed_at = scale.one_changed_fields(scaled)
        peak_all = max([r[4] for r in rows] + [r["peak_rss_mb"] for r in scaled])
        print(f"bench: e2e_wps={e2e_wps:.0f} spacy_wps={spacy_wps:.0f} ratio={e2e_wps / spacy_wps:.2f} "
              f"noop_s={noop:.2f} one_changed_s={one:.2f} {changed_at} cluster_wps={clustered:.0f} "
              f"peak_rss_mb={peak_all:.0f} pdf_pages_s={pdf_rate:.1f} ocr_pages_s={ocr_rate or 0:.2f}")
    finally:
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

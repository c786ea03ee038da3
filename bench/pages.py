"""How long a PDF page picture takes: rendered the first time, and from the cache after.

Builds a database (the CLI's build) from the report PDF the tests generate (tests/pdf_fixtures.py,
3 letter pages in columns) and, when `make real-pdfs` has fetched them, the IRS's 50-page
i1040nr.pdf; then asks pipeline.serve.datasette.page_images for every page at each resolution,
as the /-/page-image route does: the first time (the file read, its sha256 checked, the page
rendered and written to the cache) and again (the cached PNG read). Medians over the pages.
The last line is
    bench: page_first_ms=... page_cached_ms=... (at the page view's 144 dpi)

Usage: python -m bench.pages [--keep]
"""
from __future__ import annotations

import argparse
import pathlib
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.serve.datasette.originals import find_original, read_original  # noqa: E402
from pipeline.serve.datasette.page_images import PAGE_DPI, RESOLUTIONS, PageImages  # noqa: E402
from tests import pdf_fixtures  # noqa: E402

REAL_PDF = ROOT / ".cache" / "real-pdfs" / "i1040nr.pdf"


def _build(base: pathlib.Path) -> tuple[pathlib.Path, pathlib.Path]:
    raw = base / "raw"
    raw.mkdir()
    pdf_fixtures.make_report_pdf(raw / "report.pdf")
    if REAL_PDF.exists():
        shutil.copy(REAL_PDF, raw / REAL_PDF.name)
    db = base / "pages.db"
    subprocess.run([sys.executable, "-m", "pipeline", "build", str(raw), "--db", str(db), "--quiet"], cwd=ROOT,
                   check=True)
    return raw, db


def _time(call) -> float:
    began = time.perf_counter()
    call()
    return (time.perf_counter() - began) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="Keep the temporary folder (its path is printed).")
    args = parser.parse_args()
    base = pathlib.Path(tempfile.mkdtemp(prefix="bench-pages-"))
    try:
        raw, db = _build(base)
        conn = sqlite3.connect(db)
        images = PageImages(base / "page-images")
        summary = {}
        for doc_id, path, n_pages in conn.execute("select id, path, n_pages from documents order by path").fetchall():
            original = find_original(conn, raw, doc_id)
            for dpi in RESOLUTIONS:
                first = [_time(lambda: images.ensure_picture(original, n, dpi, lambda: read_original(original)))
                         for n in range(1, n_pages + 1)]
                cached = [_time(lambda: images.ensure_picture(original, n, dpi, lambda: read_original(original)))
                          for n in range(1, n_pages + 1)]
                print(f"{path} ({n_pages} pages) at {dpi} dpi: first {statistics.median(first):.0f} ms, "
                      f"cached {statistics.median(cached):.2f} ms (medians; slowest first {max(first):.0f} ms)")
                summary.setdefault(dpi, ([], []))
                summary[dpi][0].extend(first)
                summary[dpi][1].extend(cached)
        first, cached = summary[PAGE_DPI]
        print(f"bench: page_first_ms={statistics.median(first):.0f} page_cached_ms={statistics.median(cached):.2f}")
    finally:
        if args.keep:
            print(f"kept {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()

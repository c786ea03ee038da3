"""How much ingest reads of one file, and the rejections that are not the file's fault alone.

A rejection for a limit the user sets (`--max-file-mb`, `--max-pages`, `--max-page-chars`), or for
a file that changed while the build read it, depends on more than the file's content: the build
does not cache it (build/worker.py), so raising the limit, or the file settling, takes effect on
the next build. Other rejections (an empty file, a broken PDF) are facts about the content and are
cached with it.
"""
from __future__ import annotations

from ..types import InputError

# Text files over this size are rejected unread. A document is held whole while it is cleaned and
# extracted: measured, a 4 MB all-prose text file peaks at 530 MB in its worker (model included),
# about 65 bytes per byte of text, so 10 MB stays under 1 GB. Reports of 500 pages are ~2 MB of text.
DEFAULT_MAX_TEXT_BYTES = 10_000_000
# PDFs may be this many times larger: most of a PDF's bytes are fonts and images, which are not
# read (a 500-page report with pictures is often 20-50 MB; its text a tenth of a text file's limit).
PDF_SIZE_FACTOR = 10
# Pages of a PDF and characters of one page. Measured here (two shared cores): pdfplumber takes
# ~60 us and, while the page is read, ~2 KB a character; a page once read keeps only its words. The
# issue's 3,000-page PDF (1.7 MB) builds in ~35 s with its worker at ~220 MB, so 5,000 pages (ten
# times a long report) take about a minute, inside the default budget (120 s, 2 GB); a page of
# 200,000 characters (ten times a dense broadsheet page) takes ~10 s and ~450 MB while it is read.
# Past them a file is rejected naming the option that raises the limit.
DEFAULT_MAX_PAGES = 5_000
DEFAULT_MAX_PAGE_CHARS = 200_000


class Uncached(InputError):
    """A rejection the build must not cache: it says something about this build, not only about
    the file's content."""


class OverLimit(Uncached):
    """The file passes a limit the user can raise; the reason names the option."""


class FileChanged(Uncached):
    """The bytes read are not those the build planned with: the file changed during the build."""


class Unreadable(Uncached):
    """The file could not be opened or read (gone, no permission, a disk error; on a cluster, a
    worker without the shared storage): a fault of where it is read, not of its content."""


class OcrUnavailable(Uncached):
    """A scan met with OCR off (--no-ocr) or Tesseract missing: reading it depends on the build's
    settings and on what is installed, so the next build with OCR reads it."""

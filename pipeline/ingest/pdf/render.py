"""A PDF page as a PNG picture, to show the original page beside what was read from it.

pdfplumber's `page.to_image` (pypdfium2 underneath) draws the page's crop box, in the frame the
reader's word boxes are in (x0/top in points from the top left of the page, pdfplumber's): so a
word box (boxes table) is placed on the picture by the frame alone, at any resolution.
"""
from __future__ import annotations

import io
import threading
from dataclasses import dataclass

import pdfplumber

from ...types import InputError

# The longest side of a picture, in pixels: a 200-inch page at 144 dpi would be a 3 GB bitmap
MAX_SIDE_PX = 4000
# pypdfium2 is not thread-safe; a server renders from worker threads
_PDFIUM = threading.Lock()


@dataclass(frozen=True)
class PageFrame:
    """What the picture of a page shows: (x0, top, x1, bottom) in the word boxes' frame, in points."""
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.bottom - self.top


def parse_page_frames(data: bytes, rel: str) -> list[PageFrame]:
    """The frame of every page of a PDF (its crop box), page 1 first. `rel` names the file in errors."""
    with _PDFIUM, _open(data, rel) as pdf:
        return [PageFrame(*map(float, page.cropbox)) for page in pdf.pages]


def render_page(data: bytes, rel: str, number: int, resolution: float) -> bytes:
    """PNG bytes of page `number` (from 1) at `resolution` dots per inch, less for a page so large
    that its picture would pass MAX_SIDE_PX pixels."""
    with _PDFIUM, _open(data, rel) as pdf:
        if not 1 <= number <= len(pdf.pages):
            raise InputError(rel, f"PDF has no page {number} (it has {len(pdf.pages)})")
        page = pdf.pages[number - 1]
        longest = max(page.cropbox[2] - page.cropbox[0], page.cropbox[3] - page.cropbox[1])
        resolution = min(resolution, MAX_SIDE_PX * 72 / longest)
        picture = page.to_image(resolution=resolution, antialias=True).original
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=False)
    return out.getvalue()


def _open(data: bytes, rel: str):
    try:
        return pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer's and pypdfium2's errors have no common base
        raise InputError(rel, f"not a readable PDF ({exc})") from None

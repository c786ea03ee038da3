"""Scanned pages made in the test: text drawn with Pillow at 200-300 dpi, optionally turned a little
and speckled like a photocopy, saved as image-only PDF pages (Pillow's PDF writer), or put beside
text pages made with fpdf2. The text is invented for the tests.

`draw_page` lays out a letter-size page: a running header, paragraphs of body text wrapped to the
column with `^n^` drawn as raised, smaller footnote markers, footnotes in small type under a rule
at the foot, and the page number centred at the bottom. What was drawn is returned with it, so a
test can score what OCR read against it (`word_accuracy`).
"""
from __future__ import annotations

import difflib
import io
import pathlib
import random
import re
from dataclasses import dataclass, field

from PIL import Image, ImageDraw, ImageFilter, ImageFont

# A serif face like most reports' (Debian's DejaVu, installed with the fonts every machine here has),
# else Pillow's own font, which needs no file at all.
FONT_FILES = ["/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
              "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"]
PAGE_INCHES = (8.5, 11.0)
MARGIN_INCHES = 1.0
HEADER = "OFFICE OF PROGRAM REVIEW - JUNE 2021"

PARAGRAPHS = [
    "The Department of Energy awarded $625 million to five national research centers on "
    "Thursday, August 26, 2021, to expand work on quantum computing and networking.^1^ Each "
    "center will receive funding over five years and will partner with universities and companies.",
    "Officials said the centers would train hundreds of students and share their testbeds with "
    "allied laboratories in Japan and South Korea. The agreement was signed in Tokyo in May 2021.^2^",
    "The review recommends that agencies publish a common list of critical components, coordinate "
    "purchases of dilution refrigerators, and report each year on the number of shared experiments.",
]
NOTES = [
    "^1^ Department of Energy, Quantum Research Centers Announcement, 2021.",
    "^2^ Joint Statement on Science and Technology Cooperation, 2021.",
]
MORE_PARAGRAPHS = [
    "Private investment in quantum firms reached a record in 2022, when start-up companies raised "
    "more than $2.3 billion from venture funds and government programs in several countries.",
    "Universities asked for a dedicated research visa after delays slowed exchanges of graduate "
    "students between the partner countries during the previous two academic years.",
]


@dataclass
class Drawn:
    """What a scanned page shows: its body words in reading order, the markers, notes, number."""
    image: Image.Image
    words: list[str] = field(default_factory=list)  # every word of the body and the notes, markers out
    markers: list[str] = field(default_factory=list)  # the footnote numbers raised in the body
    page_number: int = 1


def font(size_px: int, path: str | None = None):
    for candidate in ([path] if path else FONT_FILES):
        if candidate and pathlib.Path(candidate).exists():
            return ImageFont.truetype(candidate, size_px)
    return ImageFont.load_default(size_px)


def _wrap(draw, words: list[str], face, width: float) -> list[list[str]]:
    lines, line = [], []
    for word in words:
        trial = " ".join(line + [re.sub(r"\^\d+\^", "", word)])
        if line and draw.textlength(trial, font=face) > width:
            lines.append(line)
            line = []
        line.append(word)
    if line:
        lines.append(line)
    return lines


def _draw_line(draw, x: float, y: float, words: list[str], face, small, raise_px: float, space: float) -> None:
    for word in words:
        parts = re.split(r"(\^\d+\^)", word)
        for part in parts:
            if not part:
                continue
            if part.startswith("^"):
                draw.text((x + 1, y - raise_px), part.strip("^"), font=small, fill=0)
                x += draw.textlength(part.strip("^"), font=small) + 1
            else:
                draw.text((x, y), part, font=face, fill=0)
                x += draw.textlength(part, font=face)
        x += space


def draw_page(paragraphs=PARAGRAPHS, notes=NOTES, dpi: int = 300, page_number: int = 1,
              body_pt: float = 12, header: str | None = HEADER) -> Drawn:
    """A clean page image (grey levels, white paper) and what it shows."""
    px = dpi / 72
    width, height = int(PAGE_INCHES[0] * dpi), int(PAGE_INCHES[1] * dpi)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    face, small = font(round(body_pt * px)), font(round(0.62 * body_pt * px))
    note_face, note_small = font(round(0.75 * body_pt * px)), font(round(0.5 * body_pt * px))
    left, right = MARGIN_INCHES * dpi, width - MARGIN_INCHES * dpi
    drawn = Drawn(image, page_number=page_number)
    if header:
        head = font(round(0.7 * body_pt * px))
        draw.text(((width - draw.textlength(header, font=head)) / 2, 0.55 * dpi), header, font=head, fill=0)
    y = MARGIN_INCHES * dpi
    pitch = 1.45 * body_pt * px
    space = draw.textlength(" ", font=face)
    for paragraph in paragraphs:
        for line in _wrap(draw, paragraph.split(), face, right - left):
            _draw_line(draw, left, y, line, face, small, 0.3 * body_pt * px, space)
            y += pitch
        y += 0.6 * pitch
        drawn.words += re.sub(r"\^\d+\^", "", paragraph).split()
        drawn.markers += re.findall(r"\^(\d+)\^", paragraph)
    note_pitch = 1.3 * 0.75 * body_pt * px
    y = height - MARGIN_INCHES * dpi - note_pitch * (len(notes) + 0.5)
    if notes:
        draw.line((left, y - 0.4 * note_pitch, left + 2 * dpi, y - 0.4 * note_pitch), fill=0, width=max(1, dpi // 150))
    for note in notes:
        _draw_line(draw, left, y, note.split(), note_face, note_small, 0.2 * body_pt * px,
                   draw.textlength(" ", font=note_face))
        y += note_pitch
        drawn.words += re.sub(r"\^\d+\^\s*", "", note).split()
    number = str(page_number)
    nface = font(round(0.8 * body_pt * px))
    draw.text(((width - draw.textlength(number, font=nface)) / 2, height - 0.6 * dpi), number, font=nface, fill=0)
    return drawn


def degrade(image: Image.Image, angle: float = 0.0, noise: float = 0.0, seed: int = 0) -> Image.Image:
    """The page as a scanner gives it back: turned by `angle` degrees, blurred a little, with a
    share `noise` of its pixels flipped to specks (salt and pepper)."""
    out = image
    if angle:
        out = out.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
    if noise:
        out = out.filter(ImageFilter.GaussianBlur(0.6))
        rng = random.Random(seed)
        pixels = out.load()
        w, h = out.size
        for _ in range(int(noise * w * h)):
            x, y = rng.randrange(w), rng.randrange(h)
            pixels[x, y] = 0 if rng.random() < 0.5 else 255
    return out


def image_pdf(images: list[Image.Image], dpi: int) -> bytes:
    """An image-only PDF, one page per image, at `dpi` (no text layer at all)."""
    buffer = io.BytesIO()
    first, *rest = [image.convert("L") for image in images]
    first.save(buffer, "PDF", resolution=dpi, save_all=True, append_images=rest)
    return buffer.getvalue()


def mixed_pdf(text_paragraphs: list[str], scan: Image.Image, dpi: int) -> bytes:
    """A PDF whose first page has a text layer (fpdf2) and whose second page is a scanned image."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="letter")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("Times", size=12)
    pdf.set_xy(72, 72)
    for paragraph in text_paragraphs:
        pdf.multi_cell(pdf.w - 144, 16, paragraph)
        pdf.ln(8)
    pdf.add_page()
    buffer = io.BytesIO()
    scan.convert("L").save(buffer, "PNG")
    buffer.seek(0)
    pdf.image(buffer, x=0, y=0, w=pdf.w, h=pdf.h)
    return bytes(pdf.output())


def words_of(text: str) -> list[str]:
    """Words as accuracy counts them: split on spaces, superscript digits and edge quotes off."""
    text = re.sub(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+", " ", text)
    return [w for w in text.split() if w.strip("\"“”'’")]


def word_accuracy(expected: list[str], read: list[str]) -> float:
    """Share of the expected words read exactly, in order (matched by difflib over the sequences)."""
    matcher = difflib.SequenceMatcher(a=expected, b=read, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / max(1, len(expected))

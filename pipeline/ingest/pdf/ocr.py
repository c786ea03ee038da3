"""OCR of image-only PDF pages with Tesseract, through tesserocr (Tesseract's C++ API in process).

Why tesserocr (measured on a generated 300 dpi page, two shared cores): 0.8 s a page, against 0.9 s
for pytesseract with Tesseract's threads limited to one (3.5 s without: its OpenMP threads fight
over the cores) and 3.6 s for ocrmypdf, which runs Tesseract as a program, writes a whole new PDF
and keeps no confidences; word accuracy alike (0.98-0.99 clean). In process, it dies with its worker
when the build's time budget kills it (a tesseract child process would run on); it gives each
word's box and confidence, each line's baseline (the page's skew) and row height (its type size),
and the API to read a small cut-out again (a raised footnote number Tesseract left out or took for
a quote mark, read as digits alone; a page number its layout passed over).

A page is OCRed when it has no text layer and shows an image (a scan). It is rendered at the
resolution of its largest image (within OCR_MIN_DPI..OCR_MAX_DPI), turned upright when Tesseract's
orientation detection is sure it is not (a page scanned sideways or upside down), and read. Each word
comes back as a reader Word in the page's frame with the skew taken out (the layout then finds its
lines, columns, superscripts and footnotes as in a text layer), carrying its box on the PDF page as
scanned (`box`, PDF points) and Tesseract's confidence (0-1).

Tesseract's language data are found at $TESSDATA_PREFIX, else where the `tesseract` program on the
PATH keeps them (`tesseract --list-langs`): the Makefile's `tesseract` target installs Debian's.
Without them, `ocr_engine()` says why, and the reader names the fix.
"""
from __future__ import annotations

import functools
import math
import os
import re
import shutil
import statistics
import subprocess
from dataclasses import dataclass
from typing import Optional

LANGUAGE = "eng"
OCR_MIN_DPI, OCR_MAX_DPI, OCR_DEFAULT_DPI = 200, 400, 300
# Orientation detection must be this sure before a page is turned a quarter or half (Tesseract's
# orientation confidence; below it a page of little text is left as it is).
ORIENTATION_CONFIDENCE = 5.0
# A skew smaller than this (degrees) is left alone: the layout's row tolerance absorbs it.
MIN_SKEW_DEGREES = 0.05
# Symbols Tesseract reads a raised footnote number as (a small `1` looks like a closing quote); one
# this tall against its line (a quote mark is a fifth of it, a superscript digit twice that), or ink
# of a word that no symbol covers, is read again as digits alone.
MARKER_LOOKALIKES = set("’”'\"°*`^")
MARKER_MIN_HEIGHT = 0.33
# A superscript's ink ends at least this share of the line's size above its baseline, and is at most
# this many sizes wide (three digits); it is set at about this share of the line's size.
MARKER_RAISE = 0.2
MARKER_MAX_WIDTH = 1.0
SUPERSCRIPT_SHARE = 0.62
# A raised glyph no word covers is a number only when it is at most this tall (of the line's size),
# at least this share of its box is ink (specks of a noisy scan are spread thin), and it reads surely.
MARKER_MAX_HEIGHT = 0.75
MARKER_MIN_INK = 0.2
DROPPED_MIN_CONFIDENCE = 80.0
# Confidence a digit read again must have to be taken as a marker.
MARKER_MIN_CONFIDENCE = 50.0
# The margins searched again for what the page layout passed over (a page number), their ink at
# most this tall (inches: a line or two), read with at least this confidence.
MARGIN_BAND = 0.12
MARGIN_MAX_HEIGHT_IN = 0.5
MARGIN_MIN_CONFIDENCE = 60.0
CAP_HEIGHT = 0.72  # of the type size: a digit's or a capital's ink
INSTALL_HINT = "install Tesseract (make tesseract, or: apt-get install tesseract-ocr tesseract-ocr-eng)"


@dataclass
class Engine:
    tessdata: str
    version: str  # what reads the pages: part of the parse cache key

    @property
    def fingerprint(self) -> str:
        return f"tesserocr:{self.version}:{LANGUAGE}:{_data_size(self.tessdata)}"


@dataclass
class OcrWord:
    text: str
    x0: float  # in the deskewed, upright frame the layout reads (PDF points)
    top: float
    x1: float
    bottom: float
    size: float
    box: tuple[float, float, float, float]  # (x0, top, x1, bottom) on the PDF page as it is
    confidence: float  # 0-1


@dataclass
class OcrPage:
    words: list[OcrWord]
    height: float  # of the upright frame (PDF points)
    confidence: Optional[float]  # mean of its words', 0-1
    angle: float  # degrees the page was turned by (orientation and skew)


def _data_size(tessdata: str) -> int:
    try:
        return os.path.getsize(os.path.join(tessdata, f"{LANGUAGE}.traineddata"))
    except OSError:
        return 0


def ocr_engine() -> tuple[Optional[Engine], str]:
    """(the engine, "") when OCR can run here, else (None, why not), naming the fix."""
    return _engine(os.environ.get("PATH", ""), os.environ.get("TESSDATA_PREFIX", ""))


@functools.lru_cache(maxsize=8)
def _engine(path: str, prefix: str) -> tuple[Optional[Engine], str]:
    try:
        import tesserocr
    except ImportError:
        return None, "the tesserocr package is not installed (pip install tesserocr)"
    tessdata = _tessdata(path, prefix)
    if tessdata is None:
        return None, f"Tesseract is not installed; {INSTALL_HINT}"
    version = tesserocr.tesseract_version().split()[1] if tesserocr.tesseract_version() else "?"
    return Engine(tessdata, f"{tesserocr.__version__}/{version}"), ""


def _tessdata(path: str, prefix: str) -> Optional[str]:
    for folder in ([prefix, os.path.join(prefix, "tessdata")] if prefix else []):
        if os.path.isfile(os.path.join(folder, f"{LANGUAGE}.traineddata")):
            return folder
    program = shutil.which("tesseract", path=path)
    if program is None:
        return None
    try:
        listed = subprocess.run([program, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r'"([^"]+)"', listed.stdout + listed.stderr)
    if found and os.path.isfile(os.path.join(found.group(1), f"{LANGUAGE}.traineddata")):
        return found.group(1)
    return None


_API: dict = {}


def _api(engine: Engine):
    """One Tesseract instance per process and data folder (loading the model takes ~0.1 s)."""
    if engine.tessdata not in _API:
        import tesserocr

        _API[engine.tessdata] = tesserocr.PyTessBaseAPI(path=engine.tessdata.rstrip("/") + "/", lang=LANGUAGE)
    return _API[engine.tessdata]


def page_resolution(page) -> int:
    """The resolution a page's scan was made at: its largest image's pixels over its width on the page."""
    best = None
    for image in page.images:
        width_pt = float(image["x1"]) - float(image["x0"])
        src = image.get("srcsize") or (0, 0)
        if width_pt > 0 and src[0]:
            dpi = src[0] / (width_pt / 72)
            area = width_pt * (float(image["bottom"]) - float(image["top"]))
            if best is None or area > best[0]:
                best = (area, dpi)
    dpi = best[1] if best else OCR_DEFAULT_DPI
    return int(min(OCR_MAX_DPI, max(OCR_MIN_DPI, round(dpi))))


def ocr_pdf_page(page, engine: Engine) -> OcrPage:
    """The words of one pdfplumber page read by Tesseract."""
    dpi = page_resolution(page)
    image = page.to_image(resolution=dpi).original.convert("L")
    return ocr_image(image, engine, dpi, origin=(float(page.bbox[0]), float(page.bbox[1])))


def ocr_image(image, engine: Engine, dpi: float, origin: tuple[float, float] = (0.0, 0.0)) -> OcrPage:
    api = _api(engine)
    turn = _orientation(engine, image, dpi)
    upright = image.rotate(turn, expand=True) if turn else image
    api.SetImage(upright)
    # Said, not left to Tesseract: an image handed over in memory carries no resolution, and
    # Tesseract's guess (70 dpi) loses whole pages (measured: a page turned by 2 degrees read empty).
    api.SetSourceResolution(int(dpi))
    api.Recognize()
    lines = _read_lines(api, upright, dpi)
    lines += _margin_lines(api, upright, lines, dpi)
    skew = _skew(lines)
    scale = 72.0 / dpi
    w, h = upright.size
    cx, cy = w / 2, h / 2
    words = []
    for line in lines:
        for text, (x0, y0, x1, y1), confidence, size in line["words"]:
            # The layout's frame: a word of the line stands on the line's baseline, its box the type's
            # (as a text layer's: from ascender to descender, not the ink's, which a `g` or a `.`
            # changes), its middle turned by the skew about the middle of the page.
            if size == line["size"] and line["baseline"]:
                base = _baseline_at(line["baseline"], (x0 + x1) / 2)
                ly0, ly1 = base - 0.78 * size, base + 0.22 * size
            else:  # a raised marker keeps its ink's box
                ly0, ly1 = y0, y1
            mx, my = _turned_point((x0 + x1) / 2, (ly0 + ly1) / 2, -skew, cx, cy)
            hw, hh = (x1 - x0) / 2, (ly1 - ly0) / 2
            # the page as it is: undo the quarter turn
            ox0, oy0, ox1, oy1 = _unturn((x0, y0, x1, y1), turn, image.size)
            words.append(OcrWord(text, (mx - hw) * scale, (my - hh) * scale, (mx + hw) * scale, (my + hh) * scale,
                                 size * scale, (origin[0] + ox0 * scale, origin[1] + oy0 * scale,
                                               origin[0] + ox1 * scale, origin[1] + oy1 * scale), confidence))
    mean = statistics.fmean(w.confidence for w in words) if words else None
    return OcrPage(words, h * scale, mean, turn + skew)


def _osd_api(engine: Engine):
    """Tesseract set up for orientation detection alone (its own instance: the English one
    aborts the process when asked), None without its data (osd.traineddata)."""
    key = ("osd", engine.tessdata)
    if key not in _API:
        if not os.path.isfile(os.path.join(engine.tessdata, "osd.traineddata")):
            return None
        import tesserocr
        from tesserocr import PSM

        _API[key] = tesserocr.PyTessBaseAPI(path=engine.tessdata.rstrip("/") + "/", lang="osd", psm=PSM.OSD_ONLY)
    return _API[key]


def _orientation(engine: Engine, image, dpi: float) -> int:
    """Degrees (counter-clockwise, as PIL turns) that make the page upright: 0, 90, 180 or 270."""
    api = _osd_api(engine)
    if api is None:
        return 0
    try:
        api.SetImage(image)
        api.SetSourceResolution(int(dpi))
        found = api.DetectOrientationScript()
    except Exception:  # too little text to tell
        return 0
    if not found or found.get("orient_conf", 0) < ORIENTATION_CONFIDENCE:
        return 0
    return int(found.get("orient_deg", 0)) % 360


def _read_lines(api, image, dpi: float) -> list[dict]:
    """The page's lines: their words (text, pixel box, confidence 0-1), baseline and size (the row
    height, a line's type size in pixels). A superscript number Tesseract dropped or took for a
    quote mark is read again and made a word of its own, set smaller and raised, as a text layer
    gives it."""
    from tesserocr import RIL, iterate_level

    lines: list[dict] = []
    found = []  # (line, text, box, confidence): collected first, the iterator dies with the next SetImage
    iterator = api.GetIterator()
    for item in (iterate_level(iterator, RIL.WORD) if iterator is not None else ()):
        try:
            text = (item.GetUTF8Text(RIL.WORD) or "").strip()
        except RuntimeError:  # tesserocr's word of no text (a page Tesseract found nothing on)
            continue
        box = item.BoundingBox(RIL.WORD)
        if not text or box is None:
            continue
        if item.IsAtBeginningOf(RIL.TEXTLINE) or not lines:
            attrs = item.RowAttributes() or {}
            baseline = item.Baseline(RIL.TEXTLINE)
            lines.append({"words": [], "baseline": baseline, "size": float(attrs.get("row_height") or (box[3] - box[1]))})
        found.append((lines[-1], text, box, max(0.0, min(1.0, item.Confidence(RIL.WORD) / 100))))
    del iterator
    for line, text, box, confidence in found:
        for ptext, pbox, small in _split_markers(api, image, text, box, line, dpi):
            line["words"].append((ptext, pbox, confidence, small or line["size"]))
    boxes = [box for _, _, box, _ in found]
    for line in lines:
        line["words"] += _dropped_marks(api, image, line, boxes, dpi)
    return lines


def _dropped_marks(api, image, line: dict, boxes: list[tuple], dpi: float) -> list[tuple]:
    """Raised numbers of the line that no word covers (Tesseract leaves a superscript `1` after
    `networking.` out of the page, and the label opening a footnote): the ink of the band above the
    line's baseline with its words painted out, specks filtered, each glyph raised clear of the
    baseline and read as digits."""
    from PIL import Image as PILImage, ImageFilter, ImageOps

    words, size = line["words"], line["size"]
    if not words or not line["baseline"] or size <= 0:
        return []
    left, right = min(w[1][0] for w in words), max(w[1][2] for w in words)
    x0, x1 = max(0, int(left - 1.5 * size)), min(image.width, int(right + 1.5 * size))
    bases = [_baseline_at(line["baseline"], x) for x in (x0, x1)]
    top, bottom = max(0, int(min(bases) - 1.05 * size)), int(max(bases) - MARKER_RAISE * size)
    if bottom - top < 4 or x1 - x0 < 4:
        return []
    band = image.crop((x0, top, x1, bottom)).copy()
    for wx0, wy0, wx1, wy1 in boxes:  # every word read, this line's and its neighbours' (descenders)
        if wx1 > x0 and wx0 < x1 and wy1 > top and wy0 < bottom:
            band.paste(255, (wx0 - x0 - 1, wy0 - top - 1, wx1 - x0 + 1, wy1 - top + 1))
    ink = ImageOps.invert(band.filter(ImageFilter.MedianFilter(3)).point(lambda v: 255 if v > 128 else 0))
    profile = ink.resize((ink.width, 1), PILImage.BOX).tobytes()
    columns = [x for x, v in enumerate(profile) if v]
    if not columns:
        return []
    out = []
    for run in _runs(columns, gap=max(2, int(0.06 * size))):
        if run[1] - run[0] + 1 > MARKER_MAX_WIDTH * size:
            continue
        inside = ink.crop((run[0], 0, run[1] + 1, ink.height)).getbbox()
        if inside is None:
            continue
        gx0, gx1 = x0 + run[0], x0 + run[1] + 1
        gtop, gbottom = top + inside[1], top + inside[3]
        base = _baseline_at(line["baseline"], (gx0 + gx1) / 2)
        if not MARKER_MIN_HEIGHT * size <= gbottom - gtop <= MARKER_MAX_HEIGHT * size \
                or gbottom >= base - MARKER_RAISE * size:
            continue
        glyph = ink.crop((run[0], inside[1], run[1] + 1, inside[3]))
        if sum(glyph.resize((1, 1), PILImage.BOX).tobytes()) < MARKER_MIN_INK * 255:
            continue  # specks spread over a box, not a glyph's strokes
        digits = _read_digits(api, image, (gx0, gtop, gx1, gbottom), size, dpi, DROPPED_MIN_CONFIDENCE)
        if digits:
            out.append((digits, (gx0, gtop, gx1, gbottom), 1.0, SUPERSCRIPT_SHARE * size))
    return out


def _split_markers(api, image, text: str, box, line, dpi: float) -> list[tuple[str, tuple, float]]:
    """The word, and a superscript number after it (or before it, opening a footnote) when its ink
    ends (or begins) with a raised glyph that Tesseract dropped, took for a quote mark or read into
    the word: [(text, box, small size or 0)]. A raised glyph stands clear of the baseline; it is
    read again as digits alone (a quote mark does not read as one)."""
    x0, y0, x1, y1 = box
    size = line["size"]
    out = [(text, box, 0.0)]
    base = _baseline_at(line["baseline"], (x0 + x1) / 2)
    if base is None or size <= 0 or x1 - x0 < 2:
        return out
    for side in ("right", "left"):
        glyph = _end_glyph(image, box, side, size)
        if glyph is None:
            continue
        gx0, gtop, gx1, gbottom = glyph
        raised = gbottom < base - MARKER_RAISE * size and gtop < base - 0.5 * size
        edge = text[-1] if side == "right" else text[0]
        looks = edge in MARKER_LOOKALIKES and (gbottom - gtop) >= MARKER_MIN_HEIGHT * size
        if not raised or not (looks or edge.isdigit() or edge.isalpha() or edge in ".,;:)"):
            continue
        if edge in MARKER_LOOKALIKES and not looks:
            continue
        digits = _read_digits(api, image, (gx0, gtop, gx1, gbottom), size, dpi)
        if not digits:
            continue
        mark = (digits, (gx0, gtop, gx1, gbottom), SUPERSCRIPT_SHARE * size)
        if side == "right":
            if edge in MARKER_LOOKALIKES:
                core = text[:-1]
            elif edge.isdigit() and text.endswith(digits):
                core = text[:-len(digits)]
            else:  # Tesseract left the glyph out of the word's text
                core = text
            if not core or core == digits:
                return [mark]
            return [(core, (x0, y0, max(x0 + 1, gx0), y1), 0.0), mark]
        core = text[1:] if edge in MARKER_LOOKALIKES else (text[len(digits):] if text.startswith(digits) else text)
        if not core.strip():
            return [mark]
        return [mark, (core.strip(), (min(x1 - 1, gx1), y0, x1, y1), 0.0)]
    return out


def _margin_lines(api, image, lines: list[dict], dpi: float) -> list[dict]:
    """Text in the top and bottom margins that Tesseract's page layout passed over: a lone page
    number (`3`) or a short running line is often taken for a speck. The ink of each margin band
    (MARGIN_BAND of the page) not under a word read already, specks filtered out, is read again as
    one line."""
    from PIL import ImageFilter, ImageOps
    from tesserocr import PSM, RIL, iterate_level

    width, height = image.size
    found = []
    for top, bottom in ((0, int(MARGIN_BAND * height)), (int((1 - MARGIN_BAND) * height), height)):
        band = image.crop((0, top, width, bottom)).copy()
        for line in lines:  # what was read already is painted out
            for _, (x0, y0, x1, y1), *_ in line["words"]:
                if y1 > top and y0 < bottom:
                    band.paste(255, (x0 - 2, max(0, y0 - top - 2), x1 + 2, min(bottom - top, y1 - top + 2)))
        ink = ImageOps.invert(band.filter(ImageFilter.MedianFilter(5)).point(lambda v: 255 if v > 128 else 0))
        box = ink.getbbox()
        if box is None or box[3] - box[1] > MARGIN_MAX_HEIGHT_IN * dpi:
            continue
        pad = int(0.05 * dpi)
        x0, y0, x1, y1 = max(0, box[0] - pad), max(0, box[1] - pad), min(width, box[2] + pad), min(bottom - top, box[3] + pad)
        crop = image.crop((x0, top + y0, x1, top + y1))
        api.SetPageSegMode(PSM.SINGLE_LINE)
        try:
            api.SetImage(crop)
            api.SetSourceResolution(int(dpi))
            api.Recognize()
            words = []
            for item in iterate_level(api.GetIterator(), RIL.WORD):
                try:
                    text = (item.GetUTF8Text(RIL.WORD) or "").strip()
                except RuntimeError:
                    continue
                wbox = item.BoundingBox(RIL.WORD)
                confidence = item.Confidence(RIL.WORD)
                if text and wbox and confidence >= MARGIN_MIN_CONFIDENCE:
                    words.append((text, (wbox[0] + x0, wbox[1] + top + y0, wbox[2] + x0, wbox[3] + top + y0),
                                  confidence / 100))
        except RuntimeError:
            words = []
        finally:
            api.SetPageSegMode(PSM.AUTO)
        if words:
            ink_top, ink_bottom = min(w[1][1] for w in words), max(w[1][3] for w in words)
            size = (ink_bottom - ink_top) / CAP_HEIGHT
            line = {"baseline": ((words[0][1][0], ink_bottom), (words[-1][1][2], ink_bottom)), "size": size}
            line["words"] = [(text, wbox, confidence, size) for text, wbox, confidence in words]
            found.append(line)
    return found


def _baseline_at(baseline, x: float) -> Optional[float]:
    if not baseline:
        return None
    (bx0, by0), (bx1, by1) = baseline
    if bx1 == bx0:
        return float(by0)
    return by0 + (by1 - by0) * (x - bx0) / (bx1 - bx0)


def _end_glyph(image, box, side: str, size: float):
    """(x0, top, x1, bottom) of the ink at the word's right (or left) end: the last (first) run of
    columns holding ink, then the box of the ink in it. None when there is none, or it is wider
    than a number of three digits."""
    from PIL import Image as PILImage, ImageOps

    x0, y0, x1, y1 = box
    crop = ImageOps.invert(image.crop((x0, y0, x1, y1)).point(lambda v: 255 if v > 128 else 0))
    profile = crop.resize((crop.width, 1), PILImage.BOX).tobytes()
    columns = [x for x, v in enumerate(profile) if v]
    if not columns:
        return None
    runs = _runs(columns, gap=max(2, int(0.06 * size)))
    run = runs[-1] if side == "right" else runs[0]
    if run[1] - run[0] + 1 > MARKER_MAX_WIDTH * size:
        return None
    inside = crop.crop((run[0], 0, run[1] + 1, crop.height)).getbbox()
    if inside is None:
        return None
    return x0 + run[0], y0 + inside[1], x0 + run[1] + 1, y0 + inside[3]


def _read_digits(api, image, glyph, size: float, dpi: float, least: float = 0.0) -> str:
    """The digits a raised glyph shows, cut out, enlarged and read as digits alone; "" when it reads
    as none (a quote mark, a speck) or not surely."""
    from PIL import Image as PILImage
    from tesserocr import PSM

    gx0, gtop, gx1, gbottom = glyph
    cut = image.crop((gx0 - 2, gtop - 2, gx1 + 2, gbottom + 2))
    scale = 3
    big = cut.resize((cut.width * scale, cut.height * scale), PILImage.LANCZOS)
    canvas = PILImage.new("L", (big.width + 40, big.height + 40), 255)
    canvas.paste(big, (20, 20))
    api.SetPageSegMode(PSM.SINGLE_WORD)
    api.SetVariable("tessedit_char_whitelist", "0123456789")
    try:
        api.SetImage(canvas)
        api.SetSourceResolution(int(dpi * scale))
        digits = (api.GetUTF8Text() or "").strip()
        confidence = api.MeanTextConf()
    except RuntimeError:  # nothing read at all
        return ""
    finally:
        api.SetVariable("tessedit_char_whitelist", "")
        api.SetPageSegMode(PSM.AUTO)
    if not re.fullmatch(r"\d{1,3}", digits) or confidence < max(least, MARKER_MIN_CONFIDENCE):
        return ""
    return digits


def _runs(columns: list[int], gap: int) -> list[tuple[int, int]]:
    runs = [[columns[0], columns[0]]]
    for x in columns[1:]:
        if x - runs[-1][1] > gap:
            runs.append([x, x])
        else:
            runs[-1][1] = x
    return [tuple(r) for r in runs]


def _skew(lines: list[dict]) -> float:
    """The page's skew in degrees (positive: text rising to the right, as PIL turns), the median of
    its long lines' baselines."""
    angles = []
    for line in lines:
        if not line["baseline"] or len(line["words"]) < 3:
            continue
        (x0, y0), (x1, y1) = line["baseline"]
        if x1 - x0 > 10 * line["size"]:
            angles.append(math.degrees(math.atan2(y0 - y1, x1 - x0)))
    if not angles:
        return 0.0
    angle = statistics.median(angles)
    return angle if abs(angle) >= MIN_SKEW_DEGREES else 0.0


def _turned_point(x: float, y: float, degrees: float, cx: float, cy: float) -> tuple[float, float]:
    """(x, y) turned by `degrees` about (cx, cy) (image coordinates, y down; positive turns
    counter-clockwise as seen)."""
    if not degrees:
        return x, y
    a = math.radians(degrees)
    dx, dy = x - cx, y - cy
    return cx + dx * math.cos(a) + dy * math.sin(a), cy - dx * math.sin(a) + dy * math.cos(a)


def _unturn(box, turn: int, size: tuple[int, int]):
    """A box of the image turned upright by `turn` degrees (PIL, counter-clockwise, expanded), on
    the image as it was (`size`: its width and height)."""
    x0, y0, x1, y1 = box
    w, h = size
    if turn == 90:  # upright (x, y) came from (w - 1 - y, x)
        return w - y1, x0, w - y0, x1
    if turn == 180:
        return w - x1, h - y1, w - x0, h - y0
    if turn == 270:
        return y0, h - x1, y1, h - x0
    return box

"""Plain text and Markdown: decoding bytes into text, or saying exactly why not.

Order: a byte-order mark decides (UTF-8, UTF-16, UTF-32; a file that does not decode as its mark
says is rejected); files that are something else under a text extension (PDF, ZIP/.docx, images,
...) are named; UTF-16 without a mark is recognised by its zero bytes; other binary content is
rejected; then UTF-8; then UTF-8 with every byte that is not valid UTF-8 read as Windows-1252 (a
Latin-1/Windows-1252 file decodes entirely that way, and a UTF-8 file with a few stray legacy bytes
keeps its UTF-8 characters).
"""
from __future__ import annotations

import codecs
import re

from ..types import InputError

BYTE_ORDER_MARKS = [  # UTF-32 first: its little-endian mark starts like UTF-16's; UTF-8's is handled apart
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"), (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"), (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
]
# Signatures of files that are not text, however they are named.
FILE_SIGNATURES = [  # (first bytes, what the file is, what to do)
    (b"%PDF-", "a PDF file", "give it the .pdf extension"),
    (b"PK\x03\x04", "a ZIP archive (.docx, .xlsx, .epub, ...)", "convert it to PDF or text"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office file (.doc, .xls)", "convert it to PDF or text"),
    (b"{\\rtf", "an RTF document", "convert it to PDF or text"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image", "run OCR on it to get its text"),
    (b"\xff\xd8\xff", "a JPEG image", "run OCR on it to get its text"),
    (b"GIF8", "a GIF image", "run OCR on it to get its text"),
    (b"\x1f\x8b", "gzip-compressed", "decompress it first"),
    (b"\x7fELF", "an executable program", "remove it from the folder"),
]
# Characters that never appear in text (tab, newlines, vertical tab (Word's manual line break), form
# feed and escape excepted): counted in the bytes of a file, or in its text once decoded from UTF-16/32.
CONTROL_CHARACTERS = r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]"
CONTROL_BYTES = re.compile(CONTROL_CHARACTERS.encode("ascii"))
CONTROL_CHARS = re.compile(CONTROL_CHARACTERS)
MAX_CONTROL_SHARE = 0.01  # of the bytes sampled
SAMPLE_BYTES = 1 << 16
# Windows-1252 leaves five bytes undefined; they are read as Latin-1 (their Unicode code point).
CP1252_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}


def _legacy_bytes(error: UnicodeDecodeError):
    """Bytes that are not UTF-8, read one by one as Windows-1252 (for files mixing both)."""
    bad = error.object[error.start:error.end]
    return "".join(chr(b) if b in CP1252_UNDEFINED else bytes([b]).decode("cp1252") for b in bad), error.end


def _undefined_cp1252(error: UnicodeDecodeError):
    """The bytes Windows-1252 leaves undefined, read as Latin-1 (their Unicode code point)."""
    return error.object[error.start:error.end].decode("latin-1"), error.end


codecs.register_error("claims-pipeline-cp1252", _legacy_bytes)
codecs.register_error("claims-pipeline-latin1", _undefined_cp1252)


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """(text, encoding name) of a text file's bytes; InputError naming the file when it is not text."""
    if not data:
        raise InputError(name, "empty file (0 bytes)")
    text, encoding = _decode(data, name)
    if not text.strip():
        raise InputError(name, "no text (only whitespace)")
    return text, encoding


def _decode(data: bytes, name: str) -> tuple[str, str]:
    for mark, codec, label in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            try:
                text = data[len(mark):].decode(codec)
            except UnicodeDecodeError as exc:
                raise InputError(name, f"starts with a {label} byte-order mark but is not valid {label} "
                                       f"({exc.reason} at byte {exc.start + len(mark)})") from None
            _reject_control_characters(text, name)
            return text, label.lower()
    if data.startswith(codecs.BOM_UTF8):  # a mark, not text; what follows is decoded as usual
        data = data[len(codecs.BOM_UTF8):]
    for signature, what, advice in FILE_SIGNATURES:
        if data.startswith(signature):
            raise InputError(name, f"is {what}, not text; {advice}")
    codec = _utf16_without_mark(data[:SAMPLE_BYTES])
    if codec:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            pass
        else:
            _reject_control_characters(text, name)
            return text, codec
    sample = data[:SAMPLE_BYTES]
    if b"\x00" in data or len(CONTROL_BYTES.findall(sample)) > MAX_CONTROL_SHARE * len(sample):
        raise InputError(name, "binary content, not text (NUL or control bytes); is the extension right?")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    has_utf8 = not data.decode("utf-8", errors="ignore").isascii()
    if not has_utf8:  # all of it Windows-1252: one pass of the codec, not a Python call per byte
        return data.decode("cp1252", errors="claims-pipeline-latin1"), "windows-1252"
    return data.decode("utf-8", errors="claims-pipeline-cp1252"), "utf-8+windows-1252"


def _utf16_without_mark(sample: bytes):
    """utf-16-le/-be when zero bytes sit on one side of most byte pairs (ASCII text in UTF-16)."""
    pairs = len(sample) // 2
    if pairs < 8:
        return None
    even = sample[0:2 * pairs:2].count(0)
    odd = sample[1:2 * pairs:2].count(0)
    if odd > 0.4 * pairs and even < 0.05 * pairs:
        return "utf-16-le"
    if even > 0.4 * pairs and odd < 0.05 * pairs:
        return "utf-16-be"
    return None


def _reject_control_characters(text: str, name: str) -> None:
    sample = text[:SAMPLE_BYTES]
    if len(CONTROL_CHARS.findall(sample)) > MAX_CONTROL_SHARE * len(sample) or "\x00" in text:
        raise InputError(name, "binary content, not text (NUL or control characters after decoding)")

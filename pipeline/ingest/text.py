"""Plain text and Markdown: decoding bytes into text."""
from __future__ import annotations

import re

from ..types import InputError

# Bytes that never appear in text files; a few of them in the first block means binary.
BINARY_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def decode_text(data: bytes, name: str) -> str:
    """Decode bytes of a text file: BOMs first, then UTF-8, then Windows-1252."""
    if not data.strip():
        raise InputError(name, "empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(name, f"has a UTF-16 byte-order mark but does not decode as UTF-16 ({exc.reason})")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if len(BINARY_BYTES.findall(data[:4096])) > 2:
        raise InputError(name, "binary content in a text file (control bytes found); is the extension right?")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Windows-1252 is a superset of Latin-1 for printable text and the usual legacy encoding.
        return data.decode("cp1252", errors="replace")

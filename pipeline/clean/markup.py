"""Markup a text export leaves: escapes (`\\$`), markdown emphasis, and footnote markers (superscript
digits, or U+FFFD where an export mangled them), detached with their positions."""
from __future__ import annotations

import re

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
MANGLED_MARKER = "\ufffd"
# A superscript after a power of ten or a unit of area is an exponent (`10⁶`, `100 m²`), not a marker;
# after any other number it is a marker (`by 2035¹`).
EXPONENT_BASE = re.compile(r"(?:\b10|\d\s?(?:[kcm]?m|ft|mi))$")
_SUP_TO_INT = {ch: str(i) for i, ch in enumerate(SUPERSCRIPT_DIGITS)}
# One marker, or several cited together (`¹,²`, as a PDF reader writes a superscript `1,2`).
MARKER_RE = re.compile(f"[{SUPERSCRIPT_DIGITS}]+(?:,[{SUPERSCRIPT_DIGITS}]+)*|{MANGLED_MARKER}")


def clean_escapes(text: str) -> str:
    """Undo markdown backslash escapes: `\\$52` -> `$52`."""
    return re.sub(r"\\([$*_#\[\]()>`~|])", r"\1", text)


def clean_emphasis(text: str) -> str:
    """Remove markdown emphasis: `**RAND**` -> `RAND`, `*qubits*` -> `qubits`; lone asterisks stay.
    Repeated until nothing changes, so nested emphasis (`***a***`, `****a****`) goes too."""
    while True:
        cleaned = re.sub(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", r"\1", text)
        # A word character next to the asterisks makes them literal; a footnote marker does not.
        cleaned = re.sub(rf"(?<![^\W{SUPERSCRIPT_DIGITS}])(?<!\*)\*(?=\S)([^*\n]+?)(?<=\S)\*"
                         rf"(?![^\W{SUPERSCRIPT_DIGITS}])(?!\*)", r"\1", cleaned)
        if cleaned == text:
            return cleaned
        text = cleaned


def detach_markers(text: str) -> tuple[str, list[tuple[int, str, int | None]]]:
    """Remove superscript footnote markers; return the text and (position, raw, number) triples.

    The position is where the marker was, in the returned text. A mangled marker (U+FFFD) has
    number None; resolve_mangled_markers fills it from its neighbours.
    """
    out, found, last, pos = [], [], 0, 0
    after_space = True  # the text kept so far is empty or ends in a space
    for match in MARKER_RE.finditer(text):
        if match.group() != MANGLED_MARKER and EXPONENT_BASE.search(text[max(0, match.start() - 8):match.start()]):
            continue
        before = text[last:match.start()]
        end = match.end()
        if before:
            after_space = before.endswith(" ")
        # A marker standing between spaces (or opening the text) takes one space with it.
        if after_space and text[end:end + 1] == " ":
            end += 1
        out.append(before)
        pos += len(before)
        for raw in match.group().split(","):
            number = None if raw == MANGLED_MARKER else int("".join(_SUP_TO_INT[c] for c in raw))
            found.append((pos, raw, number))
        last = end
    out.append(text[last:])
    result = "".join(out)
    if result.endswith(" ") and not text.endswith(" "):  # markers ended the text after a space
        result = result.rstrip(" ")
        found = [(min(pos, len(result)), raw, number) for pos, raw, number in found]
    return result, found


def resolve_mangled_markers(numbers: list[int | None]) -> list[int | None]:
    """Fill None entries of a marker sequence from their neighbours (notes are numbered in order)."""
    resolved = list(numbers)
    for i, value in enumerate(resolved):
        if value is not None:
            continue
        before = next((resolved[j] for j in range(i - 1, -1, -1) if resolved[j] is not None), None)
        after_index = next((j for j in range(i + 1, len(resolved)) if resolved[j] is not None), None)
        after = resolved[after_index] if after_index is not None else None
        if before is not None and (after is None or after - before == after_index - i + 1):
            resolved[i] = before + 1
        elif before is None and after is not None and after - (after_index - i) >= 1:
            resolved[i] = after - (after_index - i)
    return resolved

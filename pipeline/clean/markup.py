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


# `**strong**`: an opening `**` before a non-space, a closing `**` after one (findall-ed once a pass).
STRONG_OPENINGS = re.compile(r"(?=\*\*\S)")
STRONG_CLOSINGS = re.compile(r"(?<=\S)(?=\*\*)")
# `*emphasis*`: a word character next to the asterisks makes them literal; a footnote marker does not.
EMPHASIS = re.compile(rf"(?<![^\W{SUPERSCRIPT_DIGITS}])(?<!\*)\*(?=\S)([^*\n]+?)(?<=\S)\*(?![^\W{SUPERSCRIPT_DIGITS}])(?!\*)")
# Passes of clean_emphasis: each strips one level of nesting. Writers nest two or three levels; a text
# still changing after this many passes is a generated cascade (`**a **b ... c** d**`, one level a pass),
# which keeps its deeper asterisks instead of costing a pass per level.
MAX_EMPHASIS_PASSES = 8


def clean_emphasis(text: str) -> str:
    """Remove markdown emphasis: `**RAND**` -> `RAND`, `*qubits*` -> `qubits`; lone asterisks stay.
    Repeated until nothing changes, so nested emphasis (`***a***`, `****a****`) goes too (up to
    MAX_EMPHASIS_PASSES levels). Each pass is linear in the text."""
    for _ in range(MAX_EMPHASIS_PASSES):
        cleaned = EMPHASIS.sub(r"\1", _strip_strong(text))
        if cleaned == text:
            break
        text = cleaned
    return text


def _strip_strong(text: str) -> str:
    r"""One pass of `re.sub(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", r"\1", text)`, in linear time.

    The pattern tries every opening `**` and scans to the end of the line for a closing one: quadratic
    on a line of openings with no closing (`**a **a ...`). Here each opening takes the first closing
    at least one character after it, found by a pointer that only moves forward; left to right, an
    opening inside the previous match is skipped, as re.sub does."""
    if "**" not in text:
        return text
    openings = [m.start() for m in STRONG_OPENINGS.finditer(text)]
    closings = [m.start() for m in STRONG_CLOSINGS.finditer(text)]
    newlines = [m.start() for m in re.finditer("\n", text)]  # `.` stops at a line end
    out, kept_to, c, nl = [], 0, 0, 0
    for start in openings:
        if start < kept_to:
            continue
        while c < len(closings) and closings[c] < start + 3:
            c += 1
        if c == len(closings):
            break
        end = closings[c]
        while nl < len(newlines) and newlines[nl] < start + 2:
            nl += 1
        if nl < len(newlines) and newlines[nl] < end:
            continue
        out.append(text[kept_to:start])
        out.append(text[start + 2:end])
        kept_to = end + 2
    if not out:
        return text
    out.append(text[kept_to:])
    return "".join(out)


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
    """Fill None entries of a marker sequence from their neighbours (notes are numbered in order).

    One pass each way: the nearest number after each entry, then, left to right, the nearest number
    before it (including those just filled in), so a run of mangled markers costs no rescans."""
    resolved = list(numbers)
    after_index: list[int | None] = [None] * len(resolved)
    following = None
    for i in range(len(resolved) - 1, -1, -1):
        after_index[i] = following
        if resolved[i] is not None:
            following = i
    before = None
    for i, value in enumerate(resolved):
        if value is None:
            j = after_index[i]
            after = resolved[j] if j is not None else None  # not filled yet: entries after i are as given
            if before is not None and (after is None or after - before == j - i + 1):
                resolved[i] = before + 1
            elif before is None and after is not None and after - (j - i) >= 1:
                resolved[i] = after - (j - i)
        if resolved[i] is not None:
            before = resolved[i]
    return resolved

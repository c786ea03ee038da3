"""A larger corpus for the benchmark, generated from the project's own documents.

Documents are made of the source corpus's sentences, reshuffled into paragraphs of varied length,
with headings, a byline, a date line, footnote markers and notes as the sources have them; most
are .txt, some .md and .html, and a few are PDFs written with fpdf2. Deterministic for a seed.
"""
from __future__ import annotations

import html
import math
import pathlib
import random
import re

SENTENCE_END = re.compile(r"(?<=[.!?”])\s+(?=[A-Z“\"])")
MONTHS = "January February March April May June July August September October November December".split()
NAMES = ["Ana Ortiz", "Kenji Sato", "Min-jun Park", "Laura Chen", "David Miller", "Yuki Tanaka", "Soo-ah Kim"]
# Share of documents per text format; PDFs are a fixed few.
FORMATS = [("txt", 0.8), ("md", 0.1), ("html", 0.1)]
N_PDFS = 4
PDF_PAGES = 8
MIN_DOC_BYTES, MAX_DOC_BYTES = 3_000, 60_000
# fpdf2's core fonts are Latin-1: typographic characters are written as their ASCII look-alikes.
PDF_SAFE = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "—": "-", "–": "-", "…": "...",
                          "€": "EUR", "•": "-", "\u00a0": " "})


def read_pools(raw_dir: pathlib.Path) -> tuple[list[str], list[str], list[str]]:
    """(sentences of prose blocks, short heading-like blocks, note-like blocks) of the corpus."""
    sentences, headings, notes = [], [], []
    for path in sorted(raw_dir.iterdir()):
        if path.suffix not in (".txt", ".md"):
            continue
        for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            block = " ".join(block.split())
            words = len(block.split())
            if re.match(r"^\d{1,3}[ .]", block) and words > 4:
                notes.append(block)
            elif words >= 20 and block[-1:] in ".!?”\"":
                sentences += [s for s in SENTENCE_END.split(block) if len(s.split()) >= 4]
            elif 2 <= words <= 12 and block[-1:] not in ".,;":
                headings.append(block)
    return sentences, headings, notes


def make_document(rng: random.Random, pools, target_bytes: int) -> tuple[str, list[str]]:
    """A document as (title, blocks)."""
    sentences, headings, notes = pools
    title = rng.choice(headings)
    blocks = [f"By {rng.choice(NAMES)}", f"{rng.choice(MONTHS)} {rng.randint(1, 28)}, {rng.randint(2015, 2024)}"]
    size = 0
    while size < target_bytes:
        if rng.random() < 0.12:
            blocks.append(rng.choice(headings))
        paragraph = " ".join(rng.choice(sentences) for _ in range(rng.randint(2, 7)))
        blocks.append(paragraph)
        size += len(paragraph.encode()) + 2
    if rng.random() < 0.5:
        blocks.append("Notes")
        blocks += rng.sample(notes, min(len(notes), rng.randint(3, 15)))
    return title, blocks


def write_text(path: pathlib.Path, fmt: str, title: str, blocks: list[str]) -> None:
    if fmt == "md":
        body = [f"# {title}"] + [f"## {b}" if len(b.split()) <= 12 and b[-1:] not in ".!?" else b for b in blocks]
        path.write_text("\n\n".join(body) + "\n", encoding="utf-8")
    elif fmt == "html":
        body = "\n".join(f"<p>{html.escape(b)}</p>" for b in blocks)
        path.write_text(f"<!doctype html><html><head><title>{html.escape(title)}</title></head>"
                        f"<body><h1>{html.escape(title)}</h1>\n{body}\n</body></html>\n", encoding="utf-8")
    else:
        path.write_text("\n\n".join([title] + blocks) + "\n", encoding="utf-8")


def write_pdf(path: pathlib.Path, title: str, blocks: list[str]) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 8, title.translate(PDF_SAFE).encode("latin-1", "replace").decode("latin-1"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    for block in blocks:
        if pdf.page_no() > PDF_PAGES:
            break
        pdf.multi_cell(0, 5, block.translate(PDF_SAFE).encode("latin-1", "replace").decode("latin-1"), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    pdf.output(str(path))


def generate(raw_dir: pathlib.Path, out_dir: pathlib.Path, megabytes: float, seed: int = 7) -> dict:
    """Write about `megabytes` MB of text documents (plus N_PDFS PDFs) into out_dir."""
    rng = random.Random(seed)
    pools = read_pools(raw_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    total, n = 0, 0
    while total < megabytes * 1_000_000:
        target = int(math.exp(rng.uniform(math.log(MIN_DOC_BYTES), math.log(MAX_DOC_BYTES))))
        title, blocks = make_document(rng, pools, target)
        fmt = rng.choices([f for f, _ in FORMATS], [w for _, w in FORMATS])[0]
        path = out_dir / f"doc_{n:04d}.{fmt}"
        write_text(path, fmt, title, blocks)
        total += path.stat().st_size
        n += 1
    for i in range(N_PDFS):
        title, blocks = make_document(rng, pools, 40_000)
        write_pdf(out_dir / f"report_{i:02d}.pdf", title, blocks)
    return {"documents": n + N_PDFS, "text_bytes": total, "pdfs": N_PDFS}

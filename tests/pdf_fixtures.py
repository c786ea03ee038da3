"""Real PDFs generated with fpdf2 for the ingest tests, laid out like a government report.

`make_report_pdf` writes three letter-size pages: a running header and a footer with the page
number on each; page 1 a full-width title and byline over two justified columns with section
headings, superscript footnote markers, soft-hyphenated words that break at line ends, compounds
broken after their hyphen, and footnotes in small type under a rule at the foot of the page; the
last paragraph of page 1 is cut by the page break and continues at the top of page 2; page 2 three
columns; page 3 a narrow sidebar beside a wide main column, and a ruled table across the page.
The text is invented for the tests. `REPORT` describes what a faithful reading must find.

In paragraph strings `^3^` is a superscript footnote marker and `\n` a forced line break (used to
put a real hyphen at a line end, as a typesetter would when it breaks `long-term` after its hyphen).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

SOFT = "\u00ad"
HEADER = "QUANTUM PARTNERSHIPS REVIEW \u2014 MARCH 2023"
FOOTER = "Office of Technology Assessment"

TITLE = "Allied Cooperation on Quantum Research: Progress and Open Questions"
BYLINE = "By Jane Q. Analyst"

P1_LEFT = [
    ("h", "Summary"),
    "The United States and its allies have spent the past five years building joint programs in quantum "
    f"research. In 2021 the partners agreed to share testbeds and to fund exchanges of graduate students.^1^ "
    f"The agreements followed a period of rapid growth in national funding between 2014\u2013\n2017, when "
    f"several governments launched dedicated inter{SOFT}national programs.",
    "Officials describe the effort as a long-\nterm investment rather than a short campaign. The "
    f"U.S.-\nJapan dialogue now meets twice a year and publishes a joint work plan.^2^",
]
P1_RIGHT = [
    ("h", "Funding and Industry"),
    f"Private investment has followed public money. Start-up firms raised record sums in 2022, and "
    f"several large companies expanded manu{SOFT}facturing of cryogenic components.^3^ Analysts caution that "
    "supply chains remain narrow and that a single supplier provides most dilution refrigerators.",
    "The review recommends that agencies coordinate purchases and publish a common list of critical "
    "components, so that partners can plan investments together and avoid duplicated effort across the "
    "alliance, while the national laboratories continue to test",
]
P1_NOTES = [
    "^1^ Department of State, \u201cJoint Statement on Quantum Cooperation,\u201d 2021.",
    "^2^ Jane Roe, \u201cAllied Technology Dialogues,\u201d Policy Review, 2022.",
    "^3^ Industry Council, \u201cQuantum Supply Chain Survey,\u201d 2022.",
]
P2_COLUMNS = [
    [
        "prototype devices from every partner under common benchmarks before any joint purchase is made.",
        ("h", "Research Security"),
        "Research security rules differ among the partners. A self-\nsufficient approach would duplicate "
        "laboratories, while open exchange risks the loss of sensitive designs.",
    ],
    [
        ("h", "Talent"),
        "Graduate programs in the three countries enroll a growing share of foreign students. Visa delays "
        "slowed several exchanges in 2022, and universities asked for a dedicated research visa.",
    ],
    [
        ("h", "Standards"),
        "Technical standards for quantum networks are still being written. The partners agreed to send "
        "joint delegations to the international committee that drafts them.",
    ],
]
P3_SIDEBAR = [
    ("h", "Key Points"),
    "Funding doubled between 2019 and 2022.",
    "Three partners share testbeds.",
    "Standards work has begun.",
]
P3_MAIN = [
    ("h", "Outlook"),
    "The next review will measure whether joint testbeds shorten the time from laboratory result to "
    "working prototype. Agencies will report the number of shared experiments, the exchanges of "
    "researchers, and the share of components bought from allied suppliers.",
]
TABLE = [
    ("Program", "Partner", "Budget"),
    ("Testbed exchange", "Japan", "$40 million"),
    ("Student fellowships", "South Korea", "$12 million"),
]


@dataclass
class Expectation:
    """What reading the report must give back."""
    paragraphs: list[str]  # every paragraph's text as it must appear, markers removed, words rejoined
    headings: list[str]
    notes: list[str]  # footnote texts without their labels
    n_markers: int
    cut_paragraph: str  # the paragraph cut by the page break, rejoined
    table_cells: list[str]


def plain(text: str) -> str:
    """A paragraph as the cleaned text must read: markers out, soft hyphens and forced breaks joined."""
    text = re.sub(r"\^\d+\^", "", text).replace(SOFT, "").replace("\n", "")
    return re.sub(r"\s+", " ", text).strip()


def _texts(items):
    return [plain(i) for i in items if isinstance(i, str)]


REPORT = Expectation(
    paragraphs=_texts(P1_LEFT) + _texts(P1_RIGHT)[:1] + _texts(P2_COLUMNS[0])[1:] + _texts(P2_COLUMNS[1])
    + _texts(P2_COLUMNS[2]) + _texts(P3_MAIN),
    headings=[h for col in (P1_LEFT, P1_RIGHT, *P2_COLUMNS, P3_MAIN) for kind, h in
              (i for i in col if isinstance(i, tuple))],
    notes=[plain(re.sub(r"^\^\d+\^ ", "", n)) for n in P1_NOTES],
    n_markers=3,
    cut_paragraph=plain(P1_RIGHT[-1]) + " " + plain(P2_COLUMNS[0][0]),
    table_cells=[cell for row in TABLE for cell in row],
)


def _report_class():
    from fpdf import FPDF

    class Report(FPDF):
        def header(self):
            self.set_font("Helvetica", "I", 7.5)
            self.set_xy(54, 28)
            self.cell(self.w - 108, 10, HEADER, align="C")

        def footer(self):
            self.set_font("Helvetica", size=8)
            self.set_xy(54, self.h - 40)
            self.cell(200, 10, FOOTER)
            self.set_xy(self.w - 84, self.h - 40)
            self.cell(30, 10, str(self.page_no()), align="R")

    return Report


def _write(pdf, cols, text: str, size: float) -> None:
    """Write text with `^n^` as superscript markers into a text column context."""
    for piece in re.split(r"(\^\d+\^)", text):
        if not piece:
            continue
        if piece.startswith("^"):
            pdf.char_vpos = "SUP"
            cols.write(piece.strip("^"))
            pdf.char_vpos = "LINE"
        else:
            cols.write(piece)


def column(pdf, x0: float, x1: float, y: float, items, size: float = 10) -> None:
    """A justified column from x0 to x1 starting at y: paragraphs and ("h", heading) items."""
    pdf.set_y(y)
    with pdf.text_columns(ncols=1, l_margin=x0, r_margin=pdf.w - x1, text_align="J", line_height=1.25) as cols:
        for item in items:
            if isinstance(item, tuple):
                pdf.set_font("Helvetica", "B", size + 1)
                cols.write(item[1])
                cols.ln()
                pdf.set_font("Times", size=size)
                continue
            pdf.set_font("Times", size=size)
            _write(pdf, cols, item, size)
            cols.ln()
            cols.ln()


def footnotes(pdf, notes: list[str], x0: float, x1: float, size: float = 7.5) -> None:
    top = pdf.h - 54 - 14 * len(notes)
    pdf.set_draw_color(0, 0, 0)
    pdf.line(x0, top - 6, x0 + 120, top - 6)
    pdf.set_y(top)
    with pdf.text_columns(ncols=1, l_margin=x0, r_margin=pdf.w - x1, text_align="L") as cols:
        for note in notes:
            pdf.set_font("Times", size=size)
            _write(pdf, cols, note, size)
            cols.ln()


def make_report_pdf(path) -> None:
    pdf = _report_class()(unit="pt", format="letter")
    pdf.core_fonts_encoding = "windows-1252"  # curly quotes and dashes in the core fonts
    pdf.set_auto_page_break(False)
    pdf.set_title(TITLE)
    left, right, gutter = 54, pdf.w - 54, 18

    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.set_xy(left, 60)
    pdf.multi_cell(right - left, 22, TITLE, align="C")
    pdf.set_font("Helvetica", size=10)
    pdf.set_x(left)
    pdf.cell(right - left, 14, BYLINE, align="C")
    middle = (left + right) / 2
    column(pdf, left, middle - gutter / 2, 130, P1_LEFT)
    column(pdf, middle + gutter / 2, right, 130, P1_RIGHT)
    footnotes(pdf, P1_NOTES, left, right)

    pdf.add_page()
    width = (right - left - 2 * gutter) / 3
    for i, items in enumerate(P2_COLUMNS):
        x0 = left + i * (width + gutter)
        column(pdf, x0, x0 + width, 60, items)

    pdf.add_page()
    sidebar = left + (right - left) / 3
    column(pdf, left, sidebar - gutter / 2, 60, P3_SIDEBAR, size=9)
    column(pdf, sidebar + gutter / 2, right, 60, P3_MAIN)
    pdf.set_font("Helvetica", size=9)
    pdf.set_y(330)
    with pdf.table(width=right - left, text_align="LEFT") as table:
        for cells in TABLE:
            row = table.row()
            for cell in cells:
                row.cell(cell)
    pdf.output(str(path))


def make_simple_pdf(path, text: str = "A page of ordinary text for the reader.", **encryption) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 8, text)
    if encryption:
        pdf.set_encryption(**encryption)
    pdf.output(str(path))


def make_image_only_pdf(path) -> None:
    """A scan: one page holding an image and no text layer."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (400, 200), "white")
    ImageDraw.Draw(image).rectangle((20, 20, 380, 180), outline="black")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(image, x=10, y=10, w=150)
    pdf.output(str(path))


def make_page_of_lines(path, n_lines: int, per_column: int = 1000) -> None:
    """One maximum-size PDF page (200 inches square) of n_lines short lines of 10 pt type, in columns."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format=(14400, 14400))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    width = 14400 / -(-n_lines // per_column)
    for i in range(n_lines):
        column, row = divmod(i, per_column)
        pdf.text(20 + column * width, 30 + row * 14, f"Line {i} of the page.")
    pdf.output(str(path))

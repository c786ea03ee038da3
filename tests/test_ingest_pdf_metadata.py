"""A PDF's title, author and publication date. The date: from the document itself (a dated running
head, a dateline), else the properties' CreationDate, which `published_from` flags. Title and author:
the properties' (the info dictionary's Title and Author), else the first page's; a placeholder title
(a file name) counts as none. PDFs generated with fpdf2."""
from __future__ import annotations

import datetime

import pytest

from pipeline.clean import document as clean
from pipeline.ingest import parse_file

BODY = ("The agency published a final rule that sets new limits for emissions from power plants and "
        "gives operators three years to comply with the standards. ") * 6


def _pdf(path, head=None, first_line=None, title=None, author=None, created=None, heading=None, pages=2):
    from fpdf import FPDF

    class Doc(FPDF):
        def header(self):
            if head:
                self.set_font("Helvetica", size=8)
                self.set_xy(40, 20)
                self.cell(0, 10, head)

    pdf = Doc(unit="pt", format="letter")
    if title:
        pdf.set_title(title)
    if author:
        pdf.set_author(author)
    pdf.set_creation_date(created or datetime.datetime(2020, 8, 5, 17, 45, tzinfo=datetime.timezone.utc))
    for n in range(pages):
        pdf.add_page()
        pdf.set_xy(72, 90)
        if n == 0 and heading:
            pdf.set_font("Helvetica", "B", 16)
            pdf.multi_cell(pdf.w - 144, 20, heading)
            pdf.ln(10)
        if n == 0 and first_line:
            pdf.set_font("Times", size=11)
            pdf.multi_cell(pdf.w - 144, 14, first_line)
            pdf.ln(6)
        pdf.set_font("Times", size=11)
        pdf.multi_cell(pdf.w - 144, 14, BODY)
    pdf.output(str(path))


@pytest.mark.parametrize("kwargs,published,published_from", [
    # a dated running head on every page: the date, from the text
    (dict(head="Federal Register / Vol. 85, No. 152 / Thursday, August 6, 2020 / Rules and Regulations"),
     "2020-08-06", "text"),
    (dict(head="Daily Bulletin - June 3, 2021"), "2021-06-03", "text"),
    # a dateline opening the text wins over the properties
    (dict(first_line="March 14, 2019"), "2019-03-14", "text"),
    # nothing in the text: the creation date, flagged as the properties'
    (dict(), "2020-08-05", "properties"),
    (dict(head="Federal Register / Vol. 85, No. 152 / Rules and Regulations"), "2020-08-05", "properties"),
])
def test_publication_date_from_the_text_else_the_properties(tmp_path, kwargs, published, published_from):
    path = tmp_path / "doc.pdf"
    _pdf(path, **kwargs)
    meta = clean.clean_document(parse_file(path, tmp_path)).metadata
    assert (meta.published, meta.published_from) == (published, published_from)


@pytest.mark.parametrize("kwargs,title,author", [
    # the first page names no title: the properties'
    (dict(title="Emission Standards for Power Plants", author="Environmental Protection Agency"),
     "Emission Standards for Power Plants", "Environmental Protection Agency"),
    # a file name for a title: the first page's title heading
    (dict(title="Microsoft Word - draft7.docx", heading="Emission Standards for Existing Power Plants"),
     "Emission Standards for Existing Power Plants", None),
    (dict(title="final_rule_v3.pdf", heading="Emission Standards for Existing Power Plants"),
     "Emission Standards for Existing Power Plants", None),
    # no properties: the first page's
    (dict(heading="Emission Standards for Existing Power Plants"), "Emission Standards for Existing Power Plants", None),
    # both: the publisher's own title (the first page's heading may be a proof mark or a running line)
    (dict(title="Emission Standards", heading="DRAFT - NOT FOR DISTRIBUTION - PROOF 3"), "Emission Standards", None),
])
def test_title_and_author_from_the_properties_else_the_first_page(tmp_path, kwargs, title, author):
    path = tmp_path / "doc.pdf"
    _pdf(path, **kwargs)
    meta = clean.clean_document(parse_file(path, tmp_path)).metadata
    assert (meta.title, meta.author) == (title, author)

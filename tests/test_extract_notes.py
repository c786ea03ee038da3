"""Notes and bibliography: citations cut from notes, linked to works, URL notes as their own entries,
and the link counts reached on the corpus's two PDF-derived documents."""
from __future__ import annotations

import pytest

from pipeline.clean import document as clean
from pipeline.extract import notes
from pipeline.ingest import parse_file
from pipeline.types import Page, RawDocument

from .conftest import RAW, ROOT

BIBLIOGRAPHY = [
    "Parker, Edward, Daniel Gonzales, and Scott W. Harold, An Assessment of the U.S. and Chinese Industrial "
    "Bases in Quantum Technology, RAND Corporation, RR-A869-1, 2022.",
    "Parker, Edward, Commercial and Military Applications and Timelines for Quantum Technology, RAND "
    "Corporation, 2021.",
    "Knight, Will, “The US Throws $52 Billion at Chips—but Needs to Spend It Wisely,” Wired, July 28, 2022.",
    "National Security Agency, “Post-Quantum Cybersecurity Resources,” webpage, undated. As of July 28, 2022: "
    "<https://www.nsa.gov/pqc/>",
    "NSA—See National Security Agency.",
    "Bureau of Industry and Security, “Addition of Entities to the Entity List; and Addition of Entity to the "
    "Military End-User (MEU) List,” Federal Register, 2021.",
    "World Economic Forum, Quantum Computing Governance Principles, January 2022.",
    "Discretion, homepage, undated. As of November 3, 2022: <https://discretion-eu.com/>",
]


def _linked(note_texts, bibliography=BIBLIOGRAPHY):
    """{note number: [bibliography entry texts]} for notes under a Notes heading."""
    body = "A body paragraph that cites its sources." + "".join("¹²³⁴⁵⁶⁷⁸⁹"[i] for i in range(len(note_texts)))
    parts = [body, "Notes"] + [f"{'¹²³⁴⁵⁶⁷⁸⁹'[i]} {text}" for i, text in enumerate(note_texts)]
    if bibliography:
        parts += ["References"] + bibliography
    doc = clean.clean_document(RawDocument("raw/t.txt", "0" * 64, "txt", [Page(1, "\n\n".join(parts))]))
    found, entries, links = notes.parse_notes(doc)
    out = {note.number: [] for note in found}
    for n, b in links:
        out[found[n].number].append(entries[b].text)
    return out, entries


@pytest.mark.parametrize("note,expected", [
    # First Surname in the note, Surname, First in the bibliography; italic title lost with its markup.
    ("Edward Parker et al., An Assessment of the U.S. and Chinese Industrial Bases in Quantum Technology.", [0]),
    ("Edward Parker, Commercial and Military Applications and Timelines for Quantum Technology.", [1]),
    # A quoted title, and commentary after the citation.
    ("Will Knight, “The US Throws $52 Billion at Chips—but Needs to Spend It Wisely.” The law passed in July.", [2]),
    # An abbreviation resolved through the bibliography's cross-reference.
    ("NSA, “Post-Quantum Cybersecurity Resources.”", [3]),
    # A semicolon inside a quoted title does not cut the citation.
    ("Bureau of Industry and Security, “Addition of Entities to the Entity List; and Addition of Entity to the "
     "Military End-User (MEU) List,” p. 67317.", [5]),
    # A citation in parentheses at the end of a sentence of commentary.
    ("International bodies could adopt such principles (World Economic Forum, Quantum Computing Governance "
     "Principles).", [6]),
    # Two works in one note.
    ("Edward Parker, Commercial and Military Applications and Timelines for Quantum Technology; Edward Parker "
     "et al., An Assessment of the U.S. and Chinese Industrial Bases in Quantum Technology.", [1, 0]),
    # A title that is only the author's name and a generic word.
    ("Discretion, homepage.", [7]),
    # Commentary without a citation links to nothing; an unknown work links to nothing.
    ("PQC is sometimes also referred to as quantum-resistant cryptography.", []),
    ("Jane Roe, “A Work Not in the List.”", []),
    ("Edward Parker, “Another Paper on Something Else.”", []),
])
def test_note_links_to_the_works_it_cites(note, expected):
    linked, _ = _linked([note])
    assert linked[1] == [BIBLIOGRAPHY[i] for i in expected]


def test_ibid_cites_what_the_previous_note_cited():
    linked, _ = _linked(["Will Knight, “The US Throws $52 Billion at Chips—but Needs to Spend It Wisely.”", "Ibid."])
    assert linked[2] == linked[1] == [BIBLIOGRAPHY[2]]


def test_cross_reference_is_not_a_work():
    _, entries = _linked(["Discretion, homepage."])
    assert "NSA—See National Security Agency." not in [e.text for e in entries]


def test_note_with_its_own_url_is_its_own_entry_and_urls_are_not_duplicated():
    first = "Jane Roe, “Quantum Policy Today,” Example Review, May 2, 2023, <https://example.org/qpt>."
    again = "Jane Roe, “Quantum Policy Today,” <https://example.org/qpt>."
    two = "OECD, “LinkedIn Data,” <https://oecd.ai/linkedin>; <https://oecd.ai/other>."
    linked, entries = _linked([first, again, two], bibliography=[])
    assert linked[1] == linked[2] == [first]
    assert [e.url for e in entries] == ["https://example.org/qpt", "https://oecd.ai/linkedin", "https://oecd.ai/other"]
    assert linked[3] == ["OECD, “LinkedIn Data,” <https://oecd.ai/linkedin>", "OECD, “LinkedIn Data,” <https://oecd.ai/linkedin>; <https://oecd.ai/other>."]


def test_complete_reference_without_url_is_an_entry_when_there_is_no_bibliography():
    ref = "Stephen Walt, “Why Alliances Endure or Collapse,” Survival 39, no. 1 (1997): 156–179."
    book = "Robert Keohane, After Hegemony (Princeton University Press, 1984), 51-52."
    remark = "The agreement dates back to 1976 and was amended in 1999."
    linked, entries = _linked([ref, book, remark], bibliography=[])
    assert linked == {1: [ref], 2: [book], 3: []}


@pytest.mark.parametrize("text,expected", [
    ("White House, National Security Strategy. In this Perspective, I use the term ally.",
     ["White House, National Security Strategy.", "In this Perspective, I use the term ally."]),
    ("See U.S. Department of State, “Tokyo Statement”; White House, “Fact Sheet.”",
     ["U.S. Department of State, “Tokyo Statement”", "White House, “Fact Sheet.”"]),
    ("Michael J. D. Vermeer and Evan D. Peet, Securing Communications.",
     ["Michael J. D. Vermeer and Evan D. Peet, Securing Communications."]),
    ("Parker et al., An Assessment, p. 4. Later findings differ.",
     ["Parker et al., An Assessment, p. 4.", "Later findings differ."]),
])
def test_split_citations(text, expected):
    assert [text[s:e] for s, e in notes.split_citations(text)] == expected


def _corpus_counts(name):
    path = next(RAW.glob(name))
    doc = clean.clean_document(parse_file(path, ROOT))
    found, entries, links = notes.parse_notes(doc)
    return len(found), len(entries), len({n for n, _ in links})


@pytest.mark.parametrize("pattern,n_notes,min_entries,min_linked", [
    # 002: 104 endnotes and a References list; the 11 unlinked notes are commentary citing no work.
    ("002_*.txt", 104, 95, 93),
    # 003: 56 endnotes and no bibliography: URL notes and complete references become the entries.
    ("003_*.txt", 56, 55, 54),
])
def test_corpus_notes_link_to_bibliography(pattern, n_notes, min_entries, min_linked):
    if not list(RAW.glob(pattern)):
        pytest.skip(f"raw/{pattern} not in this checkout")
    found, entries, linked = _corpus_counts(pattern)
    assert found == n_notes
    assert entries >= min_entries
    assert linked >= min_linked

"""Canonical entities: aliases, acronyms (in the text and in abbreviation tables), trimming."""
import sqlite3

import pytest
from click.testing import CliRunner

from pipeline.extract import entities
from pipeline.cli import cli

from .test_extract_claims import extract


@pytest.mark.parametrize("text,acronyms,expected", [
    ("U.S.", {}, ("United States", "GPE")),
    ("US", {}, ("United States", "GPE")),
    ("America", {}, ("United States", "GPE")),
    ("United States", {}, ("United States", "GPE")),
    ("ROK", {}, ("South Korea", "GPE")),
    ("Republic of Korea", {}, ("South Korea", "GPE")),
    ("PRC", {}, ("China", "GPE")),
    ("PRC", {"PRC": "People’s Republic of China"}, ("China", "GPE")),
    ("MSIT", {"MSIT": "Ministry of Science and ICT"}, ("Ministry of Science and ICT", "ORG")),
    ("ROK Ministry of Science and ICT", {"MSIT": "Ministry of Science and ICT"}, ("Ministry of Science and ICT", "ORG")),
    ("QKD", {"QKD": "quantum key distribution"}, ("quantum key distribution", "TOPIC")),
    ("AI", {}, ("AI", "TOPIC")),
    ("OSTP", {}, ("OSTP", "ORG")),
    ("Tohoku University", {}, ("Tohoku University", "ORG")),
])
def test_canonical_name(text, acronyms, expected):
    label = "GPE" if expected[1] == "GPE" else "ORG"
    assert entities.canonical_name(text, label, acronyms) == expected


@pytest.mark.parametrize("mention,expected", [
    ("the University of Chicago", "University of Chicago"),
    ("The United States", "United States"),
    ("Japan’s", "Japan"),
    ("America's", "America"),
    ("the Tokyo Statement on", "Tokyo Statement"),
    ("IBM", "IBM"),
])
def test_trim_mention(mention, expected):
    start, end = entities.trim_mention(mention)
    assert mention[start:end] == expected


@pytest.mark.parametrize("text,expected", [
    ("the ROK Ministry of Science and ICT (MSIT) published a map", {"MSIT": "Ministry of Science and ICT"}),
    ("head of the US Office of Science and Technology Policy (OSTP), and", {"OSTP": "Office of Science and Technology Policy"}),
    ("in quantum research and development (R&D) programmes", {"R&D": "research and development"}),
    ("quantum key distribution (QKD), a type of", {"QKD": "quantum key distribution"}),
    ("the Quantum Economic Development Consortium (QED-C) of firms", {"QED-C": "Quantum Economic Development Consortium"}),
    ("as shown by the data (see below) and in 2019 (2019)", {}),
    ("the partnership (IBM) was announced", {}),
])
def test_find_acronyms(text, expected):
    assert entities.find_acronyms(text) == expected


def test_mentions_resolve_in_a_document(nlp):
    result = extract(nlp, "The U.S. and America’s allies met the Ministry of Science and ICT (MSIT) in Seoul. "
                          "MSIT and the United States signed an agreement with Japan’s Tohoku University.")
    names = {(m.text, m.name) for m in result.mentions}
    assert {("U.S.", "United States"), ("America", "United States"), ("MSIT", "Ministry of Science and ICT"),
            ("Tohoku University", "Tohoku University"), ("United States", "United States")} <= names


@pytest.mark.parametrize("text,not_a_name", [
    ("quantum computing", True),
    ("National Security Advisor", True),
    ("Chief Technology Officer", True),
    ("Quantum", True),  # the document below also writes "quantum"
    ("IBM", False),
    ("Jake Sullivan", False),
    ("National Security Agency", False),
])
def test_is_not_a_name(text, not_a_name):
    assert entities.is_not_a_name(text, "Quantum sensing is a quantum technology.") == not_a_name


def test_abbreviation_table_resolves_acronyms(nlp):
    text = ("Abbreviations\n\nNIST\tNational Institute of Standards and Technology\nPRC\tPeople’s Republic of China\n\n"
            "NIST selected several algorithms for the PRC and the United States in 2022.")
    names = {(m.text, m.name) for m in extract(nlp, text).mentions}
    assert ("NIST", "National Institute of Standards and Technology") in names
    assert ("PRC", "China") in names


def test_possessives_and_determiners_make_no_new_entities(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("Japan’s government and the University of Chicago signed an agreement in 2021. "
                               "Japan and University of Chicago researchers met in Tokyo in 2022.", encoding="utf-8")
    db = tmp_path / "c.db"
    assert CliRunner().invoke(cli, ["build", str(raw), "--db", str(db), "-q"]).exit_code == 0
    conn = sqlite3.connect(db)
    names = [row[0] for row in conn.execute("select name from entities where name like '%Japan%' or name like '%Chicago%'")]
    assert sorted(names) == ["Japan", "University of Chicago"]


def test_qualified_long_forms_merge_across_documents(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("The National Science Foundation (NSF) funded 12 projects in 2023.", encoding="utf-8")
    (raw / "b.txt").write_text("The US National Science Foundation opened a new office in Seoul in 2024.", encoding="utf-8")
    db = tmp_path / "c.db"
    assert CliRunner().invoke(cli, ["build", str(raw), "--db", str(db), "-q"]).exit_code == 0
    conn = sqlite3.connect(db)
    rows = conn.execute("select name, n_documents from entities where name like '%Science Foundation%'").fetchall()
    assert rows == [("National Science Foundation", 2)]

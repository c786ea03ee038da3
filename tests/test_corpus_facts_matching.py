"""Fact matching across wording (issue 14): pairs of realistic sentences, each pair written as two
documents, that must report one fact (restatements: another verb, voice, name form, date form, money
form, claim kind) or must not (another date, amount or agreement, a plan against a completed act, a
negation). All pairs are built in one run of the CLI; each pair names countries or companies of its own,
so pairs cannot join each other."""
import sqlite3

import pytest
from click.testing import CliRunner

from pipeline.cli import cli

# name -> (document a, document b); a pair joins when a claim of a and a claim of b share a fact.
JOIN = {
    "verb ink": ("Canada and Mexico signed an agreement on quantum research in March 2021.",
                 "Canada and Mexico inked an agreement on quantum research in March 2021."),
    "passive voice": ("France and Germany signed a quantum cooperation agreement in June 2022.",
                      "A quantum cooperation agreement was signed by Germany and France in June 2022."),
    "according to": ("Brazil and Argentina signed the Rio Statement on Quantum Cooperation on May 4, 2021.",
                     "Brazil and Argentina signed the Rio Statement on Quantum Cooperation on May 4, 2021, "
                     "according to the Brazilian Ministry of Foreign Affairs."),
    "month and day": ("Italy and Spain signed a memorandum on photonics research in September 2020.",
                      "Italy and Spain signed a memorandum on photonics research on September 14, 2020."),
    "verb conclude": ("Poland and Sweden concluded an agreement on battery research in 2019.",
                      "Poland and Sweden signed an agreement on battery research in 2019."),
    "money words": ("Norway pledged $1 billion for quantum research in 2022.",
                    "Norway pledged one billion dollars for quantum research in 2022."),
    "money bn": ("Finland committed $2bn to its quantum computing programme in 2023.",
                 "Finland committed $2 billion to its quantum computing programme in 2023."),
    "undated restatement": ("Denmark and the Netherlands signed the North Sea Energy Treaty in April 2022.",
                            "The Netherlands and Denmark signed the North Sea Energy Treaty."),
    "relative date": ("Published: March 3, 2023\n\nBelgium and Austria signed a hydrogen partnership agreement last month.",
                      "Belgium and Austria signed a hydrogen partnership agreement in February 2023."),
    "direct quote": ("“Greece and Cyprus signed a maritime research agreement in 2021,” the minister said.",
                     "Greece and Cyprus signed a maritime research agreement in 2021."),
    "launch synonyms": ("Egypt and Kenya launched a joint quantum research center in 2020.",
                        "Egypt and Kenya established a joint quantum research center in 2020."),
    "money each": ("India and Indonesia each pledged $500 million to the climate fund in 2023.",
                   "India and Indonesia pledged $500 million each to the climate fund in 2023."),
    "acronym": ("The United Kingdom and Singapore signed a digital economy agreement in February 2022.",
                "The UK and Singapore signed a digital economy agreement in February 2022."),
    "according to officials": ("Australia and New Zealand signed a space cooperation agreement in July 2021, "
                               "according to officials.",
                               "Australia and New Zealand signed a space cooperation agreement in July 2021."),
    "reported speech": ("Officials said Israel and Jordan signed a water research agreement in 2022.",
                        "Israel and Jordan signed a water research agreement in 2022."),
    "noun deal": ("Morocco and Portugal signed a deal on green hydrogen in 2023.",
                  "Morocco and Portugal signed an agreement on green hydrogen in 2023."),
    "both predicted": ("Ireland and Iceland are scheduled to sign a fisheries agreement in March 2026.",
                       "Ireland and Iceland are set to sign a fisheries agreement in March 2026."),
    "year and day": ("Estonia and Latvia signed a cyber defence agreement in 2018.",
                     "Estonia and Latvia signed a cyber defence agreement on June 5, 2018."),
    "money dollars": ("Siemens and Bosch invested $300 million in a quantum startup in 2021.",
                      "Bosch and Siemens invested 300 million dollars in a quantum startup in 2021."),
    "launch formed": ("Romania and Bulgaria launched a partnership on nuclear research in 2020.",
                      "Romania and Bulgaria formed a partnership on nuclear research in 2020."),
    "both denied": ("Hungary and Austria did not sign the Danube Water Charter in 2019.",
                    "Hungary and Austria never signed the Danube Water Charter in 2019."),
    "tokyo according to": ("The United States and Japan signed the Tokyo Statement on Quantum Cooperation in December 2019.",
                           "The United States and Japan signed the Tokyo Statement on Quantum Cooperation on "
                           "December 19, 2019, according to the U.S. Department of State."),
    "statement as subject": ("The United States and South Korea signed a Joint Statement on QIST cooperation in April 2023.",
                             "The joint statement between the United States and South Korea in April 2023 "
                             "highlights the unique trajectory of quantum technology cooperation."),
}
APART = {
    "another year": ("Chile and Peru signed an agreement on astronomy research in 2019.",
                     "Chile and Peru signed an agreement on astronomy research in 2021."),
    "another day": ("Ukraine and Moldova signed a memorandum on energy research on March 3, 2020.",
                    "Ukraine and Moldova signed a memorandum on energy research on March 17, 2020."),
    "another amount": ("Malaysia pledged $50 million for semiconductor research in 2022.",
                       "Malaysia pledged $400 million for semiconductor research in 2022."),
    "another named agreement": ("Thailand and Vietnam signed the Mekong River Treaty in 2021.",
                                "Thailand and Vietnam signed the Hanoi Digital Treaty in 2021."),
    "will sign vs signed": ("Nigeria and Ghana will sign a trade agreement in 2024.",
                            "Nigeria and Ghana signed a trade agreement in 2024."),
    "did not sign": ("Lithuania and Slovakia did not sign the Baltic Grid Treaty in 2020.",
                     "Lithuania and Slovakia signed the Baltic Grid Treaty in 2020."),
    "may sign vs signed": ("Croatia and Slovenia may sign a tourism agreement in 2023.",
                           "Croatia and Slovenia signed a tourism agreement in 2023."),
    "another amount bn": ("Qatar committed $1bn to its national AI programme in 2022.",
                          "Qatar committed $10bn to its national AI programme in 2022."),
    "another month": ("Serbia and Albania signed an energy agreement in May 2022.",
                      "Serbia and Albania signed an energy agreement in November 2022."),
    "another object": ("Oman and Kuwait signed an agreement in 2020.",
                       "Oman and Kuwait launched a satellite in 2020."),
    "another partner": ("Ethiopia and Somalia signed a port agreement in March 2024.",
                        "Ethiopia and Djibouti signed a port agreement in March 2024."),
    "should sign vs signed": ("Cuba and Jamaica should sign a fisheries agreement in 2024.",
                              "Cuba and Jamaica signed a fisheries agreement in 2024."),
    "failed to sign": ("Bolivia and Paraguay failed to sign a river treaty in 2019.",
                       "Bolivia and Paraguay signed a river treaty in 2019."),
    "according to, another year": ("Uruguay and Ecuador signed a research agreement in 2017, according to the ministry.",
                                   "Uruguay and Ecuador signed a research agreement in 2018."),
    "plan vs signed": ("Colombia and Panama plan to sign a border agreement in 2024.",
                       "Colombia and Panama signed a border agreement in 2024."),
    "another amount each": ("Nepal and Bhutan each pledged $200 million to the mountain fund in 2022.",
                            "Nepal and Bhutan each pledged $20 million to the mountain fund in 2022."),
    "another year, same month": ("Switzerland and Luxembourg signed a banking agreement in January 2020.",
                                 "Switzerland and Luxembourg signed a banking agreement in January 2021."),
    "will invest vs invested": ("Saudi Arabia will invest $5 billion in quantum research in 2025.",
                                "Saudi Arabia invested $5 billion in quantum research in 2025."),
    "another opening day": ("Tunisia and Algeria opened a joint research lab on April 2, 2021.",
                            "Tunisia and Algeria opened a joint research lab on April 20, 2021."),
    "another named accord": ("Mongolia and Kazakhstan signed the Steppe Railway Treaty in 2022, according to officials.",
                             "Mongolia and Kazakhstan signed the Caspian Fisheries Treaty in 2022."),
    "another pledge": ("Samsung pledged $100 million to Seoul National University in 2021.",
                       "Samsung pledged $900 million to Seoul National University in 2021."),
    "predicted vs done": ("Armenia and Belarus are expected to sign a gas agreement in 2025.",
                          "Armenia and Belarus signed a gas agreement in 2025."),
}
PAIRS = {**{("join", k): v for k, v in JOIN.items()}, **{("apart", k): v for k, v in APART.items()}}


def _name(group, key, side):
    return f"{group}-{key.replace(' ', '_').replace(',', '')}-{side}.txt"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    root = tmp_path_factory.mktemp("matching")
    raw = root / "raw"
    raw.mkdir()
    for (group, key), (a, b) in PAIRS.items():
        (raw / _name(group, key, "a")).write_text(a + "\n", encoding="utf-8")
        (raw / _name(group, key, "b")).write_text(b + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(raw), "--db", str(root / "claims.db"), "-q"])
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(root / "claims.db")
    conn.row_factory = sqlite3.Row
    return conn


def claims_of(conn, name):
    return conn.execute("select c.* from claims c join documents d on d.id = c.document_id where d.path like ?",
                        (f"%/{name}",)).fetchall()


def joined(conn, group, key) -> bool:
    """Some claim of document a shares its fact with a claim of document b."""
    a = {c["fact_id"] for c in claims_of(conn, _name(group, key, "a")) if c["fact_id"] is not None}
    b = {c["fact_id"] for c in claims_of(conn, _name(group, key, "b")) if c["fact_id"] is not None}
    return bool(a & b)


@pytest.mark.parametrize("key", JOIN)
def test_restatements_join(db, key):
    assert claims_of(db, _name("join", key, "a")) and claims_of(db, _name("join", key, "b")), "no claim found"
    assert joined(db, "join", key), JOIN[key]


@pytest.mark.parametrize("key", APART)
def test_other_events_stay_apart(db, key):
    assert claims_of(db, _name("apart", key, "a")) or claims_of(db, _name("apart", key, "b"))
    assert not joined(db, "apart", key), APART[key]


def test_single_source_follows_the_fact(db):
    """single_source is 0 on the claims of a fact two documents report, 1 on a fact of one document."""
    rows = db.execute("select c.single_source, f.n_documents from claims c join facts f on f.id = c.fact_id").fetchall()
    assert rows and all(r["single_source"] == (r["n_documents"] == 1) for r in rows)
    assert any(r["n_documents"] == 2 for r in rows) and any(r["n_documents"] == 1 for r in rows)


def test_claims_of_no_fact_are_not_single_sourced(db):
    """A claim that reports no event (a recommendation) has no fact, and NULL flags, not single_source 1."""
    rows = db.execute("select single_source, conflict from claims where fact_id is null").fetchall()
    assert rows and all(r["single_source"] is None and r["conflict"] is None for r in rows)


def test_conflict_shows_both_values(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("Peru and Chile signed the Andes Quantum Treaty in December 2019.\n", encoding="utf-8")
    (raw / "b.txt").write_text("Peru and Chile signed the Andes Quantum Treaty in March 2021.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(raw), "--db", str(tmp_path / "c.db"), "-q"])
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(tmp_path / "c.db")
    (conflict, values), = conn.execute("select conflict, conflict_values from facts where n_documents = 2").fetchall()
    assert conflict == 1 and values == "date 2019-12 (raw/a.txt), 2021-03 (raw/b.txt)", values

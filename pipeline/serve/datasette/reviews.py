"""Reviewers' verdicts on claims, kept in their own SQLite file beside the built database
(extracted/reviews.db beside extracted/claims.db) so a build, which replaces claims.db, never
touches them.

A verdict is keyed by the claim's stable id (corpus/ids.py) and keeps a copy of what was reviewed:
the claim's text and offsets, its document's id, path, sha256, title and source URL, the page. So
an export needs no join, and after a rebuild the "changed since review" query can say what became
of each reviewed claim: still there, its document removed, its document changed (and whether a
claim with the same text is still in it), or no longer extracted from an unchanged document.
"""
from __future__ import annotations

import getpass
import pathlib
import sqlite3
from typing import Optional

from ...store.write import now

VERDICTS = ("verified", "disputed", "needs source", "wrong extraction")
REVIEWS_NAME = "reviews"  # the name Datasette serves the reviews file under
# Where the reviewed claim was, copied from the claims database when the verdict is written
SNAPSHOT = ("claim_text", "claim_start", "claim_end", "document_id", "document_path", "document_sha256",
            "document_title", "page", "source_url", "claims_database")
SCHEMA = f"""
create table if not exists verdicts (
  id integer primary key,
  claim_id text not null,
  verdict text not null check (verdict in ({", ".join(repr(v) for v in VERDICTS)})),
  note text,
  evidence_url text,
  reviewer text not null,
  reviewed_at text not null,
  claim_text text, claim_start integer, claim_end integer,
  document_id text, document_path text, document_sha256 text, document_title text,
  page integer, source_url text, claims_database text
);
create index if not exists verdicts_claim on verdicts (claim_id, id);
create index if not exists verdicts_verdict on verdicts (verdict);
create view if not exists latest_verdicts as
  select * from verdicts v where v.id = (select max(w.id) from verdicts w where w.claim_id = v.claim_id);
"""


def reviews_path_for(db: pathlib.Path) -> pathlib.Path:
    """The reviews file that goes with a built database: reviews.db in the same folder."""
    return pathlib.Path(db).with_name(f"{REVIEWS_NAME}.db")


def ensure_reviews_db(path: pathlib.Path) -> pathlib.Path:
    """Create the reviews file (or bring an older one up to this schema); returns its path."""
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    try:
        conn.executescript(SCHEMA)
        conn.execute("pragma journal_mode = wal")  # readers of the served file never wait for a writer
    finally:
        conn.close()
    return path


def default_reviewer() -> str:
    """Who reviews on a local server when no name was given: the operating-system user."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


class InvalidVerdict(ValueError):
    """A verdict form that cannot be stored; the message says what to fix."""


def clean_verdict(form: dict, fallback_reviewer: str = "") -> dict:
    """The fields of a verdict from a submitted form, checked: a known verdict, a reviewer, an
    evidence URL that is a web address. Raises InvalidVerdict."""
    verdict = (form.get("verdict") or "").strip()
    if verdict not in VERDICTS:
        raise InvalidVerdict(f"choose a verdict: {', '.join(VERDICTS)}")
    reviewer = (form.get("reviewer") or "").strip() or fallback_reviewer
    if not reviewer:
        raise InvalidVerdict("give your name as reviewer")
    url = (form.get("evidence_url") or "").strip() or None
    if url and not url.lower().startswith(("http://", "https://")):
        raise InvalidVerdict("the evidence URL must start with http:// or https://")
    note = (form.get("note") or "").strip() or None
    return {"verdict": verdict, "reviewer": reviewer[:200], "evidence_url": url, "note": note}


# The claim as it is when reviewed (one parameter: the claim id)
SNAPSHOT_SQL = """select c.text as claim_text, c.start as claim_start, c."end" as claim_end,
  d.id as document_id, d.path as document_path, d.sha256 as document_sha256, d.title as document_title,
  (select page from sentences s where s.id = c.sentence_id) as page, d.source_url
from claims c join documents d on d.id = c.document_id where c.id = ?"""

INSERT_SQL = (f"insert into verdicts (claim_id, verdict, note, evidence_url, reviewer, reviewed_at, {', '.join(SNAPSHOT)}) "
              f"values ({', '.join('?' * (6 + len(SNAPSHOT)))})")


def verdict_params(claim_id: str, fields: dict, snapshot: dict, claims_database: str,
                   reviewed_at: Optional[str] = None) -> list:
    """The INSERT_SQL parameters of one verdict."""
    snapshot = dict(snapshot, claims_database=claims_database)
    return [claim_id, fields["verdict"], fields["note"], fields["evidence_url"], fields["reviewer"],
            reviewed_at or now()] + [snapshot.get(name) for name in SNAPSHOT]


def changed_since_review_sql() -> str:
    """SQL over a claims database with the reviews file attached as `reviews`: each claim whose
    latest verdict no longer matches the database, and what became of it."""
    return """with latest as (select * from reviews.latest_verdicts),
now as (
  select v.*, c.id as still_there, c.text as text_now,
    (select d.id from documents d where d.sha256 = v.document_sha256) as same_document,
    (select d.id from documents d where d.path = v.document_path
       or exists (select 1 from json_each(d.paths) p where p.value = v.document_path)) as document_now
  from latest v left join claims c on c.id = v.claim_id)
select claim_id as reviewed_claim_id, verdict, reviewer, reviewed_at, document_path,
  case
    when still_there is not null then 'claim text changed'
    when same_document is not null then 'no longer extracted (document unchanged; the pipeline changed)'
    when document_now is null then 'document removed'
    when exists (select 1 from claims c where c.document_id = document_now and c.text = claim_text)
      then 'document changed; the same text is still a claim in it'
    else 'document changed; the claim is no longer in it'
  end as what_changed,
  claim_text as reviewed_text,
  coalesce(text_now, (select c.text from claims c where c.document_id = document_now and c.text = claim_text)) as text_now,
  coalesce(still_there, (select c.id from claims c where c.document_id = document_now and c.text = claim_text)) as claim_id,
  document_now as document_id, note, evidence_url
from now
where still_there is null or text_now != claim_text
order by reviewed_at desc"""

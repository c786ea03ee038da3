"""Web-article kit helpers (../shared/external/web-articles): the baseline and a figure the scorer lacks.

- `trafilatura RAW DB`: trafilatura alone on the kit's pages, `extract(html, include_comments=False)` as
  the kit's README measures it, written as a database `../shared/eval/articles.py` scores (one `body`
  paragraph per page): the figure the HTML reader is held to.
- `outside DB GOLD`: the share of a build's claims that come from outside the article, a claim
  counted outside when under half of its 4-gram shingles (the scorer's) are in its page's gold
  articleBody (a claim of 1-3 tokens: when its tokens do not stand together in the gold); prints the
  count, the share and the claims.

Usage: python -m bench.web trafilatura ../shared/external/web-articles/raw extracted/eval/trafilatura.db
       python -m bench.web outside extracted/web.db ../shared/external/web-articles/ground-truth.json
"""
from __future__ import annotations

import argparse
import collections
import json
import pathlib
import re
import sqlite3

TOKEN = re.compile(r"\w+")  # as the scorer (and the benchmark's evaluate.py)
# A claim with under this share of its shingles in the article's gold text is from outside the article.
OUTSIDE_SHARE = 0.5


def shingles(text: str, n: int = 4) -> collections.Counter:
    tokens = TOKEN.findall(text or "")
    return collections.Counter(tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i:i + n])


def save_trafilatura(raw: pathlib.Path, db_path: pathlib.Path) -> int:
    """trafilatura's text of each page of `raw` into `db_path` (replaced); the number of pages."""
    import trafilatura

    db_path.parent.mkdir(parents=True, exist_ok=True)
    db_path.unlink(missing_ok=True)
    db = sqlite3.connect(db_path)
    db.execute("create table documents (id integer primary key, path text, paths text)")
    db.execute("create table paragraphs (id integer primary key, document_id integer, seq integer, kind text, text text)")
    pages = sorted(raw.glob("*.html"))
    for doc_id, page in enumerate(pages, 1):
        text = trafilatura.extract(page.read_text(encoding="utf-8", errors="replace"), include_comments=False) or ""
        db.execute("insert into documents values (?, ?, ?)", (doc_id, f"raw/{page.name}", json.dumps([])))
        db.execute("insert into paragraphs (document_id, seq, kind, text) values (?, 0, 'body', ?)", (doc_id, text))
    db.commit()
    return len(pages)


def iter_outside_claims(db_path: pathlib.Path, gold_path: pathlib.Path):
    """(page id, claim text, share of its shingles in the gold) of every claim; the page id is the
    file name up to its first dot, as the scorer reads it."""
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    gold_shingles = {item: shingles(entry.get("articleBody", "")) for item, entry in gold.items()}
    gold_tokens = {item: " " + " ".join(TOKEN.findall(entry.get("articleBody", ""))) + " " for item, entry in gold.items()}
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    names = {doc_id: pathlib.PurePath(path).name.split(".")[0] for doc_id, path in db.execute("select id, path from documents")}
    for doc_id, text in db.execute("select document_id, text from claims order by document_id, start"):
        item = names[doc_id]
        if item not in gold_shingles:
            continue
        tokens = TOKEN.findall(text)
        if len(tokens) < 4:  # one shingle shorter than the gold's: look for the tokens themselves
            inside = float(f" {' '.join(tokens)} " in gold_tokens[item])
        else:
            claim = shingles(text)
            inside = sum((claim & gold_shingles[item]).values()) / max(sum(claim.values()), 1)
        yield item, text, inside


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    baseline = commands.add_parser("trafilatura", help="trafilatura alone into a scorable database, "
                                   "e.g. python -m bench.web trafilatura KIT/raw extracted/eval/trafilatura.db")
    baseline.add_argument("raw", type=pathlib.Path)
    baseline.add_argument("db", type=pathlib.Path)
    outside = commands.add_parser("outside", help="claims from outside the article, "
                                  "e.g. python -m bench.web outside extracted/web.db KIT/ground-truth.json")
    outside.add_argument("db", type=pathlib.Path)
    outside.add_argument("gold", type=pathlib.Path)
    outside.add_argument("--quiet", action="store_true", help="print the summary line only")
    args = parser.parse_args()
    if args.command == "trafilatura":
        print(f"trafilatura: {save_trafilatura(args.raw, args.db)} pages into {args.db}")
        return
    claims = list(iter_outside_claims(args.db, args.gold))
    out = [(item, text, share) for item, text, share in claims if share < OUTSIDE_SHARE]
    if not args.quiet:
        for item, text, share in out:
            print(f"  {item[:8]} {share:.2f} {text[:150]}")
    print(f"outside-article claims: {len(out)} of {len(claims)} ({len(out) / max(len(claims), 1):.2%})")


if __name__ == "__main__":
    main()

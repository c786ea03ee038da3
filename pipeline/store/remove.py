"""Taking documents out of a stored database: every row that belongs to them, in every table."""
from __future__ import annotations

from .cross import chunks, placeholders
from .schema import SCHEMA

# Rows that belong to a document through another row of it: table -> (column, the table it points into).
THROUGH = {"claim_notes": ("claim_id", "claims"), "fact_keys": ("claim_id", "claims"),
           "note_bibliography": ("note_id", "notes")}


def delete_documents(conn, document_ids: list[str]) -> None:
    """Delete the documents and all their rows (facts, entities and citations of other documents
    are brought up to date by cross.py afterwards)."""
    owned = [t for t, (columns, _) in SCHEMA.items() if "document_id" in columns]
    for chunk in chunks(document_ids):
        marks = placeholders(chunk)
        for table, (column, parent) in THROUGH.items():
            conn.execute(f'delete from "{table}" where "{column}" in '
                         f'(select id from "{parent}" where document_id in ({marks}))', chunk)
        conn.execute(f"delete from citations where cited_document_id in ({marks})", chunk)
        for table in owned:
            conn.execute(f'delete from "{table}" where document_id in ({marks})', chunk)
        conn.execute(f"delete from documents where id in ({marks})", chunk)

"""Datasette pages for auditing claims: metadata, canned queries, the claim and document pages.

The Datasette plugin in plugins/ is a thin skin over these modules:
- queries.py: canned queries, adapted to the columns the database has;
- spans.py: escaped text with nested highlights and links (the only place HTML is built from text);
- pages.py: what the claim and document pages show, read from the database.
"""
from __future__ import annotations

import pathlib

DIR = pathlib.Path(__file__).parent
METADATA = DIR / "metadata.yml"
TEMPLATES = DIR / "templates"
PLUGINS = DIR / "plugins"
STATIC = DIR / "static"
# URL prefix under which Datasette serves STATIC (datasette --static MOUNT:DIR)
STATIC_MOUNT = "claims-static"
# Tables a database must have for the audit pages to apply to it
REQUIRED_TABLES = ("documents", "paragraphs", "sentences", "claims")

"""Stage 5, serve: Datasette over the claims database with the project's metadata, templates and plugin.

Served read-only: the database is opened immutable, bound to 127.0.0.1 unless told otherwise, and no
plugin that writes or uploads is loaded. The metadata is generated at serve time from
datasette/metadata.yml for the database actually served: keyed by its name (other.db -> other), charts
pointed at it, facets only on columns it has, canned queries written for its columns.
"""
from __future__ import annotations

import copy
import html
import json
import pathlib
import signal
import subprocess
import sys
import tempfile

import yaml
from datasette.utils import tilde_encode

from ..store.check import read_columns
from .datasette import METADATA, PLUGINS, STATIC, STATIC_MOUNT, TEMPLATES, queries

# The name metadata.yml is written for
TEMPLATE_DATABASE = "claims"
DASHBOARD_PLUGIN = "datasette-dashboards"
SETTINGS = {"default_page_size": 50, "max_returned_rows": 5000, "sql_time_limit_ms": 3000}


def database_name(db: pathlib.Path) -> str:
    """The name Datasette gives a database file: its stem."""
    return pathlib.Path(db).stem


def build_metadata(db: pathlib.Path, template: pathlib.Path = METADATA) -> dict:
    """Datasette metadata for the database file db, from the project's metadata.yml."""
    metadata = yaml.safe_load(template.read_text(encoding="utf-8"))
    name, columns = database_name(db), read_columns(db)
    database = copy.deepcopy(metadata.get("databases", {}).pop(TEMPLATE_DATABASE, {}))
    for table, table_meta in database.get("tables", {}).items():
        present = columns.get(table, set())
        if "facets" in table_meta:
            table_meta["facets"] = [facet for facet in table_meta["facets"] if facet in present]
        for key in ("sort", "sort_desc", "label_column"):
            if key in table_meta and table_meta[key] not in present:
                del table_meta[key]
        if "columns" in table_meta:
            table_meta["columns"] = {c: text for c, text in table_meta["columns"].items() if c in present}
    database["queries"] = queries.canned_queries(columns)
    metadata.setdefault("databases", {})[name] = database
    for dashboard in metadata.get("plugins", {}).get(DASHBOARD_PLUGIN, {}).values():
        for chart in dashboard.get("charts", {}).values():
            chart["db"] = name
    metadata["description_html"] = metadata.get("description_html", "") + _front_links(name)
    return metadata


def _front_links(name: str) -> str:
    """A search box and the pictures, on the front page, for the database served."""
    name = html.escape(tilde_encode(name))
    return (f'\n<form class="claim-search" action="/{name}/claims" method="get">'
            f'<label for="claim-search">Search claims</label> '
            f'<input id="claim-search" type="search" name="_search" placeholder="e.g. Tokyo Statement"> '
            f'<input type="submit" value="Search"></form>'
            f'\n<p><a href="/-/dashboards/pictures">Pictures</a>: a timeline of dated claims and a chart of money '
            f'figures by actor and year; click a mark to open its claim.</p>')


def datasette_args(db: pathlib.Path, metadata_file: pathlib.Path, host: str = "127.0.0.1",
                   port: int = 8001) -> list[str]:
    """The datasette command line: read-only (immutable) database, loopback by default."""
    args = [sys.executable, "-m", "datasette", "serve", "-i", str(db), "--host", host, "--port", str(port),
            "--metadata", str(metadata_file), "--template-dir", str(TEMPLATES), "--plugins-dir", str(PLUGINS),
            "--static", f"{STATIC_MOUNT}:{STATIC}"]
    for key, value in SETTINGS.items():
        args += ["--setting", key, str(value)]
    return args


def run(db: pathlib.Path, host: str = "127.0.0.1", port: int = 8001) -> int:
    """Serve db until interrupted (Ctrl-C or SIGTERM); returns datasette's exit code."""
    with tempfile.TemporaryDirectory(prefix="claims-serve-") as tmp:
        metadata_file = pathlib.Path(tmp) / "metadata.json"
        metadata_file.write_text(json.dumps(build_metadata(db), ensure_ascii=False, indent=1), encoding="utf-8")
        child = subprocess.Popen(datasette_args(db, metadata_file, host, port))
        signal.signal(signal.SIGTERM, lambda *_: child.terminate())
        try:
            return child.wait()
        except KeyboardInterrupt:  # the terminal sent SIGINT to datasette too; let it finish
            return child.wait()

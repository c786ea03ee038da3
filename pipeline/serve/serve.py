"""Stage 5, serve: Datasette over the claims database with the project's metadata, templates and plugin.

Served read-only: the database is opened read-only (SQLite's mode=ro, not immutable: a build updates
it in place, in one transaction, and readers see the state before or after it), bound to 127.0.0.1
unless told otherwise, and no plugin that writes or uploads is loaded. The metadata is generated at serve time from
datasette/metadata.yml for the database actually served: keyed by its name (other.db -> other), charts
pointed at it, facets only on columns it has, canned queries written for its columns.
"""
from __future__ import annotations

import copy
import errno
import json
import pathlib
import signal
import socket
import subprocess
import sys
import tempfile

import yaml

from ..store.check import ensure_readable, read_columns
from .datasette import METADATA, PLUGINS, REQUIRED_TABLES, STATIC, STATIC_MOUNT, TEMPLATES, charts, queries, reviews

# The name metadata.yml is written for
TEMPLATE_DATABASE = "claims"
DASHBOARD_PLUGIN = "datasette-dashboards"
ORIGINAL_PLUGIN = "claims-original"  # plugins/claims_original.py
PAGE_IMAGES = "page-images"  # the folder beside the database where PDF page pictures are cached
DEFAULT_RAW = pathlib.Path("raw")
# The pictures, on the front page (its search box and questions are in templates/index.html)
FRONT_LINKS = ('\n<p><a href="/-/dashboards/pictures">Pictures</a>: a timeline of dated claims and a chart of money '
               'figures by actor and year; click a mark to open its claim (each chart has a table of its marks).</p>')
SETTINGS = {"default_page_size": 50, "max_returned_rows": 5000, "sql_time_limit_ms": 3000}


def database_name(db: pathlib.Path) -> str:
    """The name Datasette gives a database file: its stem."""
    return pathlib.Path(db).stem


def build_metadata(db: pathlib.Path, template: pathlib.Path = METADATA, reviews_db: pathlib.Path | None = None,
                   remote_reviews: bool = False, raw_dir: pathlib.Path | None = None) -> dict:
    """Datasette metadata for the database file db, from the project's metadata.yml; with
    reviews_db, the reviewers' file's too, and the canned queries that read it; with raw_dir,
    the folder the build read, whose files the originals are served from (page pictures cached
    in page-images/ beside db)."""
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
    # the canned queries read the claims tables; another database is served without them
    is_claims = set(REQUIRED_TABLES) <= set(columns)
    database["queries"] = queries.canned_queries(columns, reviews=bool(reviews_db)) if is_claims else {}
    reviews_meta = metadata.get("databases", {}).pop(reviews.REVIEWS_NAME, {})
    metadata.setdefault("databases", {})[name] = database
    if reviews_db and is_claims:
        metadata["databases"][reviews.REVIEWS_NAME] = reviews_meta
        metadata.setdefault("plugins", {})["claims-reviews"] = {
            "reviews_path": str(pathlib.Path(reviews_db).resolve()), "claims_database": name,
            "remote_reviews": remote_reviews}
    if raw_dir is not None and is_claims:
        metadata.setdefault("plugins", {})[ORIGINAL_PLUGIN] = {
            "raw_dir": str(pathlib.Path(raw_dir).resolve()),
            "cache_dir": str(pathlib.Path(db).resolve().parent / PAGE_IMAGES)}
    for key in [key for key in metadata if key.startswith("x-")]:  # YAML anchors of metadata.yml, not metadata
        del metadata[key]
    for dashboard in metadata.get("plugins", {}).get(DASHBOARD_PLUGIN, {}).values():
        charts.prepare_dashboard(dashboard, name, database["queries"])
    metadata["description_html"] = metadata.get("description_html", "") + FRONT_LINKS
    return metadata


def datasette_args(db: pathlib.Path, metadata_file: pathlib.Path, host: str = "127.0.0.1",
                   port: int = 8001, reviews_db: pathlib.Path | None = None) -> list[str]:
    """The datasette command line: the database read-only, loopback by default; the reviewers'
    file, when given, is the one database written to (by the reviews plugin alone)."""
    args = [sys.executable, "-m", "datasette", "serve", str(db), *([str(reviews_db)] if reviews_db else []),
            "--host", host, "--port", str(port),
            "--metadata", str(metadata_file), "--template-dir", str(TEMPLATES), "--plugins-dir", str(PLUGINS),
            "--static", f"{STATIC_MOUNT}:{STATIC}"]
    for key, value in SETTINGS.items():
        args += ["--setting", key, str(value)]
    return args


class PortUnavailable(Exception):
    """The address to serve on cannot be listened on (in use, not allowed, no such interface)."""


def ensure_port_free(host: str, port: int) -> None:
    """Raise PortUnavailable unless a server could listen on host:port now: bound as uvicorn binds
    (SO_REUSEADDR, so a port left in TIME_WAIT counts as free), then released."""
    other = port + 1 if port < 65535 else 8001
    fix = f"serve on another: claims-pipeline serve --port {other}, or make serve PORT={other}"
    check_host = "check --host (127.0.0.1 serves this machine)"
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError, OverflowError) as exc:
        raise PortUnavailable(f"cannot listen on {host}:{port} ({exc}); {check_host}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortUnavailable(f"port {port} on {host} is in use (another server is listening on it); "
                                      f"{fix}") from None
            if exc.errno == errno.EACCES:
                raise PortUnavailable(f"port {port} on {host} is not allowed for this user "
                                      f"(ports below 1024 need root); {fix}") from None
            if exc.errno == errno.EADDRNOTAVAIL:
                raise PortUnavailable(f"cannot listen on {host}:{port} ({exc.strerror}: not an address "
                                      f"of this machine); {check_host}") from None
            raise PortUnavailable(f"cannot listen on {host}:{port} ({exc.strerror or exc}); {fix}") from None


def run(db: pathlib.Path, host: str = "127.0.0.1", port: int = 8001, reviews_db: pathlib.Path | None = None,
        remote_reviews: bool = False, raw_dir: pathlib.Path = DEFAULT_RAW) -> int:
    """Serve db until interrupted (Ctrl-C or SIGTERM); returns datasette's exit code. Checks first
    that db is a readable database (store.check.UnreadableDatabase) and that the port is free
    (PortUnavailable), so either is one line, not datasette's traceback. Verdicts go to reviews_db
    (default: reviews.db beside db), created when missing. The source files are served from raw_dir
    (the folder the build read), each only while its sha256 is the database's."""
    ensure_readable(db)
    ensure_port_free(host, port)
    reviews_db = reviews.ensure_reviews_db(reviews_db or reviews.reviews_path_for(db))
    if database_name(reviews_db) == database_name(db):
        raise PortUnavailable(f"the reviews file {reviews_db} would be served under the database's own name; "
                              f"give --reviews another file name")
    with tempfile.TemporaryDirectory(prefix="claims-serve-") as tmp:
        metadata_file = pathlib.Path(tmp) / "metadata.json"
        metadata = build_metadata(db, reviews_db=reviews_db, remote_reviews=remote_reviews, raw_dir=raw_dir)
        metadata_file.write_text(json.dumps(metadata, ensure_ascii=False, indent=1), encoding="utf-8")
        child = subprocess.Popen(datasette_args(db, metadata_file, host, port, reviews_db))
        signal.signal(signal.SIGTERM, lambda *_: child.terminate())
        try:
            return child.wait()
        except KeyboardInterrupt:  # the terminal sent SIGINT to datasette too; let it finish
            return child.wait()

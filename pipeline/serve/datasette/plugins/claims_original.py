"""Datasette plugin: the source files of a claims database, read-only, and its PDFs' pages as pictures.

A thin skin over pipeline.serve.datasette.originals (which file, checked against its sha256),
page_images (boxes, pictures, cache) and original_pages (what the pages show). Routes:
- /-/original/<database>/<document id>: the file as the build read it (409 when it changed since,
  410 when it is gone, 404 for an id not in the database);
- /-/page-image/<database>/<document id>/<page>.png?dpi=48|96|144: a PDF page, plain (cached);
- /-/page/<database>/<document id>/<page>?start=&end=: the page with the span's words boxed.
Configured by `claims-pipeline serve` in the metadata's plugins section:
{"claims-original": {"raw_dir": ..., "cache_dir": ...}}; without it, ./raw and page-images/ beside
each database.
"""
from __future__ import annotations

import asyncio
import pathlib
import sqlite3

from datasette import hookimpl
from datasette.utils import tilde_decode, urlsafe_components
from datasette.utils.asgi import BadRequest, NotFound, Response

from pipeline.serve.datasette import STATIC_MOUNT
from pipeline.serve.datasette.original_pages import Links, Services, claim_original, document_original, page_view
from pipeline.serve.datasette.originals import OriginalUnavailable, find_original, read_original
from pipeline.serve.datasette.page_images import PAGE_DPI, PageImages

PLUGIN = "claims-original"
CACHE_FOLDER = "page-images"


def _services(datasette, db) -> Services:
    config = datasette.plugin_config(PLUGIN) or {}
    cache = config.get("cache_dir") or (pathlib.Path(db.path).parent / CACHE_FOLDER if db.path else CACHE_FOLDER)
    return Services(pathlib.Path(config.get("raw_dir") or "raw").resolve(), PageImages(pathlib.Path(cache)))


def _database(datasette, route: str):
    try:
        db = datasette.get_database(route=tilde_decode(route))
    except KeyError:
        raise NotFound(f"No database {route} is served")
    if db.name == "_internal" or not db.path:
        raise NotFound(f"No database {route} is served")
    return db


def _links(datasette, db) -> Links:
    return Links(datasette.urls.path, lambda table, pk: datasette.urls.row(db.name, table, pk), db.route)


async def _run(db, fn):
    """fn(conn) on Datasette's read connection; a database without the tables read is a 404."""
    try:
        return await db.execute_fn(fn)
    except sqlite3.OperationalError as exc:
        raise NotFound(f"Not a claims database with documents: {exc}")


async def _problem(datasette, request, exc: OriginalUnavailable):
    """A page saying what is wrong with the original (404s are Datasette's own error page)."""
    if exc.status == 404:
        raise NotFound(str(exc))
    title = {409: "The file changed since the build", 410: "The file is gone"}.get(exc.status, "Original unavailable")
    body = await datasette.render_template("error.html", {"ok": False, "error": str(exc), "status": exc.status,
                                                           "title": title}, request=request)
    return Response.html(body, status=exc.status)


async def serve_original(datasette, request):
    db = _database(datasette, request.url_vars["database"])
    services, document_id = _services(datasette, db), request.url_vars["id"]
    try:
        original = await _run(db, lambda conn: find_original(conn, services.raw_dir, document_id))
        data = await asyncio.to_thread(read_original, original)
    except OriginalUnavailable as exc:
        return await _problem(datasette, request, exc)
    return Response(data, status=200, headers=original.headers(), content_type=original.content_type)


async def serve_page_image(datasette, request):
    db = _database(datasette, request.url_vars["database"])
    services, document_id = _services(datasette, db), request.url_vars["id"]
    dpi = _integer(request.args.get("dpi", str(PAGE_DPI)), "dpi")
    try:
        original = await _run(db, lambda conn: find_original(conn, services.raw_dir, document_id))
        png, _ = await asyncio.to_thread(services.images.ensure_picture, original, int(request.url_vars["page"]), dpi,
                                         lambda: read_original(original))
    except OriginalUnavailable as exc:
        return await _problem(datasette, request, exc)
    return Response(png, status=200, content_type="image/png",
                    headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=3600"})


async def serve_page(datasette, request):
    db = _database(datasette, request.url_vars["database"])
    services, links, document_id = _services(datasette, db), _links(datasette, db), request.url_vars["id"]
    start, end = (request.args.get(name) for name in ("start", "end"))
    if (start is None) != (end is None):
        raise BadRequest("Give both start and end (character offsets of the span to box), or neither")
    start, end = (None, None) if start is None else (_integer(start, "start"), _integer(end, "end"))
    if start is not None and not 0 <= start <= end:
        raise BadRequest(f"start and end must be offsets with 0 <= start <= end, not {start} and {end}")
    try:
        view = await _run(db, lambda conn: page_view(conn, services, links, document_id,
                                                     int(request.url_vars["page"]), start, end))
    except OriginalUnavailable as exc:
        return await _problem(datasette, request, exc)
    body = await datasette.render_template("claims_page_view.html", {"view": view, "database": db.name},
                                           request=request, view_name="page")
    return Response.html(body)


def _integer(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise BadRequest(f"{name} must be a whole number, not {value!r}")


@hookimpl
def register_routes(datasette):
    where = r"(?P<database>[^/]+)/(?P<id>[0-9A-Za-z]+)"
    return [(rf"^/-/original/{where}$", serve_original),
            (rf"^/-/page-image/{where}/(?P<page>[0-9]{{1,6}})\.png$", serve_page_image),
            (rf"^/-/page/{where}/(?P<page>[0-9]{{1,6}})$", serve_page)]


@hookimpl
def extra_template_vars(view_name, database, table, request, datasette):
    """`original` on claim and document pages: the link to the file, the claim's page thumbnail."""
    if view_name != "row" or table not in ("claims", "documents") or request is None:
        return {}

    async def original_vars():
        pks = urlsafe_components(request.url_vars["pks"])
        db = datasette.get_database(database)
        if len(pks) != 1 or not db.path:
            return {}
        services, links = _services(datasette, db), _links(datasette, db)
        read = claim_original if table == "claims" else document_original
        try:
            return {"original": await db.execute_fn(lambda conn: read(conn, services, links, pks[0]))}
        except (OriginalUnavailable, sqlite3.OperationalError):  # no such row, or not a claims database
            return {}

    return original_vars


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.path(f"/{STATIC_MOUNT}/original.css")]

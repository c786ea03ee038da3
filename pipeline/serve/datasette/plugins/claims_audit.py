"""Datasette plugin: the claim page, the document page and links between rows of a claims database.

Loaded with `datasette --plugins-dir pipeline/serve/datasette/plugins` (claims-pipeline serve does this). A thin
skin: what the pages show is read by pipeline.datasette.pages; HTML built from document text is built
(escaped) by pipeline.datasette.spans. Databases without the claims tables are left alone.
"""
from __future__ import annotations

import re

import datasette.handle_exception as default_exception_handler
from datasette import hookimpl
from datasette.utils import tilde_decode, tilde_encode, urlsafe_components
from datasette.utils.asgi import NotFound, Response
from datasette.views.row import RowView
from markupsafe import Markup

from pipeline.serve.datasette import STATIC_MOUNT, entity_page, pages
from pipeline.serve.datasette.per_build import per_build
from pipeline.serve.datasette.spans import escape_text, neutralise_bidi

# Datasette 0.65 prints every exception it handles with `rich` when rich is installed (typer, which
# spaCy needs, brings it): half a screen of traceback and locals for each 404, and for a URL no route
# matches, rich raises "Value for 'trace' required if not called in except: block", which turns the
# 404 into a 500. Without rich the handler prints nothing for a 4xx and a plain traceback for a 500.
if getattr(default_exception_handler, "rich", None) is not None:
    default_exception_handler.rich = None

# In query results, a column with one of these names holds the id of a row of that table: link it
LINKED_COLUMNS = {"claim_id": "claims", "document_id": "documents", "entity_id": "entities", "fact_id": "facts",
                  "note_id": "notes", "sentence_id": "sentences", "paragraph_id": "paragraphs",
                  "money_id": "money", "date_id": "dates"}
# Columns holding an entity's canonical name: in query results (table None) and in these tables
NAME_COLUMNS = {None: {"entity", "actor", "speaker"}, "claims": {"speaker"}}
# Row pages that get an audit panel: table -> (template variable, function reading what it shows)
PAGES = {"claims": ("claim_page", pages.claim_page), "documents": ("document_page", pages.document_page),
         "facts": ("fact_page", pages.fact_page), "entities": ("entity_page", entity_page.entity_page)}

_is_claims_db: dict[tuple, bool] = {}  # (name, file) -> has the claims tables


async def _claims_db(datasette, database) -> bool:
    key = (database, datasette.get_database(database).path)
    if key not in _is_claims_db:
        _is_claims_db[key] = await pages.is_claims_database(datasette, database)
    return _is_claims_db[key]


async def _entity_id(datasette, database, name: str):
    """The id of the entity with this canonical name in a claims database, else None."""
    if not await _claims_db(datasette, database):
        return None
    db = datasette.get_database(database)

    async def entity_ids():
        return dict((await db.execute("select name, id from entities")).rows)
    return (await per_build(db, "entity ids", entity_ids)).get(name)


@hookimpl
def extra_template_vars(view_name, database, table, request, datasette):
    if view_name != "row" or table not in PAGES or request is None:
        return {}

    async def page_vars():
        if not await _claims_db(datasette, database):
            return {}
        pks = urlsafe_components(request.url_vars["pks"])
        if len(pks) != 1:
            return {}
        name, read = PAGES[table]
        if table == "entities":  # ?all=<list> shows one of its lists in full
            return {name: await read(datasette, database, pks[0], request.args.get("all"))}
        return {name: await read(datasette, database, pks[0])}

    return page_vars


@hookimpl
def prepare_jinja2_environment(env):
    """Every value a page prints, in Datasette's templates and the project's, has its bidi controls
    shown as markers, not applied (cells, facets, titles, attributes); `|bidi` in a template gives
    text markers with a title saying what each is."""
    previous = env.finalize

    def finalize(value):
        return neutralise_bidi(previous(value) if previous else value)

    env.finalize = finalize
    env.filters["bidi"] = escape_text


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if table == "documents" and column == "text":
        return pages.text_preview(value)
    if table == "claims" and column == "text" and value is not None and "id" in row.keys():
        return Markup('<a class="claim-link" href="{}">{}</a>').format(
            datasette.urls.row(database, "claims", row["id"]), escape_text(value))
    if table == "entities" and column == "name" and value is not None and "id" in row.keys():
        return Markup('<a class="entity-link" href="{}">{}</a>').format(
            datasette.urls.row(database, "entities", row["id"]), escape_text(value))
    if column in NAME_COLUMNS.get(table, ()) and isinstance(value, str) and value:
        async def entity_link():
            entity_id = await _entity_id(datasette, database, value)
            if entity_id is None:
                return None
            return Markup('<a class="entity-link" href="{}">{}</a>').format(
                datasette.urls.row(database, "entities", entity_id), escape_text(value))
        return entity_link
    if table is None and isinstance(value, (str, int)) and not isinstance(value, bool):
        target = LINKED_COLUMNS.get(column)
        if column == "row_id" and "row_table" in row.keys():
            target = row["row_table"]
        if target:
            async def link():
                if not await _claims_db(datasette, database):
                    return None
                return Markup('<a href="{}">{}</a>').format(datasette.urls.row(database, target, value), value)
            return link
    return None


async def claim_redirect(datasette, request):
    """/-/claim/ID: the claim's page in the served claims database (charts link here)."""
    for name in datasette.databases:
        if name != "_internal" and await _claims_db(datasette, name):
            return Response.redirect(datasette.urls.row(name, "claims", request.url_vars["id"]))
    raise NotFound("No claims database is being served")


async def row_page(datasette, request, send):
    """Datasette's row page, but a 404 for a table the database does not have: Datasette answers
    /db/sqlite_master/1 with a 500 (KeyError) and /db/nosuch/1 with a 400."""
    db = datasette.get_database(route=tilde_decode(request.url_vars["database"]))  # the route names it
    table = tilde_decode(request.url_vars["table"])
    if not (await db.table_exists(table) or table in await db.view_names()):
        raise NotFound(f"Table not found: {table}")
    return await RowView.as_view(datasette)(request, send)


@hookimpl
def register_routes(datasette):
    # Datasette's row route, for the databases served only (so /-/static/... and the like stay theirs)
    routes = [(r"^/-/claim/(?P<id>[0-9A-Za-z]+)$", claim_redirect)]
    served = "|".join(re.escape(tilde_encode(db.route)) for db in datasette.databases.values())
    if served:
        routes.append((rf"^/(?P<database>{served})/(?P<table>[^/]+?)/(?P<pks>[^/]+?)(\.(?P<format>\w+))?$", row_page))
    return routes


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.path(f"/{STATIC_MOUNT}/audit.css")]

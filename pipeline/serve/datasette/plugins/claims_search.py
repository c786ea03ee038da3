"""Datasette plugin: one search across the claims database served, at /-/search?q=...

A thin skin over pipeline.serve.datasette.search: it finds the claims database, runs the search
and renders search.html. A query the search cannot read is answered with the page and a message
saying why (status 400), never a server error.
"""
from __future__ import annotations

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

from pipeline.serve.datasette import pages, search

# Longest query read: a search box, not a document
MAX_QUERY = 500


async def _claims_database(datasette) -> str:
    for name in datasette.databases:
        if name != "_internal" and await pages.is_claims_database(datasette, name):
            return name
    raise NotFound("No claims database is being served")


async def search_page(datasette, request):
    """/-/search?q=ROK: claims, entities, sentences, notes and works cited matching q, grouped."""
    database = await _claims_database(datasette)
    query = (request.args.get("q") or "").strip()[:MAX_QUERY]
    context = {"q": query, "database": database, "results": None, "error": None,
               "database_url": datasette.urls.database(database)}
    status = 200
    if query:
        try:
            context["results"] = await search.search(datasette, database, query)
        except search.SearchError as exc:
            context["error"], status = str(exc), 400
    html = await datasette.render_template("search.html", context, request=request, view_name="claims-search")
    return Response.html(html, status=status)


@hookimpl
def register_routes(datasette):
    return [(r"^/-/search$", search_page)]

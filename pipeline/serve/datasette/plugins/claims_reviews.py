"""Datasette plugin: reviewers' verdicts on claims, the build a page is served from, and a server that
follows rebuilds.

A thin skin over pipeline.serve.datasette.reviews (the verdicts file) and .fresh (swapping in a
rebuilt database). Configured by `claims-pipeline serve` in the metadata's plugins section:
{"claims-reviews": {"reviews_path": ..., "claims_database": ..., "remote_reviews": false}}.
Verdicts are written only by POST /-/review/<claim id> (with Datasette's CSRF token), only into
the reviews file, and by default only from this machine (127.0.0.1 / ::1).
"""
from __future__ import annotations

import urllib.parse

from datasette import hookimpl
from datasette.utils.asgi import Forbidden, NotFound, Response

from pipeline.serve.datasette import fresh, reviews

PLUGIN = "claims-reviews"
REVIEWER_COOKIE = "claims_reviewer"
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def _config(datasette) -> dict:
    return datasette.plugin_config(PLUGIN) or {}


def _client_is_local(request) -> bool:
    client = request.scope.get("client") or ("",)
    return client[0] in LOOPBACK


def may_review(datasette, request) -> bool:
    config = _config(datasette)
    return bool(config.get("reviews_path")) and (config.get("remote_reviews") or _client_is_local(request))


@hookimpl
def prepare_connection(conn, database, datasette):
    """The claims database's connections see the verdicts as schema `reviews` (read-only), for
    the canned queries that join them with the claims."""
    config = _config(datasette)
    if database == config.get("claims_database") and config.get("reviews_path"):
        reviews.ensure_reviews_db(config["reviews_path"])  # serve creates it; a file deleted since is made again
        path = urllib.parse.quote(str(config["reviews_path"]))
        conn.execute("attach database ? as reviews", [f"file:{path}?mode=ro"])


async def history(datasette, claim_id: str) -> list[dict]:
    """Every verdict on a claim, newest first."""
    if reviews.REVIEWS_NAME not in datasette.databases:
        return []
    rows = await datasette.get_database(reviews.REVIEWS_NAME).execute(
        "select * from verdicts where claim_id = ? order by id desc", [claim_id])
    return [dict(r) for r in rows]


@hookimpl
def extra_template_vars(view_name, database, table, request, datasette):
    async def template_vars():
        values = {"claims_build": await _build(datasette)}
        if view_name == "row" and table == "claims" and database == _config(datasette).get("claims_database") \
                and request is not None:
            claim_id = urllib.parse.unquote(request.url_vars.get("pks", ""))
            values["review"] = {
                "history": await history(datasette, claim_id),
                "verdicts": reviews.VERDICTS,
                "allowed": may_review(datasette, request),
                "action": datasette.urls.path(f"/-/review/{urllib.parse.quote(claim_id)}"),
                "reviewer": request.cookies.get(REVIEWER_COOKIE) or
                            (reviews.default_reviewer() if _client_is_local(request) else ""),
                "error": request.args.get("review_error"),
                "saved": request.args.get("reviewed"),
                "table_url": datasette.urls.table(reviews.REVIEWS_NAME, "verdicts")
                             if reviews.REVIEWS_NAME in datasette.databases else None,
            }
        return values
    return template_vars


async def _build(datasette) -> dict | None:
    """The build the claims database served comes from: when it finished and its documents."""
    name = _config(datasette).get("claims_database")
    if name not in datasette.databases:
        return None
    try:
        rows = await datasette.get_database(name).execute(
            "select finished, n_documents from runs order by id desc limit 1")
    except Exception:  # not a claims database after all
        return None
    return dict(rows.rows[0]) if rows.rows else None


def _same_site(request) -> bool:
    """The form came from a page of this server. Datasette checks the form's CSRF token against
    its cookie, but lets a request with no cookies through (asgi-csrf: nothing to forge), and a
    browser sends no SameSite=Lax cookie with a cross-site POST: so the cookie must be there, the
    browser's Sec-Fetch-Site, when sent, must say same-origin, and an Origin, when sent (Datasette's
    no-referrer policy makes a browser send `null`), must be this server."""
    if "ds_csrftoken" not in request.cookies:
        return False
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin", "null")
    return origin == "null" or urllib.parse.urlsplit(origin).netloc == request.headers.get("host")


async def post_review(datasette, request):
    """POST /-/review/<claim id>: store a verdict on the claim, then back to its page."""
    if request.method != "POST":
        raise NotFound("Verdicts are sent by the form on a claim's page")
    if not may_review(datasette, request):
        raise Forbidden("Verdicts can be entered only on this machine's server (serve --remote-reviews allows others)")
    if not _same_site(request):
        raise Forbidden("A verdict must be sent from the claim's page on this server: open the claim and send the form again")
    config = _config(datasette)
    claim_id = request.url_vars["id"]
    claims = datasette.get_database(config["claims_database"])
    rows = await claims.execute(reviews.SNAPSHOT_SQL, [claim_id])
    if not rows.rows:
        raise NotFound(f"No claim {claim_id} in the database served")
    claim_url = datasette.urls.row(config["claims_database"], "claims", claim_id)
    form = await request.post_vars()
    try:
        fields = reviews.clean_verdict(form, reviews.default_reviewer() if _client_is_local(request) else "")
    except reviews.InvalidVerdict as exc:
        return Response.redirect(f"{claim_url}?{urllib.parse.urlencode({'review_error': str(exc)})}#review")
    params = reviews.verdict_params(claim_id, fields, dict(rows.rows[0]), config["claims_database"])
    await datasette.get_database(reviews.REVIEWS_NAME).execute_write(reviews.INSERT_SQL, params, block=True)
    response = Response.redirect(f"{claim_url}?reviewed={urllib.parse.quote(fields['verdict'])}#review")
    response.set_cookie(REVIEWER_COOKIE, fields["reviewer"], max_age=365 * 24 * 3600, samesite="lax")
    return response


@hookimpl
def register_routes(datasette):
    return [(r"^/-/review/(?P<id>[0-9A-Za-z]+)$", post_review)]


@hookimpl
def asgi_wrapper(datasette):
    """Before each request, swap in any served database a build has replaced (fresh.py)."""
    def wrap(app):
        async def follow_rebuilds(scope, receive, send):
            if scope.get("type") == "http":
                await fresh.refresh(datasette)
            await app(scope, receive, send)
        return follow_rebuilds
    return wrap


@hookimpl
def startup(datasette):
    fresh.remember(datasette)

"""Datasette plugin: the home page's questions with their counts, money amounts as a reader says them,
and the accessible page frame (lang, <main>, a skip link; pipeline.serve.datasette.frame).

A thin skin over pipeline.serve.datasette.questions (what the home page lists, counted when it is
asked for) and .amounts (`$52 billion` from money.amount and money.currency).
"""
from __future__ import annotations

from datasette import hookimpl
from markupsafe import Markup

from pipeline.serve.datasette import frame, pages, questions
from pipeline.serve.datasette.amounts import format_amount, format_exact


async def _claims_database(datasette):
    for name in datasette.databases:
        if name != "_internal" and await pages.is_claims_database(datasette, name):
            return name
    return None


@hookimpl
def extra_template_vars(view_name, request, datasette):
    if view_name != "index":
        return {}

    async def home_vars():
        database = await _claims_database(datasette)
        if database is None:
            return {}
        canned = await datasette.get_canned_queries(database, request.actor if request else None)
        return {"claims_questions": await questions.read_questions(datasette, database, canned),
                "claims_database": database}

    return home_vars


@hookimpl
def prepare_jinja2_environment(env):
    frame.ensure_edited_frame(env)
    env.filters["amount"] = format_amount


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """An amount of money beside its currency (the money table, canned queries): `$52 billion`, with
    every digit in its title."""
    if column != "amount" or table not in (None, "money") or not isinstance(value, (int, float)) \
            or isinstance(value, bool) or "currency" not in row.keys():
        return None
    currency = row["currency"]
    return Markup('<span class="amount" title="{}">{}</span>').format(format_exact(value, currency),
                                                                      format_amount(value, currency))

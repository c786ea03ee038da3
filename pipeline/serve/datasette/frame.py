"""Datasette's page frame made accessible: lang, a <main> landmark, a skip link, labels on the table
filters, headings in order, and a block for the row page's heading, as small edits applied to Datasette's own templates
when they are loaded.

Datasette 0.65 writes `<html>`, `<section class="content">` and the row page's `<h1>` outside any
block, so no template of ours can extend them; copying its templates would fork them. Instead the
Jinja loader is wrapped: each edit names the text it replaces, and a Datasette whose templates no
longer hold that text fails loudly at the first page (FrameEditMissing), never silently unedited.
"""
from __future__ import annotations

import pathlib

import jinja2

# Datasette's template -> [(text it holds, what it becomes)]
EDITS = {
    "base.html": [
        ("<html>", '<html lang="en">'),
        ('<body class="{% block body_class %}{% endblock %}">',
         '<body class="{% block body_class %}{% endblock %}">\n'
         '<a class="skip-link" href="#main">Skip to the content</a>'),
        ('<section class="content">', '<main id="main" class="content" tabindex="-1">'),
        ("</section>\n</div>\n<footer", "</main>\n</div>\n<footer"),
    ],
    # headings one level under the page's <h1> (an <h3> there skips a level), looking as they did
    "query.html": [
        ("<h3>Custom SQL query", '<h2 class="header3">Custom SQL query'),
        ("{% endif %}</h3>", "{% endif %}</h2>"),
    ],
    # the filter row's controls have no label; the row count is a heading one level under the <h1>
    "table.html": [
        ("    <h3>{% if filtered_table_rows_count", '    <h2 class="header3">{% if filtered_table_rows_count'),
        ("{% if human_description_en %}{{ human_description_en }}{% endif %}\n    </h3>",
         "{% if human_description_en %}{{ human_description_en }}{% endif %}\n    </h2>"),
        ('<select name="_filter_column_{{ loop.index }}">', '<select name="_filter_column_{{ loop.index }}" aria-label="Column to filter">'),
        ('<select name="_filter_op_{{ loop.index }}">', '<select name="_filter_op_{{ loop.index }}" aria-label="How to compare">'),
        ('name="_filter_value_{{ loop.index }}" class="filter-value"', 'name="_filter_value_{{ loop.index }}" class="filter-value" aria-label="Value to compare with"'),
        ('<select name="_filter_column">', '<select name="_filter_column" aria-label="Column to filter">'),
        ('<select name="_filter_op">', '<select name="_filter_op" aria-label="How to compare">'),
        ('name="_filter_value" class="filter-value"', 'name="_filter_value" class="filter-value" aria-label="Value to compare with"'),
    ],
    "row.html": [
        ("{{ table }}: {{ ', '.join(primary_key_values) }}",
         "{% block row_heading %}{{ table }}: {{ ', '.join(primary_key_values) }}{% endblock %}"),
    ],
}


class FrameEditMissing(Exception):
    """A template of Datasette no longer holds the text an edit replaces (Datasette was upgraded)."""


def edit_source(name: str, source: str, filename: str = "") -> str:
    """source of Datasette's template `name` with its EDITS applied (unchanged for other templates)."""
    for old, new in EDITS.get(name, ()):
        if old not in source:
            raise FrameEditMissing(f"{filename or name}: Datasette's template no longer contains {old!r}; "
                                   f"update pipeline/serve/datasette/frame.py EDITS for this Datasette version")
        source = source.replace(old, new, 1)
    return source


class EditedDefaults(jinja2.BaseLoader):
    """A loader that gives Datasette's own templates (those in default_dir) with EDITS applied and
    every other template (the project's, plugins') as the wrapped loader gives it."""

    def __init__(self, inner: jinja2.BaseLoader, default_dir: pathlib.Path):
        self.inner, self.default_dir = inner, pathlib.Path(default_dir).resolve()

    def get_source(self, environment, template):
        source, filename, uptodate = self.inner.get_source(environment, template)
        if filename and pathlib.Path(filename).resolve().parent == self.default_dir:
            source = edit_source(pathlib.Path(filename).name, source, filename)
        return source, filename, uptodate

    def list_templates(self):
        return self.inner.list_templates()


def ensure_edited_frame(env: jinja2.Environment) -> None:
    """Wrap env's loader (once) so Datasette's templates are loaded with EDITS."""
    import datasette

    if not isinstance(env.loader, EditedDefaults):
        env.loader = EditedDefaults(env.loader, pathlib.Path(datasette.__file__).parent / "templates")

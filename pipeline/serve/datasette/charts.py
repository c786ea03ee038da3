"""The pictures' charts (datasette-dashboards, vega-lite), completed for the database served.

metadata.yml writes each chart's query and display; serve.py calls prepare_dashboard, which
- draws a chart written as `canned_query: NAME` (plus `where:`) from that canned query's rows, so the
  money chart and the money question share one rule for who the actor is;
- gives a chart written with `time_axis: COLUMN` the columns axis_from and axis_to, the span its time
  axis shows (TIME_AXIS_RULE), which metadata.yml's x encoding reads as the scale's domain;
- puts under each chart a link to its marks as a table (canned query picture_<chart>): Vega's marks take
  clicks but not the keyboard's focus, the table's links take both.
"""
from __future__ import annotations

from datasette.utils import tilde_encode

# How far past the quartiles the axis reaches, in interquartile ranges (Tukey's fences), and the margin
# beyond (days): most dates are shown spread out, the rare far ones are a drag or a scroll away
FENCE_IQR = 1.5
MARGIN_DAYS = 120
TIME_AXIS_RULE = (f"the axis spans the dates between the quartiles widened by {FENCE_IQR} times their distance "
                  "(never past the first and last date), so a stray far date does not squeeze the rest")


def time_axis_sql(query: str, column: str) -> str:
    """query's rows with axis_from and axis_to (ISO dates): the span of `column` (ISO dates) the time
    axis shows, by TIME_AXIS_RULE; rows whose date SQLite cannot read are kept and not counted."""
    return f"""with marks as (
{query}
),
ranked as (
  select julianday({column}) as jd, row_number() over (order by julianday({column})) - 1 as i, count(*) over () as n
  from marks where julianday({column}) is not null),
quartiles as (
  select (select jd from ranked where i = cast(0.25 * (n - 1) as int)) as q1,
    (select jd from ranked where i = cast(0.75 * (n - 1) as int)) as q3,
    (select min(jd) from ranked) as first, (select max(jd) from ranked) as last
  from ranked limit 1),
axis as (
  select date(max(first, q1 - {FENCE_IQR} * (q3 - q1)) - {MARGIN_DAYS}) as axis_from,
    date(min(last, q3 + {FENCE_IQR} * (q3 - q1)) + {MARGIN_DAYS}) as axis_to
  from quartiles)
select marks.*, axis.axis_from, axis.axis_to from marks left join axis on 1
order by marks.{column}"""


def prepare_dashboard(dashboard: dict, name: str, canned: dict) -> None:
    """Complete the dashboard's charts for the database `name` whose canned queries are `canned`
    (name -> {sql, ...}; the charts' tables are added to it)."""
    for chart in dashboard.get("charts", {}).values():
        chart["db"] = name
        _from_canned_query(chart, canned)
        column = chart.pop("time_axis", None)
        if column and "query" in chart:
            chart["query"] = time_axis_sql(chart["query"], column)
    if canned:
        _chart_tables(dashboard, name, canned)


def _from_canned_query(chart: dict, canned: dict) -> None:
    """A chart written as `canned_query: NAME` plus `where:` draws that query's rows; without the
    query (a database that is not a claims database), the chart is left empty."""
    query = chart.pop("canned_query", None)
    where = chart.pop("where", None)
    if query is None:
        return
    sql = canned[query]["sql"] if query in canned else "select null where 0"
    chart["query"] = f"select * from (\n{sql}\n)" + (f" where {where}" if where and query in canned else "")


def _chart_tables(dashboard: dict, name: str, canned: dict) -> None:
    layout = []
    for row in dashboard.get("layout", [[slug] for slug in dashboard.get("charts", {})]):
        layout.append(row)
        tables = []
        for slug in row:
            chart = dashboard["charts"].get(slug, {})
            if chart.get("library") not in ("vega", "vega-lite") or "query" not in chart:
                continue
            canned[f"picture_{slug}"] = {
                "title": f"The marks of the chart: {chart.get('title', slug)}", "sql": chart["query"], "hide_sql": True,
                "description": "One row per mark of the chart on the Pictures page; the ids link to their rows."}
            tables.append(f"{slug}_table")
            dashboard["charts"][f"{slug}_table"] = {
                "library": "markdown", "db": name,
                "display": f"[The marks of this chart as a table](/{tilde_encode(name)}/picture_{slug}) "
                           "(keyboard and screen readers: every mark, with links to its claim)"}
        if tables:
            layout.append(tables)
    dashboard["layout"] = layout

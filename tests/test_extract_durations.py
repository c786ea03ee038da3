"""Durations, table-driven: text -> (span, ISO 8601 duration, approximate); they are never dates."""
import pytest

from pipeline.extract.dates import parse_date
from pipeline.extract.durations import is_duration, iter_durations


@pytest.mark.parametrize("text,expected", [
    # counts and units, in words and digits; the span keeps modifiers, not prepositions
    ("The plan will cost $2 billion over the next five years.", [("the next five years", "P5Y", False)]),
    ("The company unveiled a 10-year plan for its mills.", [("10-year", "P10Y", False)]),
    ("In the last twenty four hours, the currency lost a fifth of its value.",
     [("the last twenty four hours", "PT24H", False)]),
    ("Profit rose in the first nine months of 1997.", [("the first nine months", "P9M", False)]),
    ("Wages stagnated over the past decade.", [("the past decade", "P10Y", False)]),
    ("He served a six-year term.", [("six-year term", "P6Y", False)]),
    ("The program runs for a three-year period.", [("three-year period", "P3Y", False)]),
    # a length that modifies a noun leaves the noun's determiner out; one that is the noun keeps it
    ("The stock hit its 52-week high.", [("52-week", "P52W", False)]),
    ("Delegates left the two day meeting.", [("two day", "P2D", False)]),
    ("Delegates left after the two days.", [("the two days", "P2D", False)]),
    ("The rebels held the town for a year.", [("a year", "P1Y", False)]),
    ("Talks lasted 16 hours.", [("16 hours", "PT16H", False)]),
    ("The flight took 5 1/2 hours.", [("5 1/2 hours", "PT5H30M", False)]),
    ("The strike lasted a year and a half.", [("a year and a half", "P1Y6M", False)]),
    ("The speech ran a minute and a half.", [("a minute and a half", "PT1M30S", False)]),
    ("The disasters of this century shaped the alliance.", [("this century", "P100Y", False)]),
    ("Shares traded for eight trading days.", [("eight trading days", "P8D", False)]),
    ("For the year ended Sept. 30, Ralston earned $422.5 million.", [("the year", "P1Y", False)]),
    # approximate: a modifier, a range, `or so`, an open count (TimeML's X)
    ("The rebels held the town for nearly three years.", [("nearly three years", "P3Y", True)]),
    ("The review will take two to three weeks.", [("two to three weeks", "P2W", True)]),
    ("The mine will close over the next year or so.", [("the next year or so", "P1Y", True)]),
    ("Prices have risen for several years.", [("several years", "PXY", True)]),
    ("Sales slowed in recent months.", [("recent months", "PXM", True)]),
    ("Talks will resume in the weeks ahead.", [("the weeks ahead", "PXW", True)]),
    ("The feud is decades-long.", [("decades-long", "PXY", True)]),
    ("The banks must wait at least 30 days before closing.", [("at least 30 days", "P30D", True)]),
    # a length told with its signal is still a length
    ("Three days later, the index was down 6%.", [("Three days", "P3D", False)]),
    # not durations: offsets that name a date, frequencies, rates, ages, fractions, ordinals
    ("The treaty was signed two years ago.", []),
    ("Net income fell from a year earlier.", []),
    ("The board meets twice a year.", []),
    ("The elections are held every four years.", []),
    ("The fund pays $5 million a year.", []),
    ("The 6-year-old boy was found at sea.", []),
    ("The mayor, 52 years old, resigned.", []),
    ("About three-quarters of the members voted.", []),
    ("A second explosion followed.", []),
    ("Next year the law takes effect.", []),
    # a plural noun before `a week` makes a rate; `will one day` is someday
    ("The airline flies four flights a week to Perth.", []),
    ("Police do dozens of interviews a day.", []),
    ("The deal will one day be worth more.", []),
    ("The inquiry will finish within a week.", [("a week", "P1W", False)]),
    ("The strike lasted one day.", [("one day", "P1D", False)]),
    # `these days`, `those days` say now and then; a capitalised unit after digits is a title
    ("Few people write letters these days.", []),
    ("In those days the mill employed 900 people.", []),
    ("She told 60 Minutes she would run.", []),
    ("The board met for 60 minutes.", [("60 minutes", "PT60M", False)]),
    ("The year was a hard one.", []),
])
def test_durations(text, expected):
    found = [(text[s:e], v.value, v.approximate) for s, e, v in iter_durations(text, [])]
    assert found == expected


def test_a_span_already_a_date_is_not_a_duration_too():
    text = "Sales in the first quarter of 1990 rose."
    start = text.index("the first quarter of 1990")
    assert list(iter_durations(text, [(start, start + len("the first quarter of 1990"))])) == []


@pytest.mark.parametrize("text", [
    "at least 30 days", "the last twenty four hours", "nearly three years", "a 10-year", "this century",
    "the next five years", "several months",
])
def test_a_duration_is_never_a_date(text):
    assert is_duration(text)
    assert parse_date(text, "1998-02-11", None) is None


def _result(nlp, text: str, published: str = "February 11, 1998"):
    from pipeline.build import run as build
    from pipeline.types import Page, RawDocument

    raw = RawDocument("raw/story.txt", "0" * 64, "txt", [Page(1, f"Published: {published}\n\n{text}")])
    return build.process_document(raw, nlp)


def test_durations_come_out_of_the_pipeline_beside_the_dates(nlp):
    result = _result(nlp, "The ministry said Tuesday that the dam will take about four years to build. "
                          "Work began in March, and the first phase lasted six months.")
    assert {d.text: d.value for d in result.dates} == {"Tuesday": "1998-02-10", "March": "1997-03"}
    assert [(d.text, d.value, d.approximate) for d in result.durations] == [
        ("about four years", "P4Y", True), ("six months", "P6M", False)]
    assert all(result.sentences[d.sentence].start <= d.start < d.end <= result.sentences[d.sentence].end
               for d in result.durations)


def test_a_money_figure_refers_to_the_duration_its_period_names(nlp):
    result = _result(nlp, "The government will spend $1.2 billion over the next five years on the programme.")
    (figure,) = result.money
    assert figure.period == "the next five years"
    assert result.durations[figure.duration].text == "the next five years"
    assert result.durations[figure.duration].value == "P5Y"


@pytest.mark.parametrize("text,dates,found", [
    # a stretch of the year is a duration, and the year it is part of a date
    ("Revenue fell 4% in the first nine months of the year.", {"the year": "1998"}, [("the first nine months", "P9M")]),
    ("Profit rose in the first six months of 1997.", {"1997": "1997"}, [("the first six months", "P6M")]),
    # a day-long meeting is a length, as a two-day one is
    ("Officials emerged from their third day-long meeting.", {}, [("day-long", "P1D")]),
    ("The miners ended a year-long strike.", {}, [("year-long", "P1Y")]),
    # a length from a date is the length and the date it starts on (dateparser read the whole as some other year)
    ("The programme will run for three years from 2024.", {"2024": "2024"}, [("three years", "P3Y")]),
    # a stretch up to a date: the length and the date it ends on
    ("The company posted a loss for the three months to September.", {"September": "1997-09"},
     [("the three months", "P3M")]),
    # half a unit is half of it
    ("The treaty lasted half a century.", {}, [("half a century", "P50Y")]),
    ("The meeting took half an hour.", {}, [("half an hour", "PT30M")]),
])
def test_a_stretch_is_a_duration_and_its_year_a_date(nlp, text, dates, found):
    result = _result(nlp, text)
    assert {d.text: d.value for d in result.dates} == dates
    assert [(d.text, d.value) for d in result.durations] == found

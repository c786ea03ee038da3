"""Date normalisation, table-driven: text (+ the document's date) -> ISO 8601 value at its own precision.

Expected rows are (value, granularity, is_relative, value_end, fuzzy).
"""
import pytest

from pipeline.extract.date_spans import is_not_a_date_here, iter_rule_dates, trim_span
from pipeline.extract.dates import parse_date, signal_before

PUB = "2019-12-20"  # a Friday: the publication date documents give as their anchor


@pytest.mark.parametrize("text,anchor,expected", [
    # explicit dates at the precision written
    ("December 2019", None, ("2019-12", "month", False, None, None)),
    ("Dec. 2019", None, ("2019-12", "month", False, None, None)),
    ("December of 2019", None, ("2019-12", "month", False, None, None)),
    ("December 19, 2019", None, ("2019-12-19", "day", False, None, None)),
    ("December 19th, 2019", None, ("2019-12-19", "day", False, None, None)),
    ("19 December 2019", None, ("2019-12-19", "day", False, None, None)),
    ("19 Dec. 2019", None, ("2019-12-19", "day", False, None, None)),
    ("3rd July 2024", None, ("2024-07-03", "day", False, None, None)),
    ("Thursday, December 19, 2019", None, ("2019-12-19", "day", False, None, None)),
    ("2019-12-19", None, ("2019-12-19", "day", False, None, None)),
    ("12/19/2019", None, ("2019-12-19", "day", False, None, None)),
    ("2022", None, ("2022", "year", False, None, None)),
    ("the year 2020", None, ("2020", "year", False, None, None)),
    ("in 2018", None, ("2018", "year", False, None, None)),
    ("1953", None, ("1953", "year", False, None, None)),
    ("Sept. 2022", None, ("2022-09", "month", False, None, None)),
    # ranges: value is the start, value_end the end
    ("2014–2017", None, ("2014", "year", False, "2017", None)),
    ("2014-17", None, ("2014", "year", False, "2017", None)),
    ("from 2021 to 2023", None, ("2021", "year", False, "2023", None)),
    ("between 2021 and 2023", None, ("2021", "year", False, "2023", None)),
    ("2021 through 2023", None, ("2021", "year", False, "2023", None)),
    ("June–August 2023", None, ("2023-06", "month", False, "2023-08", None)),
    ("April–June 2009", None, ("2009-04", "month", False, "2009-06", None)),
    ("19–21 December 2019", None, ("2019-12-19", "day", False, "2019-12-21", None)),
    ("3 to 14 April", PUB, ("2019-04-03", "day", True, "2019-04-14", None)),
    ("December 19–21, 2019", None, ("2019-12-19", "day", False, "2019-12-21", None)),
    ("December 2019 to March 2020", None, ("2019-12", "month", False, "2020-03", None)),
    ("the 1980s through the mid-2010s", None, ("198", "decade", False, "201", "mid")),
    # fuzzy and bounded: the year stays, the fuzziness is noted
    ("late 2025", None, ("2025", "year", False, None, "late")),
    ("early 2024", None, ("2024", "year", False, None, "early")),
    ("mid-2022", None, ("2022", "year", False, None, "mid")),
    ("around 2039", None, ("2039", "year", False, None, "around")),
    ("by around 2039", None, ("2039", "year", False, None, "by around")),
    ("by 2035", None, ("2035", "year", False, None, "by")),
    ("since 2007", None, ("2007", "year", False, None, "since")),
    ("until around 2014–2017", None, ("2014", "year", False, "2017", "until around")),
    ("circa 1990", None, ("1990", "year", False, None, "circa")),
    ("c. 1990", None, ("1990", "year", False, None, "circa")),
    ("the end of 2023", None, ("2023", "year", False, None, "end of")),
    ("summer 2021", None, ("2021", "season", False, None, "summer")),
    ("late December 2019", None, ("2019-12", "month", False, None, "late")),
    ("late-2025", None, ("2025", "year", False, None, "late")),
    ("post-1959", None, ("1959", "year", False, None, "after")),
    ("pre-1990", None, ("1990", "year", False, None, "before")),
    ("the spring of 2021", None, ("2021", "season", False, None, "spring")),
    ("the week of March 4, 2020", None, ("2020-W10", "week", False, None, None)),  # the week that day is in
    ("by the week of March 4, 2020", None, ("2020-W10", "week", False, None, "by")),
    ("2019–present", None, ("2019", "year", False, None, "to present")),
    ("the 2023–24 academic year", None, ("2023", "year", False, "2024", "academic year")),
    ("2023/24", None, ("2023", "year", False, "2024", None)),
    ("the 19th of December 2019", None, ("2019-12-19", "day", False, None, None)),
    ("2019/12/19", None, ("2019-12-19", "day", False, None, None)),
    ("mid-December", None, (None, None, True, None, "mid")),
    ("late last year", "2023", ("2022", "year", True, None, "late")),
    # decades (ISO 8601-2: the first three digits) and centuries (the first two)
    ("the 2010s", None, ("201", "decade", False, None, None)),
    ("2010s", None, ("201", "decade", False, None, None)),
    ("the mid-2010s", None, ("201", "decade", False, None, "mid")),
    ("the late 1970s", None, ("197", "decade", False, None, "late")),
    ("early 1990s", None, ("199", "decade", False, None, "early")),
    ("the ’90s", None, ("199", "decade", False, None, None)),
    ("the 21st century", None, ("20", "century", False, None, None)),
    ("the twentieth century", None, ("19", "century", False, None, None)),
    # fiscal years, quarters and halves
    ("FY2023", None, ("2023", "year", False, None, "fiscal year")),
    ("fiscal year 2024", None, ("2024", "year", False, None, "fiscal year")),
    ("Q3 2022", None, ("2022-07", "quarter", False, "2022-09", None)),
    ("the third quarter of 2022", None, ("2022-07", "quarter", False, "2022-09", None)),
    ("the first half of 2023", None, ("2023-01", "half", False, "2023-06", None)),
    ("H2 2023", None, ("2023-07", "half", False, "2023-12", None)),
    # relative: resolved only against the document's own date, never against today
    ("Thursday", None, (None, None, True, None, None)),
    ("Thursday", PUB, ("2019-12-19", "day", True, None, None)),
    ("on Wednesday", PUB, ("2019-12-18", "day", True, None, None)),
    ("In November", None, (None, None, True, None, None)),
    ("In November", PUB, ("2019-11", "month", True, None, None)),
    ("November", "2019-12", ("2019-11", "month", True, None, None)),
    ("in September", PUB, ("2019-09", "month", True, None, None)),
    ("this week", None, (None, None, True, None, None)),
    ("this week", PUB, ("2019-W51", "week", True, None, None)),
    ("last year", None, (None, None, True, None, None)),
    ("last year", "2023", ("2022", "year", True, None, None)),
    ("next year", "2023", ("2024", "year", True, None, None)),
    ("this year", PUB, ("2019", "year", True, None, None)),
    ("earlier this year", PUB, ("2019", "year", True, None, "earlier")),
    ("yesterday", PUB, ("2019-12-19", "day", True, None, None)),
    ("today", None, (None, None, True, None, None)),
    ("today", PUB, ("2019-12-20", "day", True, None, None)),
    ("two weeks ago", PUB, ("2019-W49", "week", True, None, None)),
    ("Monday, December 16", PUB, ("2019-12-16", "day", True, None, None)),
    # a quarter or half of a year named from the document's date; `of the year` is the document's own
    ("the first quarter of the year", PUB, ("2019-01", "quarter", True, "2019-03", None)),
    ("the second half of next year", PUB, ("2020-07", "half", True, "2020-12", None)),
    ("the final quarter of the current year", PUB, ("2019-10", "quarter", True, "2019-12", None)),
    ("the first quarter of the year", None, (None, None, True, None, None)),
    # the end (start) of the month or week is the document's own, as `the end of the year` is
    ("the end of the month", PUB, ("2019-12", "month", True, None, "end of")),
    ("by the end of the week", PUB, ("2019-W51", "week", True, None, "by end of")),
    # quarters and halves with the year first, and alone (the quarter the tense points to)
    ("2022 Q4", PUB, ("2022-10", "quarter", False, "2022-12", None)),
    ("2022-Q3", PUB, ("2022-07", "quarter", False, "2022-09", None)),
    ("2023 H1", PUB, ("2023-01", "half", False, "2023-06", None)),
    ("Q2", PUB, ("2019-04", "quarter", True, "2019-06", None)),
    # fiscal years as reports write them; a fiscal quarter or half is its year, the part noted (its months
    # depend on when the fiscal year starts)
    ("FY2023", PUB, ("2023", "year", False, None, "fiscal year")),
    ("FY 2024-25", PUB, ("2024", "year", False, "2025", "fiscal year")),
    ("fiscal years 2024 through 2028", PUB, ("2024", "year", False, "2028", "fiscal year")),
    ("Q3 FY24", PUB, ("2024", "year", False, None, "fiscal year, Q3")),
    ("the first half of FY2024", PUB, ("2024", "year", False, None, "fiscal year, first half")),
    ("end-2022", PUB, ("2022", "year", False, None, "end of")),
    ("calendar year 2025", PUB, ("2025", "year", False, None, None)),
    # a quarter named by the month it ends in: the latest such quarter, or the year given
    ("the June quarter", PUB, ("2019-04", "quarter", True, "2019-06", None)),
    ("the December 2018 quarter", PUB, ("2018-10", "quarter", False, "2018-12", None)),
    ("the March quarter of 2019", PUB, ("2019-01", "quarter", False, "2019-03", None)),
    ("the September quarter", PUB, ("2019-07", "quarter", True, "2019-09", None)),
    ("the February quarter of 2019", PUB, ("2018-12", "quarter", False, "2019-02", None)),  # across two years
    # a day of the month before it, in words (`the first of April`)
    ("the first of April", PUB, ("2019-04-01", "day", True, None, None)),
    ("the twenty-first of June, 1998", PUB, ("1998-06-21", "day", False, None, None)),
    # `this past` / `this coming` before a weekend
    ("this past weekend", PUB, ("2019-W50-WE", "weekend", True, None, None)),
    ("this coming weekend", PUB, ("2019-W51-WE", "weekend", True, None, None)),
    # this decade is the document's (dateparser read it as the year ten years back); so is the decade's end
    ("this decade", PUB, ("201", "decade", True, None, None)),
    ("the end of the decade", PUB, ("201", "decade", True, None, "end of")),
    ("by the end of this century", PUB, ("20", "century", True, None, "by end of")),
    # a holiday with its year, after a comma
    ("the Fourth of July, 1976", PUB, ("1976-07-04", "day", False, None, None)),
    ("Christmas, 1997", PUB, ("1997-12-25", "day", False, None, None)),
    # an anchor less precise than the expression does not resolve it
    ("Thursday", "2019", (None, None, True, None, None)),
    ("in September", "2023", (None, None, True, None, None)),
    ("this week", "2019-12", (None, None, True, None, None)),
    # the same year / that year point back at another date, not at the publication date
    ("the same year", PUB, (None, None, True, None, None)),
])
def test_parse_date(text, anchor, expected):
    found = parse_date(text, anchor)
    assert found is not None, text
    assert (found.value, found.granularity, found.is_relative, found.value_end, found.fuzzy) == expected


@pytest.mark.parametrize("text,anchor,prefer,expected", [
    ("Thursday", PUB, "future", "2019-12-26"),
    ("In November", "2019-10-02", "future", "2019-11"),
    ("In November", "2019-10-02", "past", "2018-11"),
])
def test_relative_dates_follow_the_tense(text, anchor, prefer, expected):
    assert parse_date(text, anchor, prefer).value == expected


@pytest.mark.parametrize("text", [
    # durations and frequencies are not dates
    "the next decade", "next decade", "the next five years", "over the next five years", "five years",
    "a five-year period", "a six-year term", "recent years", "the coming decades", "decades", "the past decade",
    "two to three years", "20 years", "a year", "several months", "annually", "every year", "each year",
    "quarterly", "the first five years",
    # not dates at all
    "20", "", "   ", "today's", "May-be",
    # an offset of an open count says only `the past`, as `recently` does (TimeML's PAST_REF): not stored
    "months ago", "several years ago", "a few weeks earlier",
    # a stretch `the following` counts, and a year used as a count
    "the following three years", "the previous two months", "1988 quarters",
])
def test_not_dates(text):
    assert parse_date(text) is None, parse_date(text)


@pytest.mark.parametrize("text,span,expected", [
    ("signed in December 2019.", "in December 2019.", "December 2019"),
    ("a computer by around 2039", "by around 2039", "around 2039"),
    ("available since 2007,", "since 2007,", "2007"),
    ("signed on Dec. 19, 2019", "on Dec. 19, 2019", "Dec. 19, 2019"),
    ("ended in Dec.", "Dec.", "Dec."),
    ("during the 1990s", "the 1990s", "the 1990s"),
    ("in the late 1970s", "in the late 1970s", "the late 1970s"),
    ("in the third quarter", "in the third quarter", "the third quarter"),
    ("the Aug. 7, 1998, bombings", "the Aug. 7, 1998", "Aug. 7, 1998"),
    ("shot just last month", "just last month", "last month"),
    ("December 2019’s agreement", "December 2019’s", "December 2019"),
    ("the 1990’s boom", "the 1990’s", "the 1990’s"),
    ("sales in the June quarter", "the June quarter", "the June quarter"),  # `the` of a period is the date's
    # a count before an offset is the count's (`up from seven a year ago`); `two years ago` is one date
    ("up from seven a year ago", "seven a year ago", "a year ago"),
    # a bound of more than a word is a signal too (noted in fuzzy)
    ("could come as early as next week", "as early as next week", "next week"),
    ("no later than Jan. 10", "no later than Jan. 10", "Jan. 10"),
    ("up from 1,250 a year earlier", "1,250 a year earlier", "a year earlier"),
    ("left two years ago", "two years ago", "two years ago"),
])
def test_trim_span(text, span, expected):
    """spaCy's DATE span (`span`) tidied to TimeML's extent: prepositions and signals off, determiners
    and modifiers kept, `the` off before an explicit date, the dot of `Dec.` kept."""
    start = text.index(span)
    s, e = trim_span(text, start, start + len(span))
    assert text[s:e] == expected


@pytest.mark.parametrize("text,span,signal,fuzzy", [
    ("a quantum computer by around 2039", "around 2039", "by", "by around"),
    ("available since 2007", "2007", "since", "since"),
    ("postponed until Tuesday", "Tuesday", "until", "until"),
    ("could come as early as Tuesday", "Tuesday", "as early as", "as early as"),
    ("must be filed no later than Jan. 10", "Jan. 10", "no later than", "no later than"),
    ("extended the offer to Nov. 20", "Nov. 20", "to", None),
    ("signed in December 2019", "December 2019", "in", None),
    ("the reports Wednesday", "Wednesday", None, None),
])
def test_the_signal_before_a_date_is_noted_not_spanned(text, span, signal, fuzzy):
    """The word before a date decides its direction (`until Tuesday` is ahead) and, for a bound, its
    fuzzy note, though the row's text leaves it out."""
    start = text.index(span)
    assert signal_before(text, start) == signal
    assert parse_date(span, "2019-12-20", None, signal_before(text, start)).fuzzy == fuzzy


@pytest.mark.parametrize("text,span,expected", [
    ("a 100-qubit machine over the next decade", "next decade", True),
    ("in the next five years we will", "the next five years", True),
    ("today's internet traffic", "today", True),
    ("in today's world", "today", True),
    # `today's` before what happens or appears on one day is that day
    ("The offer, advertised in today's editions of the Journal, expires.", "today", False),
    ("Tomorrow they count the votes from today's special election.", "today", False),
    ("already strong today.", "today", False),
    ("Next year the law takes effect", "Next year", False),
    # `of tomorrow` after a noun is the future in general
    ("If I were choosing the people of tomorrow, I would choose others.", "tomorrow", True),
    ("The people left tomorrow's meeting early.", "tomorrow", False),
    # a month that begins an event's name, after an article; a month after `in` is a date
    ("protesters at the annual March for Life on Capitol Hill", "March", True),
    ("the March on Washington", "March", True),
    ("He left in March for London.", "March", False),
    # a number of years before a count noun is a count
    ("The essay should be 1500-2000 words long.", "1500-2000", True),
    ("About 1900 people attended.", "1900", True),
    ("The 2021-2025 plan was approved.", "2021-2025", False),
    # a capitalised deictic after a name, or all of a quotation, is a programme's or a paper's name
    ("This is VOA Today.", "Today", True),
    ("James Baker, speaking on ABC News' \"This Week,\" said the request gives the U.S. an opening.", "This Week",
     True),
    ("He said Tuesday. Today he left.", "Today", False),
    ('"Today, we vote," he said.', "Today", False),
    ("Officials met this week.", "this week", False),
    # a number after a label is the label's
    ("See Figure 2020-3 for details.", "2020-3", True),
    ("Section 1983 of the act applies.", "1983", True),
    ("Regulation (EU) 2016/679 applies.", "2016/679", True),
])
def test_context_decides(text, span, expected):
    """What the span alone cannot tell: a duration after `over the`, `today's` meaning the present."""
    start = text.index(span)
    assert is_not_a_date_here(text, start, start + len(span)) == expected


@pytest.mark.parametrize("text,expected", [
    ("Wired, July 28, 2022.", [("July 28, 2022", "2022-07-28")]),
    ("ChinaFile, “Will China Set Global Tech Standards?” March 22, 2022. As of November 3, 2022: "
     "<https://www.chinafile.com/2022/03/22/x>", [("March 22, 2022", "2022-03-22"), ("November 3, 2022", "2022-11-03")]),
    ("Robert Keohane, After Hegemony (Princeton University Press, 1984), 51-52.", [("1984", "1984")]),
    ("H.R.6227 - 115th Congress (2017-2018): An act", [("2017-2018", "2017")]),
    ("Survival 39, no. 1 (1997): 156–179.", [("1997", "1997")]),
    ("Army AL&T, April–June 2009.", [("April–June 2009", "2009-04")]),
    # counts, URLs and report numbers are not dates
    ("“How to Factor 2048 Bit RSA Integers in 8 Hours”", []),
    ("<https://www.whitehouse.gov/wp-content/uploads/2022/10/Strategy-10.2022.pdf>", []),
    ("RAND Corporation, RR-A1194-1, No. 2021, pp. 1999-2005", []),
])
def test_dates_in_notes_and_bibliography(text, expected):
    found = [(t, parse_date(t).value) for _, _, t in iter_rule_dates(text)]
    assert found == expected


@pytest.mark.parametrize("text,expected", [
    ("WASHINGTON, August 8 (Xinhua) --", [("August 8", "1998-08-08")]),
    ("BRUSSELS, December 2 (Xinhua) --", [("December 2", "1998-12-02")]),
    ("Quantum Cooperation in December 2019", [("December 2019", "2019-12")]),
    ("Section 5 of may 5 rules", []),  # a month is capitalised
])
def test_dates_in_headings_include_a_datelines_day(text, expected):
    """A heading (spaCy does not read them) gives its explicit dates and a dateline's month and day,
    resolved against the document's date."""
    found = [(t, parse_date(t, "1998-08-08", None).value) for _, _, t in iter_rule_dates(text, days_without_year=True)]
    assert found == expected


def test_a_year_only_publication_date_resolves_year_level_expressions(nlp):
    from pipeline.build import run as build
    from pipeline.types import Page, RawDocument

    text = ("The agency expanded its quantum programme last year and will meet partners on Thursday.\n\n"
            "© 2023 Example Press")
    result = build.process_document(RawDocument("raw/t.txt", "0" * 64, "txt", [Page(1, text)]), nlp)
    assert result.metadata.published == "2023"
    values = {d.text: d.value for d in result.dates}
    assert values == {"last year": "2022", "Thursday": None}  # a weekday needs a day-precise date


def _dates_in(nlp, published: str, text: str) -> dict:
    """text -> (value, fuzzy) of every date row of a news story with a `Published:` dateline, through
    the real pipeline (spaCy parse included)."""
    from pipeline.build import run as build
    from pipeline.types import Page, RawDocument

    raw = RawDocument("raw/story.txt", "0" * 64, "txt", [Page(1, f"Published: {published}\n\n{text}")])
    result = build.process_document(raw, nlp)
    return {d.text: d.value for d in result.dates if d.context == "body"}


# Stories dated Friday, December 20, 2019 unless the case gives another date.
FRIDAY = "December 20, 2019"


@pytest.mark.parametrize("published,text,date,expected", [
    # the story's own weekday is the story's date, whatever the tense
    (FRIDAY, "The city council approved the budget Friday after a long debate.", "Friday", "2019-12-20"),
    (FRIDAY, "The union said Friday that the strike will go on.", "Friday", "2019-12-20"),
    # a reporting verb looks back into the story's week, even after a `will` in a quotation
    (FRIDAY, '"We will not give up," the mayor said Tuesday.', "Tuesday", "2019-12-17"),
    (FRIDAY, "The minister said Monday that the talks would resume next month.", "Monday", "2019-12-16"),
    (FRIDAY, "Officials, who will meet again in January, confirmed the figures Wednesday.", "Wednesday",
     "2019-12-18"),
    # the future: will, going to, planned to, is scheduled for, a purpose after a past verb
    (FRIDAY, "The board will meet Thursday to review the offer.", "Thursday", "2019-12-26"),
    (FRIDAY, "The team planned to leave the capital on Tuesday.", "Tuesday", "2019-12-24"),
    (FRIDAY, "The council voted Monday to hold a referendum in May.", "May", "2020-05"),
    (FRIDAY, "The judge ordered him to appear in court on Monday.", "Monday", "2019-12-23"),
    (FRIDAY, "The vote is scheduled for Monday.", "Monday", "2019-12-23"),
    (FRIDAY, "Shareholders are going to vote on the merger Wednesday.", "Wednesday", "2019-12-25"),
    # the present: the nearer one (a Monday story's Thursday is three days on)
    ("December 16, 2019", "The offer expires Thursday, the company says.", "Thursday", "2019-12-19"),
    # a part of the day stays with its weekday, and the value is the day
    (FRIDAY, "A report released Thursday morning showed a rise in exports.", "Thursday morning", "2019-12-19"),
    # a month or day without a year: the year the tense points to
    (FRIDAY, "The company plans to open the new plant in April.", "April", "2020-04"),
    (FRIDAY, "Exports fell sharply in March, the ministry said.", "March", "2019-03"),
    (FRIDAY, "The rights expire Jan. 21.", "Jan. 21", "2020-01-21"),
    (FRIDAY, "The agency extended the deadline to Jan. 10.", "Jan. 10", "2020-01-10"),
    (FRIDAY, "Police have been searching for the driver since March.", "March", "2019-03"),
    (FRIDAY, "The hearing was postponed until Tuesday.", "Tuesday", "2019-12-24"),
    (FRIDAY, "The two sides are expected to reach a deal by February.", "February", "2020-02"),
    ("October 2, 2019", "In November, the government unveiled its plan.", "November", "2018-11"),
    # a plan made in the past for an event: the event on either side of the story's date (the nearer)
    (FRIDAY, "Unions planned a large march in the capital on Sunday.", "Sunday", "2019-12-22"),
    (FRIDAY, "The club scheduled a tribute concert for Tuesday.", "Tuesday", "2019-12-17"),
    # a plan in the pluperfect was made before: its day on either side, the nearer
    (FRIDAY, "The offer had been due to expire Wednesday.", "Wednesday", "2019-12-18"),
    (FRIDAY, "The vote had been scheduled for Tuesday.", "Tuesday", "2019-12-17"),
    # a bare participle of planning (`set for`, `planned for`) takes the time of its noun's clause
    (FRIDAY, "The dispute is likely to overshadow a summit set for Vienna in March.", "March", "2020-03"),
    (FRIDAY, "A march planned for Sunday drew thousands, the organisers said.", "Sunday", "2019-12-15"),
    # an infinitive that is the subject of a past `were` is not `is to resume`
    (FRIDAY, "Among the first cities to sign the pact on Monday were Lyon and Turin.", "Monday", "2019-12-16"),
    # `not ... until` says when the event happens: in the verb's own tense, not after the story's date
    ("May 7, 1999", "Until Thursday, they had not called him a suspect.", "Thursday", "1999-05-06"),
    ("May 7, 1999", "He did not leave until Monday.", "Monday", "1999-05-03"),
    ("May 7, 1999", "The council will not decide until Tuesday.", "Tuesday", "1999-05-11"),
    ("May 7, 1999", "The vote was postponed until Tuesday.", "Tuesday", "1999-05-11"),
    # a weekday given with the day picks the year it falls on
    ("January 3, 2020", "The paper's editorial on Friday, December 27 called for calm.", "Friday, December 27",
     "2019-12-27"),
])
def test_relative_dates_follow_the_governing_verb(nlp, published, text, date, expected):
    found = _dates_in(nlp, published, text)
    assert found.get(date) == expected, found


@pytest.mark.parametrize("published,text,date,expected", [
    # `later in the day` is the day the story spoke of last, else the story's own
    (FRIDAY, "On Tuesday, the army attacked the town. Later in the day, the president spoke.", "Later in the day",
     "2019-12-17"),
    (FRIDAY, "The president said it as he arrived in Philadelphia later in the day.", "later in the day",
     "2019-12-20"),
    (FRIDAY, "Earlier in the week, the talks had failed.", "Earlier in the week", "2019-W51"),
])
def test_earlier_or_later_in_the_day(nlp, published, text, date, expected):
    found = _dates_in(nlp, published, text)
    assert found.get(date) == expected, found


@pytest.mark.parametrize("published,text,expected", [
    # a stretch up to a date is a length (durations) and the date it ends on
    (FRIDAY, "The company posted a loss for the three months to September.", {"September": "2019-09"}),
    (FRIDAY, "Revenue in the six months to June 30, 2019, rose.", {"June 30, 2019": "2019-06-30"}),
    (FRIDAY, "Profit for the year to March rose.", {"March": "2019-03"}),
    # a stretch of a year keeps the year, whatever comes before the stretch
    (FRIDAY, "Losses will last through at least the first two quarters of 2020.", {"2020": "2020"}),
    # a range is not a stretch
    (FRIDAY, "He worked there from 1990 to 1995.", {"1990 to 1995": "1990"}),
    # a month quarter is what the document reports: `a year earlier` is that quarter, a year back
    (FRIDAY, "Profit in the June quarter rose 5%. A year earlier, it fell.",
     {"the June quarter": "2019-04", "A year earlier": "2018-04"}),
    # a quarter named by the day it ended is the three months to that day, and the one reported after
    (FRIDAY, "In the quarter ended July 31, sales rose.", {"the quarter": "2019-05", "July 31": "2019-07-31"}),
    (FRIDAY, "For the quarter ended Sept. 30, profit rose. During the quarter, it hired.",
     {"the quarter": "2019-07", "Sept. 30": "2019-09-30"}),
    # one the report named before stays the quarter it reports (its number is the company's)
    (FRIDAY, "Sales rose in the fiscal first quarter. For the quarter ended Sept. 30, profit rose. A year "
             "earlier, it fell.",
     {"the fiscal first quarter": "2019-01", "the quarter": "2019-07", "Sept. 30": "2019-09-30",
      "A year earlier": "2018-01"}),
    ("February 10, 2020", "The retailer earned $5 million in the quarter ended Jan. 2.",
     {"the quarter": "2019-10", "Jan. 2": "2020-01-02"}),
    # the same quarter of a year named: the quarter reported, in that year (or the year, none reported)
    (FRIDAY, "Data for Q1 2019 show a 2.3% rise on the same quarter of 2018.",
     {"Q1 2019": "2019-01", "the same quarter of 2018": "2018-01"}),
    ("June 5, 2023", "Profit in the third quarter of 2022 rose, and in the same period of 2021 it fell.",
     {"the third quarter of 2022": "2022-07", "the same period of 2021": "2021-07"}),
    (FRIDAY, "The same quarter of 2018 was weak.", {"The same quarter of 2018": "2018"}),
    # a numbered one keeps the company's number
    (FRIDAY, "Profit rose in the fourth quarter ended Sept. 30.", {"the fourth quarter": "2019-10", "Sept. 30": "2019-09-30"}),
])
def test_periods_reports_name(nlp, published, text, expected):
    assert _dates_in(nlp, published, text) == expected


@pytest.mark.parametrize("text,expected", [
    # a day of the month alone is in the story's month, or the one before or after that the verb points to
    ("Ministers meet again on the 20th.", {"the 20th": "2019-12-20"}),
    ("Ministers met on the 28th.", {"the 28th": "2019-11-28"}),
    ("The vote is set for the 3rd.", {"the 3rd": "2020-01-03"}),
    ("She lives on the 3rd floor and came for the 3rd time.", {}),
    # days of one month the model leaves out of the month's span; a stretch to a day; a length from today
    ("Submissions are open 1–30 November 2019.", {"1–30 November 2019": "2019-11-01"}),
    ("In the week to 28 May, cases rose 5%.", {"28 May": "2019-05-28"}),
    ("Two weeks from today, the results will be published.", {"Two weeks from today": "2020-W01"}),
    # a tax or financial year is the year, the kind noted
    ("The law applies from the 2020/21 tax year.", {"2020/21 tax year": "2020"}),
    ("The fund will close at the end of this financial year.", {"this financial year": "2019"}),
    # a quarter written short after a preposition
    ("Interest was 5.25% in Q3 and the 10-year yield hit 4%.", {"Q3": "2019-07"}),
    # a season the model leaves untagged; a fall of something is no season
    ("The talks broke down in the fall.", {"the fall": "2019"}),
    ("After the fall of the Berlin Wall, analysts blamed the fall in oil prices.", {}),
    # a date and a phrase about it that the model made one span
    ("Shares closed at a record on December 10, the day before the report.", {"December 10": "2019-12-10"}),
    # a stretch through a month is a length (durations) and its end
    ("In the 12 months through November, prices rose 2.1%.", {"November": "2019-11"}),
])
def test_days_of_the_month_and_stretches(nlp, text, expected):
    assert _dates_in(nlp, FRIDAY, text) == expected


@pytest.mark.parametrize("text,expected", [
    # what the model leaves untagged or takes for a number, in a policy report's words
    ("Spending rose in FY2023 and will rise again in FY 2024-25.", {"FY2023": "2023", "FY 2024-25": "2024"}),
    ("Revenue grew in Q3 FY24.", {"Q3 FY24": "2024"}),
    ("Interest rates rose by 0.25 points in 2022 Q4.", {"2022 Q4": "2022-10"}),
    ("The plan covers the 2021–2025 period.", {"2021–2025": "2021"}),
    ("Investment in 2023/24 was £2bn.", {"2023/24": "2023"}),
    ("As of end-2022, debt stood at 90% of GDP.", {"end-2022": "2022"}),
    ("About 1900-2000 people attended.", {}),
])
def test_report_dates_the_model_misses(nlp, text, expected):
    assert _dates_in(nlp, "March 3, 2024", text) == expected


@pytest.mark.parametrize("text,expected", [
    # a part of the story's day or the one next to it is that day (the model makes these TIMEs)
    ("He arrived last night.", {"last night": "2019-12-19"}),
    ("The vote took place this morning.", {"this morning": "2019-12-20"}),
    ("She will leave tomorrow morning.", {"tomorrow morning": "2019-12-21"}),
    ("Police said yesterday afternoon that the road was closed.", {"yesterday afternoon": "2019-12-19"}),
    # two dates the model made one
    ("The rate hit its lowest level since 1994 this week.", {"1994": "1994", "this week": "2019-W51"}),
])
def test_parts_of_the_day_and_dates_the_model_joins(nlp, text, expected):
    assert _dates_in(nlp, FRIDAY, text) == expected


# A Wednesday in the year's first quarter, and a Monday in its fourth.
WINTER, AUTUMN = "1998-02-11", "1989-11-06"


@pytest.mark.parametrize("text,anchor,prefer,expected", [
    # quarters and halves: value..value_end the quarter's months, granularity quarter/half
    ("the third quarter", AUTUMN, "past", ("1989-07", "quarter", "1989-09", None)),
    ("third-quarter", AUTUMN, None, ("1989-07", "quarter", "1989-09", None)),
    ("the fourth quarter", WINTER, "past", ("1997-10", "quarter", "1997-12", None)),
    ("the first quarter", AUTUMN, "future", ("1990-01", "quarter", "1990-03", None)),
    ("the latest quarter", AUTUMN, None, ("1989-07", "quarter", "1989-09", None)),
    ("this quarter", AUTUMN, None, ("1989-10", "quarter", "1989-12", None)),
    ("next year's first quarter", AUTUMN, None, ("1990-01", "quarter", "1990-03", None)),
    ("the 1988 second quarter", AUTUMN, None, ("1988-04", "quarter", "1988-06", None)),
    ("the year-ago quarter", AUTUMN, None, ("1988-07", "quarter", "1988-09", None)),
    ("the first half", AUTUMN, "past", ("1989-01", "half", "1989-06", None)),
    ("the last half of 1989", None, None, ("1989-07", "half", "1989-12", None)),
    # seasons: the year, the season in fuzzy
    ("this summer", WINTER, None, ("1998", "season", None, "summer")),
    ("last fall", WINTER, None, ("1997", "season", None, "fall")),
    ("the winter of nineteen ninety-four", None, None, ("1994", "season", None, "winter")),
    # weekends and weeks
    ("the weekend", WINTER, "past", ("1998-W06-WE", "weekend", None, None)),
    ("this weekend", WINTER, "future", ("1998-W07-WE", "weekend", None, None)),
    # months named from the document's date
    ("last June", AUTUMN, None, ("1989-06", "month", None, None)),
    ("last December", AUTUMN, None, ("1988-12", "month", None, None)),
    ("this September", WINTER, None, ("1998-09", "month", None, None)),
    ("January this year", WINTER, None, ("1998-01", "month", None, None)),
    ("June last year", WINTER, None, ("1997-06", "month", None, None)),
    ("last Oct. 23", "1999-04-19", None, ("1998-10-23", "day", None, None)),
    ("April 24 and 25", "1999-02-10", None, ("1999-04-24", "day", "1999-04-25", None)),
    # offsets from the document's date
    ("a year earlier", WINTER, None, ("1997", "year", None, None)),
    ("two months ago", WINTER, None, ("1997-12", "month", None, None)),
    ("a decade ago", "1999-03-12", None, ("1989", "year", None, None)),
    # fiscal years: the year, flagged in fuzzy
    ("fiscal 1989", None, None, ("1989", "year", None, "fiscal year")),
    ("the current fiscal year", AUTUMN, None, ("1989", "year", None, "fiscal year")),
    # years and days read aloud (broadcast transcripts), decades in words, early centuries
    ("nineteen ninety-six", None, None, ("1996", "year", None, None)),
    ("January nineteen ninety-seven", None, None, ("1997-01", "month", None, None)),
    ("the year two thousand", None, None, ("2000", "year", None, None)),
    ("the nineties", None, None, ("199", "decade", None, None)),
    ("the 11th century", None, None, ("10", "century", None, None)),
    # holidays, by the rule that dates them; a year's end
    ("Thanksgiving Day", "2000-01-07", None, ("1999-11-25", "day", None, None)),
    ("Election Day", "1998-10-26", None, ("1998-11-03", "day", None, None)),
    ("Easter 1998", None, None, ("1998-04-12", "day", None, None)),
    # a holiday's week is the ISO week of its day
    ("Easter week", "2000-04-17", "present", ("2000-W16", "week", None, None)),
    ("Easter week 1998", None, None, ("1998-W15", "week", None, None)),
    ("year-end", AUTUMN, "future", ("1989", "year", None, "end of")),
    ("year-end", AUTUMN, "past", ("1988", "year", None, "end of")),
    # anaphora: `that year` is the latest year the document named (none here: unresolved)
    ("that year", AUTUMN, None, (None, None, None, None)),
    ("nearly four years ago", WINTER, None, ("1994", "year", None, "nearly")),
    ("a week or so ago", "1991-02-25", None, ("1991-W08", "week", None, None)),
    ("the current year", AUTUMN, None, ("1989", "year", None, None)),
    # `the year` that nothing names is the document's own, as `the quarter` is its latest quarter
    ("the year", AUTUMN, "past", ("1989", "year", None, None)),
    ("the full year", WINTER, "future", ("1998", "year", None, None)),
    ("the fiscal year", AUTUMN, None, ("1989", "year", None, "fiscal year")),
    ("by the end of the year", AUTUMN, "future", ("1989", "year", None, "by end of")),
    ("around year end", AUTUMN, "future", ("1989", "year", None, "around end of")),
    # a season alone is the date; before a year, a note on the year
    ("the summer", AUTUMN, "past", ("1989", "season", None, "summer")),
    ("the early spring", WINTER, "future", ("1998", "season", None, "early spring")),
    ("summer 2021", None, None, ("2021", "season", None, "summer")),
    # parts of a day and times of day on a named day
    ("Friday night", "1998-10-25", "past", ("1998-10-23", "day", None, "night")),
    ("Tuesday afternoon", "1998-10-25", "future", ("1998-10-27", "day", None, "afternoon")),
    ("tonight", WINTER, None, ("1998-02-11", "day", None, "night")),
    # `this coming`/`this past` before a weekday is its direction; the document's own weekday is a week off
    ("this coming Sunday", WINTER, "past", ("1998-02-15", "day", None, None)),
    ("this past Monday", WINTER, "future", ("1998-02-09", "day", None, None)),
    ("this coming Wednesday", WINTER, None, ("1998-02-18", "day", None, None)),
    ("this coming Sunday, February fifteenth", WINTER, None, ("1998-02-15", "day", None, None)),
    ("10 p.m. Wednesday", WINTER, None, ("1998-02-11T22:00", "time", None, None)),
    ("Friday at 9:30 a.m.", WINTER, "future", ("1998-02-13T09:30", "time", None, None)),
    # noon and midnight are clock times too; midnight is the day's end, 24:00
    ("noon Thursday", WINTER, "past", ("1998-02-05T12:00", "time", None, None)),
    ("midnight Friday", WINTER, "future", ("1998-02-13T24:00", "time", None, None)),
    # a half of a decade or century is that decade or century, the half noted (ISO 8601 has no half-decade)
    ("the last half of the '80s", AUTUMN, None, ("198", "decade", None, "second half")),
    ("the first half of the 1990s", AUTUMN, None, ("199", "decade", None, "first half")),
    ("the second half of the 20th century", AUTUMN, None, ("19", "century", None, "second half")),
    ("the first half of 1989", AUTUMN, None, ("1989-01", "half", "1989-06", None)),
])
def test_timeml_value_forms(text, anchor, prefer, expected):
    found = parse_date(text, anchor, prefer)
    assert found is not None, text
    assert (found.value, found.granularity, found.value_end, found.fuzzy) == expected


@pytest.mark.parametrize("text", ["this century", "the past century", "the French Quarter", "the top half"])
def test_not_dates_either(text):
    """`this century` is a stretch of time (TimeML: a duration, P100Y), never the year 1899."""
    assert parse_date(text, WINTER, None) is None or parse_date(text, WINTER, None).value is None


def test_that_year_points_back_at_the_latest_year_named(nlp):
    found = _dates_in(nlp, "January 28, 2000", (
        "He fled to Florida in June 1998 and returned to Cuba later that year. "
        "He was arrested on March 3, 1999. Later that day, his lawyer appealed."))
    assert found == {"June 1998": "1998-06", "later that year": "1998", "March 3, 1999": "1999-03-03",
                     "Later that day": "1999-03-03"}, found


def test_the_following_year_steps_on_from_the_latest_named(nlp):
    """`the following year`, `the previous day` are one step from the latest year or day the text named."""
    found = _dates_in(nlp, "May 4, 2001", (
        "The mill closed in 1994 and reopened the following year. "
        "The strike began on March 9, 2000. The previous day, talks had failed. "
        "The board met in June 1999; the following month it sold the plant."))
    assert found == {"1994": "1994", "the following year": "1995", "March 9, 2000": "2000-03-09",
                     "The previous day": "2000-03-08", "June 1999": "1999-06", "the following month": "1999-07"}, found


def test_earlier_counts_from_the_day_named_and_ago_from_the_story(nlp):
    found = _dates_in(nlp, "Monday, October 30, 1989", (
        "The index closed at 2645.08 on Oct. 27, down from 2659.22 a week earlier. "
        "It had peaked three weeks ago."))
    assert found == {"Oct. 27": "1989-10-27", "a week earlier": "1989-W42", "three weeks ago": "1989-W41"}, found


def test_the_year_before_steps_back_from_the_latest_named(nlp):
    """`the year before` at a clause's end is one year back from the latest year named; `the day before
    the vote` is next to the vote, which names no date."""
    found = _dates_in(nlp, "September 7, 1998", (
        "Revenue dropped to $300 million last year, down from $450 million the year before. "
        "He was last seen Nov. 3, the day before authorities issued a warrant."))
    assert found == {"last year": "1997", "the year before": "1996", "Nov. 3": "1997-11-03"}, found


@pytest.mark.parametrize("published,text,expected", [
    # `the year` nothing names is the story's year; `this year's` keeps its `this` though spaCy drops it
    ("October 3, 2005", "For the year, the chain expects sales to rise 4%.", {"the year": "2005"}),
    ("October 3, 2005", "She said she would not run in this year's race.", {"this year": "2005"}),
    ("October 3, 2005", "This quarter's sales fell, the retailer said.", {"This quarter": "2005-10"}),
    # a report's `latest period`, which spaCy leaves out, is the quarter it reports
    ("October 3, 2005", "Widget Co. posted a third-quarter loss. Revenue in the latest period fell 3%.",
     {"third-quarter": "2005-07", "the latest period": "2005-07"}),
    # ... and the latest quarter when the report has not named one yet
    ("October 3, 2005", "There were no one-time gains in the latest period, Widget Co. said.",
     {"the latest period": "2005-07"}),
    # a clock time before a day is one time with it (spaCy makes the clock a TIME of its own)
    ("December 16, 2019", "The court gave the tenants until 9 a.m. Thursday to leave.",
     {"9 a.m. Thursday": "2019-12-19T09:00"}),
    ("December 16, 2019", "The tender offer expires at 5 p.m. EST, Jan. 9.", {"5 p.m. EST, Jan. 9": "2020-01-09T17:00"}),
    ("December 16, 2019", "Talks broke off at noon Monday, police said.", {"noon Monday": "2019-12-16T12:00"}),
    # the year of a fiscal year's end is a length (durations.py) and its end date
    ("October 3, 2005", "Profit for the year ended June 30 rose 8%.", {"June 30": "2005-06-30"}),
    # a year that qualifies a report's period is that period of the year (its `the` included), else the year
    ("October 3, 2005", "Widget Co. earned $3 million in the third quarter. In the 2004 period it lost $1 million.",
     {"the third quarter": "2005-07", "the 2004 period": "2004-07"}),
    ("October 3, 2005", "Widget Co. earned $3 million in the third quarter, against a loss in the 2004 quarter.",
     {"the third quarter": "2005-07", "the 2004 quarter": "2004-07"}),
    ("October 3, 2005", "Sales in the 2004 period were flat, the shop said.", {"the 2004 period": "2004"}),
    # a quarter the model may leave untagged, and a fiscal quarter written with a hyphen
    ("October 3, 2005", "After a flat second quarter, the mill's sales rebounded.", {"second quarter": "2005-04"}),
    ("October 3, 2005", "Widget Co. earned $2 million for the fiscal-first quarter ended Sept. 30.",
     {"the fiscal-first quarter": "2005-01", "Sept. 30": "2005-09-30"}),
    # `the previous Friday`, `the following Monday`: a step from the latest day named
    ("October 3, 2005", "The index closed at 452 on Friday, down 4.5% from the previous Friday.",
     {"Friday": "2005-09-30", "the previous Friday": "2005-09-23"}),
    ("October 3, 2005", "The strike began on March 9. The following Monday, talks resumed.",
     {"March 9": "2005-03-09", "The following Monday": "2005-03-14"}),
    # `each Thursday`, `every July`: frequencies (TimeML's SETs), not dates
    ("October 3, 2005", "A third flight departs each Thursday from Nov. 6.", {"Nov. 6": "2005-11-06"}),
    ("October 3, 2005", "The brass band marches every July through the town.", {}),
    ("October 3, 2005", "Two new flights leave Leeds on Monday and Tuesday nights from Nov. 7.", {"Nov. 7": "2005-11-07"}),
    # a year with pre- or post- that the model leaves untagged
    ("October 3, 2005", "The post-1959 politics split many families.", {"post-1959": "1959"}),
    # an ordinal century, its article the noun's
    ("October 3, 2005", "She called herself a 20th century liberal.", {"20th century": "19"}),
    # `the next day`, `the next morning`, `the previous night`: a day from the latest day named
    ("October 3, 2005", "The strike began on March 9. The next day, talks failed. The previous night, the union met.",
     {"March 9": "2005-03-09", "The next day": "2005-03-10", "The previous night": "2005-03-09"}),
    ("October 3, 2005", "He was arrested on May 2 and appeared in court the next morning.",
     {"May 2": "2005-05-02", "the next morning": "2005-05-03"}),
    # a holiday after a word that makes it a time, though the model may leave it untagged; not `Easter Island`
    ("October 3, 2005", "The boy was found in the sea last Thanksgiving following a wreck.", {"last Thanksgiving": "2004-11-25"}),
    ("October 3, 2005", "The statues stand on Easter Island.", {}),
    # a stretch of the year leaves the year its date
    ("October 3, 2005", "Revenue fell 4% in the first nine months of the year.", {"the year": "2005"}),
    # `both` before a list of dates is the list's, not a date's
    ("October 3, 2005", "Sales should rise in both 2006 and 2007, the shop said.", {"2006": "2006", "2007": "2007"}),
    # a season alone, resolved in the tense of its verb
    ("October 3, 2005", "Orders fell over the summer.", {"the summer": "2005"}),
    # a year gone through is its length, not a date; so is a decade or a century
    ("October 3, 2005", "Orders rose throughout the fiscal year.", {}),
    ("October 3, 2005", "Wages stagnated throughout the 1980s, the union said.", {}),
    ("October 3, 2005", "The port was rebuilt throughout the 19th century.", {}),
])
def test_the_year_and_the_season_of_the_story(nlp, published, text, expected):
    assert _dates_in(nlp, published, text) == expected


@pytest.mark.parametrize("text,expected", [
    # the two sides of a span that is no range, then its shorter ends, word by word
    ("Monday to November", [["Monday", "November"], ["November"], ["November"]]),
    ("coup last year", [["last year"]]),
    # a word that points (`previous`, `next`) is never dropped: `the previous Friday` is not `Friday`
    ("the previous Friday", [["previous Friday"]]),
])
def test_pieces_of_a_span_without_a_value(text, expected):
    from pipeline.extract.date_spans import iter_pieces

    assert [[text[s:e] for s, e in pieces] for pieces in iter_pieces(text, 0, len(text))] == expected


def test_a_span_without_a_value_keeps_the_date_inside_it(nlp):
    """spaCy's `the day Wednesday` reads as no date; the date at its end does."""
    found = _dates_in(nlp, FRIDAY, "The pair were seen together during the day Wednesday.")
    assert found == {"Wednesday": "2019-12-18"}, found


def test_a_quarterly_report_points_back_at_its_quarter(nlp):
    """`the quarter`, `a year earlier` and `the year-ago period` refer to the quarter the report names."""
    found = _dates_in(nlp, "November 2, 1989", (
        "Acme Corp. said net income in the third quarter rose 12% to $4.1 million. "
        "Sales in the quarter climbed to $88 million from $80 million a year earlier. "
        "In the year-ago period, the company had a charge of $2 million."))
    assert found == {"the third quarter": "1989-07", "the quarter": "1989-07", "a year earlier": "1988-07",
                     "the year-ago period": "1988-07"}, found


@pytest.mark.parametrize("text,expected", [
    ("The clerks will start the count today in Leeds.", ["today"]),
    ("He met the minister yesterday and leaves tomorrow.", ["yesterday", "tomorrow"]),
    ('"Today, we know who did it," the chief said.', ["Today"]),
    ("Tonight the band plays in Cork.", ["Tonight"]),
    # a capitalised `Today` inside a sentence is a name (a programme, a paper)
    ("This is the VOA programme Today in Africa.", []),
])
def test_deictic_days_the_model_leaves_untagged_are_found(nlp, text, expected):
    """`today`, `yesterday`, `tomorrow`, `tonight` are dates even in a parse whose entities missed them."""
    from pipeline.extract.date_spans import iter_date_spans

    doc = nlp(text)
    doc.ents = [e for e in doc.ents if e.label_ not in ("DATE", "TIME")]  # as when the model misses them
    assert [text[s:e] for s, e in iter_date_spans(doc)] == expected

"""Dated events: date expressions resolved against the publication date (weekdays, yesterday,
day-month without a year, months, years), false dates refused, a year only mentioned as
background no event, procedural lines no events, events in date order with citations that point
at the exact sentence, filters, the chart, and the HTML table (source, no character offsets).
Fictional articles in tests/data/briefing; real Chroma and the real embedder."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from rag.insights.timeline import event_date, extract_events, save_png, timeline, timeline_figure
from rag.models import Chunk
from rag.nlp.dates import find_dates, format_when
from rag.nlp.sentences import sentences_of
from rag.ui.render_insights import timeline_html

from .conftest import DATA

ARTICLES = DATA / "briefing"


THU = date(2023, 11, 9)  # a Thursday


@pytest.mark.parametrize("sentence, published, expected", [
    ("The army said Wednesday that it fired.", THU, [("2023-11-08", "day")]),
    ("Footage taken on Tuesday and Wednesday.", THU, [("2023-11-07", "day"), ("2023-11-08", "day")]),
    ("Tuesday's drone strikes killed 14 civilians.", THU, [("2023-11-07", "day")]),
    ("The UN said yesterday it had left.", THU, [("2023-11-08", "day")]),
    ("The convoy will leave on Monday.", THU, [("2023-11-13", "day")]),  # future tense: the coming Monday
    ("The army said on Monday it would withdraw.", THU, [("2023-11-06", "day")]),  # reported on Monday
    ("The junta in June ordered the peacekeepers out.", THU, [("2023-06-01", "month")]),
    ("Violence has escalated since August.", THU, [("2023-08-01", "month")]),
    ("The bases will be used after January 1.", THU, [("2024-01-01", "day")]),
    ("A truce starting on 1 April was agreed.", date(2024, 3, 27), [("2024-04-01", "day")]),
    ("Clashes on 3 April left two dead.", THU, [("2023-04-03", "day")]),
    ("It was established in 2013.", THU, [("2013-01-01", "year")]),
    ("Deals struck in 2014 and 2015.", THU, [("2014-01-01", "year"), ("2015-01-01", "year")]),
    ("Talks held on November 9, 2023 and in early March 2024.", THU, [("2023-11-09", "day"), ("2024-03-01", "month")]),
    ("Fighting flared last month.", THU, [("2023-10-01", "month")]),
])
def test_dates_are_resolved_against_the_publication_date(sentence, published, expected):
    assert [(d.day.isoformat(), d.precision) for d in find_dates(sentence, published)] == expected


@pytest.mark.parametrize("sentence", [
    "The talks may resume soon.",                      # "may" the verb
    "A force of 2000 troops arrived.",                 # a number, not a year
    "It holds 2,014 prisoners and 15,000 soldiers.",
    "The attack last Tuesday was the worst.",          # ambiguous between editors: left as written
    "March organisers said the 3rd Brigade moved.",
])
def test_false_dates_are_refused(sentence):
    assert find_dates(sentence, THU) == []


def test_precision_is_kept_in_labels():
    assert format_when(date(2023, 11, 9), "day") == "9 Nov 2023"
    assert format_when(date(2023, 6, 1), "month") == "Jun 2023"
    assert format_when(date(2013, 1, 1), "year") == "2013"


def test_timeline_events_are_ordered_resolved_and_cited(briefing_assistant):
    events = timeline(briefing_assistant)
    assert [e.day for e in events] == sorted(e.day for e in events)
    assert [e.citation.number for e in events] == list(range(1, len(events) + 1))
    saturday = next(e for e in events if "attacked three villages on Saturday" in e.text)
    assert (saturday.day, saturday.precision, saturday.phrase) == (date(2024, 3, 2), "day", "Saturday")
    yesterday = next(e for e in events if "said yesterday" in e.text)
    assert yesterday.day == date(2024, 3, 26) and yesterday.label == "26 Mar 2024"
    truce = next(e for e in events if "truce starting on 1 April" in e.text)
    assert truce.day == date(2024, 4, 1) and truce.planned
    convoy = next(e for e in events if "would leave Maroua for Mora on Thursday" in e.text)
    assert convoy.day == date(2024, 3, 7) and convoy.planned  # announced on Monday 4 March
    february = next(e for e in events if "from donors in February" in e.text)
    assert (february.label, february.phrase) == ("Feb 2024", "in February")  # "may not last": a verb, not May
    assert not any("founded in 2016" in e.text for e in events)  # a background year: no 2016 event
    for e in events:
        c = e.citation
        text = briefing_assistant.article_text(c.article_id)
        assert text[c.start:c.end] == e.text == c.quote
        assert c.passage_start <= c.start and c.end <= c.passage_start + len(c.passage)
        assert c.published is not None and c.title


def test_timeline_filters_by_place_actor_and_query(briefing_assistant):
    garoua = timeline(briefing_assistant, place="garoua")
    assert garoua and all("Garoua" in e.text for e in garoua)
    dossou = timeline(briefing_assistant, actor="Halima Dossou")
    assert {e.day for e in dossou} == {date(2024, 3, 14), date(2024, 4, 12)}
    talks = timeline(briefing_assistant, query="Envoys met in Garoua for direct talks", k=3)
    assert any("met in Garoua on Monday" in e.text for e in talks)
    assert len(talks) < len(timeline(briefing_assistant))
    assert timeline(briefing_assistant, place="Atlantis") == []


def test_chart_is_a_png(briefing_assistant, tmp_path):
    events = timeline(briefing_assistant)
    out = save_png(events, tmp_path / "chart" / "timeline.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 10_000
    empty = timeline_figure([])
    empty.savefig(tmp_path / "empty.png")
    assert (tmp_path / "empty.png").stat().st_size > 1000


@pytest.mark.parametrize("sentence, expected", [
    ("The rebels cite the ceasefire and peace deals struck with the government in 2014 and 2015.", None),
    ("Under the 2014 and 2015 peace deals, the camps go to the army.", None),
    ("Fighting around Dorvan has continued since 2012.", None),
    ("The LSF, an armed group founded in 2016, shelled Mora.", None),
    ("Envoys met for the first talks since the group took up arms in 2016.", None),
    ("Established in 2013, the fictional mission kept 900 observers in Velmora.", None),
    ("The militia, which has fought the army since 2012, seized Tessit in 2021.", ("2021-01-01", "year")),
    ("In 2016 the group took up arms.", ("2016-01-01", "year")),
    ("The army said the rebels captured the town in 2019.", ("2019-01-01", "year")),
    ("The brigade, formed in 2012, shelled Mora on Tuesday.", ("2023-11-07", "day")),
])
def test_a_year_only_mentioned_is_not_an_event_date(sentence, expected):
    d = event_date(sentence, THU)
    assert ((d.day.isoformat(), d.precision) if d else None) == expected


def _sentences(text: str, published: date = THU):
    chunk = Chunk("c1", "a1", 0, (0, 0), 0, len(text), text, "Fictional Wire story", published, "Fictional Wire",
                  "https://example.org/story")
    return sentences_of([chunk])


def test_background_years_and_procedural_lines_are_no_events():
    text = ("The rebels say the 2014 and 2015 peace deals still bind the army.\n\n"
            "The Velmora Front, formed in 2012, has held Dorvan since 2019.\n\n"
            "The ministry said in a statement on Wednesday.\n\n"
            "Shelling killed 12 people in Dorvan on Tuesday.")
    events = extract_events(_sentences(text))
    assert [(e.label, e.text) for e in events] == [("7 Nov 2023", "Shelling killed 12 people in Dorvan on Tuesday.")]


def test_timeline_html_shows_title_date_and_source_but_no_offsets(briefing_assistant):
    events = timeline(briefing_assistant)
    html = timeline_html(events)
    assert "chars" not in html and "Fictional Wire (test fixture)" in html
    assert "Aid convoy reaches Mora as displacement rises" in html and "14 March 2024" in html
    linked = timeline_html(extract_events(_sentences("Shelling killed 12 people in Dorvan on Tuesday.")))
    assert 'href="https://example.org/story"' in linked and "chars" not in linked
    assert "href" not in timeline_html([replace(events[0], citation=replace(events[0].citation, url=None))])

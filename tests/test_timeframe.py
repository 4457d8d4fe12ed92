"""Questions with a time constraint: the window parsed from the question ("after 1 November",
"between 1 and 8 November", "latest on X"), dated developments listed for "what happened ..."
questions, and fact questions answered from the articles that can report them ("as of 20 March"
reads the sources of that time). Fictional articles in tests/data/briefing (4, 14, 27 March and
5 April 2024); real Chroma and the real embedder."""

from __future__ import annotations

import re
from datetime import date

import pytest

from rag.query.timeframe import follow_up_timeframe, parse_timeframe

REF = date(2023, 11, 9)
D = date


@pytest.mark.parametrize("question, window, events, topic", [
    ("What happened after 1 November?", (D(2023, 11, 2), None), True, ""),
    ("what happened after 1 november?", (D(2023, 11, 2), None), True, ""),  # typed in lower case
    ("What happened since August?", (D(2023, 8, 1), None), True, ""),
    ("What happened in Kidal between 1 and 8 November?", (D(2023, 11, 1), D(2023, 11, 8)), True, "Kidal"),
    ("Events from 1 June to 30 June 2023?", (D(2023, 6, 1), D(2023, 6, 30)), True, ""),
    ("What were the key developments in October 2023?", (D(2023, 10, 1), D(2023, 10, 31)), True, ""),
    ("What happened before 2020?", (None, D(2019, 12, 31)), True, ""),
    ("What happened in the past month in Mali?", (D(2023, 10, 9), None), True, "Mali"),
    ("How many camps had the UN left by October?", (None, D(2023, 10, 31)), False, "How many camps UN left"),
    ("Latest on Kidal", (None, None), True, "Kidal"),
    ("Any news about the convoy?", (None, None), True, "convoy"),
    ("What happened after 1 December?", (D(2022, 12, 2), None), True, ""),  # the last 1 December before "now"
])
def test_windows(question, window, events, topic):
    f = parse_timeframe(question, REF)
    assert f is not None
    assert (f.date_from, f.date_to) == window
    assert f.events is events and f.topic == topic


@pytest.mark.parametrize("question", [
    "What happened to the convoy?",  # a fact about the convoy, not a period
    "How many UN camps remain in Mali?",
    "Why did the convoy leave without air support?",
    "What did the army say on Wednesday?",  # weekdays are relative to each article, not to the question
    "Who may attack the base?",  # "may" the verb
    "What is the latest figure for displaced people?",  # latest, but one fact: the newest figure rule handles it
])
def test_no_constraint(question):
    f = parse_timeframe(question, REF)
    assert f is None or not (f.window or f.events)


def test_labels_and_publication_window():
    after = parse_timeframe("What happened after 1 November?", REF)
    assert after.label == "after 1 November 2023" and after.publication_window() == (D(2023, 11, 2), None)
    until = parse_timeframe("How many camps were left as of 20 October 2023?", REF)
    assert until.label == "up to 20 October 2023" and until.publication_window() == (None, D(2023, 10, 20))
    month = parse_timeframe("How many died in June?", REF)  # later articles may report June: no upper bound
    assert month.publication_window() == (D(2023, 6, 1), None)


def test_follow_up_keeps_the_topic():
    first = "What happened in Kidal after 1 November?"
    f = follow_up_timeframe("And before 1 November?", f"{first} And before 1 November?", REF)
    assert f.events and f.topic == "Kidal" and (f.date_from, f.date_to) == (None, D(2023, 10, 31))


_LINE = re.compile(r"^- (\d{1,2} [A-Z][a-z]{2} \d{4}|[A-Z][a-z]{2} \d{4}|\d{4})( \(planned\))? — .+ "
                   r"\[(\d+)\][.!?\"”]?$")
_MONTHS = {m: i for i, m in enumerate(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                                       "Dec"], 1)}


def _lines(answer):
    head, *rows = answer.text.split("\n")
    parsed = []
    for row in rows:
        m = _LINE.match(row)
        assert m, row
        day, month, year = (["1", *m.group(1).split()] if len(m.group(1).split()) == 2 else m.group(1).split())
        parsed.append((D(int(year), _MONTHS[month], int(day)), bool(m.group(2)), int(m.group(3))))
    return head, parsed


def _check_citations(answer, assistant):
    assert [c.number for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    for c in answer.citations:
        assert assistant.article_text(c.article_id)[c.start:c.end] == c.quote


def test_what_happened_after_lists_only_events_in_the_window(briefing_assistant):
    a = briefing_assistant.ask("What happened after 20 March?")
    head, lines = _lines(a)
    assert not a.abstained and head.startswith("As of 5 April 2024") and "after 20 March 2024" in head
    days = [d for d, _, _ in lines]
    assert days == sorted(days) and all(d > D(2024, 3, 20) for d in days)
    texts = {c.quote for c in a.citations}
    assert any("met in Garoua on Monday" in t for t in texts)  # 25 March, resolved from "Monday"
    assert any("clash near Kousseri" in t for t in texts)  # 3 April, from "Wednesday"
    assert not any("9 March" in t or "January 15" in t for t in texts)
    planned = [n for _, p, n in lines if p]
    assert planned and all("12 April" in a.citations[n - 1].quote or "starting on 1 April" in a.citations[n - 1].quote
                           for n in planned)
    _check_citations(a, briefing_assistant)


def test_topic_and_upper_bound(briefing_assistant):
    a = briefing_assistant.ask("What happened in Mora before 10 March?")
    head, lines = _lines(a)
    assert "before 10 March 2024 about Mora" in head
    assert lines and all(d < D(2024, 3, 10) for d, _, _ in lines)
    assert all("Mora" in c.quote for c in a.citations)
    assert any("reopened the road" in c.quote for c in a.citations)
    _check_citations(a, briefing_assistant)


def test_latest_is_newest_first(briefing_assistant):
    a = briefing_assistant.ask("latest on Mora")
    head, lines = _lines(a)
    assert head.startswith("The latest the sources report about Mora, newest first (as of 5 April 2024)")
    reported = [a.citations[n - 1].published for _, _, n in lines]
    assert reported[0] == D(2024, 4, 5) and reported == sorted(reported, reverse=True)
    assert all("Mora" in c.quote for c in a.citations)
    _check_citations(a, briefing_assistant)


def test_empty_window_says_what_the_sources_cover(briefing_assistant):
    a = briefing_assistant.ask("What happened in May 2024?")
    assert a.abstained and not a.citations
    assert "no dated event between 1 May 2024 and 31 May 2024" in a.text
    assert "published between 4 March 2024 and 5 April 2024" in a.text


def test_as_of_reads_the_sources_of_that_time(briefing_assistant):
    from tests.conftest import hand_fit

    briefing_assistant = hand_fit(briefing_assistant)  # the newest-figure rule of the hand-fit ranker
    now = briefing_assistant.ask("How many people were displaced around Mora?")
    assert "16,200" in now.text and not now.abstained  # the newest figure (27 March)
    then = briefing_assistant.ask("How many people were displaced around Mora as of 20 March?")
    assert not then.abstained and "18,900" in then.text and "16,200" not in then.text
    assert all(c.published <= D(2024, 3, 20) for c in then.citations)
    assert "up to 20 March 2024" in then.notice


def test_follow_up_window(briefing_assistant):
    first = "What happened in Mora before 10 March?"
    history = [("user", first), ("assistant", briefing_assistant.ask(first).text)]
    a = briefing_assistant.ask("And after 1 April?", history)
    head, lines = _lines(a)
    assert "about Mora" in head and lines and all(d > D(2024, 4, 1) for d, _, _ in lines)

"""Figures linked by the parse (rag.nlp.relations) and the arithmetic built on them
(rest of a whole, a stated range): real-news sentences, the real spaCy pipeline."""

from __future__ import annotations

from datetime import date

import pytest

from rag.answer.extractive.candidate import Candidate
from rag.answer.extractive.parts import rest_of_whole, stated_change
from rag.models import Chunk
from rag.nlp.parse import parse
from rag.nlp.relations import changes, part_wholes
from rag.query.question import analyse


def _cand(text: str, published: date = date(2022, 3, 23)) -> Candidate:
    chunk = Chunk(id="a:0", article_id="a", ordinal=0, paragraphs=(0, 0), start=0, end=len(text),
                  text=text, title="Report", published=published, source="test")
    return Candidate(chunk, 0, 0, len(text), text)


@pytest.mark.parametrize(("sentence", "part", "whole"), [
    ("The outbreak has affected 22 of 23 governorates and 295 of 333 districts in Yemen.", 295, 333),
    ("548 educational facilities have been damaged amid ongoing hostilities, 72 of which have been destroyed.",
     72, 548),
    ("Of a total 6144 samples tested since January 2019, 3264 were confirmed as cholera-positive by culture.",
     3264, 6144),
    ("The office reports 2,571 civilian casualties, including 977 killed.", 977, 2571),
    ("2.8 million people out of 4 million were already estimated to be in need of humanitarian assistance.",
     2.8e6, 4e6),
])
def test_part_of_a_whole_is_read_from_the_parse(sentence, part, whole):
    pairs = part_wholes(parse([sentence])[0])
    assert (part, whole) in [(p.part.value, p.whole.value) for p in pairs]


def test_a_year_and_a_day_of_a_month_are_not_figures():
    pairs = part_wholes(parse(["On 22 March 2022, 10 of 24 regions reported attacks."])[0])
    assert [(p.part.value, p.whole.value) for p in pairs] == [(10, 24)]


def test_a_range_is_a_change():
    found = changes(parse(["The number of attacks rose from 39 to 60 in a week."])[0])
    assert [(c.before.value, c.after.value) for c in found] == [(39, 60)]


def test_a_month_the_question_names_may_be_the_reports():
    q = analyse("How many of Yemen's districts had been spared by cholera according to the May 2019 WHO update?")
    sentence = "The outbreak has affected 22 of 23 governorates and 295 of 333 districts in Yemen."
    got = rest_of_whole(q, [_cand(sentence, date(2019, 5, 29))])
    assert got is not None and got[0].expression.startswith("333 - 295 = 38")
    assert rest_of_whole(q, [_cand(sentence, date(2019, 7, 2))]) is None


@pytest.mark.parametrize(("question", "sentence", "shown"), [
    ("In the 22 March tally, how many of the civilian casualties were people hurt rather than killed?",
     "The office reports 2,571 civilian casualties, including 977 killed.", "2,571 - 977 = 1,594"),
    ("Of the people in acute need of water in March 2022, how many were not internally displaced?",
     "In March, about 3.5 million people are in acute need of water assistance, including 1.4 million "
     "internally displaced people.", "3.5 million - 1.4 million = 2.1 million"),
])
def test_the_rest_of_a_whole_is_derived_with_its_operands(question, sentence, shown):
    got = rest_of_whole(analyse(question), [_cand(sentence)])
    assert got is not None
    derivation, cited = got
    assert derivation.expression.startswith(shown) and cited[0].text == sentence


@pytest.mark.parametrize(("question", "sentence"), [
    # the question's month is not the sentence's: another report's figures
    ("On 7 January 2014, how many of the people displaced inside the country were NOT in UN bases?",
     "As of 22 July 2016, some 15,000 people displaced, including 10,800 people in UN bases."),
    # a comparison between two reports, not the rest of one whole
    ("How many more people were displaced in August than in January, other than those in camps?",
     "In August, 4.5 million people were displaced, including 1.2 million people in camps."),
    # the question asks for a kind of the part ("displaced by conflict"), not the rest of the whole
    ("How many people were displaced by conflict, rather than drought, in Somalia in 2022?",
     "About 4.5 million people are affected, of whom nearly 700,000 people have been displaced from "
     "their homes in search of water, food, pasture and livelihoods."),
    # another part of the same whole: which rest is asked is not for the answerer to guess
    ("Of the donors, how many had NOT yet paid over three quarters of what they promised?",
     "Twenty-seven of the 40 donors have paid more than 75 per cent, and 20 of the donors paid in full."),
    # the whole counts another noun than the question
    ("How many of the schools were not destroyed?",
     "The office reports 2,571 civilian casualties, including 977 killed."),
])
def test_no_rest_of_a_whole_where_it_would_be_another_figure(question, sentence):
    assert rest_of_whole(analyse(question), [_cand(sentence)]) is None


def test_both_negated_the_part_answers_as_written():
    q = analyse("How many of the 40 donors had not paid?")
    assert rest_of_whole(q, [_cand("Of the 40 donors, 13 have not paid their pledges.")]) is None


def test_a_stated_range_gives_the_change_and_keeps_the_source_scale():
    q = analyse("By how many did the number of displaced people rise?")
    d = stated_change(q, _cand("The number of displaced people rose from 1.2 million to 3.5 million."))
    assert d is not None and d.expression == "3.5 million - 1.2 million = 2.3 million more"


def test_a_range_from_other_months_is_not_the_asked_change():
    q = analyse("By how much did displacement rise between the August 2019 snapshot and the July 2020 briefing?")
    sentence = "Displacement surged from 87,000 in January 2019 to 921,000 in June 2020."
    assert stated_change(q, _cand(sentence)) is None


@pytest.mark.parametrize(("text", "flag"), [
    ("How many were hurt rather than killed?", "complement"),
    ("How many districts were outside Borno?", "complement"),
    ("By how many did the attacks rise?", "compares"),
])
def test_question_flags_for_derived_figures(text, flag):
    assert getattr(analyse(text), flag)


def test_a_long_of_the_lead_is_still_a_count_question():
    q = analyse("Of the severely malnourished kids treated between January and May 2019, how many were admitted "
                "before the reporting period?")
    assert q.qtype == "numeric"

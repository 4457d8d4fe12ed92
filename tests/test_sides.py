"""The sum or difference of the figures one sentence gives for the sides a question names
(rag.answer.extractive.sides): real-news style sentences, the real spaCy pipeline."""

from __future__ import annotations

from datetime import date

import pytest

from rag.answer.extractive.candidate import Candidate
from rag.answer.extractive.derive import checked
from rag.answer.extractive.sides import sides_of_one_sentence
from rag.models import Chunk
from rag.query.question import analyse


def _cand(text: str, published: date = date(2019, 5, 24)) -> Candidate:
    chunk = Chunk(id="a:0", article_id="a", ordinal=0, paragraphs=(0, 0), start=0, end=len(text),
                  text=text, title="Situation report", published=published, source="test")
    return Candidate(chunk, 0, 0, len(text), text)


def _shown(question: str, sentence: str, published: date = date(2019, 5, 24)) -> str | None:
    got = checked(sides_of_one_sentence(analyse(question), [_cand(sentence, published)]))
    return got[0].expression if got else None


@pytest.mark.parametrize(("question", "sentence", "shown"), [
    # two verbs of one subject; the conflict named by the question is in another part of the sentence
    ("How many health workers in total had been killed or injured by the conflict as of 24 May 2019?",
     "To date, 6 health workers have been killed, 7 health workers have been injured, 14 ambulances have "
     "been impacted and 2 health facilities have been impacted as a result of armed conflict.",
     "6 + 7 = 13 workers"),
    # two places; the second figure names no noun of its own
    ("How many displaced people had the authorities moved out of Kobo and Sekota together since mid-May?",
     "The authorities continued relocating over 20,000 people from Kobo and over 4,000 people from Sekota "
     "since mid-May.", "20,000 + 4,000 = 24,000 people"),
    # 'deaths' and 'killed' are one key; the injured count leaves its noun out
    ("Counting both deaths and injuries, how many children had the UN documented as casualties by late May?",
     "More than 550 children were killed and over 1,400 injured since the start of 2019, as documented by the UN.",
     "550 + 1,400 = 1,950 children"),
    # a stated whole before the parts is not one of them
    ("Adding the two groups together, how many people had got either cash handouts or emergency supplies?",
     "Partners have provided emergency assistance to 366,000 people in the governorate; 116,000 people have "
     "received cash grants and 152,000 have benefitted from emergency supplies and shelter.",
     "116,000 + 152,000 = 268,000 people"),
    # the two ends of 'more ... than ...'
    ("In May 2019, how many more families needed household items than needed shelter kits?",
     "The assessment found 659 families in need of household items and 288 families in need of shelter kits.",
     "659 - 288 = 371 families more"),
    ("In May 2019, how many more refugees crossed in the latest week than in the week before?",
     "In the past week there has been a significant increase in new arrivals, with some 676 refugees compared "
     "to 69 the previous week.", "676 - 69 = 607 refugees more"),
])
def test_each_side_finds_its_own_figure(question, sentence, shown):
    assert _shown(question, sentence) == shown


@pytest.mark.parametrize(("question", "sentence"), [
    # the three and six of UN House are not Tongping's (the question's place heads other figures)
    ("Of the children screened at Tongping in May 2019, how many were acutely malnourished (severe plus moderate)?",
     "Screenings were held in UN House and Tongping: UN House - 111 children screened, of which three were "
     "severely malnourished and six moderately malnourished; Tongping - 387 children screened, of which 18 were "
     "SAM and 52 MAM."),
    # a part introduced by 'including' is inside the whole, not beside it
    ("How many people, inside the country and in host countries combined, was the May 2019 appeal meant to cover?",
     "Nearly US$4.1 billion is required to meet the needs of 17 million people inside and outside the country, "
     "including $2.25 billion to meet the needs of 8.7 million within the country."),
    # the sentence states the total itself: quote it
    ("How many families in total had been displaced, counting the old and the new ones, by May 2019?",
     "An additional 770 displaced families were identified, bringing the total to at least 12,745 families."),
    # a bracket restating a figure is not another one
    ("How many families and individuals together had been identified by May 2019?",
     "An additional 770 displaced families (approximately 3,850 individuals) were identified."),
    # both sides match the same stretch equally: no guess
    ("How many people were killed or injured in total in May 2019?",
     "12 people were killed and injured in one attack and 30 people were killed and injured in another."),
    # 'more ... than' between two dated reports is derive.difference's, not one sentence's
    ("How many more refugees arrived in the 24 May update than in the 17 May one?",
     "Some 676 refugees arrived this week, compared to 69 last week."),
    # different counted nouns the question does not name
    ("How many officers in total made up that group in May 2019?",
     "A group of 10 state police officers and 60 gendarmes arrived in the town on 25 May."),
])
def test_nothing_is_added_when_the_sides_are_not_the_sentences_figures(question, sentence):
    assert _shown(question, sentence) is None


def test_a_month_the_question_names_must_be_the_reports():
    question = "How many displaced people had the authorities moved out of Kobo and Sekota together in May?"
    sentence = "The authorities relocated over 20,000 people from Kobo and over 4,000 people from Sekota."
    assert _shown(question, sentence, date(2019, 5, 24)) == "20,000 + 4,000 = 24,000 people"
    assert _shown(question, sentence, date(2019, 8, 2)) is None


def test_no_cue_no_sum():
    sentence = "The authorities relocated over 20,000 people from Kobo and over 4,000 people from Sekota."
    assert _shown("How many people were relocated from Kobo and Sekota in May?", sentence) is None

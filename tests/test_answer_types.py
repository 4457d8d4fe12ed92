"""The answerer's reading of numbers, names and time: complements of what a sentence counts
(only when the question asks for the other side), "N of them", days between two dates, sums
across sentences, named things, rank qualifiers ("deputy" is not "overall"), pronoun follow-ups
and datelines. Pure functions first, then the real pipeline over two small fictional articles
written here (real Chroma, the real embedder, no LLM)."""

from __future__ import annotations

from datetime import date

import pytest

from rag.answer.extractive.answer_types import named, predicate, rank_conflict, type_fit
from rag.nlp.dates import elapsed
from rag.nlp.numbers import counted_as, figure_before, remainder
from rag.query.condense import condense
from rag.query.question import analyse


@pytest.mark.parametrize("sentence, focus, negated, pred, expected", [
    ("The UN force has so far pulled out of eight of its 13 camps.", "camp", False, "remain", 5),
    ("It said it had reopened four of its 11 clinics in Dorvan.", "clinic", False, "close", 7),  # opposite verb
    ("By Monday, 11 of its 15 districts had reported flooding.", "district", True, "report", 4),  # "had not reported"
    ("It opened 26 shelters in schools, but only 19 of them had clean water.", "shelter", True, "lack", 7),
    ("Seven of the 12 member states sent observers.", "state", True, "stay", 5),  # "stayed away"
    ("Four of the 11 clinics remain closed.", "clinic", False, "remain", None),  # says it already
    ("Three of the 9 checkpoints have not reopened.", "checkpoint", True, "reopen", None),  # both negative
    ("It suspended work at 15 of its 22 clinics on Monday.", "clinic", False, "close", None),  # same side: quote it
    ("A convoy of 24 trucks left at dawn. Seventeen of the trucks reached the town.", "truck", True, "make", 7),
    ("A convoy of 24 trucks left at dawn. Seventeen of the trucks reached the town.", "camp", True, "make", None),
])
def test_remainder_only_for_the_other_side(sentence, focus, negated, pred, expected):
    d = remainder(sentence, focus, negated, pred)
    assert (d.value if d else None) == expected
    if d:
        assert f"= {expected} " in d.expression


def test_funding_gap_only_between_what_was_asked_for_and_what_came_in():
    from rag.nlp.numbers import funding_gap

    gap = funding_gap("The agency's appeal of $48 million has so far received $11.5 million, or 24 percent.")
    assert gap is not None and gap.value == 36.5 and "$48 million - $11.5 million = $36.5 million" in gap.expression
    assert funding_gap("Donors pledged $5 million and $3 million in two rounds.") is None  # no sum asked for
    assert funding_gap("The $40 million plan has received €3 million.") is None  # two currencies
    assert funding_gap("The $40 million plan has received $300,000.") is None  # two units: quote, do not compute


def test_figures_and_their_verbs():
    assert figure_before("The second convoy, of 31 trucks, crossed.", "truck") == "31"
    assert figure_before("The number of people displaced has risen to 18,900, she said.", "peopl") == "18,900"
    assert counted_as("about 9,500 displaced people had returned home", "peopl") == "return"
    assert counted_as("About 38,000 people have been displaced", "peopl") == "displac"


def test_elapsed_days_between_two_dates():
    d = elapsed("The convoy turned back on 16 September reached the town on 21 September.", date(2025, 9, 24))
    assert d is not None and d.value == 5 and d.expression.endswith("= 5 days")
    assert elapsed("The convoy arrived on 21 September.", date(2025, 9, 24)) is None


def test_named_things_ranks_and_predicates():
    agency = analyse("What is the name of the country's national disaster agency?")
    assert named(agency, "The national disaster agency, DIRA, said it opened shelters.") == ["DIRA"]
    boss = analyse("What is the name of the group's overall commander?")
    deputy = "The rebel team is headed by the group's deputy commander, Yusuf Karadi."
    assert rank_conflict(boss, deputy) and named(boss, deputy) == []
    assert named(analyse("Who is the group's deputy commander?"), deputy) == ["Yusuf Karadi"]
    leader = "Group leader Tomas Ferrant attended the talks in person."  # a leader is not a deputy
    assert named(analyse("Who is the group's deputy commander?"), leader) == []
    assert named(boss, leader) == ["Tomas Ferrant"]
    assert predicate(analyse("How many checkpoints on the Port Calder road were still closed?")) == "close"
    assert predicate(analyse("How many UN camps remain in Mali?")) == "remain"
    assert predicate(analyse("How many people was the Tessa camp holding in April?")) == "hold"  # subject first
    assert predicate(analyse("How many days of repairs did the bridge need?")) != "need"  # not a participle


def test_lexicon_joins_equivalents_never_two_sides_of_a_count():
    from rag.nlp.lexicon import word_key
    from rag.nlp.text import stem

    assert word_key("lorries") == word_key("trucks") and word_key("non-combatants") == word_key("civilians")
    assert word_key("bombardment") == word_key("shelling")
    assert word_key("died") == word_key("killed") == word_key("deaths")
    for a, b in [("killed", "wounded"), ("displaced", "returned"), ("civilians", "people"),
                 ("released", "detained"), ("reopened", "closed"), ("refugees", "displaced")]:
        assert word_key(a) != word_key(b), (a, b)
    # the stemmer itself knows no synonyms: folding them is the lexicon's explicit step
    assert stem("lorries") != stem("trucks") and stem("bombardment") != stem("shelling")


@pytest.mark.parametrize("text, qtype, focus, negated", [
    ("Roughly how many people lived in the town?", "numeric", "peopl", False),
    ("In how many countries were arrivals recorded?", "numeric", "countri", False),
    ("Of the lorries in the convoy, how many failed to get through?", "numeric", "truck", True),
    ("Who is Norland's defence minister?", "who", "minist", False),
])
def test_question_forms(text, qtype, focus, negated):
    q = analyse(text)
    assert (q.qtype, q.focus, q.negated, q.define) == (qtype, focus, negated, False)


def test_an_organisation_owner_must_be_named():
    from rag.answer.extractive.gates import _owner_named

    q = analyse("Who is the NPA's top military commander?")
    assert not _owner_named(q, "Rear Admiral Ysolde Brenner, who commands the navy's Northern Fleet, spoke.")
    assert _owner_named(q, "NPA commander Idris Koneva spoke.")
    assert _owner_named(analyse("Who is Norland's defence minister?"), "Defence Minister Lars Odegard spoke.")


def test_a_role_with_another_qualifier_is_another_role():
    defence = analyse("Who is Norland's defence minister?")
    foreign = "The delegation was led by Deputy Foreign Minister Lars Odegard."
    assert rank_conflict(defence, foreign) and named(defence, foreign) == []
    assert not rank_conflict(defence, "Defence Minister Lars Odegard visited the camp.")
    assert not rank_conflict(defence, "The minister, Lars Odegard, visited the camp.")


def test_the_day_of_a_report_is_not_the_day_asked_about():
    begin = analyse("When is the pause supposed to begin?")
    assert type_fit(begin, "Both sides agreed to a pause, mediators said on Monday.") == 0.0
    assert type_fit(begin, "The pause is due to take effect at 06:00 on 26 March.") == 1.0
    assert type_fit(analyse("When did the mediators announce the pause?"),
                    "Both sides agreed to a pause, mediators said on Monday.") == 1.0
    last = analyse("How long is the pause meant to last?")
    assert type_fit(last, "Both sides agreed to a 72-hour pause.") == 1.0
    assert type_fit(last, "The leader spoke in public for the first time in more than a year.") == 0.5
    assert type_fit(last, "The leader spoke in public.") == -1.0


def test_where_from_wants_the_place_of_departure():
    origin = analyse("Which town did the relief convoy set out from?")
    assert type_fit(origin, "A convoy of 24 trucks left the Ambul warehouse hub at dawn.") == 1.0
    assert type_fit(origin, "The convoy travelled to Dorvan.") == 0.0  # a destination
    assert type_fit(analyse("Where was the convoy heading?"), "The convoy travelled to Dorvan.") == 1.0


def test_durations_and_lists():
    how_long = analyse("How long did the second convoy take?")
    assert type_fit(how_long, '"The journey took 11 hours.') > 0  # a duration
    assert type_fit(how_long, "It blocked the road a week ago.") == -1.0  # a date, not a duration
    which = analyse("Which countries did the peacekeepers come from?")
    assert type_fit(which, "848 peacekeepers from Bangladesh, Chad, Egypt, Guinea and Nepal left.") == 1.0
    assert type_fit(which, "The convoy faced bad weather.") == 0.0


def test_pronoun_follow_up_takes_the_person_the_answer_named():
    history = [("user", "Who is the governor of the province?"),
               ("assistant", "The deputy, Piet Lannoy, spoke first; the provincial governor, Anja Verholt, "
                             "said 37 people died. [1]")]
    assert condense("What figures did she give?", history) == "Anja Verholt What figures did she give?"
    assert condense("Where is it?", history).startswith("Who is the governor of the province?")


RIVERTON = """---
title: "Floods cut off Riverton district"
date: 2025-09-17
source: "Fictional Wire (test fixture)"
---
ORSK, Norland — Flash floods have cut off Riverton district, the provincial governor, Anja Verholt, said on Wednesday.

By Tuesday evening, 11 of the province's 15 districts had reported flooding, she said.
She said at least 37 people had died.

The national disaster agency, DIRA, said it had opened 26 temporary shelters in schools,
but only 19 of them had clean water.

A first aid convoy of 12 trucks reached Riverton on Tuesday.
The convoy had been turned back at Kell Bridge on 9 September and reached Riverton on 16 September.

The rebel delegation is headed by the group's deputy commander, Yusuf Karadi.

DIRA's flood appeal of $9 million has so far received $2.5 million, the agency said.

The navy sent 14 boats to Riverton on Tuesday. Only 9 of the boats arrived before nightfall.

About 4,200 people have fled their homes in the district, DIRA said.

Food deliveries to the district fell from 900 tonnes in August to 250 tonnes in September, traders said.
"""

TALKS = """---
title: "Second convoy reaches Riverton as talks open"
date: 2025-09-24
source: "Fictional Wire (test fixture)"
---
A second convoy, of 20 trucks, reached Riverton on Monday, the disaster agency said.

DIRA said 6,900 people have now been displaced in Riverton district.

Talks between the government and the Norland Freedom Front (NFF) opened in this lakeside town on Tuesday.
The government side is led by Deputy Foreign Minister Lars Odegard.
"""


@pytest.fixture(scope="module")
def floods(embeddings, tmp_path_factory):
    from rag import Assistant, Settings

    folder = tmp_path_factory.mktemp("floods")
    (folder / "riverton.md").write_text(RIVERTON, encoding="utf-8")
    (folder / "talks.md").write_text(TALKS, encoding="utf-8")
    # the hand-fit ranker: these derivation and rank checks were written for it (see conftest.hand_fit)
    settings = Settings(data_dir=tmp_path_factory.mktemp("floods-index"), answer_scorer=False)
    a = Assistant(settings, embeddings=embeddings)
    assert a.ingest([folder]).added == 2
    return a


def _cited(answer, assistant):
    assert not answer.abstained and answer.citations
    for c in answer.citations:
        assert assistant.article_text(c.article_id)[c.start:c.end] == c.quote


@pytest.mark.parametrize("question, shown, quoted", [
    ("How many districts had not reported flooding by Tuesday evening?", "15 - 11 = 4", "11 of the province's 15"),
    ("How many of the temporary shelters lacked clean water?", "26 - 19 = 7", "only 19 of them"),
    ("How many days passed between the convoy being turned back and it reaching Riverton?",
     "16 September 2025 - 9 September 2025 = 7 days", "turned back at Kell Bridge"),
    ("How many trucks did the two convoys bring to Riverton altogether?", "12 + 20 = 32 trucks", "12 trucks"),
    ("How much money is still missing from the flood appeal?", "$9 million - $2.5 million = $6.5 million",
     "appeal of $9 million"),
    ("Of the boats sent to Riverton, how many failed to arrive?", "14 - 9 = 5 boats", "9 of the boats"),
    ("By how much did DIRA's displacement figure rise between the two reports?", "6,900 - 4,200 = 2,700 people",
     "4,200 people have fled"),
    ("How big was the drop in food deliveries between August and September?", "900 - 250 = 650 tonnes less",
     "fell from 900 tonnes"),
])
def test_derived_numbers_show_their_arithmetic_and_cite_each_operand(floods, question, shown, quoted):
    a = floods.ask(question)
    _cited(a, floods)
    assert shown in a.text
    assert any(quoted in c.quote for c in a.citations)
    if "+" in shown or "6,900" in shown:
        assert {c.title for c in a.citations} == {"Floods cut off Riverton district",
                                                   "Second convoy reaches Riverton as talks open"}


def test_follow_up_she(floods):
    first = "Who is the provincial governor?"
    answer = floods.ask(first)
    assert "Anja Verholt" in answer.text
    follow = floods.ask("How many deaths did she report?", [("user", first), ("assistant", answer.text)])
    _cited(follow, floods)
    assert "37" in follow.text


def test_define_rank_and_dateline(floods):
    full = floods.ask("What is the full name of the group known as the NFF?")
    _cited(full, floods)
    assert "Norland Freedom Front" in full.text
    assert floods.ask("Who is the rebel group's overall commander?").abstained  # only a deputy is named
    assert floods.ask("Who is Norland's defence minister?").abstained  # only a foreign minister is named
    assert floods.ask("What is the annual budget of the disaster agency?").abstained  # no budget is given
    lorries = floods.ask("How many lorries did the first relief convoy bring?")  # the article says trucks
    _cited(lorries, floods)
    assert "12" in lorries.text
    agency = floods.ask("What is the name of the national disaster agency?")
    assert "DIRA" in agency.text
    where = floods.ask("Where did the governor speak about the floods?")  # the dateline says where
    _cited(where, floods)
    assert "ORSK" in where.text

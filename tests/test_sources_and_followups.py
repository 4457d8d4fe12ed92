"""Several sources, follow-ups and names written otherwise, with real parts: spaCy's parse for what a
follow-up points back to, a real index for an answer two articles give, the abstention rule's name test
on real passages, and the "between two named reports" filter on dated figures."""

from __future__ import annotations

from datetime import date

from rag.answer.extractive.answerer import ExtractiveAnswerer
from rag.answer.extractive.derive import _covers, _main_figure, _of_named_reports
from rag.models import Chunk, ScoredChunk
from rag.query.condense import condense, leans_on
from rag.query.question import analyse


def _passage(text: str, article: str = "a") -> ScoredChunk:
    chunk = Chunk(id=f"{article}:0", article_id=article, ordinal=0, paragraphs=(0, 0), start=0, end=len(text),
                  text=text, title="Situation report", published=date(2021, 1, 28), source="test")
    return ScoredChunk(chunk, 1.0)


def test_what_a_follow_up_points_back_to_comes_from_the_parse():
    assert leans_on("How many people were staying there?")  # the place adverb
    assert leans_on("How many officers made up that group?") and leans_on("What proportion of those cases were severe?")
    assert not leans_on("Who paid for it, and how much did it cost?")  # "it": see leans_on
    assert not leans_on("Are there any camps left?")  # the existential "there" points to nothing
    assert not leans_on("How many camps remain in Mali?")


def test_a_follow_up_is_retrieved_with_the_place_the_previous_answer_named():
    previous = "Which town took in most of the refugees who crossed into Chad?"
    said = "As of 2 May 2023: Most of the refugees arrived in Adre, a town near Abeche in eastern Chad. [1]"
    standalone = condense("How many people were staying there?", [("user", previous), ("assistant", said)])
    assert standalone.startswith(previous) and standalone.endswith("How many people were staying there?")
    assert "Adre" in standalone or "Abeche" in standalone
    # an abstention names nothing; an elliptic follow-up gets the previous question only
    nothing = "The sources do not answer this. The nearest passages are listed below."
    assert condense("How many people were staying there?", [("user", previous), ("assistant", nothing)]) == \
        f"{previous} How many people were staying there?"
    assert condense("And after 1 April?", [("user", previous), ("assistant", said)]) == f"{previous} And after 1 April?"


def test_a_name_written_otherwise_is_not_missing_but_an_absent_one_is():
    passages = [_passage("Arrivals into the Democratic Republic of the Congo rose fastest in Nord-Ubangi."),
                _passage("Many people in Burkina Faso have fled more than once.", "b")]
    for question in ("In which provinces of Congo-Kinshasa were arrivals rising fastest?",
                     "Why had many Burkinabè been forced to flee more than once?",
                     "How many donors had NOT paid in Burkina Faso?"):
        assert ExtractiveAnswerer.missing(analyse(question), passages) is None, question
    assert "Wagner Group" in (ExtractiveAnswerer.missing(analyse("What did the Wagner Group say?"), passages) or "")
    assert "UNICEF" in (ExtractiveAnswerer.missing(analyse("What did UNICEF say about Burkina Faso?"), passages) or "")
    assert analyse("Of the donors, how many had NOT yet paid?").names == ()  # emphasis, not a name


def test_two_reports_of_one_month_are_told_apart_by_their_day():
    q = analyse("By how much did the count of arrivals rise between the 1 October and 15 October 2017 reports?")
    figures = [(date(2017, 10, 1), ("507,000", 507000.0, "arrivals"), None),
               (date(2017, 10, 15), ("537,000", 537000.0, "arrivals"), None),
               (date(2017, 12, 17), ("655,000", 655000.0, "arrivals"), None)]
    kept, named = _of_named_reports(q, figures)
    assert [f[0] for f in kept] == [date(2017, 10, 1), date(2017, 10, 15)] and _covers(kept, named)
    kept, named = _of_named_reports(q, figures[1:])
    assert not _covers(kept, named)  # one of the two named reports is not there: nothing to compare


def test_a_question_naming_a_year_reads_only_that_years_reports():
    q = analyse("By how many cases did suspected cholera in the capital grow between 22 and 28 May 2014?")
    figures = [(date(2014, 5, 30), ("395", 395.0, "cases"), None), (date(2022, 11, 17), ("399", 399.0, "cases"), None)]
    kept, named = _of_named_reports(q, figures)
    assert [f[0] for f in kept] == [date(2014, 5, 30)] and not _covers(kept, named)


def test_each_named_report_needs_a_figure_of_the_compared_count():
    q = analyse("By how much did the count of Nigerian refugees go up between its March 2018 and May 2019 updates?")
    refugees = [(date(2018, 3, 6), ("671,000", 671000.0, "refugees"), None),
                (date(2018, 3, 25), ("836,210", 836210.0, "refugees"), None)]
    nigerian = [(date(2018, 3, 31), ("203,000", 203000.0, "Nigerian"), None),
                (date(2019, 5, 31), ("240,000", 240000.0, "Nigerian"), None)]
    kept, named = _of_named_reports(q, refugees + nigerian)
    assert len(kept) == 4 and not _covers(refugees, named) and _covers(nigerian, named)


def test_a_day_beside_its_month_is_not_a_reports_figure():
    assert _main_figure("As of 20 January 2021, over 84,000 individuals are thought to have fled.")[:2] == \
        ("84,000", 84000.0)
    assert _main_figure("On 22 May, 12 trucks arrived in the town.")[:2] == ("12", 12.0)


def test_two_articles_that_answer_are_both_cited_newest_first(embeddings, tmp_path):
    from rag import Assistant, Settings

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "older.md").write_text(
        "---\ntitle: Council condemns attack on peacekeepers\npublished: 2018-04-11\nsource: UN News\n---\n\n"
        "The statement condemning the attack on the peacekeepers in Bangui was issued by the spokesman "
        "for the Secretary-General, Stéphane Dujarric.\n\nThe mission said patrols would continue.\n",
        encoding="utf-8")
    (folder / "newer.md").write_text(
        "---\ntitle: Security Council press statement on Bangui\npublished: 2018-04-13\nsource: UN Press\n---\n\n"
        "The statement condemning the attack on the peacekeepers in Bangui was issued by the President of "
        "the Security Council, Gustavo Meza-Cuadra.\n\nCouncil members expressed their condolences.\n",
        encoding="utf-8")
    a = Assistant(Settings(data_dir=tmp_path / "data", corpus_dir=folder), embeddings=embeddings)
    a.ingest([folder])
    answer = a.ask("Who issued the statement condemning the attack on the peacekeepers in Bangui?")
    assert not answer.abstained and "Two statements match, newest first" in answer.text
    assert "Meza-Cuadra" in answer.text and "Dujarric" in answer.text
    assert answer.text.index("Meza-Cuadra") < answer.text.index("Dujarric")  # newest first
    assert len({c.article_id for c in answer.citations}) == 2

"""Copies and versions (issue: updates are not copies). A copy is collapsed only when its text adds
nothing; a later version that changes a figure or adds passages stays citable, the newest figure
wins, and the article list says "updated version of ..."; of two equal copies the earlier
published is the original whatever the order of ingest. Real Chroma, real embedder."""

from __future__ import annotations

import re

from .conftest import ROOT

SHIPPED = next((ROOT / "corpus").glob("*.txt"))


def shipped(date: str = "2023-11-09", replace: tuple[str, str] | None = None, extra: str = "") -> str:
    text = SHIPPED.read_text(encoding="utf-8")
    body = text.split("---", 2)[2]
    if replace:
        assert replace[0] in body
        body = body.replace(*replace)
    title = "Mali army fires on armored vehicles left after UN pullout"
    return f"---\ntitle: \"{title}\"\ndate: {date}\n---\n{body}{extra}"


def write(folder, name: str, text: str):
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_text(text, encoding="utf-8")
    return p


def test_an_update_that_changes_a_figure_is_a_version_and_the_newest_figure_wins(fresh_assistant, tmp_path):
    from tests.conftest import hand_fit

    fresh_assistant = hand_fit(fresh_assistant)  # the newest-figure rule of the hand-fit ranker
    changed = ("eight of its 13 camps", "eleven of its 13 camps")
    later = write(tmp_path / "a", "later.md", shipped("2023-11-20", changed))
    earlier = write(tmp_path / "b", "earlier.md", shipped())
    fresh_assistant.ingest([later])  # the later one first: order of ingest must not decide
    fresh_assistant.ingest([earlier])
    listed = fresh_assistant.articles()
    assert len(listed) == 2 and not any(a.duplicate_of for a in listed)
    assert sum(bool(a.version_of) for a in listed) == 1
    answer = fresh_assistant.ask("How many UN camps remain?")
    assert not answer.abstained
    assert re.search(r"\b2\b", answer.text) and "13 - 8 = 5" not in answer.text, answer.text
    assert any("eleven of its 13 camps" in c.quote for c in answer.citations)
    from rag.ui.render_articles import articles_html

    assert "updated version of" in articles_html(listed)


def test_a_later_version_that_adds_a_passage_keeps_it_retrievable(fresh_assistant, tmp_path):
    added = "\n\nOn 21 November a second convoy of 312 peacekeepers left Tessalit for Gao, the mission said.\n"
    fresh_assistant.ingest([write(tmp_path, "first.md", shipped())])
    fresh_assistant.ingest([write(tmp_path, "update.md", shipped("2023-11-22", extra=added))])
    assert not any(a.duplicate_of for a in fresh_assistant.articles())
    answer = fresh_assistant.ask("How many peacekeepers were in the convoy that left Tessalit?")
    assert "312" in answer.text and not answer.abstained


def test_of_two_equal_copies_the_earlier_published_is_the_original(fresh_assistant, tmp_path):
    fresh_assistant.ingest([write(tmp_path / "x", "repost.md", shipped("2023-11-15"))])
    fresh_assistant.ingest([write(tmp_path / "y", "original.md", shipped("2023-11-09"))])
    by_date = {str(a.published): a for a in fresh_assistant.articles()}
    assert by_date["2023-11-15"].duplicate_of == by_date["2023-11-09"].article_id
    assert by_date["2023-11-09"].duplicate_of is None
    answer = fresh_assistant.ask("Why did the convoy lack air support?")
    assert {c.published.isoformat() for c in answer.citations} == {"2023-11-09"}


def test_a_shorter_copy_adds_nothing_and_is_counted_once(fresh_assistant, tmp_path):
    text = shipped()
    paragraphs = text.split("\n\n")
    short = "\n\n".join(paragraphs[: len(paragraphs) // 2]) + "\n"
    fresh_assistant.ingest([write(tmp_path, "full.md", text)])
    fresh_assistant.ingest([write(tmp_path, "short.md", short.replace("2023-11-09", "2023-11-10", 1))])
    copies = [a for a in fresh_assistant.articles() if a.duplicate_of]
    assert len(copies) == 1 and str(copies[0].published) == "2023-11-10"


TEMPLATE = """---
title: "Floods displace families in {town}"
date: 2024-0{month}-{day:02d}
---
Heavy rains caused the {river} river to burst its banks near {town} on Monday, the district office said.

{families} families were forced from their homes in {town} and {shelters} schools were opened as shelters.

Aid agencies said roads remained passable and that assessments would continue through the week. The
district office urged residents to follow official guidance and to avoid crossing flooded roads.
"""
TOWNS = ["Arvel", "Brisk", "Corran", "Dunmore", "Elsby", "Farrow", "Glenna", "Harl", "Istow", "Jarrow",
         "Kelby", "Lorne", "Marrick", "Nessa", "Orrin", "Penmar", "Quarry Hill", "Rossby", "Stenna", "Tallow"]


def test_articles_sharing_template_paragraphs_are_not_copies(fresh_assistant, tmp_path):
    folder = tmp_path / "floods"
    for i, town in enumerate(TOWNS):
        write(folder, f"{i:02d}.md", TEMPLATE.format(town=town, river=f"R{town[:3].lower()}", families=120 + 37 * i,
                                                   shelters=2 + i % 5, month=1 + i % 9, day=1 + i))
    report = fresh_assistant.ingest([folder])
    assert report.added == len(TOWNS)
    assert not any(a.duplicate_of for a in fresh_assistant.articles())
    for i in (0, 7, 19):
        answer = fresh_assistant.ask(f"How many families were forced from their homes in {TOWNS[i]}?")
        assert str(120 + 37 * i) in answer.text, (TOWNS[i], answer.text)


def test_real_copies_and_versions_from_the_news_corpus(fresh_assistant, tmp_path):
    """A mirror that carries a shorter cut of the same OCHA report is a copy; two OCHA Sudan reports
    three days apart with changed figures are versions, both citable (their first passages differ,
    so only the MinHash candidates find the pair)."""
    import shutil

    from .conftest import DATA

    train = DATA / "news" / "train" / "articles"
    names = ["syria_nw-sitrep-12_2020-04-17.md", "syria_nw-sitrep-12-humanitarianresponse_2020-04-17.md",
             "sudan_ocha-update_2023-08-14.md", "sudan_ocha-sitrep_2023-08-17.md"]
    for n in names:  # one at a time: the indexed text is found by its MinHash signature, not by the batch
        shutil.copy(train / n, tmp_path / n)
        fresh_assistant.ingest([tmp_path / n])
    listed = fresh_assistant.articles()
    assert len(listed) == 4
    (copy,) = [a for a in listed if a.duplicate_of]
    original = next(a for a in listed if a.article_id == copy.duplicate_of)
    assert copy.chunks < original.chunks and copy.published == original.published
    sudan = [a for a in listed if a.published and a.published.year == 2023]
    assert not any(a.duplicate_of for a in sudan) and sum(bool(a.version_of) for a in sudan) == 1

"""Syndicated copies of one wire story are detected at ingest and counted once."""

from .conftest import DATA


def test_syndicated_copy_is_grouped_and_never_cited_twice(fresh_assistant):
    report = fresh_assistant.ingest([DATA / "articles"])
    assert report.added == 5
    infos = {a.title: a for a in fresh_assistant.articles()}
    copies = [a for a in infos.values() if a.duplicate_of]
    assert len(copies) == 1
    original = next(a for a in infos.values() if a.article_id == copies[0].duplicate_of)
    assert original.published == copies[0].published and original.duplicate_of is None
    for question in ("How many trucks were in the first convoy to reach Dorvan?",
                     "Why did the first convoy arrive a day late?", "Who met the convoy at the city gate?"):
        answer = fresh_assistant.ask(question)
        cited = {c.article_id for c in answer.citations}
        assert copies[0].article_id not in cited
        assert copies[0].article_id not in {s.chunk.article_id for s in answer.retrieved}


def test_different_articles_are_not_duplicates(corpus_assistant):
    assert all(a.duplicate_of is None for a in corpus_assistant.articles())

"""Syndicated copies of one wire story are detected at ingest and counted once."""

from .conftest import DATA, ROOT


def test_syndicated_copy_is_grouped_and_never_cited_twice(articles_index):
    assistant, report = articles_index  # shared, only asked: the five articles indexed once per session
    assert report.added == 5
    infos = {a.title: a for a in assistant.articles()}
    copies = [a for a in infos.values() if a.duplicate_of]
    assert len(copies) == 1
    original = next(a for a in infos.values() if a.article_id == copies[0].duplicate_of)
    assert original.published == copies[0].published and original.duplicate_of is None
    for question in ("How many trucks were in the first convoy to reach Dorvan?",
                     "Why did the first convoy arrive a day late?", "Who met the convoy at the city gate?"):
        answer = assistant.ask(question)
        cited = {c.article_id for c in answer.citations}
        assert copies[0].article_id not in cited
        assert copies[0].article_id not in {s.chunk.article_id for s in answer.retrieved}


def test_a_copy_is_detected_and_a_different_article_is_not(fresh_assistant, tmp_path):
    """Three articles: the shipped one, a wire copy of it a day later under another title, and another
    story. Only the copy is grouped, under the original; the other story and the original are not."""
    from rag.ingest.loaders import load_file

    shipped = next((ROOT / "corpus").iterdir())
    body = load_file(shipped).text  # the story as read, without the page's headline, dateline and caption
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / shipped.name).write_bytes(shipped.read_bytes())
    (folder / "wire-copy.txt").write_text('---\ntitle: "Malian troops strike vehicles the UN left in Kidal"\n'
                                          'date: 2023-11-10\nsource: "Wire"\n---\n' + body, encoding="utf-8")
    other = DATA / "articles" / "2024-03-28-six-of-nine-checkpoints-reopen.txt"
    (folder / other.name).write_bytes(other.read_bytes())
    report = fresh_assistant.ingest([folder])
    assert report.added == 3 and not report.failed
    by_title = {a.title: a for a in fresh_assistant.articles()}
    assert len(by_title) == 3, by_title
    original = by_title["Mali army fires on armored vehicles left after UN pullout"]
    copy = by_title["Malian troops strike vehicles the UN left in Kidal"]
    different = by_title["Six of nine Haskar road checkpoints reopen as truce monitors deploy"]
    assert copy.duplicate_of == original.article_id
    assert original.duplicate_of is None and different.duplicate_of is None
    assert {a.article_id for a in fresh_assistant.articles() if a.duplicate_of} == {copy.article_id}

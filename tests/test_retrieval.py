from datetime import date

from rag.index.filters import Filters
from rag.nlp.similarity import near_duplicate
from rag.retrieval.hybrid import collapse_duplicates

ARTICLES = {
    "a.md": ("Ceasefire talks open in Merrow", "2024-03-20",
             "Delegations met in Merrow on Wednesday for ceasefire talks chaired by an envoy."),
    "b.md": ("Floods hit Ashvale", "2024-04-02",
             "Floods displaced 4,200 families in Ashvale province after the dam failed."),
    "c.md": ("Floods hit Ashvale (copy)", "2024-04-02",
             "Floods displaced 4,200 families in Ashvale province after the dam failed, officials said."),
}


def index(fresh_assistant, tmp_path):
    for name, (title, d, body) in ARTICLES.items():
        (tmp_path / name).write_text(f"---\ntitle: \"{title}\"\ndate: {d}\n---\n{body}\n")
    fresh_assistant.ingest([tmp_path])
    return {a.title: a.article_id for a in fresh_assistant.articles()}


def retrieve(assistant, query, **filters):
    return assistant.retriever.retrieve(query, assistant.encoder.query(query), filters=Filters(**filters))


def test_hybrid_ranks_and_filters(fresh_assistant, tmp_path):
    ids = index(fresh_assistant, tmp_path)
    top = retrieve(fresh_assistant, "how many families were displaced by floods")
    assert top[0].chunk.title.startswith("Floods hit Ashvale")
    assert top[0].dense_rank is not None and top[0].bm25_rank is not None
    # the syndicated copy is collapsed into one result
    assert sum(s.chunk.title.startswith("Floods") for s in top) == 1
    only = retrieve(fresh_assistant, "floods", article_ids=(ids["Ceasefire talks open in Merrow"],))
    assert {s.chunk.title for s in only} == {"Ceasefire talks open in Merrow"}
    march = retrieve(fresh_assistant, "floods", date_from=date(2024, 3, 1), date_to=date(2024, 3, 31))
    assert {s.chunk.published for s in march} == {date(2024, 3, 20)}
    assert retrieve(fresh_assistant, "floods", date_from=date(2025, 1, 1)) == []


def test_exact_number_found_by_bm25(fresh_assistant, tmp_path):
    index(fresh_assistant, tmp_path)
    top = retrieve(fresh_assistant, "4,200")
    assert top and "4,200" in top[0].chunk.text and top[0].bm25_rank == 1


def test_near_duplicate():
    a = "Floods displaced 4,200 families in Ashvale province after the dam failed."
    assert near_duplicate(a, a + " Officials said.")
    assert not near_duplicate(a, "Delegations met in Merrow on Wednesday for ceasefire talks.")
    from types import SimpleNamespace

    def entries(*texts_and_days):
        return [{"chunk": SimpleNamespace(text=t, published=date(2024, 5, d)), "score": 1.0 / (i + 1)}
                for i, (t, d) in enumerate(texts_and_days)]

    assert len(collapse_duplicates(entries((a, 1), (a + " Officials said.", 2), ("Other text here.", 1)), 5)) == 2
    # the same figures: one is kept, at the better rank, and it is the newer text
    kept = collapse_duplicates(entries((a, 1), (a + " Officials said.", 9)), 5)
    assert len(kept) == 1 and kept[0]["chunk"].published == date(2024, 5, 9) and kept[0]["score"] == 1.0
    # an update that changes a figure is not a duplicate: both stay, so the newest figure can win
    update = a.replace("4,200", "6,900")
    assert len(collapse_duplicates(entries((a, 1), (update, 9)), 5)) == 2


def test_filters_where_clause():
    f = Filters(("x",), date(2024, 1, 1), None)
    assert f.where() == {"$and": [{"article_id": {"$in": ["x"]}}, {"published_day": {"$gte": 20240101}}]}
    assert Filters().where() is None


def test_spread_caps_one_article_while_others_match():
    from types import SimpleNamespace

    from rag.retrieval.hybrid import spread

    entries = [{"chunk": SimpleNamespace(article_id=a), "n": i} for i, a in enumerate("AAAAB C".replace(" ", ""))]
    picked = spread(entries, 4, 2)
    assert [e["chunk"].article_id for e in picked] == ["A", "A", "B", "C"]
    assert [e["n"] for e in spread(entries[:4], 3, 2)] == [0, 1, 2]  # only one article: the cap yields

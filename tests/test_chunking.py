from datetime import date

from rag.ingest.chunking import chunk_article
from rag.ingest.loaders import load_file, load_text
from rag.models import context_prefix

from .conftest import ROOT


def corpus_article():
    return load_file(next((ROOT / "corpus").glob("*.txt")))


def test_chunks_cover_the_article_with_exact_offsets():
    a = corpus_article()
    chunks = chunk_article(a)
    assert len(chunks) >= 5
    for c in chunks:
        assert a.text[c.start:c.end] == c.text
        assert len(c.text) <= 600 or "\n\n" not in c.text
        assert c.title == a.title and c.published == date(2023, 11, 9)
    # every paragraph lands in exactly one chunk, in order
    firsts = [c.paragraphs for c in chunks]
    assert firsts[0][0] == 0 and all(b[0] == a_[1] + 1 for a_, b in zip(firsts, firsts[1:], strict=False))
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))


def test_chunk_ids_are_stable_and_content_addressed():
    a = corpus_article()
    ids1 = [c.id for c in chunk_article(a)]
    ids2 = [c.id for c in chunk_article(load_file(next((ROOT / "corpus").glob("*.txt"))))]
    assert ids1 == ids2 and len(set(ids1)) == len(ids1)


def test_long_paragraph_is_split_at_sentences():
    sentence = "The convoy moved slowly along the damaged road towards the town. "
    a = load_text("---\ntitle: Long\ndate: 2024-01-02\n---\n" + sentence * 30, name="long.txt")
    chunks = chunk_article(a, max_chars=300, min_chars=100)
    assert len(chunks) > 1
    assert all(c.text.endswith(".") and c.text.startswith("The") for c in chunks)
    assert all(c.paragraphs == (0, 0) for c in chunks)


def test_context_prefix_has_title_and_date():
    c = chunk_article(corpus_article())[0]
    assert context_prefix(c).startswith("Mali army fires on armored vehicles left after UN pullout (9 November 2023)")

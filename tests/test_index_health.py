"""Junk cannot damage the index (issue: reliability 2): texts with no real words, one repeated
word, or far more passages than a real article are refused before anything is written; an
identical passage is stored once; and after removing articles every stored passage still comes
back first for its own vector (`python -m rag check`). Real Chroma, real embedder."""

from __future__ import annotations

import pytest

from rag import Assistant, Settings

from .conftest import DATA, ROOT

GOOD = "The relief convoy reached the river town on Monday after a week on the road, officials said."


def build_index(embeddings, data_dir):
    a = Assistant(Settings(data_dir=data_dir, max_chunks_per_article=40), embeddings=embeddings)
    report = a.ingest([ROOT / "corpus", DATA / "articles", DATA / "news" / "dev" / "articles"])
    assert report.added >= 20 and not report.failed
    return a


@pytest.fixture
def indexed(embeddings, tmp_path):
    """An index of its own, for a test that removes articles."""
    return build_index(embeddings, tmp_path / "index")


@pytest.fixture(scope="module")
def shared_index(embeddings, tmp_path_factory):
    """One index for the tests that must leave it as it was (junk refused, a check): each checks that."""
    return build_index(embeddings, tmp_path_factory.mktemp("health") / "index")


@pytest.mark.parametrize("text, phrase", [
    ("x" * 5_000_000, "almost no words"),
    ("word " * 40_000, "repeats 'word'"),
    ("§ ¶ — 1 2 3 ... ### *** " * 2000, "almost no words"),
    ("\n\n".join(f"{GOOD} Convoy number {n} of the season was counted at checkpoint {n * 3}." for n in range(400)),
     "passages"),
], ids=["x-line", "one-word", "symbols", "too-many-passages"])
def test_junk_is_refused_before_anything_is_written(shared_index, text, phrase):
    before = shared_index.store.counts()
    report = shared_index.ingest_text(text, title="Junk", published="2024-01-01")
    (failure,) = report.failed
    assert phrase in failure.error and report.added == 0
    assert shared_index.store.counts() == before
    assert shared_index.check_index(200).healthy


def test_an_identical_passage_is_stored_once(fresh_assistant):
    unique = [f"Paragraph {w} tells of the convoy that reached {w} on Monday after the rains." for w in
              ("Arvel", "Brisk", "Corran")]
    boiler = ("The district office urged residents to follow official guidance, to avoid flooded roads and "
              "to report any missing relatives to the nearest police station or aid desk.")
    text = "\n\n".join([unique[0], boiler, unique[1], boiler, unique[2], boiler, boiler])
    report = fresh_assistant.ingest_text(text, title="Repeats", published="2024-01-01")
    chunks = [c for c in fresh_assistant.store.iter_chunks() if c.article_id == report.article_ids[0]]
    assert len({c.text for c in chunks}) == len(chunks)
    assert sorted(c.ordinal for c in chunks) == list(range(len(chunks)))


@pytest.mark.slow  # an index of ~20 articles of its own
def test_removing_articles_leaves_the_index_healthy(indexed):
    health = indexed.check_index(10_000)
    assert health.healthy and health.checked == health.stored > 50
    for info in indexed.articles()[:5]:
        assert indexed.remove(info.article_id)
    after = indexed.check_index(10_000)
    assert after.healthy and after.checked == after.stored < health.stored


def test_check_from_the_command_line(shared_index, cli, capsys, monkeypatch):
    from rag.__main__ import main

    monkeypatch.setenv("RAG_DATA_DIR", str(shared_index.settings.data_dir))
    assert main(["check", "--sample", "50"]) == 0
    assert "index healthy: 50 of" in capsys.readouterr().out

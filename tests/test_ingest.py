"""Ingest against a real Chroma store in a temp dir with the real embedder."""

import shutil

from .conftest import ROOT

ARTICLE = """---
title: "Clinic reopens in Dorvan"
date: 2024-02-01
source: Test Wire
---
The main clinic in Dorvan reopened on Monday after three weeks of repairs.

Doctors said 40 patients were treated on the first day.
"""


def test_ingest_is_idempotent_and_replaces_edited_files(fresh_assistant, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(next((ROOT / "corpus").glob("*.txt")), folder / "mali.txt")
    (folder / "clinic.md").write_text(ARTICLE)
    first = fresh_assistant.ingest([folder])
    assert (first.added, first.unchanged, first.replaced, first.failed) == (2, 0, 0, ())
    n_chunks = fresh_assistant.store.counts()[0]

    again = fresh_assistant.ingest([folder])
    assert (again.added, again.unchanged, again.replaced, again.chunks_added) == (0, 2, 0, 0)
    assert fresh_assistant.store.counts()[0] == n_chunks

    (folder / "clinic.md").write_text(ARTICLE.replace("40 patients", "55 patients"))
    edited = fresh_assistant.ingest([folder])
    assert (edited.added, edited.unchanged, edited.replaced) == (0, 1, 1)
    assert fresh_assistant.store.counts()[0] == n_chunks  # old chunks gone, new ones in
    answer = fresh_assistant.ask("How many patients were treated on the first day at the Dorvan clinic?")
    assert "55" in answer.text and "40 patients" not in answer.text


def test_failed_files_are_reported_and_others_still_go_in(fresh_assistant, tmp_path):
    (tmp_path / "good.md").write_text(ARTICLE)
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01" * 100)
    report = fresh_assistant.ingest([tmp_path])
    assert report.added == 1
    assert sorted(f.path.rsplit("/", 1)[-1] for f in report.failed) == ["bin.txt", "empty.txt"]
    assert all(f.error for f in report.failed)
    assert [a.title for a in fresh_assistant.articles()] == ["Clinic reopens in Dorvan"]


def test_remove_and_prune(fresh_assistant, tmp_path):
    p = tmp_path / "clinic.md"
    p.write_text(ARTICLE)
    fresh_assistant.ingest([p])
    (info,) = fresh_assistant.articles()
    assert info.chunks >= 1 and fresh_assistant.article_text(info.article_id).startswith("The main clinic")
    p.unlink()
    assert fresh_assistant.prune() == 1
    assert fresh_assistant.articles() == [] and fresh_assistant.store.counts() == (0, 0)
    assert fresh_assistant.remove(info.article_id) is False


def test_pasted_text_and_persistence_across_instances(fresh_assistant, embeddings):
    from rag import Assistant

    report = fresh_assistant.ingest_text("Flooding cut the road to Merrow on Sunday, officials said.",
                                         title="Floods cut Merrow road", published="2024-05-05")
    assert report.added == 1
    reopened = Assistant(fresh_assistant.settings, embeddings=embeddings)
    (info,) = reopened.articles()
    assert info.title == "Floods cut Merrow road" and info.published.isoformat() == "2024-05-05"
    answer = reopened.ask("What cut the road to Merrow?")
    assert not answer.abstained and "Flooding" in answer.text


def test_crashed_half_written_article_is_not_listed_and_is_finished_by_rerun(fresh_assistant, tmp_path):
    from rag.ingest.chunking import chunk_article
    from rag.ingest.loaders import load_file

    p = tmp_path / "clinic.md"
    p.write_text(ARTICLE)
    article = load_file(p)
    fresh_assistant.warm_up()
    chunks = chunk_article(article)
    vectors = fresh_assistant.embeddings.embed_documents([c.text for c in chunks])
    fresh_assistant.store.write_chunks([(article, chunks[0])], vectors[:1])  # crash before the manifest entry
    fresh_assistant.retriever.refresh(force=True)
    assert fresh_assistant.articles() == []
    assert fresh_assistant.ask("How many patients were treated?").abstained  # no half article answers
    report = fresh_assistant.ingest([p])
    assert report.added == 1
    assert fresh_assistant.store.counts() == (len(chunks), 1)


def test_edited_article_re_embeds_only_changed_chunks(fresh_assistant, tmp_path):
    paragraphs = [f"Paragraph {i} tells how the convoy number {i} crossed the river near the town of Sarn "
                  f"after a long wait at checkpoint {i}, drivers said on Monday." for i in range(12)]
    p = tmp_path / "long.md"
    p.write_text("---\ntitle: Convoys\ndate: 2024-01-10\n---\n" + "\n\n".join(paragraphs))
    first = fresh_assistant.ingest([p])
    assert first.chunks_added >= 4
    paragraphs[5] = paragraphs[5].replace("long wait", "short wait")
    p.write_text("---\ntitle: Convoys\ndate: 2024-01-10\n---\n" + "\n\n".join(paragraphs))
    second = fresh_assistant.ingest([p])
    assert second.replaced == 1 and second.chunks_added == 1  # only the chunk holding paragraph 5
    assert fresh_assistant.store.counts()[0] == first.chunks_added


def test_other_instance_sees_an_edit_with_the_same_chunk_count(fresh_assistant, embeddings, tmp_path):
    import time

    from rag import Assistant

    p = tmp_path / "clinic.md"
    p.write_text(ARTICLE)
    fresh_assistant.ingest([p])
    other = Assistant(fresh_assistant.settings, embeddings=embeddings)
    assert "40" in other.ask("How many patients were treated on the first day at the Dorvan clinic?").text
    p.write_text(ARTICLE.replace("40 patients", "75 patients"))
    fresh_assistant.ingest([p])
    time.sleep(1.1)
    assert "75" in other.ask("How many patients were treated on the first day at the Dorvan clinic?").text


def test_any_per_file_failure_is_one_entry_and_the_others_go_in(fresh_assistant, tmp_path, monkeypatch):
    """An unexpected exception in one file's loading or chunking fails that file only."""
    import rag.ingest.loaders
    import rag.ingest.pipeline

    real_load_text, real_chunk = rag.ingest.loaders.load_text, rag.ingest.pipeline.chunk_article

    def load_text(text, *, name, **kw):
        if name == "boom.md":
            raise KeyError("surprise")
        return real_load_text(text, name=name, **kw)

    def chunk_article(article, *args):
        if article.title == "Chunker trips":
            raise ZeroDivisionError("division by zero")
        return real_chunk(article, *args)

    monkeypatch.setattr(rag.ingest.loaders, "load_text", load_text)
    monkeypatch.setattr(rag.ingest.pipeline, "chunk_article", chunk_article)
    (tmp_path / "good.md").write_text(ARTICLE)
    (tmp_path / "boom.md").write_text(ARTICLE.replace("Clinic reopens", "Boom"))
    (tmp_path / "trips.md").write_text(ARTICLE.replace("Clinic reopens in Dorvan", "Chunker trips"))
    report = fresh_assistant.ingest([tmp_path])
    assert report.added == 1
    errors = {f.path.rsplit("/", 1)[-1]: f.error for f in report.failed}
    assert sorted(errors) == ["boom.md", "trips.md"]
    assert errors["boom.md"].startswith("boom.md: ") and "KeyError" in errors["boom.md"]
    assert errors["trips.md"].startswith("trips.md: ") and "ZeroDivisionError" in errors["trips.md"]
    assert all("\n" not in e and len(e) < 300 for e in errors.values())
    assert [a.title for a in fresh_assistant.articles()] == ["Clinic reopens in Dorvan"]


def test_latin1_file_is_stored_as_written_and_the_report_says_so(fresh_assistant, tmp_path):
    text = "Une crème à la vanille, dit le chef après le marché de Noël. Les casques bleus ont quitté Kidal."
    (tmp_path / "fr.txt").write_bytes(text.encode("latin-1"))
    report = fresh_assistant.ingest([tmp_path / "fr.txt"])
    assert report.added == 1 and report.notes == ("fr.txt: not UTF-8; read as Windows-1252",)
    assert report.to_dict()["notes"] == ["fr.txt: not UTF-8; read as Windows-1252"]
    assert fresh_assistant.article_text(report.article_ids[0]) == text  # read back from the store


def test_symlink_out_of_the_folder_is_refused(fresh_assistant, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("Root password hunter2 is kept on the admin workstation in room 4.\n")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.md").write_text(ARTICLE)
    (folder / "secret.txt").symlink_to(outside / "secret.txt")
    (folder / "sub").mkdir()
    (folder / "sub" / "alias.md").symlink_to(folder / "good.md")  # inside the folder: allowed
    report = fresh_assistant.ingest([folder])
    (failure,) = report.failed
    assert failure.path.endswith("secret.txt")
    assert "secret.txt" in failure.error and "outside" in failure.error and "\n" not in failure.error
    assert report.added == 1 and [a.title for a in fresh_assistant.articles()] == ["Clinic reopens in Dorvan"]


def test_missing_path_is_reported_as_not_found(fresh_assistant, tmp_path):
    missing = tmp_path / "missing_dir"
    report = fresh_assistant.ingest([f"{missing}/"])
    (failure,) = report.failed
    assert "not found" in failure.error and str(missing) in failure.error

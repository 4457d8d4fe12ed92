"""The real-news corpus (tests/data/news): sound (every evidence quote an exact substring of its
text, crises kept to one split, no reserved events), as large as the issue asks, and the current
answerer held to the floors in floors.json on dev and test. The test split is sealed: only
aggregate figures are compared and shown, never a question or an answer."""

from __future__ import annotations

import json

import pytest

from rag import Settings
from rag.eval import dataset, evaluation

from .conftest import DATA

NEWS = DATA / "news"


def test_the_corpus_is_sound():
    problems = dataset.check(NEWS)
    assert not problems, "\n".join(problems[:30])


def test_the_corpus_is_as_large_and_varied_as_asked():
    splits = {s.name: s for s in dataset.load_corpus(NEWS)}
    texts = sum(len(s.texts) for s in splits.values())
    questions = [q for s in splits.values() for q in s.questions]
    crises = {t.meta["crisis"] for s in splits.values() for t in s.texts.values()}
    assert texts >= 60 and len(crises) >= 10 and len(questions) >= 800
    assert splits["test"].sealed and not splits["dev"].sealed and not splits["train"].sealed
    share = {name: len(s.questions) / len(questions) for name, s in splits.items()}
    assert 0.5 <= share["train"] <= 0.7 and 0.12 <= share["dev"] <= 0.3 and 0.12 <= share["test"] <= 0.3
    types = {q["type"] for q in questions}
    assert set(dataset.TYPES) <= types
    # several reports on one situation with changing figures, for "latest" and "by how much" questions
    by_crisis: dict[str, set[str]] = {}
    for s in splits.values():
        for t in s.texts.values():
            by_crisis.setdefault(t.meta["crisis"], set()).add(t.meta["date"])
    assert sum(len(dates) >= 3 for dates in by_crisis.values()) >= 4


def test_the_checker_catches_a_quote_that_is_not_in_its_text(tmp_path):
    import shutil

    for split in dataset.SPLITS:
        shutil.copytree(NEWS / split, tmp_path / split)
    shutil.copy(NEWS / dataset.RESERVED_FILE, tmp_path)
    path = tmp_path / "dev" / "questions.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    answerable = next(r for r in rows if r["type"] != "unanswerable")
    answerable["evidence"] = [answerable["evidence"][0].replace(" ", "  ", 1) + " (paraphrased)"]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    problems = dataset.check(tmp_path)
    assert any(answerable["id"] in p and "exact substring" in p for p in problems)


def test_the_checker_catches_a_text_about_a_reserved_event(tmp_path):
    import shutil

    for split in dataset.SPLITS:
        shutil.copytree(NEWS / split, tmp_path / split)
    assert any(dataset.RESERVED_FILE in p and "missing" in p for p in dataset.check(tmp_path))
    (tmp_path / dataset.RESERVED_FILE).write_text("# reserved\nKessel Ford\n")
    text = next((tmp_path / "train" / "articles").glob("*.md"))
    text.write_text(text.read_text() + "\nAid reached Kessel Ford on Monday.\n")
    problems = dataset.check(tmp_path)
    assert any(text.name in p and "'Kessel Ford'" in p and "reserved" in p for p in problems)
    assert not any(dataset.RESERVED_FILE in p for p in problems)


def _floors() -> dict:
    return json.loads((NEWS / "floors.json").read_text())


@pytest.mark.slow
@pytest.mark.parametrize("split", ["dev", "test"])
def test_real_news_answers_hold_the_floors(split, embeddings):
    """A change that makes answers on real news worse fails here (floors = recorded figures - margin)."""
    floors = _floors()["splits"][split]
    folder = NEWS / split
    report = evaluation.evaluate(folder / "questions.jsonl", Settings(), corpus=folder / "articles",
                                 embeddings=embeddings, with_baseline=False)
    assert report["n"] == floors["n"]
    assert bool(report.get("sealed")) == (split == "test")
    worse = []
    for metric, floor in floors.items():
        value = report.get(metric)
        if metric == "n" or value is None:
            continue
        lower_is_better = metric in ("false_abstention_rate", "unanswerable_answered", "wrong_derived_figures")
        if (value > floor) if lower_is_better else (value < floor):
            worse.append(f"{metric} {value} {'above' if lower_is_better else 'below'} {floor}")
    assert not worse, f"{split}: " + "; ".join(worse)


def test_eval_on_a_sealed_split_prints_and_writes_aggregates_only(cli, tmp_path, capsys, monkeypatch):
    """`python -m rag eval` on a split with a SEALED file: no question, answer or id anywhere in its output."""
    import shutil

    from rag.__main__ import main

    split = dataset.load_split(NEWS / "dev")
    name = sorted(split.texts)[0]
    rows = [r for r in split.questions if name in r["source"].split("|") and not r.get("follows")][:6]
    folder = tmp_path / "sealed"
    (folder / "articles").mkdir(parents=True)
    shutil.copy(split.texts[name].path, folder / "articles" / name)
    (folder / "questions.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (folder / dataset.SEAL).write_text("sealed\n")
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "index"))
    out = tmp_path / "report" / "sealed.json"
    assert main(["eval", str(folder / "questions.jsonl"), "--corpus", str(folder / "articles"),
                 "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    written = out.read_text() + (out.parent / "report.md").read_text()
    assert "sealed split: aggregates only" in printed and json.loads(out.read_text())["n"] == len(rows)
    for r in rows:
        for text in (r["id"], r["question"]):
            assert text not in printed and text not in written

"""The evaluation harness: run a question set (DESIGN.md format) through an Assistant and
measure answer accuracy, citation precision and recall, abstention, retrieval recall@k and
latency, per question type, next to a baseline (the LangChain tutorial retriever:
RecursiveCharacterTextSplitter 1000/200 + the same embedder + Chroma top-k).

Metric definitions (DESIGN.md): an answer is correct when it is not an abstention and contains
every ``must_contain`` string (after ``match_key``; figures as whole tokens, words also
inflected); an unanswerable question is correct when abstained. A citation is precise when its
quote or its passage contains one of the question's evidence quotes (whitespace and Unicode
normalised); citations on unanswerable questions are never precise. Citation recall: answerable
questions with at least one precise citation. Wrong derived figures: answers that show
arithmetic ("13 - 8 = 5") whose result is not a gold figure (on an unanswerable question any
shown result is wrong); the worst error the product can make. Unanswerable-answered:
unanswerable questions that got an answer. The baseline is run twice: at the tutorial's 1000/200
and at our own mean passage length, so recall is compared at the same amount of text to read. A
sealed report (``seal``) keeps aggregates only. It does not change the assistant; tables and
Markdown reports are ``rag.eval.report``'s.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rag.eval.evidence import holds_evidence
from rag.models import Answer, Article
from rag.nlp.text import contains_term, match_key
from rag.prompts import without_head

REQUIRED_FIELDS = ("id", "question", "must_contain", "evidence", "type")


def load_questions(path: str | Path) -> list[dict[str, Any]]:
    rows = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        missing = [f for f in REQUIRED_FIELDS if f not in row]
        if missing:
            raise ValueError(f"{path}:{n}: missing field(s) {missing}")
        rows.append(row)
    ids = {r["id"] for r in rows}
    for r in rows:
        if r.get("follows") and r["follows"] not in ids:
            raise ValueError(f"{path}: {r['id']} follows unknown id {r['follows']}")
    return rows


# "13 - 8 = 5", "$48 million - $11.5 million = $36.5 million", "12 + 20 = 32": an operand, an operator,
# anything up to "=", then the result (with its scale word, which must_contain may name).
_ARITHMETIC = re.compile(r"\d[\d,.]*\s*(?:%|million|billion)?\s*[-+\u2212\u00d7x*/]\s*\$?\d[^=\n]{0,80}?=\s*"
                         r"(\$?\d[\d,.]*(?:\s*(?:%|million|billion))?)")


def derived_results(text: str) -> list[str]:
    """The results of the arithmetic an answer shows: '13 - 8 = 5 camps remain' gives ['5']."""
    return [m.group(1).rstrip(".,") for m in _ARITHMETIC.finditer(text)]


def wrong_derivation(row: dict[str, Any], answer: Answer) -> bool | None:
    """None when the answer shows no arithmetic; else whether no shown result is a gold figure."""
    results = [] if answer.abstained else derived_results(answer.text)
    if not results:
        return None
    if row["type"] == "unanswerable":
        return True
    gold = [m for m in row["must_contain"] if any(ch.isdigit() for ch in m)] or row["must_contain"]
    return not any(contains_term(r, m) or contains_term(m, r) for r in results for m in gold)


def gold_found(text: str, term: str) -> bool:
    """A gold string in an answer, after ``match_key``: a figure as a whole token ('5' is not in
    '15'), a word also inflected ('strike' in 'strikes', 'disarm' in 'disarming').

    >>> gold_found("the strikes initiated in June", "strike"), gold_found("15 camps", "5")
    (True, False)
    """
    if any(ch.isdigit() for ch in term):
        return contains_term(text, term)
    key = match_key(term)
    pattern = r"(?<!\w)" + re.escape(key) + r"(?:s|es|ed|d|ing)?(?!\w)"
    return bool(key) and re.search(pattern, match_key(text)) is not None


def answer_correct(row: dict[str, Any], answer: Answer) -> bool:
    if row["type"] == "unanswerable":
        return answer.abstained
    body = without_head(answer.text)
    return not answer.abstained and all(gold_found(body, m) for m in row["must_contain"])


def score_row(row: dict[str, Any], answer: Answer, latency_ms: float, k: int) -> dict[str, Any]:
    evidence = row.get("evidence") or []
    precise = [holds_evidence(c.quote, evidence) or holds_evidence(c.passage, evidence) for c in answer.citations]
    retrieved = [s.chunk.text for s in answer.retrieved]
    return {
        "id": row["id"], "type": row["type"], "question": row["question"], "answer": answer.text,
        "ok": answer_correct(row, answer), "abstained": answer.abstained,
        "should_abstain": row["type"] == "unanswerable",
        "cited_chunk_ids": [c.chunk_id for c in answer.citations], "citations": len(precise),
        "precise_citations": sum(precise),
        "retrieval_hit@1": bool(evidence) and any(holds_evidence(t, evidence) for t in retrieved[:1]),
        f"retrieval_hit@{k}": bool(evidence) and any(holds_evidence(t, evidence) for t in retrieved[:k]),
        "flags": [f.reason for f in answer.flags], "answerer": answer.answerer, "latency_ms": round(latency_ms, 1),
        # the LLM path's generation, for tokens/s (bench/llm_server.py)
        **{key: answer.timings[key] for key in ("tokens", "generate_ms", "first_token_ms") if key in answer.timings},
        "derived": wrong_derivation(row, answer) is not None, "wrong_derived": bool(wrong_derivation(row, answer)),
    }


def failure_class(r: dict[str, Any], k: int) -> str | None:
    """A coarse, automatic class for a wrong answer (None when it is right); reading the dev
    failures refines these, but the counts are aggregates and so fit a sealed report too."""
    if r["ok"]:
        return None
    if r["should_abstain"]:
        return "answered an unanswerable question" + (" with arithmetic" if r.get("wrong_derived") else "")
    if r.get("wrong_derived"):
        return "showed arithmetic whose result is not the gold figure"
    found = r.get(f"retrieval_hit@{k}")
    if r["abstained"]:
        return "abstained although the evidence was retrieved" if found else "abstained; evidence not retrieved"
    if r["precise_citations"]:
        return "cited the evidence but the answer lacks a gold figure or name"
    return "answered from another sentence (evidence retrieved)" if found else \
        "answered from another sentence (evidence not retrieved)"


def _rate(num: float, den: float) -> float | None:
    return round(num / den, 4) if den else None


def summarise(rows: list[dict[str, Any]], k: int) -> dict[str, Any]:
    answerable = [r for r in rows if not r["should_abstain"]]
    unanswerable = [r for r in rows if r["should_abstain"]]
    cites = sum(r["citations"] for r in rows)
    lat = sorted(r["latency_ms"] for r in rows) or [0.0]
    return {
        "n": len(rows),
        "answer_accuracy": _rate(sum(r["ok"] for r in rows), len(rows)),
        "citation_precision": _rate(sum(r["precise_citations"] for r in rows), cites),
        "citation_recall": _rate(sum(r["precise_citations"] > 0 for r in answerable), len(answerable)),
        "abstention_accuracy": _rate(sum(r["abstained"] == r["should_abstain"] for r in rows), len(rows)),
        "unanswerable_abstained": _rate(sum(r["abstained"] for r in unanswerable), len(unanswerable)),
        "false_abstention_rate": _rate(sum(r["abstained"] for r in answerable), len(answerable)),
        "unanswerable_answered": _rate(sum(not r["abstained"] for r in unanswerable), len(unanswerable)),
        "derived_answers": sum(r.get("derived", False) for r in rows),
        "wrong_derived_figures": sum(r.get("wrong_derived", False) for r in rows),
        "retrieval_recall@1": _rate(sum(r["retrieval_hit@1"] for r in answerable), len(answerable)),
        f"retrieval_recall@{k}": _rate(sum(r[f"retrieval_hit@{k}"] for r in answerable), len(answerable)),
        "latency_p50_ms": round(statistics.median(lat), 1),
        "latency_p95_ms": round(lat[min(len(lat) - 1, int(round(0.95 * (len(lat) - 1))))], 1),
        "verifier_flags": sum(len(r["flags"]) for r in rows),
    }


def run(assistant: Any, questions: list[dict[str, Any]], k: int = 5) -> dict[str, Any]:
    """Ask every question (follow-ups with the history of the question they follow)."""
    by_id = {q["id"]: q for q in questions}
    answers: dict[str, Answer] = {}

    def ask(row: dict[str, Any]) -> tuple[Answer, float]:
        history: list[tuple[str, str]] = []
        if row.get("follows"):
            prev = by_id[row["follows"]]
            if prev["id"] not in answers:
                answers[prev["id"]] = ask(prev)[0]
            history = [("user", prev["question"]), ("assistant", answers[prev["id"]].text)]
        t = time.perf_counter()
        answer = assistant.ask(row["question"], history)
        return answer, (time.perf_counter() - t) * 1e3

    rows: list[dict[str, Any]] = []
    top1: list[int] = []
    quotes: list[int] = []
    for row in questions:
        answer, ms = ask(row)
        answers.setdefault(row["id"], answer)
        rows.append(score_row(row, answer, ms, k))
        if answer.retrieved:
            top1.append(len(answer.retrieved[0].chunk.text))
        if not answer.abstained:
            quotes.append(sum(len(c.quote) for c in answer.citations))
    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_type[r["type"]].append(r)
    report = summarise(rows, k)
    report["k"] = k
    report["mean_top1_passage_chars"] = round(statistics.mean(top1), 1) if top1 else None
    report["mean_quote_chars"] = round(statistics.mean(quotes), 1) if quotes else None
    report["by_type"] = {t: summarise(rs, k) for t, rs in sorted(by_type.items())}
    report["answerers"] = dict(sorted(Counter(r["answerer"] for r in rows).items()))
    report["failure_classes"] = dict(Counter(c for r in rows if (c := failure_class(r, k))).most_common())
    report["rows"] = rows
    return report


def evaluate(questions_path: str | Path, settings: Any, *, corpus: str | Path | None = None, k: int = 5,
             embeddings: Any = None, with_baseline: bool = True) -> dict[str, Any]:
    """Ask a question file against ``corpus`` indexed alone in a temporary store (or, without a
    corpus, against the configured index), with the baselines; sealed splits give aggregates only."""
    import tempfile

    from rag.assistant import Assistant
    from rag.eval.dataset import is_sealed
    from rag.ingest.loaders import discover, load_file

    questions = load_questions(questions_path)
    with tempfile.TemporaryDirectory(prefix="briefing-eval-") as tmp:
        if corpus:
            settings = settings.model_copy(update={"data_dir": Path(tmp), "corpus_dir": Path(corpus)})
        settings = settings.model_copy(update={"top_k": max(settings.top_k, k)})
        assistant = Assistant(settings, embeddings=embeddings)
        if corpus:
            assistant.ingest([corpus])
        else:
            assistant.ensure_corpus()
        report = run(assistant, questions, k=k)
        if with_baseline:
            if corpus:
                articles = [load_file(p) for p in discover([corpus])]
            else:
                stored = [a for a in (assistant.store.article(i.article_id) for i in assistant.articles()) if a]
                articles = [Article(id=a.info.article_id, title=a.info.title, published=a.info.published,
                                    source=a.info.source, url=None, path="", text=a.text) for a in stored]
            report["baselines"] = baselines(articles, questions, assistant.embeddings, k,
                                            report.get("mean_top1_passage_chars"))
            report["baseline"] = report["baselines"][0]
    return seal(report) if is_sealed(questions_path) else report


def baseline(articles: Sequence[Article], questions: list[dict[str, Any]], embeddings: Any,
             k: int = 5, chunk_size: int = 1000, chunk_overlap: int = 200) -> dict[str, Any]:
    """The LangChain tutorial retriever on the same articles and questions (in-memory Chroma);
    the tutorial's splitter is 1000/200, ``chunk_size`` sets another passage length."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=chunk_size, chunk_overlap=chunk_overlap)
    texts = [t for a in articles for t in splitter.split_text(a.text)]
    client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
    store = Chroma(collection_name=f"baseline_{int(time.time() * 1e6)}", embedding_function=embeddings, client=client)
    store.add_texts(texts)
    hits1 = hitsk = 0
    top1_chars: list[int] = []
    answerable = [q for q in questions if q["type"] != "unanswerable"]
    for q in answerable:
        docs = store.similarity_search(q["question"], k=min(k, len(texts)))
        hits1 += bool(docs) and holds_evidence(docs[0].page_content, q["evidence"])
        hitsk += any(holds_evidence(d.page_content, q["evidence"]) for d in docs)
        top1_chars.append(len(docs[0].page_content) if docs else 0)
    store.delete_collection()
    return {"name": f"LangChain tutorial retriever ({chunk_size}/{chunk_overlap} splitter, dense top-k)",
            "chunks": len(texts),
            "retrieval_recall@1": _rate(hits1, len(answerable)), f"retrieval_recall@{k}": _rate(hitsk, len(answerable)),
            "mean_top1_passage_chars": round(statistics.mean(top1_chars), 1) if top1_chars else None}


def baselines(articles: Sequence[Article], questions: list[dict[str, Any]], embeddings: Any, k: int,
              our_passage_chars: float | None) -> list[dict[str, Any]]:
    """The tutorial retriever as published (1000/200) and at our mean passage length (overlap 20%)."""
    out = [baseline(articles, questions, embeddings, k)]
    if our_passage_chars:
        size = max(100, int(round(our_passage_chars)))
        out.append(baseline(articles, questions, embeddings, k, chunk_size=size, chunk_overlap=size // 5))
    return out


def seal(report: dict[str, Any]) -> dict[str, Any]:
    """Aggregates only: no rows, no question text, no per-question flags (the sealed test split)."""
    sealed = {key: v for key, v in report.items() if key != "rows"}
    sealed["sealed"] = True
    return sealed

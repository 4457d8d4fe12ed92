"""python -m rag bench [--chunks N] [--json OUT]: ingest speed against the bare encoder, retrieval and
answer latency, recall of the seed questions amid synthetic distractors, memory and index size."""

from __future__ import annotations

import json
import resource
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from rag import Assistant, Settings
from rag.eval import evaluation
from rag.index.embeddings import default_model_path, from_settings
from rag.ingest.chunking import chunk_article
from rag.ingest.loaders import discover, load_file
from rag.models import Article, context_prefix

from .synthetic import articles, questions

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "eval" / "seed_questions.jsonl"


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return round(values[min(len(values) - 1, int(round(q * (len(values) - 1))))], 1)


def dir_mb(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6, 1)


def rate(embeddings: Any, texts: list[str]) -> float:
    """Chunks per second of the bare encoder on these texts (no store, no chunking)."""
    t = time.perf_counter()
    embeddings.embed_documents(texts)
    return len(texts) / (time.perf_counter() - t)


def spread(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 3), "min": round(min(values), 3),
            "max": round(max(values), 3)}


def ingest_ours(base: Settings, emb: Any, corpus: list[Article], keep: bool) -> tuple[dict[str, float], Any]:
    """Our ingest (chunking, deduplication, embedding, Chroma writes, BM25 build) into a fresh store."""
    tmp = tempfile.TemporaryDirectory(prefix="briefing-bench-")
    assistant = Assistant(base.model_copy(update={"data_dir": Path(tmp.name)}), embeddings=emb).warm_up()
    t = time.perf_counter()
    report = assistant.ingestor.ingest_articles(corpus)
    assistant.retriever.refresh(force=True)
    seconds = time.perf_counter() - t
    figures = {"seconds": seconds, "chunks_per_s": report.chunks_added / seconds,
               "articles_per_s": len(corpus) / seconds}
    if not keep:
        tmp.cleanup()
        return figures, None
    return figures, (assistant, tmp)


def ingest_rounds(base: Settings, emb: Any, corpus: list[Article], texts: list[str], runs: int,
                  peer: bool) -> tuple[dict[str, Any], Any]:
    """``runs`` rounds, ours and the peer alternating (the order flips every round), each with the
    bare encoders on the same sample; the last round's store of ours is kept for the queries."""
    from . import peer as tutorial

    sample = texts[: min(len(texts), 2000)]
    torch_emb = tutorial.tutorial_embeddings(str(base.embedding_model or default_model_path())) if peer else None
    rounds: list[dict[str, float]] = []
    kept: Any = None
    peer_store: Any = None
    for r in range(runs):
        row: dict[str, float] = {}
        steps = ["ours", "peer"] if r % 2 == 0 else ["peer", "ours"]
        for step in steps:
            if step == "ours":
                ours, got = ingest_ours(base, emb, corpus, keep=r == runs - 1)
                kept = got or kept
                row.update({f"ours_{k}": v for k, v in ours.items()})
                row["encoder_chunks_per_s"] = rate(emb, sample)
            elif torch_emb is not None:
                figures, store, folder = tutorial.ingest(corpus, torch_emb)
                row.update({f"peer_{k}": v for k, v in figures.items()})
                row["torch_encoder_chunks_per_s"] = rate(torch_emb, sample)
                if r == runs - 1:
                    peer_store = (store, folder)
                else:
                    folder.cleanup()
        rounds.append(row)
    out: dict[str, Any] = {
        "runs": runs, "rounds": [{k: round(v, 2) for k, v in row.items()} for row in rounds],
        "ingest_chunks_per_s": spread([x["ours_chunks_per_s"] for x in rounds]),
        "ingest_articles_per_s": spread([x["ours_articles_per_s"] for x in rounds]),
        "encoder_chunks_per_s": spread([x["encoder_chunks_per_s"] for x in rounds]),
        "ingest_ratio": spread([x["ours_chunks_per_s"] / x["encoder_chunks_per_s"] for x in rounds]),
    }
    if peer:
        out.update({
            "peer_chunks": rounds[0]["peer_chunks"],
            "peer_articles_per_s": spread([x["peer_articles_per_s"] for x in rounds]),
            "peer_chunks_per_s": spread([x["peer_chunks_per_s"] for x in rounds]),
            "torch_encoder_chunks_per_s": spread([x["torch_encoder_chunks_per_s"] for x in rounds]),
            "ours_over_peer_articles": spread([x["ours_articles_per_s"] / x["peer_articles_per_s"] for x in rounds]),
            "encoder_over_torch": spread([x["encoder_chunks_per_s"] / x["torch_encoder_chunks_per_s"]
                                          for x in rounds]),
        })
    return out, (kept, peer_store)


def run(n_chunks: int, settings: Settings | None = None, peer: bool = False, runs: int = 1) -> dict[str, Any]:
    base = settings or Settings()
    t = time.perf_counter()
    emb = from_settings(base)
    load_s = time.perf_counter() - t
    real = [load_file(p) for p in discover([ROOT / "corpus", ROOT / "tests" / "data" / "articles"])]
    real_chunks = sum(len(chunk_article(a)) for a in real)
    corpus = real + articles(max(0, n_chunks - real_chunks))
    texts = [context_prefix(c) + c.text for a in corpus for c in chunk_article(a, base.chunk_max_chars,
                                                                                base.chunk_min_chars)]
    ingest, ((assistant, tmp), peer_store) = ingest_rounds(base, emb, corpus, texts, runs, peer)
    try:
        t = time.perf_counter()
        again = assistant.ingestor.ingest_articles(corpus)
        reingest_s = time.perf_counter() - t
        seed = evaluation.load_questions(SEED)
        qs = [r["question"] for r in seed] + questions(max(0, 200 - len(seed)))
        retrieve_ms, search_ms, answer_ms = [], [], []
        for q in qs:
            t = time.perf_counter()
            assistant._retrieve(q, None)  # embeds the query (uncached) and searches
            retrieve_ms.append((time.perf_counter() - t) * 1e3)
            vector = assistant.encoder.query(q)  # now cached: the search alone
            t = time.perf_counter()
            assistant.retriever.retrieve(q, vector)
            search_ms.append((time.perf_counter() - t) * 1e3)
            t = time.perf_counter()
            assistant.ask(q)
            answer_ms.append((time.perf_counter() - t) * 1e3)
        ranked = [(r, assistant._retrieve(r["question"], None)) for r in seed if r["evidence"]]
        hits5 = [any(evaluation.holds_evidence(sc.chunk.text, r["evidence"]) for sc in got[:5]) for r, got in ranked]
        hits1 = [any(evaluation.holds_evidence(sc.chunk.text, r["evidence"]) for sc in got[:1]) for r, got in ranked]
        result: dict[str, Any] = {
            "chunks": assistant.store.counts()[0], "articles": len(corpus), "encoder": base.encoder,
            "encoder_load_s": round(load_s, 2), **ingest,
            "reingest_unchanged_s": round(reingest_s, 2), "reingest_unchanged": again.unchanged,
            "retrieval_p50_ms": pct(retrieve_ms, 0.5), "retrieval_p95_ms": pct(retrieve_ms, 0.95),
            "search_p50_ms": pct(search_ms, 0.5), "search_p95_ms": pct(search_ms, 0.95),
            "answer_p50_ms": pct(answer_ms, 0.5), "answer_p95_ms": pct(answer_ms, 0.95),
            "recall_at_1": round(sum(hits1) / len(hits1), 3), "recall_at_5": round(sum(hits5) / len(hits5), 3),
            "missed_at_5": [r["id"] for (r, _), hit in zip(ranked, hits5, strict=True) if not hit],
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "index_mb": dir_mb(Path(tmp.name)),
        }
        if peer_store is not None:
            from . import peer as tutorial

            ms = tutorial.query_ms(peer_store[0], qs)
            result.update({"peer_query_p50_ms": pct(ms, 0.5), "peer_query_p95_ms": pct(ms, 0.95),
                           "peer_index_mb": dir_mb(Path(peer_store[1].name))})
            result["ours_over_peer_query"] = round(result["peer_query_p50_ms"] / result["retrieval_p50_ms"], 3)
            peer_store[1].cleanup()
        return result
    finally:
        tmp.cleanup()


def main(n_chunks: int, out: str | None, peer: bool = False, runs: int = 1) -> int:
    result = run(n_chunks, peer=peer, runs=runs)
    print(json.dumps(result, indent=2))
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(json.dumps(result, indent=2))
    return 0

"""python -m rag bench [--chunks N] [--json OUT]: ingest speed against the bare encoder, retrieval and
answer latency, recall of the seed questions amid synthetic distractors, memory and index size."""

from __future__ import annotations

import json
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from rag import Assistant, Settings
from rag.eval import evaluation
from rag.index.embeddings import load_embeddings
from rag.ingest.chunking import chunk_article
from rag.ingest.loaders import discover, load_file
from rag.models import context_prefix

from .synthetic import articles, questions

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "eval" / "seed_questions.jsonl"


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return round(values[min(len(values) - 1, int(round(q * (len(values) - 1))))], 1)


def dir_mb(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6, 1)


def run(n_chunks: int, settings: Settings | None = None) -> dict[str, Any]:
    base = settings or Settings()
    emb = load_embeddings(base.embedding_model, base.embed_batch_size)
    real = [load_file(p) for p in discover([ROOT / "corpus", ROOT / "tests" / "data" / "articles"])]
    real_chunks = sum(len(chunk_article(a)) for a in real)
    corpus = real + articles(max(0, n_chunks - real_chunks))
    with tempfile.TemporaryDirectory(prefix="briefing-bench-") as tmp:
        s = base.model_copy(update={"data_dir": Path(tmp), "chroma_url": base.chroma_url})
        assistant = Assistant(s, embeddings=emb).warm_up()
        texts = [context_prefix(c) + c.text for a in corpus for c in chunk_article(a, s.chunk_max_chars,
                                                                                    s.chunk_min_chars)]
        t = time.perf_counter()
        report = assistant.ingestor.ingest_articles(corpus)
        assistant.retriever.refresh(force=True)
        ingest_s = time.perf_counter() - t
        t = time.perf_counter()
        again = assistant.ingestor.ingest_articles(corpus)
        reingest_s = time.perf_counter() - t
        sample = texts[: min(len(texts), 5000)]
        t = time.perf_counter()
        emb.embed_documents(sample)
        encoder_rate = len(sample) / (time.perf_counter() - t)
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
        hits = [any(evaluation.holds_evidence(sc.chunk.text, r["evidence"])
                    for sc in assistant._retrieve(r["question"], None)[:5])
                for r in seed if r["evidence"]]
        ingest_rate = report.chunks_added / ingest_s
        return {
            "chunks": assistant.store.counts()[0], "articles": len(corpus),
            "ingest_chunks_per_s": round(ingest_rate, 1), "encoder_chunks_per_s": round(encoder_rate, 1),
            "ingest_ratio": round(ingest_rate / encoder_rate, 3), "reingest_unchanged_s": round(reingest_s, 2),
            "reingest_unchanged": again.unchanged,
            "retrieval_p50_ms": pct(retrieve_ms, 0.5), "retrieval_p95_ms": pct(retrieve_ms, 0.95),
            "search_p50_ms": pct(search_ms, 0.5), "search_p95_ms": pct(search_ms, 0.95),
            "answer_p50_ms": pct(answer_ms, 0.5), "answer_p95_ms": pct(answer_ms, 0.95),
            "recall_at_5": round(sum(hits) / len(hits), 3),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "index_mb": dir_mb(Path(tmp)),
        }


def main(n_chunks: int, out: str | None) -> int:
    result = run(n_chunks)
    print(json.dumps(result, indent=2))
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(json.dumps(result, indent=2))
    return 0

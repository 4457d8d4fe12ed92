"""Hybrid retrieval: dense top-k from Chroma and BM25 (bm25s) top-k, fused by reciprocal rank.

The BM25 index is derived from the store's own records (never a private copy that could drift
from what other app instances write) and rebuilt when the store's counts change. Filters: by
article (source) and by publication date range; only chunks of complete articles (listed in
the manifest) are returned. It does not pick sentences or answer.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import Counter
from datetime import date
from typing import Any

import numpy as np

from rag.index.filters import Filters
from rag.index.store import ChunkStore
from rag.ingest.versions import figures
from rag.models import Chunk, ScoredChunk, context_prefix
from rag.nlp.lexicon import word_key
from rag.nlp.similarity import bm25_tokens, jaccard, shingles
from rag.nlp.text import tokens
from rag.query.question import Question, analyse
from rag.settings import Settings

log = logging.getLogger(__name__)


class _Bm25Index:
    def __init__(self, chunks: list[Chunk], complete: set[str]):
        import bm25s

        self.chunks = [c for c in chunks if c.article_id in complete]
        self.complete = complete
        self.retriever = bm25s.BM25()
        corpus = [bm25_tokens(context_prefix(c) + c.text) or ["∅"] for c in self.chunks]
        # document frequencies over the chunk texts alone: title words repeat in every chunk of an article
        self.df: Counter[str] = Counter(t for c in self.chunks for t in set(bm25_tokens(c.text)))
        self.article_terms: dict[str, set[str]] = {}
        self.lede_terms: dict[str, set[str]] = {}  # title and first passage: what the article is about
        for c, doc in zip(self.chunks, corpus, strict=True):
            self.article_terms.setdefault(c.article_id, set()).update(doc)
            if c.ordinal == 0:
                self.lede_terms[c.article_id] = set(doc)
        # which articles hold each term: a question's rare name finds its articles' passages directly
        ids = {aid: i for i, aid in enumerate(self.article_terms)}
        self.chunk_article = np.array([ids[c.article_id] for c in self.chunks], dtype=np.int32)
        self.term_articles: dict[str, list[int]] = {}
        for aid, terms in self.article_terms.items():
            for t in terms:
                self.term_articles.setdefault(t, []).append(ids[aid])
        days = [c.published for c in self.chunks if c.published]
        self.span = (min(days), max(days)) if days else None
        if corpus:
            self.retriever.index(corpus, show_progress=False)

    def naming(self, names: list[set[str]], share: float) -> np.ndarray | None:
        """A chunk mask of the articles that mention every name (any of its word keys), when they are
        at most ``share`` of the articles: a rare name; None otherwise (the plain search covers it)."""
        allowed: set[int] | None = None
        for keys in names:
            having = {i for key in keys for i in self.term_articles.get(key, ())}
            allowed = having if allowed is None else allowed & having
        if not allowed or len(allowed) > share * len(self.article_terms):
            return None
        return np.isin(self.chunk_article, np.fromiter(allowed, dtype=np.int32)).astype(np.float32)

    def search(self, query: str, k: int, filters: Filters,
               within: np.ndarray | None = None) -> list[tuple[Chunk, float]]:
        q = [t for t in bm25_tokens(query) if t in self.retriever.vocab_dict] if self.chunks else []
        if not q:
            return []
        mask = within
        if filters.where() is not None:
            accepts = np.array([1.0 if filters.accepts(c) else 0.0 for c in self.chunks], dtype=np.float32)
            mask = accepts if mask is None else mask * accepts
        if mask is not None and not mask.any():
            return []
        k = min(k, len(self.chunks))
        docs, scores = self.retriever.retrieve([q], k=k, show_progress=False, weight_mask=mask)
        return [(self.chunks[int(i)], float(s)) for i, s in zip(docs[0], scores[0], strict=True) if s > 0]


class HybridRetriever:
    def __init__(self, settings: Settings, store: ChunkStore):
        self.settings = settings
        self.store = store
        self._bm25: _Bm25Index | None = None
        self._fingerprint: tuple[Any, ...] | None = None
        self.copies: set[str] = set()
        self._checked = 0.0
        self._lock = threading.Lock()

    def refresh(self, force: bool = False, max_age_s: float = 1.0) -> None:
        """Rebuild BM25 from the store when any instance changed it. The store's fingerprint
        (counts and a generation stamp) is checked at most once per ``max_age_s``."""
        if not force and self._bm25 is not None and time.monotonic() - self._checked < max_age_s:
            return
        fp = self.store.fingerprint()
        self._checked = time.monotonic()
        if not force and fp == self._fingerprint and self._bm25 is not None:
            return
        with self._lock:
            if not force and fp == self._fingerprint and self._bm25 is not None:
                return
            t = time.perf_counter()
            manifest = self.store.manifest()
            complete = set(manifest)
            # a syndicated copy is counted once: its chunks are dropped when its original is indexed
            self.copies = {aid for aid, m in manifest.items() if m.get("duplicate_of") in complete}
            self._bm25 = _Bm25Index(list(self.store.iter_chunks()), complete - self.copies)
            self._fingerprint = fp
            log.info("BM25 index rebuilt: %d chunks in %.0f ms", len(self._bm25.chunks),
                     (time.perf_counter() - t) * 1e3)

    def indexed_chunks(self) -> list[Chunk]:
        """The chunks answers may cite: complete articles, syndicated copies left out."""
        self.refresh()
        assert self._bm25 is not None
        return self._bm25.chunks

    def published_span(self) -> tuple[date, date] | None:
        """The oldest and newest publication dates of the indexed (citable) chunks."""
        self.refresh()
        assert self._bm25 is not None
        return self._bm25.span

    def idf(self, term: str) -> float:
        """Smoothed inverse document frequency of a stemmed term over the indexed chunks."""
        self.refresh()
        assert self._bm25 is not None
        n, df = len(self._bm25.chunks), self._bm25.df.get(term, 0)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def article_terms(self, article_id: str) -> set[str]:
        """Every (stemmed) word of an indexed article, title included."""
        self.refresh()
        assert self._bm25 is not None
        return self._bm25.article_terms.get(article_id, set())

    def lede_terms(self, article_id: str) -> set[str]:
        """The (stemmed) words of an article's title and first passage."""
        self.refresh()
        assert self._bm25 is not None
        return self._bm25.lede_terms.get(article_id, set())

    def retrieve(self, query: str, query_vector: np.ndarray, k: int | None = None,
                 filters: Filters | None = None, asked: Question | None = None) -> list[ScoredChunk]:
        k = k or self.settings.top_k
        filters = filters or Filters()
        self.refresh()
        bm25 = self._bm25
        assert bm25 is not None
        n = self.settings.candidates
        dense = [(c, s) for c, s in self.store.dense(query_vector.tolist(), n, filters.where())
                 if c.article_id in bm25.complete]
        sparse = bm25.search(query, n, filters)
        asked = asked or analyse(query)  # the plan's analysis when the caller has one
        names = [{word_key(t) for t in tokens(n)} for n in asked.names]
        # amid many articles on the same subjects, the passages of the few that name what the question
        # names may rank below the candidate cut in both lists: a third list searches those articles alone
        within = bm25.naming(names, self.settings.rare_name_share) if names else None
        named = bm25.search(query, n, filters, within) if within is not None else []
        fused: dict[str, dict[str, Any]] = {}
        for kind, results in (("dense", dense), ("bm25", sparse), ("named", named)):
            for rank, (c, _score) in enumerate(results, start=1):
                e = fused.setdefault(c.id, {"chunk": c, "score": 0.0, "dense": None, "bm25": None, "named": None})
                e["score"] += 1.0 / (self.settings.rrf_k + rank)
                e[kind] = rank
        if names:  # entity-aware: passages of articles that mention what the question names come first
            for e in fused.values():
                terms = bm25.article_terms.get(e["chunk"].article_id, set())
                if all(n & terms for n in names):
                    e["score"] += 1.0 / self.settings.rrf_k
        ranked = sorted(fused.values(), key=lambda e: -e["score"])
        if asked.compares:  # "by how much did it rise between ...": the reports of several articles
            ranked = spread(collapse_duplicates(ranked, len(ranked)), k, self.settings.per_article)
        else:
            ranked = collapse_duplicates(ranked, k)
        return [ScoredChunk(chunk=e["chunk"], score=e["score"], dense_rank=e["dense"], bm25_rank=e["bm25"])
                for e in ranked]


def spread(entries: list[dict[str, Any]], k: int, cap: int) -> list[dict[str, Any]]:
    """The best k, at most ``cap`` from one article while other articles have passages: a question
    that compares two reports or chains two facts needs more than the one best-matching story."""
    picked: list[dict[str, Any]] = []
    held: list[dict[str, Any]] = []
    per: dict[str, int] = {}
    for e in entries:
        aid = e["chunk"].article_id
        (held if per.get(aid, 0) >= cap else picked).append(e)
        if per.get(aid, 0) < cap:
            per[aid] = per.get(aid, 0) + 1
        if len(picked) == k:
            break
    return picked + held[:k - len(picked)]


def collapse_duplicates(entries: list[dict[str, Any]], k: int, threshold: float = 0.6) -> list[dict[str, Any]]:
    """One of near-identical chunks that state the same figures (the same wire story from several
    outlets), so an answer never cites two copies of one text as if they were independent: it
    keeps the better rank and the newer text. Near-identical chunks whose figures differ (an
    update: "nine of its 14 clinics" for "six") are both kept, so the newest figure can win
    with the change stated."""
    kept: list[tuple[dict[str, Any], set[str], Counter[str]]] = []
    for e in entries:
        sh, nums = shingles(e["chunk"].text), figures(e["chunk"].text)
        same = next((i for i, (_, s, n) in enumerate(kept) if n == nums and jaccard(sh, s) >= threshold), None)
        if same is None:
            kept.append((e, sh, nums))
        elif _newer(e["chunk"], kept[same][0]["chunk"]):
            kept[same] = ({**e, "score": kept[same][0]["score"]}, sh, nums)
        if len(kept) == k:
            break
    return [e for e, _, _ in kept]


def _newer(a: Chunk, b: Chunk) -> bool:
    return a.published is not None and b.published is not None and a.published > b.published

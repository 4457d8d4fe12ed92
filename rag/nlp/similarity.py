"""Word-level similarity of passages: the BM25 token stream (stemmed, stopwords out, numbers
kept) and word-trigram Jaccard, which finds syndicated copies of one paragraph."""

from __future__ import annotations

from rag.nlp.lexicon import word_key
from rag.nlp.text import STOPWORDS, tokens


def bm25_tokens(text: str) -> list[str]:
    """Stemmed tokens without stopwords; numbers kept (they matter in briefings)."""
    return [word_key(t) for t in tokens(text) if t not in STOPWORDS]


def shingles(text: str) -> set[str]:
    words = bm25_tokens(text)
    return {" ".join(words[i:i + 3]) for i in range(max(1, len(words) - 2))}


def jaccard(sa: set[str], sb: set[str]) -> float:
    return len(sa & sb) / len(sa | sb) if sa and sb else 0.0


def near_duplicate(a: str, b: str, threshold: float = 0.6) -> bool:
    """Word-trigram Jaccard: syndicated copies of one wire paragraph score well above 0.6."""
    return jaccard(shingles(a), shingles(b)) >= threshold

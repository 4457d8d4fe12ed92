"""A candidate answer sentence: where it is (chunk, offsets into the article), its retrieval rank,
and once scored its score, the question terms it covers and its features."""

from __future__ import annotations

from dataclasses import dataclass

from rag.models import Chunk
from rag.nlp.numbers import Derivation


@dataclass(frozen=True)
class Candidate:
    chunk: Chunk
    rank: int
    start: int  # offsets into the article text
    end: int
    text: str
    score: float = 0.0
    covered: frozenset[str] = frozenset()
    features: dict[str, float] | None = None


Derived = tuple[Derivation, tuple[Candidate, ...]]  # a derived figure and the sentences holding its operands

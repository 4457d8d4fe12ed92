"""Candidates for the copy / version check: which indexed articles share much of a new one's wording.

A MinHash signature (datasketch, 64 permutations) of each article's word trigrams is kept in its
manifest record; an LSH index over them, built from the store when first needed and kept in step
with it, returns the articles whose trigram Jaccard with a new text is likely above
``THRESHOLD``. Articles indexed before signatures were stored get one from their stored text.
It finds candidates only: ``rag.versions`` decides copy, version or neither.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterable

import numpy as np

log = logging.getLogger(__name__)

NUM_PERM = 64
THRESHOLD = 0.3  # low on purpose: a shorter cut of a text shares few of the longer one's trigrams
SEED = 1
SCHEME = "affine32"  # named, so a stored signature reads back under a later datasketch


def signature(shingles: Iterable[str]):  # -> datasketch.MinHash
    from datasketch import MinHash

    m = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    m.update_batch([s.encode("utf-8") for s in shingles])
    return m


def encode(m) -> str:
    return base64.b64encode(np.asarray(m.hashvalues, dtype=np.uint32).tobytes()).decode("ascii")


def decode(text: str):
    from datasketch import MinHash

    values = np.frombuffer(base64.b64decode(text), dtype=np.uint32)
    return MinHash(num_perm=NUM_PERM, seed=SEED, hashvalues=values, scheme=SCHEME)


class CandidateIndex:
    """MinHash LSH over the indexed articles' signatures."""

    def __init__(self) -> None:
        from datasketch import MinHashLSH

        self._lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
        self._ids: set[str] = set()

    def add(self, article_id: str, m) -> None:
        if article_id in self._ids:
            self._lsh.remove(article_id)
        self._lsh.insert(article_id, m)
        self._ids.add(article_id)

    def discard(self, article_id: str) -> None:
        if article_id in self._ids:
            self._lsh.remove(article_id)
            self._ids.discard(article_id)

    def query(self, m) -> list[str]:
        return list(self._lsh.query(m))

    def __contains__(self, article_id: str) -> bool:
        return article_id in self._ids

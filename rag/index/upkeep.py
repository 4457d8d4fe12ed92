"""Work on a whole index: the encoder check when it opens, re-embedding every passage with another
encoder (``python -m rag reindex``), and the vector index's self-check (``python -m rag check``)."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable

import numpy as np

from rag.errors import StoreError
from rag.index.store import PAGE, ChunkStore
from rag.models import IndexHealth

log = logging.getLogger(__name__)


def check_encoder(store: ChunkStore) -> None:
    """Vectors of two models cannot share an index: refuse, with the way out. Another backend of
    the same weights is fine (an int8 ONNX query against torch-built vectors: cosine >= 0.98)."""
    built = store.built_with()
    if not built.get("encoder_fingerprint"):
        store.record_encoder()  # a new index, or one from before encoders were recorded
        return
    if built["encoder_fingerprint"] != store.identity["encoder_fingerprint"]:
        raise StoreError(
            f"the index at {store.location} was built with another embedding model (weights "
            f"{built['encoder_fingerprint']}, {built.get('encoder_backend', '?')}) than the one configured "
            f"({store.identity['encoder_fingerprint']}, {store.identity['encoder_backend']}); their vectors "
            "cannot be mixed. Run `python -m rag reindex` to re-embed every stored passage with the "
            "configured model, or set RAG_EMBEDDING_MODEL back.")
    if built.get("encoder_backend") != store.identity["encoder_backend"]:
        log.info("index built with the %s encoder, queried with %s (same weights: compatible vectors)",
                 built.get("encoder_backend"), store.identity["encoder_backend"])


def reembed(store: ChunkStore, progress: Callable[[int, int], None] | None = None) -> int:
    """Every stored passage's vector again with this store's encoder, then the articles' (the mean
    of their passages'), then the encoder recorded. Returns the passages re-embedded."""
    col = store.chunks._collection
    total, done, offset = col.count(), 0, 0
    sums: dict[str, np.ndarray] = {}
    while True:
        got = col.get(include=["documents", "metadatas"], limit=store.write_batch, offset=offset)
        if got["ids"]:
            vectors = np.asarray(store.embeddings.embed_documents(list(got["documents"] or [])),
                                 dtype=np.float32)
            col.update(ids=got["ids"], embeddings=vectors)  # type: ignore[arg-type]
            for meta, v in zip(got["metadatas"] or [], vectors, strict=True):
                aid = str(meta["article_id"])
                sums[aid] = sums[aid] + v if aid in sums else v.copy()
            done += len(got["ids"])
            if progress:
                progress(done, total)
        if len(got["ids"]) < store.write_batch:
            break
        offset += store.write_batch
    listed = [aid for aid in store.manifest() if aid in sums]
    for i in range(0, len(listed), store.write_batch):
        ids = listed[i:i + store.write_batch]
        vecs = [sums[a] / (np.linalg.norm(sums[a]) or 1.0) for a in ids]
        store.articles.update(ids=ids, embeddings=[v.tolist() for v in vecs])
    store.record_encoder()
    store.touch()
    return done


def self_check(store: ChunkStore, sample: int = 500, seed: int = 0) -> IndexHealth:
    """Query a sample of stored passages by their own vectors: each must come back first (or a
    passage with the same text, at distance zero). A damaged vector index fails this."""
    col = store.chunks._collection
    ids: list[str] = []
    offset = 0
    while True:
        got = col.get(include=[], limit=PAGE, offset=offset)
        ids += got["ids"]
        if len(got["ids"]) < PAGE:
            break
        offset += PAGE
    picked = random.Random(seed).sample(ids, min(sample, len(ids)))
    missing: list[str] = []
    for i in range(0, len(picked), 100):
        got = col.get(ids=picked[i:i + 100], include=["embeddings", "documents"])
        docs = dict(zip(got["ids"], got["documents"] or [], strict=True))
        res = col.query(query_embeddings=list(got["embeddings"]), n_results=min(3, len(ids)),  # type: ignore[arg-type]
                        include=["documents", "distances"])
        for cid, hit_ids, hit_docs, dists in zip(got["ids"], res["ids"], res["documents"] or [],
                                                  res["distances"] or [], strict=True):
            first = hit_ids[0] == cid or (hit_docs[0] == docs[cid] and dists[0] < 1e-6)
            if not first:
                missing.append(cid)
    return IndexHealth(stored=len(ids), checked=len(picked), missing=tuple(missing))


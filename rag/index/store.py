"""Chroma through langchain-chroma: chunks (with their vectors) and an article manifest.

Two collections: ``<name>_chunks`` holds one record per chunk (document = contextual text,
metadata = offsets, title, date, source); ``<name>_articles`` holds one record per article
(document = the article's clean text), written only after all its chunks are in, so an article
that is listed is complete. Embedded persistent client by default, ``chromadb.HttpClient`` when
``chroma_url`` is set. It does not rank or answer; Documents never leave this module.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlparse

from langchain_core.embeddings import Embeddings

from rag.errors import StoreError
from rag.index.embeddings import identity
from rag.models import Article, ArticleInfo, Chunk, context_prefix
from rag.settings import Settings

log = logging.getLogger(__name__)
PAGE = 5000


def day_number(d: date) -> int:
    """Dates as sortable ints for Chroma range filters: 2023-11-09 -> 20231109."""
    return d.year * 10000 + d.month * 100 + d.day


def _chunk_metadata(c: Chunk, content_hash: str, prefix_len: int) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "article_id": c.article_id, "ordinal": c.ordinal, "p_first": c.paragraphs[0],
        "p_last": c.paragraphs[1], "start": c.start, "end": c.end, "title": c.title,
        "source": c.source, "content_hash": content_hash, "prefix_len": prefix_len,
    }
    if c.published:
        meta["published"] = c.published.isoformat()
        meta["published_day"] = day_number(c.published)
    if c.url:
        meta["url"] = c.url
    return meta


def chunk_from_record(cid: str, document: str, meta: dict[str, Any]) -> Chunk:
    published = meta.get("published")
    return Chunk(
        id=cid, article_id=meta["article_id"], ordinal=int(meta["ordinal"]),
        paragraphs=(int(meta["p_first"]), int(meta["p_last"])), start=int(meta["start"]),
        end=int(meta["end"]), text=document[int(meta.get("prefix_len", 0)):], title=meta.get("title", ""),
        published=date.fromisoformat(published) if published else None, source=meta.get("source", ""),
        url=meta.get("url"),
    )


def open_client(settings: Settings) -> tuple[Any, str]:
    """The Chroma client of ``settings`` (the server at ``chroma_url``, else ``data_dir/chroma``) and
    where it is; StoreError saying what to check when it cannot be opened."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    try:
        if settings.chroma_url:
            u = urlparse(settings.chroma_url)
            client = chromadb.HttpClient(host=u.hostname or "127.0.0.1", port=u.port or 8000,
                                         ssl=u.scheme == "https", settings=chroma_settings)
            client.heartbeat()
            return client, settings.chroma_url
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        path = settings.data_dir / "chroma"
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings), str(path)
    except Exception as exc:
        where = settings.chroma_url or settings.data_dir
        raise StoreError(f"cannot open the Chroma store at {where}: {exc}. "
                         "Check RAG_CHROMA_URL / RAG_DATA_DIR and that the server is running.") from exc


def collection_names(settings: Settings) -> list[str]:
    """The collections of articles in the store: names with both a ``_chunks`` and an ``_articles``
    Chroma collection, sorted."""
    client, _ = open_client(settings)
    names = {c if isinstance(c, str) else c.name for c in client.list_collections()}
    return sorted(n.removesuffix("_chunks") for n in names
                  if n.endswith("_chunks") and n.removesuffix("_chunks") + "_articles" in names)


@dataclass(frozen=True)
class StoredArticle:
    info: ArticleInfo
    content_hash: str
    text: str


class ChunkStore:
    def __init__(self, settings: Settings, embeddings: Embeddings):
        """Opens any index; ``rag.index.upkeep.check_encoder`` refuses one built with another model."""
        from langchain_chroma import Chroma

        self.client, self.location = open_client(settings)
        cfg: Any = {"hnsw": {"space": "cosine"}}
        self.embeddings = embeddings
        self.chunks = Chroma(collection_name=f"{settings.collection}_chunks", embedding_function=embeddings,
                             client=self.client, collection_configuration=cfg)
        self.articles = self.client.get_or_create_collection(
            f"{settings.collection}_articles", embedding_function=None, configuration=cfg)
        self.write_batch = settings.write_batch_size
        self.identity = identity(embeddings)

    # ---- the encoder the vectors came from ------------------------------------------------
    def built_with(self) -> dict[str, str]:
        meta = self.chunks._collection.metadata or {}
        return {k: str(v) for k, v in meta.items() if k.startswith("encoder_")}

    def record_encoder(self) -> None:
        self.chunks._collection.modify(metadata=dict(self.identity))

    # ---- writes -------------------------------------------------------------------------
    def existing_chunk_ids(self, article_id: str) -> list[str]:
        got = self.chunks.get(where={"article_id": article_id}, include=[])
        return list(got["ids"])

    def chunk_ids_by_article(self, article_ids: Sequence[str]) -> dict[str, set[str]]:
        """Chunk ids already stored for these articles (a crashed run's leftovers included)."""
        out: dict[str, set[str]] = {a: set() for a in article_ids}
        for i in range(0, len(article_ids), 500):
            got = self.chunks.get(where={"article_id": {"$in": list(article_ids[i:i + 500])}}, include=["metadatas"])
            for cid, meta in zip(got["ids"], got["metadatas"], strict=True):
                out.setdefault(meta["article_id"], set()).add(cid)
        return out

    def content_hashes(self, article_ids: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for i in range(0, len(article_ids), PAGE):
            got = self.articles.get(ids=list(article_ids[i:i + PAGE]), include=["metadatas"])
            metas = zip(got["ids"], got["metadatas"], strict=True)
            out.update({aid: str(m.get("content_hash", "")) for aid, m in metas})
        return out

    def write_chunks(self, items: Sequence[tuple[Article, Chunk]], vectors: Sequence[Sequence[float]] | None) -> None:
        """Upsert chunk records in batches; with ``vectors=None`` only documents and metadata change
        (a chunk whose text is unchanged keeps its vector: no re-embedding)."""
        docs, metas = [], []
        for article, c in items:
            prefix = context_prefix(c)
            docs.append(prefix + c.text)
            metas.append(_chunk_metadata(c, article.content_hash, len(prefix)))
        ids = [c.id for _, c in items]
        col = self.chunks._collection
        for i in range(0, len(ids), self.write_batch):
            j = i + self.write_batch
            if vectors is None:  # reuse the stored vectors (Chroma's update would re-embed the documents)
                got = col.get(ids=ids[i:j], include=["embeddings"])
                by_id = dict(zip(got["ids"], got["embeddings"], strict=True))  # type: ignore[arg-type]
                batch = [list(by_id[cid]) for cid in ids[i:j]]
            else:
                batch = [list(v) for v in vectors[i:j]]
            col.upsert(ids=ids[i:j], documents=docs[i:j], metadatas=metas[i:j],  # type: ignore[arg-type]
                       embeddings=batch)  # type: ignore[arg-type]

    def mark_complete(self, items: Sequence[tuple[Article, int]], title_vectors: Sequence[Sequence[float]],
                      duplicates: dict[str, str] | None = None, versions: dict[str, str] | None = None,
                      signatures: dict[str, str] | None = None) -> None:
        """List articles (one manifest record each) once all their chunks are in; ``duplicates``
        maps a copy to its original, ``versions`` an article to another version of it, ``signatures``
        an article to its MinHash signature (``rag.minhash``)."""
        metas: list[dict[str, Any]] = []
        for article, n_chunks in items:
            meta: dict[str, Any] = {"title": article.title, "source": article.source, "path": article.path,
                                    "content_hash": article.content_hash, "chunks": n_chunks}
            if duplicates and article.id in duplicates:
                meta["duplicate_of"] = duplicates[article.id]
            if versions and article.id in versions:
                meta["version_of"] = versions[article.id]
            if signatures and article.id in signatures:
                meta["minhash"] = signatures[article.id]
            if article.published:
                meta["published"] = article.published.isoformat()
                meta["published_day"] = day_number(article.published)
            if article.url:
                meta["url"] = article.url
            metas.append(meta)
        for i in range(0, len(items), self.write_batch):
            j = i + self.write_batch
            self.articles.upsert(ids=[a.id for a, _ in items[i:j]], documents=[a.text for a, _ in items[i:j]],
                                 metadatas=metas[i:j], embeddings=[list(v) for v in title_vectors[i:j]])

    def relink(self, copies: dict[str, str]) -> None:
        """Mark indexed articles as copies of another (an earlier or fuller telling came in)."""
        if copies:
            self.articles.update(ids=list(copies), metadatas=[{"duplicate_of": v} for v in copies.values()])
            self.touch()

    def delete_chunks(self, ids: Sequence[str]) -> None:
        for i in range(0, len(ids), self.write_batch):
            self.chunks.delete(ids=list(ids[i:i + self.write_batch]))

    def delete_article(self, article_id: str) -> int:
        """Manifest entry first (so the article stops being listed), then its chunks."""
        self.articles.delete(ids=[article_id])
        ids = self.existing_chunk_ids(article_id)
        self.delete_chunks(ids)
        self.touch()
        return len(ids)

    # ---- reads --------------------------------------------------------------------------
    def article(self, article_id: str) -> StoredArticle | None:
        got = self.articles.get(ids=[article_id], include=["metadatas", "documents"])
        if not got["ids"]:
            return None
        return self._stored(got["ids"][0], got["metadatas"][0], got["documents"][0])  # type: ignore[index]

    @staticmethod
    def _stored(aid: str, meta: Any, text: str) -> StoredArticle:
        pub = meta.get("published")
        info = ArticleInfo(article_id=aid, title=meta.get("title", ""),
                           published=date.fromisoformat(pub) if pub else None,
                           source=meta.get("source", ""), chunks=int(meta.get("chunks", 0)),
                           duplicate_of=meta.get("duplicate_of") or None, version_of=meta.get("version_of") or None)
        return StoredArticle(info=info, content_hash=meta.get("content_hash", ""), text=text)

    def manifest(self) -> dict[str, dict[str, Any]]:
        """article id -> metadata, for every complete article (no texts)."""
        out: dict[str, dict[str, Any]] = {}
        offset = 0
        while True:
            got = self.articles.get(include=["metadatas"], limit=PAGE, offset=offset)
            for aid, meta in zip(got["ids"], got["metadatas"] or [], strict=True):
                out[aid] = dict(meta)
            if len(got["ids"]) < PAGE:
                return out
            offset += PAGE

    def list_articles(self) -> list[ArticleInfo]:
        infos = [self._stored(aid, m, "").info for aid, m in self.manifest().items()]
        return sorted(infos, key=lambda i: (i.published or date.min, i.title), reverse=True)

    def iter_chunks(self) -> Iterator[Chunk]:
        offset = 0
        while True:
            got = self.chunks.get(include=["metadatas", "documents"], limit=PAGE, offset=offset)
            for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
                yield chunk_from_record(cid, doc, meta)
            if len(got["ids"]) < PAGE:
                return
            offset += PAGE

    def contextual_text(self, chunk: Chunk) -> str:
        return context_prefix(chunk) + chunk.text

    def counts(self) -> tuple[int, int]:
        return self.chunks._collection.count(), self.articles.count()

    def touch(self) -> None:
        """Record that the index changed, for every instance sharing this store."""
        self.articles.modify(metadata={"generation": time.time_ns()})

    def fingerprint(self) -> tuple[Any, ...]:
        """Changes whenever any instance writes: (chunks, articles, generation)."""
        meta = self.client.get_collection(self.articles.name).metadata or {}
        return (*self.counts(), meta.get("generation"))

    def similar_articles(self, vectors: Sequence[Sequence[float]], k: int = 8,
                         min_similarity: float = 0.9) -> list[list[str]]:
        """For each vector, the article ids owning chunks nearly identical to it (candidates for
        duplicate checks); one query for all of them."""
        n = self.chunks._collection.count()
        if n == 0 or not vectors:
            return [[] for _ in vectors]
        got = self.chunks._collection.query(query_embeddings=[list(v) for v in vectors], n_results=min(k, n),
                                            include=["metadatas", "distances"])
        out = []
        for metas, dists in zip(got["metadatas"] or [], got["distances"] or [], strict=True):
            out.append(list(dict.fromkeys(str(m["article_id"]) for m, d in zip(metas, dists, strict=True)
                                          if 1.0 - d >= min_similarity)))
        return out

    def dense(self, vector: Sequence[float], k: int, where: dict[str, Any] | None) -> list[tuple[Chunk, float]]:
        n = self.chunks._collection.count()
        if n == 0:
            return []
        res = self.chunks.similarity_search_by_vector_with_relevance_scores(list(vector), k=min(k, n), filter=where)
        # langchain-chroma returns cosine distance here; similarity = 1 - distance
        return [(chunk_from_record(doc.id or "", doc.page_content, doc.metadata), 1.0 - float(dist))
                for doc, dist in res]

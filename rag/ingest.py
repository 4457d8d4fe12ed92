"""Ingest: files or pasted text -> Articles -> Chunks -> vectors -> store, idempotently.

An unchanged article (same content hash) is skipped without embedding; a changed one replaces
its old chunks; an article is listed (manifest) only after all its chunks are written, so a
crash mid-ingest leaves nothing half-indexed that looks complete, and a re-run finishes the job.
Embedding is batched across articles. Each file is read and chunked on its own: any exception
there, expected or not, becomes one ``failed`` entry and the other files go in; a failure of the
store or the embedder stops the batch. It does not retrieve or answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .chunking import chunk_article, context_prefix
from .errors import IngestError
from .loaders import discover, read_file
from .models import Article, Chunk, IngestFailure, IngestReport
from .retrieval import jaccard, shingles
from .settings import Settings
from .store import ChunkStore

log = logging.getLogger(__name__)
Progress = Callable[[int, int, str], None]


@dataclass
class _Tally:
    added: int = 0
    unchanged: int = 0
    replaced: int = 0
    removed: int = 0
    chunks: int = 0
    failed: list[IngestFailure] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def fail(self, path: str | Path, exc: Exception) -> None:
        """Record one file's failure; an unexpected exception gets a one-line message and a logged traceback."""
        if isinstance(exc, IngestError):
            message = str(exc)
            log.warning("not ingested: %s", message)
        else:
            log.error("not ingested: %s", path, exc_info=exc)
            detail = (str(exc).splitlines() or [""])[0][:120]
            message = (f"{Path(path).name}: could not be ingested ({type(exc).__name__}: {detail}); check that "
                       "it is a readable article file; the server log has the details")
        self.failed.append(IngestFailure(str(path), message))

    def report(self) -> IngestReport:
        return IngestReport(added=self.added, unchanged=self.unchanged, replaced=self.replaced,
                            removed=self.removed, chunks_added=self.chunks, failed=tuple(self.failed),
                            article_ids=tuple(self.ids), notes=tuple(self.notes))


class Ingestor:
    def __init__(self, settings: Settings, store: ChunkStore):
        self.settings = settings
        self.store = store

    def ingest_paths(self, paths: Sequence[str | Path], progress: Progress | None = None) -> IngestReport:
        # a file found in a folder must stay inside it (no symbolic link out); a file named is read as given
        files = [(f, Path(p) if Path(p).is_dir() else None) for p in paths for f in discover([p])]
        tally = _Tally()
        articles: list[Article] = []
        max_bytes = int(self.settings.max_upload_mb * 1e6)
        for i, (path, folder) in enumerate(files, start=1):
            try:
                loaded = read_file(path, max_bytes=max_bytes, within=folder)
            except Exception as exc:  # any exception: one failed file must not stop the batch
                tally.fail(path, exc)
            else:
                articles.append(loaded.article)
                tally.notes.extend(loaded.notes)
            if progress:
                progress(i, len(files) * 2, f"read {path.name}")
        self._index(articles, tally, progress, offset=len(files), total=len(files) * 2)
        return tally.report()

    def ingest_articles(self, articles: Sequence[Article], progress: Progress | None = None) -> IngestReport:
        tally = _Tally()
        self._index(list(articles), tally, progress, offset=0, total=len(articles))
        return tally.report()

    def _index(self, articles: list[Article], tally: _Tally, progress: Progress | None,
               offset: int, total: int) -> None:
        unique = list({a.id: a for a in articles}.values())
        stored = self.store.content_hashes([a.id for a in unique])
        pending: list[tuple[Article, list[Chunk], bool]] = []
        for article in unique:
            if stored.get(article.id) == article.content_hash:
                tally.unchanged += 1
                tally.ids.append(article.id)
                continue
            try:
                chunks = chunk_article(article, self.settings.chunk_max_chars, self.settings.chunk_min_chars)
            except Exception as exc:  # as in reading: this article fails, the others go in
                tally.fail(article.path, exc)
                continue
            tally.ids.append(article.id)
            pending.append((article, chunks, article.id in stored))
        done = offset + (len(unique) - len(pending))
        batch: list[tuple[Article, list[Chunk], bool]] = []
        size = 0
        for item in pending:
            batch.append(item)
            size += len(item[1])
            if size >= self.settings.write_batch_size:
                done = self._write(batch, tally, progress, done, total)
                batch, size = [], 0
        if batch:
            self._write(batch, tally, progress, done, total)

    def _write(self, batch: list[tuple[Article, list[Chunk], bool]], tally: _Tally,
               progress: Progress | None, done: int, total: int) -> int:
        """One batch: unlist changed articles, drop their stale chunks, embed only new chunk texts,
        write all chunks in a few large upserts, then list the articles."""
        old = self.store.chunk_ids_by_article([a.id for a, _, _ in batch])
        relisted = [a.id for a, _, existed in batch if existed or old.get(a.id)]
        if relisted:
            self.store.articles.delete(ids=relisted)
        stale = [cid for a, chunks, _ in batch for cid in old.get(a.id, set()) - {c.id for c in chunks}]
        self.store.delete_chunks(stale)
        kept = [(a, c) for a, chunks, _ in batch for c in chunks if c.id in old.get(a.id, set())]
        fresh = [(a, c) for a, chunks, _ in batch for c in chunks if c.id not in old.get(a.id, set())]
        vectors = self.store.embeddings.embed_documents([context_prefix(c) + c.text for _, c in fresh])
        duplicates = self._duplicates(batch, fresh, vectors)
        if kept:
            self.store.write_chunks(kept, None)
        self.store.write_chunks(fresh, vectors)
        self.store.mark_complete([(a, len(chunks)) for a, chunks, _ in batch],
                                 self._article_vectors(batch, fresh, vectors), duplicates)
        self.store.touch()
        for article, chunks, existed in batch:
            if existed:
                tally.replaced += 1
            else:
                tally.added += 1
            log.info("indexed %s (%d chunks)", article.path, len(chunks))
        tally.chunks += len(fresh)
        done += len(batch)
        if progress:
            progress(done, total, f"indexed {batch[-1][0].title[:60]}")
        return done

    def _article_vectors(self, batch: list[tuple[Article, list[Chunk], bool]], fresh: list[tuple[Article, Chunk]],
                         vectors: Sequence[Sequence[float]]) -> list[list[float]]:
        """One vector per manifest record: the normalised mean of the article's new chunk vectors
        (no extra encoding); only an article whose chunks were all kept has its title embedded."""
        by_article: dict[str, list[Sequence[float]]] = {}
        for (a, _), v in zip(fresh, vectors, strict=True):
            by_article.setdefault(a.id, []).append(v)
        titles = [a.title for a, _, _ in batch if a.id not in by_article]
        embedded = iter(self.store.embeddings.embed_documents(titles) if titles else [])
        out = []
        for article, _, _ in batch:
            if article.id in by_article:
                mean = np.mean(np.asarray(by_article[article.id], dtype=np.float32), axis=0)
                out.append((mean / (np.linalg.norm(mean) or 1.0)).tolist())
            else:
                out.append(list(next(embedded)))
        return out

    def _duplicates(self, batch: list[tuple[Article, list[Chunk], bool]], fresh: list[tuple[Article, Chunk]],
                    vectors: Sequence[Sequence[float]]) -> dict[str, str]:
        """Syndicated copies: an article whose text mostly repeats an already indexed one (or an
        earlier one of this batch) is recorded as a duplicate of it, and counted once."""
        first_vec = {}
        for (a, c), v in zip(fresh, vectors, strict=True):
            if c.ordinal == 0:
                first_vec[a.id] = v
        # shingle each text once: comparing every pair of a batch re-tokenised it quadratically
        shingled = {a.id: shingles(a.text) for a, _, _ in batch}
        found: dict[str, str] = {}
        manifest: dict[str, dict] | None = None
        for i, (article, _, _) in enumerate(batch):
            candidates = [a.id for a, _, _ in batch[:i]]
            if article.id in first_vec:
                candidates += self.store.similar_articles(first_vec[article.id])
            for other in dict.fromkeys(c for c in candidates if c != article.id):
                if other not in shingled:
                    stored = self.store.article(other)
                    shingled[other] = shingles(stored.text) if stored else set()
                if jaccard(shingled[article.id], shingled[other]) >= 0.5:
                    manifest = manifest if manifest is not None else self.store.manifest()
                    root = found.get(other) or manifest.get(other, {}).get("duplicate_of") or other
                    found[article.id] = str(root)
                    log.info("%s is a near-duplicate of %s", article.path, root)
                    break
        return found

    def remove(self, article_id: str) -> bool:
        if self.store.article(article_id) is None and not self.store.existing_chunk_ids(article_id):
            return False
        self.store.delete_article(article_id)
        return True

    def prune_missing(self) -> int:
        """Drop articles whose file no longer exists on disk (pasted texts are kept)."""
        removed = 0
        for aid, meta in self.store.manifest().items():
            path = str(meta.get("path", ""))
            if path.startswith("/") and not Path(path).exists():
                self.store.delete_article(aid)
                removed += 1
        return removed

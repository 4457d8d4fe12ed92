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
from datetime import date
from pathlib import Path

import numpy as np

from rag.errors import IngestError
from rag.index.store import ChunkStore
from rag.ingest import minhash
from rag.ingest.chunking import chunk_article
from rag.ingest.loaders import discover, read_file
from rag.ingest.minhash import CandidateIndex
from rag.ingest.sanity import junk_reason, too_many_chunks
from rag.ingest.versions import compare as versions_compare
from rag.ingest.versions import original_first
from rag.models import Article, Chunk, IngestFailure, IngestReport, context_prefix
from rag.nlp.similarity import jaccard, shingles
from rag.settings import Settings

log = logging.getLogger(__name__)
VERSION_SIMILARITY = 0.7  # word-trigram Jaccard from which two differing texts are versions of one story
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


def _later(a: date | None, b: date | None) -> bool:
    return a is not None and b is not None and a > b


class Ingestor:
    def __init__(self, settings: Settings, store: ChunkStore):
        self.settings = settings
        self.store = store
        self._candidates: CandidateIndex | None = None
        self._candidates_at: tuple | None = None  # the store fingerprint the candidate index matches

    def candidate_index(self) -> CandidateIndex:
        """The MinHash LSH of the indexed articles, rebuilt when another instance changed the store."""
        fp = self.store.fingerprint()
        if self._candidates is None or fp != self._candidates_at:
            index = CandidateIndex()
            for aid, meta in self.store.manifest().items():
                if meta.get("minhash"):
                    index.add(aid, minhash.decode(str(meta["minhash"])))
                else:  # indexed before signatures were kept
                    stored = self.store.article(aid)
                    if stored:
                        index.add(aid, minhash.signature(shingles(stored.text)))
            self._candidates, self._candidates_at = index, fp
        return self._candidates

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
        refused = 0
        for article in unique:
            if stored.get(article.id) == article.content_hash:
                tally.unchanged += 1
                tally.ids.append(article.id)
                continue
            reason = junk_reason(article.text)
            try:
                chunks = [] if reason else chunk_article(article, self.settings.chunk_max_chars,
                                                         self.settings.chunk_min_chars)
            except Exception as exc:  # as in reading: this article fails, the others go in
                tally.fail(article.path, exc)
                refused += 1
                continue
            reason = reason or too_many_chunks(len(chunks), self.settings.max_chunks_per_article)
            if reason:  # refused before anything is written
                tally.fail(article.path, IngestError(f"{Path(article.path).name}: {reason}"))
                refused += 1
                continue
            tally.ids.append(article.id)
            pending.append((article, chunks, article.id in stored))
        done = offset + (len(unique) - len(pending)) - refused
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
        signatures = {a.id: minhash.signature(shingles(a.text)) for a, _, _ in batch}
        copies, versions, demoted = self._relations(batch, fresh, vectors, signatures)
        if kept:
            self.store.write_chunks(kept, None)
        self.store.write_chunks(fresh, vectors)
        self.store.mark_complete([(a, len(chunks)) for a, chunks, _ in batch],
                                 self._article_vectors(batch, fresh, vectors), copies, versions,
                                 {aid: minhash.encode(m) for aid, m in signatures.items()})
        self.store.relink(demoted)
        index = self.candidate_index()
        for aid, m in signatures.items():
            index.add(aid, m)
        self._candidates_at = self.store.fingerprint()
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

    def _relations(self, batch: list[tuple[Article, list[Chunk], bool]], fresh: list[tuple[Article, Chunk]],
                   vectors: Sequence[Sequence[float]], signatures: dict) -> tuple[dict[str, str], dict[str, str],
                                                                                  dict[str, str]]:
        """How each article of the batch relates to a near-identical one (indexed, or earlier in the
        batch): (copies: copy -> original, versions: article -> other version, indexed articles that
        turn out to be copies of a new one). A copy adds nothing to its original (``rag.versions``);
        of two equal texts the earlier published is the original, so an indexed text can become the
        copy, and a shorter cut of the same day becomes a copy of the fuller one. A text that changes
        a figure, or a later one that adds passages, is a version: both stay citable."""
        first_vec = {}
        for (a, c), v in zip(fresh, vectors, strict=True):
            if c.ordinal == 0:
                first_vec[a.id] = v
        # shingle each text once: comparing every pair of a batch re-tokenised it quadratically
        shingled = {a.id: shingles(a.text) for a, _, _ in batch}
        texts = {a.id: (a.text, a.published) for a, _, _ in batch}
        copies: dict[str, str] = {}
        versions: dict[str, str] = {}
        demoted: dict[str, str] = {}
        manifest: dict[str, dict] | None = None
        index = self.candidate_index()  # one fingerprint check per batch, not per article
        # near-identical passages the MinHash estimate may miss: one store query for the whole batch
        near = dict(zip(first_vec, self.store.similar_articles(list(first_vec.values())), strict=True))
        for i, (article, _, _) in enumerate(batch):
            candidates = [a.id for a, _, _ in batch[:i]] + index.query(signatures[article.id])
            candidates += near.get(article.id, [])
            for other in dict.fromkeys(c for c in candidates if c != article.id):
                if other not in shingled:
                    stored = self.store.article(other)
                    shingled[other] = shingles(stored.text) if stored else set()
                    texts[other] = (stored.text, stored.info.published) if stored else ("", None)
                mine, theirs = shingled[article.id], shingled[other]
                shared = len(mine & theirs) / (min(len(mine), len(theirs)) or 1)
                if shared < 0.5:  # fewer than half of the shorter text's word trigrams in the other
                    continue
                manifest = manifest if manifest is not None else self.store.manifest()
                root = copies.get(other) or manifest.get(other, {}).get("duplicate_of") or other
                how = versions_compare(article.text, texts[other][0])
                if how == "same":
                    original, copy = original_first((str(root), texts[other][1]), (article.id, article.published))
                elif how == "adds_nothing":
                    original, copy = str(root), article.id
                elif how == "adds_to" and not _later(article.published, texts[other][1]):
                    original, copy = article.id, str(root)  # the indexed text is a shorter cut of this one
                elif how != "adds_to" and jaccard(mine, theirs) < VERSION_SIMILARITY:
                    continue  # shared paragraphs (a template, a boilerplate) but another story
                else:  # a later text that adds passages, or one that changes a figure: both stay citable
                    versions[article.id] = other
                    log.info("%s is another version of %s", article.path, other)
                    break
                if copy == article.id:
                    copies[article.id] = original
                else:  # the indexed text (and its own copies) become copies of the new one
                    for aid, meta in manifest.items():
                        if aid == copy or meta.get("duplicate_of") == copy:
                            demoted[aid] = original
                    for aid, orig in list(copies.items()):
                        if orig == copy:
                            copies[aid] = original
                    if copy in texts and any(a.id == copy for a, _, _ in batch):
                        copies[copy] = original
                log.info("%s is a copy of %s", copy, original)
                break
        return copies, versions, {k: v for k, v in demoted.items() if k not in copies}

    def remove(self, article_id: str) -> bool:
        if self.store.article(article_id) is None and not self.store.existing_chunk_ids(article_id):
            return False
        self.store.delete_article(article_id)
        if self._candidates is not None:
            self._candidates.discard(article_id)
            self._candidates_at = self.store.fingerprint()
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

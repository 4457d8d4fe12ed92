"""Split an Article into paragraph-aware Chunks with stable ids and character offsets.

Paragraphs are packed together up to ``max_chars``; a paragraph longer than that is split at
sentence boundaries. A chunk never starts or ends inside a sentence. The contextual text used
for embedding and BM25 (title and date in front of the chunk) is made here too. It does not
embed or store anything.
"""

from __future__ import annotations

import hashlib
import re

from rag.models import Article, Chunk
from rag.nlp.text import sentence_spans


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for m in re.finditer(r"\n\s*\n", text + "\n\n"):
        if text[pos:m.start()].strip():
            spans.append((pos, m.start()))
        pos = m.end()
    return spans


def _hard_split(start: int, end: int, text: str, limit: int) -> list[tuple[int, int]]:
    """Cut a run-on "sentence" (no punctuation for thousands of characters) at spaces."""
    out = []
    while end - start > limit:
        cut = text.rfind(" ", start, start + limit)
        cut = cut if cut > start else start + limit
        out.append((start, cut))
        start = cut + 1 if text[cut:cut + 1] == " " else cut
    out.append((start, end))
    return out


def _pieces(text: str, max_chars: int) -> list[tuple[int, int, int]]:
    """(start, end, paragraph number); long paragraphs become several sentence-bounded pieces."""
    out: list[tuple[int, int, int]] = []
    for number, (ps, pe) in enumerate(_paragraph_spans(text)):
        if pe - ps <= max_chars:
            out.append((ps, pe, number))
            continue
        cur_s = cur_e = None
        spans = [p for a, b in sentence_spans(text[ps:pe]) for p in _hard_split(a + ps, b + ps, text, 2 * max_chars)]
        for ss, se in spans:
            if cur_s is not None and se - cur_s > max_chars:
                out.append((cur_s, cur_e, number))  # type: ignore[arg-type]
                cur_s = None
            cur_s = ss if cur_s is None else cur_s
            cur_e = se
        if cur_s is not None:
            out.append((cur_s, cur_e, number))  # type: ignore[arg-type]
    return out


def chunk_article(article: Article, max_chars: int = 600, min_chars: int = 200) -> list[Chunk]:
    """Pack paragraphs into chunks of at most ``max_chars`` (a single longer sentence stays whole).

    A chunk below ``min_chars`` takes in the next paragraph even past ``max_chars`` would not be
    reached; otherwise a new paragraph starts a new chunk once the chunk holds ``min_chars``.
    A passage repeated word for word inside one article is stored once.
    """
    text = article.text
    groups: list[list[tuple[int, int, int]]] = []
    for piece in _pieces(text, max_chars):
        if groups:
            g = groups[-1]
            size = g[-1][1] - g[0][0]
            if size < min_chars and piece[1] - g[0][0] <= max_chars:
                g.append(piece)
                continue
            if piece[2] == g[-1][2] and piece[1] - g[0][0] <= max_chars:
                g.append(piece)
                continue
        groups.append([piece])
    chunks: list[Chunk] = []
    seen: set[str] = set()
    for g in groups:
        start, end = g[0][0], g[-1][1]
        body = text[start:end]
        key = f"{article.id}\n{body}"
        if key in seen:  # an identical passage is stored once (a repeated boilerplate or junk block)
            continue
        seen.add(key)
        cid = hashlib.sha1(f"{key}\n1".encode()).hexdigest()[:20]
        chunks.append(Chunk(id=cid, article_id=article.id, ordinal=len(chunks), paragraphs=(g[0][2], g[-1][2]),
                            start=start, end=end, text=body, title=article.title,
                            published=article.published, source=article.source, url=article.url))
    return chunks

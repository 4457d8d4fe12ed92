"""The sentences of indexed passages with their offsets in the article text, split within
paragraphs (a heading and the paragraph after it never make one sentence). Used by the timeline,
the briefing, the places view and the dated answers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rag.models import Chunk
from rag.nlp.text import PARAGRAPH_BREAK, sentence_spans


@dataclass(frozen=True)
class Sentence:
    """A sentence of an indexed article; ``start``/``end`` index the article text."""

    text: str
    start: int
    end: int
    chunk: Chunk


def sentences_of(chunks: Sequence[Chunk]) -> list[Sentence]:
    """The sentences of ``chunks``, oldest article first, in text order."""
    out = []
    for c in sorted(chunks, key=lambda c: (c.published or date.min, c.article_id, c.start)):
        pos = 0
        for para in PARAGRAPH_BREAK.split(c.text):
            base = c.text.index(para, pos)
            pos = base + len(para)
            out += [Sentence(para[s:e], c.start + base + s, c.start + base + e, c) for s, e in sentence_spans(para)]
    return out

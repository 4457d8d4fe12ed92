"""``IndexView``: the little of the index that the dated answers and the insights (timeline,
briefing, places) read, so they depend on this protocol and not on ``Assistant``, which implements
it. Every view reads the same passages: those answers may cite (complete articles, syndicated
copies left out), so a wire story indexed twice is one event, one briefing line, one place."""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

from rag.index.embeddings import SentenceEncoder
from rag.index.filters import Filters
from rag.models import Chunk, ScoredChunk
from rag.settings import Settings


class IndexView(Protocol):
    settings: Settings

    def passages(self) -> list[Chunk]:
        """Every citable passage: complete articles, syndicated copies left out."""
        ...

    def search(self, query: str, *, k: int | None = None, filters: Filters | None = None) -> list[ScoredChunk]:
        """The hybrid retrieval's top ``k`` passages for ``query``."""
        ...

    def published_span(self) -> tuple[date, date] | None:
        """The oldest and newest publication dates of the citable passages."""
        ...

    def sentence_encoder(self) -> SentenceEncoder:
        ...

    def chat_model(self) -> Any | None:
        """The configured LLM (a LangChain chat model), or None for the extractive answerer."""
        ...

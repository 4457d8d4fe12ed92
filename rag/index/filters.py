"""What a search may return: some articles, a publication date range. ``where()`` is the Chroma
metadata clause; ``accepts()`` applies the same test to a passage already in hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from rag.index.store import day_number
from rag.models import Chunk


@dataclass(frozen=True)
class Filters:
    article_ids: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None

    def where(self) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = []
        if self.article_ids:
            clauses.append({"article_id": {"$in": list(self.article_ids)}})
        if self.date_from:
            clauses.append({"published_day": {"$gte": day_number(self.date_from)}})
        if self.date_to:
            clauses.append({"published_day": {"$lte": day_number(self.date_to)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def accepts(self, c: Chunk) -> bool:
        if self.article_ids and c.article_id not in self.article_ids:
            return False
        if (self.date_from or self.date_to) and c.published is None:
            return False
        if self.date_from and c.published and c.published < self.date_from:
            return False
        return not (self.date_to and c.published and c.published > self.date_to)

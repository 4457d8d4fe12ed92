"""A share given to another total: the claim puts a percentage beside a count that is not the one
the source gives it to. "About 165,000 IDPs have returned, around 80% of them women and children"
where the source says "681,332 IDPs, of which 80% are women and children. Of this number, some
165,000 have returned" (train claim rows D-074, F-005, F-077: three texts).

A share's total is the largest count written before it in its sentence ("681,332 IDPs in 33 out
of the 34 provinces, of which 80%": 681,332; a year, a day of a month and another share are not
counts). The check speaks only when the claim and a cited sentence both
give the share a total, the totals differ, and the cited sentence names the claim's total too or
another cited sentence does (so the claim's count is the source's, moved).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rag.models import Chunk
from rag.nlp.numbers import to_number
from rag.nlp.parse import parse
from rag.nlp.relations import figure


def moved_share(claim: str, cited: Sequence[Chunk]) -> str | None:
    """Why the claim gives a share of the source to another total, or None."""
    docs = parse([c.text for c in cited])  # parsed once already, for ``figures.counted``
    sentences = [sent for doc in docs for sent in doc.sents]
    counted = {v for sent in sentences for v, _ in _counts(sent)}
    for share, total in _shares(parse([claim])[0]):
        if total is None or total not in counted:
            continue
        theirs = {t for sent in sentences for p, t in _shares(sent) if p == share and t is not None}
        if theirs and total not in theirs:
            return f"in the source {_shown(share)}% is a share of {_shown(min(theirs))}, not of {_shown(total)}"
    return None


def _shares(span: Any) -> list[tuple[float, float | None]]:
    """(share, the largest count before it in the span, or None)."""
    counts = _counts(span)
    out = []
    for t in span:
        share = _share(t)
        if share is not None:
            before = [v for v, end in counts if end <= t.idx]
            out.append((share, max(before) if before else None))
    return out


def _share(token: Any) -> float | None:
    """The percentage a number token writes ("80%", "45 per cent", "71 percent"), or None."""
    if not token.like_num or token.i + 1 >= len(token.doc):
        return None
    nxt = token.nbor(1)
    after = token.nbor(2).lower_ if token.i + 2 < len(token.doc) else ""
    if nxt.text == "%" or nxt.lower_ == "percent" or (nxt.lower_ == "per" and after == "cent"):
        return to_number(token.text)
    return None


def _counts(span: Any) -> list[tuple[float, int]]:
    """(value, end offset) of each count of a span: ``relations.figure``'s, which leaves out years,
    days of a month, shares and money."""
    seen: dict[int, tuple[float, int]] = {}
    for t in span:
        f = figure(t) if t.like_num else None
        if f is not None:
            seen.setdefault(f.start, (f.value, f.end))
    return list(seen.values())


def _shown(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,}"

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

import re
from collections.abc import Sequence

from rag.models import Chunk
from rag.nlp.dates import MONTHS, is_year
from rag.nlp.text import sentence_spans

_SHARE = re.compile(r"(?<![\d.,])(\d+(?:\.\d+)?)\s*(?:%|per\s?cent\b|percent\b)", re.I)
_COUNT = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*(million|billion|thousand)\b|\s?([MK])\b)?")
_SCALE = {"million": 1e6, "billion": 1e9, "thousand": 1e3, "m": 1e6, "k": 1e3}
_MONTH = re.compile(r"^\s*(?:" + MONTHS + r")\b", re.I)


def moved_share(claim: str, cited: Sequence[Chunk]) -> str | None:
    """Why the claim gives a share of the source to another total, or None."""
    sentences = [c.text[a:b] for c in cited for a, b in sentence_spans(c.text)]
    counted = {v for s in sentences for v, _ in _counts(s)}
    for share, total in _shares(claim):
        if total is None or total not in counted:
            continue
        theirs = {t for s in sentences for p, t in _shares(s) if p == share and t is not None}
        if theirs and total not in theirs:
            return (f"in the source {_shown(share)}% is a share of {_shown(min(theirs))}, not of {_shown(total)}")
    return None


def _shares(text: str) -> list[tuple[float, float | None]]:
    """(share, the largest count before it in the text, or None)."""
    out = []
    for m in _SHARE.finditer(text):
        before = [v for v, end in _counts(text[:m.start()]) if end <= m.start()]
        out.append((float(m.group(1)), max(before) if before else None))
    return out


def _counts(text: str) -> list[tuple[float, int]]:
    """(value, end) of each count of a text: not a share, a year or a day beside its month."""
    out = []
    for m in _COUNT.finditer(text):
        written = m.group(1)
        after = text[m.end():m.end() + 12]
        if _SHARE.match(text, m.start()) or is_year(written) or _MONTH.match(after) \
                or re.search(r"(?:" + MONTHS + r")\s*$", text[:m.start()], re.I):
            continue
        scale = _SCALE.get((m.group(2) or m.group(3) or "").lower(), 1.0)
        out.append((float(written.replace(",", "")) * scale, m.end()))
    return out


def _shown(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,}"

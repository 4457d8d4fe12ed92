"""Does a passage hold a question's evidence? Exact substring after whitespace, Unicode and
quote-style normalisation: what the corpus checker and every retrieval and citation metric use."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence


def norm(text: str) -> str:
    """Whitespace, Unicode and quote-style normalisation for evidence matching."""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(str.maketrans("“”‘’—–", "\"\"''--"))
    return re.sub(r"\s+", " ", text).strip().lower()


def holds_evidence(passage: str, evidence: Sequence[str]) -> bool:
    p = norm(passage)
    return any(norm(e) in p for e in evidence if e.strip())

"""Is a text an article at all? Refuse junk before anything is written to the index.

A text with no real words (symbols, digits, one-letter runs such as a 5 MB line of "x"), one that
repeats one or a few words ("word word word ..."), or one that would make far more passages than
any real article does, is refused with a message that says what is wrong. Real articles in any
script pass: a "word" is a run of two or more letters. It reads text only; it does not chunk,
embed or store.

>>> junk_reason("x" * 5000) is not None and junk_reason("word " * 400) is not None
True
>>> junk_reason("The convoy reached the town on Monday after a week on the road.") is None
True
"""

from __future__ import annotations

import re
from collections import Counter

_TOKEN = re.compile(r"\S+")
_WORD = re.compile(r"[^\W\d_]{2,}")
MIN_WORD_SHARE = 0.3  # of whitespace-separated tokens that hold a word of two letters or more
MAX_TOP_WORD_SHARE = 0.5  # no real text uses one word for half of its words
MIN_DISTINCT_WORDS = 8  # for texts of REPEAT_CHECK_FROM words or more
REPEAT_CHECK_FROM = 50


def _words(text: str) -> list[str]:
    """Letter runs that can be words: not one letter repeated ("xxxx"), and a run longer than any
    word (scripts written without spaces) only with some variety in it."""
    out = []
    for w in _WORD.findall(text):
        distinct = len(set(w.lower()))
        if distinct > 1 and (len(w) <= 45 or distinct >= 5):
            out.append(w.lower())
    return out


def junk_reason(text: str) -> str | None:
    """Why ``text`` is not an article (a phrase to put after the file name), or None."""
    tokens = _TOKEN.findall(text)
    if not tokens:
        return "has no text"
    words = _words(text)
    with_words = sum(1 for t in tokens if _words(t))
    if not words or with_words < MIN_WORD_SHARE * len(tokens):
        return "has almost no words (symbols, digits or single letters); it does not look like an article"
    if len(words) >= REPEAT_CHECK_FROM:
        top, n = Counter(words).most_common(1)[0]
        if n > MAX_TOP_WORD_SHARE * len(words) or len(set(words)) < MIN_DISTINCT_WORDS:
            return f"repeats {top!r} for {n:,} of its {len(words):,} words; it does not look like an article"
    return None


def too_many_chunks(n_chunks: int, limit: int) -> str | None:
    if n_chunks > limit:
        return (f"would make {n_chunks:,} passages, more than the limit of {limit:,} for one article "
                "(RAG_MAX_CHUNKS_PER_ARTICLE); split it into separate articles")
    return None

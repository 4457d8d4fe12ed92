"""Text helpers shared by the stages: Unicode clean-up, sentence spans, tokens for matching.

It does not know about articles, chunks or stores; it works on plain strings.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
# C0 and C1 control characters, and lone surrogates (never text; they break encoding later on)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]")
_LINE_BREAKS = str.maketrans({"\x85": "\n", "\u2028": "\n", "\u2029": "\n"})


def normalise(text: str) -> str:
    """NFKC, zero-width and control characters and lone surrogates removed, spaces folded, line
    breaks (also NEL and the Unicode line and paragraph separators) kept as newlines.

    >>> normalise("UN\\u00a0force\\u200b  left")
    'UN force left'
    """
    text = _CONTROL.sub("", text)
    text = unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH).translate(_LINE_BREAKS)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[ \t\f\v]+", " ", text)
    return "\n".join(line.strip() for line in text.split("\n"))


# A sentence ends at . ! ? (optionally followed by a closing quote or bracket) and whitespace,
# unless the period belongs to a common abbreviation or an initial.
_ABBREV = {"mr", "mrs", "ms", "dr", "st", "gen", "col", "lt", "sgt", "capt", "maj", "prof",
           "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
           "no", "vs", "etc", "inc", "ltd", "co", "u.s", "u.n", "e.g", "i.e", "approx", "a.m", "p.m"}
_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s+|$)")


PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a text (split at blank lines), blank ones left out."""
    return [p for p in PARAGRAPH_BREAK.split(text) if p.strip()]


def sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of each sentence; offsets index ``text``.

    >>> [text[s:e] for text in ["He left. She stayed."] for s, e in sentence_spans(text)]
    ['He left.', 'She stayed.']
    """
    start = 0
    n = len(text)
    while start < n and text[start].isspace():
        start += 1
    for m in _END.finditer(text):
        end = m.end()
        word = re.search(r"([\w.]+)[.!?]?[\"'”’)\]]*$", text[start:end])
        token = word.group(1).lower().rstrip(".") if word else ""
        if m.group(0).startswith(".") and (token in _ABBREV or (len(token) == 1 and token.isalpha())):
            continue
        nxt = text[end:].lstrip()
        if nxt and nxt[0].islower():  # "... 3 p.m. local time" or a run-on quote
            continue
        if end > start:
            yield start, end
        start = end
        while start < n and text[start].isspace():
            start += 1
    if start < n and text[start:].strip():
        yield start, n - (len(text[start:]) - len(text[start:].rstrip()))


STOPWORDS = frozenset(
    ["a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours", "yourself", "yourselves", "said", "says", "say", "according", "many", "much", "still", "ever", "yet", "since"]
)

_TOKEN = re.compile(r"[\w][\w'’-]*\w|\w")


def strip_possessive(word: str) -> str:
    """``strip_possessive("Yemen's") == 'Yemen'`` (straight or curly apostrophe)."""
    return word[:-2] if word.endswith(("'s", "’s")) else word


def tokens(text: str) -> list[str]:
    """Lower-case word tokens with possessives stripped: "Velmora's army" -> ['velmora', 'army']."""
    out = []
    for t in _TOKEN.findall(text.lower()):
        if t.endswith(("'s", "’s")):
            t = t[:-2]
        t = t.strip("'’-")
        if t:
            out.append(t)
    return out


@functools.lru_cache(maxsize=1)
def _snowball() -> Any:
    import Stemmer  # PyStemmer: the Snowball English stemmer, a small C extension

    return Stemmer.Stemmer("english")


@functools.lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """Snowball (Porter 2) stem of a lower-case word, so forms of one word match. Synonyms are not
    folded here: that is ``lexicon.word_key``'s explicit step.

    >>> [stem(w) for w in ["camps", "fired", "fire", "negotiators", "lorries"]]
    ['camp', 'fire', 'fire', 'negoti', 'lorri']
    """
    return str(_snowball().stemWord(word))


_NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                 "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
                 "seventeen", "eighteen", "nineteen", "twenty"]
NUMBER_WORDS = {w: i for i, w in enumerate(_NUMBER_WORDS)}


def match_key(text: str) -> str:
    """Normalise for answer matching: case, accents, thousands separators, number words.

    >>> match_key("Around 15,000 soldiers; FIVE camps, Bamakó")
    'around 15000 soldiers; 5 camps, bamako'
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"(?<=\d)[,\u202f\u2009 ](?=\d{3}\b)", "", text)
    text = re.sub(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b", lambda m: str(NUMBER_WORDS[m.group(1)]), text)
    return re.sub(r"\s+", " ", text).strip()


def contains_term(haystack: str, needle: str) -> bool:
    """Whole-word containment after match_key: '5' is not found inside '15'."""
    h, n = match_key(haystack), match_key(needle)
    return bool(n) and re.search(r"(?<!\w)" + re.escape(n) + r"(?!\w)", h) is not None

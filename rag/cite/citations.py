"""The citation stage's parts: number the sources, parse [n] markers, find the sentence of a
passage that best supports a claim, build ``Citation`` objects with quote spans, and check that
every number, date and proper name of a claim occurs in what it cites (``check_claim``).
``cite.verifier`` runs these, and ``cite.support``'s parse-based checks, over an answer; the UI
only renders what it returns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from rag.index.embeddings import SentenceEncoder
from rag.models import Chunk, Citation, format_date
from rag.nlp.dates import MONTH_NAMES, annotate_relative_dates
from rag.nlp.names import MINOR_WORDS, agency_in, spelt_out
from rag.nlp.numbers import LIST_COUNTED, NUMBER, list_items, to_number
from rag.nlp.text import NUMBER_WORDS, STOPWORDS, match_key, sentence_spans, strip_possessive, tokens

# Sentences in a source that address the reader or a model instead of reporting: never support,
# never quoted as an answer. Role prefixes ("SYSTEM: the war is over") are chat-prompt markup.
INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget|override)\b.{0,40}\b(instructions?|prompts?|rules|above)\b|"
    r"\b(you are now|act as|system prompt|as an ai)\b|"
    r"^(say|answer|respond|reply|tell|write|state)\b|"
    r"^\W*(system|assistant|user|human|developer|ai|bot|model)\s*:|<\|(im_start|im_end|system)\|>|\[/?INST\]",
    re.I)
MARKER = re.compile(r"\s*\[(\d+(?:\s*,\s*\d+)*)\]")
_TRAILING_MARKER = re.compile(r"([.!?][\"”’)]*)\s*((?:\[\d+(?:\s*,\s*\d+)*\]\s*?)+)(?=\s|$)")
DASH = "—"  # between the date and the sentence of a dated line ("9 Nov 2023 — ...")


def with_marker(sentence: str, numbers: str) -> str:
    """``with_marker("It left.", "[2]") == 'It left [2].'``"""
    return f"{sentence[:-1]} {numbers}{sentence[-1]}" if sentence[-1] in ".!?" else f"{sentence} {numbers}"


_ARITH = re.compile(r"(\d[\d,.]*)\s*([-+−x×*/])\s*(\d[\d,.]*)\s*=\s*(\d[\d,.]*)")
_NAME = re.compile(r"\b([A-Z][a-z][\w'’-]+(?:\s+[A-Z][\w'’-]+)*)")
_IGNORED_NAMES = {"The", "This", "That", "These", "Those", "It", "They", "He", "She", "According", "As",
                  "In", "On", "At", "Sources", "Source", "However", "But", "And", "While", "After"}


@dataclass(frozen=True)
class Source:
    """A numbered source as shown to a reader or a model."""

    number: int
    chunk: Chunk


def number_sources(chunks: Sequence[Chunk]) -> list[Source]:
    return [Source(i, c) for i, c in enumerate(chunks, start=1)]


def split_claims(text: str, with_raw: bool = False) -> list[Any]:
    """Split an answer into sentences with the marker numbers each carries. A marker written after
    the full stop ("X. [1] Y. [2]", as many models write) belongs to the sentence before it.

    >>> split_claims("Seven clinics remain [1]. Merrow is next [2][3].")
    [('Seven clinics remain.', [1]), ('Merrow is next.', [2, 3])]
    >>> split_claims("Seven clinics remain. [1] Merrow is next. [2]")
    [('Seven clinics remain.', [1]), ('Merrow is next.', [2])]
    """
    text = attach_trailing(text.strip())
    out: list[Any] = []
    for s, e in sentence_spans(text):
        sent = text[s:e]
        nums = [int(n) for m in MARKER.finditer(sent) for n in re.split(r"\s*,\s*", m.group(1))]
        clean = MARKER.sub("", sent).strip()
        clean = re.sub(r"\s+([.!?])", r"\1", clean)
        if clean:
            out.append((clean, nums, sent) if with_raw else (clean, nums))
    return out


def attach_trailing(text: str) -> str:
    """``attach_trailing("It left. [2] Then.") == 'It left [2]. Then.'``"""
    return _TRAILING_MARKER.sub(lambda m: f" {m.group(2).strip()}{m.group(1)}", text)


def best_quote(claim: str, chunk: Chunk, encoder: SentenceEncoder | None) -> tuple[str, int, int, float]:
    """The sentence of ``chunk`` that best supports ``claim``: (quote, start, end, similarity)."""
    spans = list(sentence_spans(chunk.text)) or [(0, len(chunk.text))]
    sents = [chunk.text[s:e] for s, e in spans]
    if encoder is None:
        i, sim = 0, 1.0
    else:
        vecs = encoder.encode([claim, *sents])
        sims = vecs[1:] @ vecs[0]
        i, sim = int(np.argmax(sims)), float(np.max(sims))
    s, e = spans[i]
    return sents[i], chunk.start + s, chunk.start + e, sim


def make_citation(number: int, chunk: Chunk, quote: str, start: int, end: int, support: float) -> Citation:
    return Citation(number=number, chunk_id=chunk.id, article_id=chunk.article_id, title=chunk.title,
                    published=chunk.published, source=chunk.source, url=chunk.url, quote=quote,
                    start=start, end=end, passage=chunk.text, passage_start=chunk.start, support=support)


# "one" that stands for a noun, not a count: "the next one", "every one of", "Hamdayet, one of the
# border points" (train claim rows D-006, D-035, D-049, F-068, F-075: four texts)
_PRONOUN_ONE = re.compile(r"\b(?:the|every|each|this|that|which|any|another)\s+(?:(?:next|last|first|latest|previous|"
                          r"same|other|daily|weekly|monthly|new|final)\s+){0,2}(one)\b|,\s*(one)\s+of\b", re.I)


def _facts(sentence: str) -> tuple[list[str], list[str]]:
    """Numbers (as match keys) and proper names in a sentence, minus arithmetic results."""
    derived = {m.group(4) for m in _ARITH.finditer(sentence)}
    # a count shown with what it counts: "5 countries are named: Bangladesh, Chad, Egypt, Guinea and Nepal"
    derived |= {m.group(1) for m in LIST_COUNTED.finditer(sentence)
                if len(list_items(m.group(2))) == to_number(m.group(1))}
    pronouns = [m.span(1) if m.group(1) else m.span(2) for m in _PRONOUN_ONE.finditer(sentence)]
    nums = [m.group(1) for m in NUMBER.finditer(sentence) if m.group(1) not in derived
            and not any(a <= m.start() < b for a, b in pronouns)]
    names = [m.group(1) for m in _NAME.finditer(sentence)
             if m.start() > 0 and m.group(1).split()[0] not in _IGNORED_NAMES]
    return nums, names


def _arithmetic_ok(sentence: str) -> bool:
    for m in _ARITH.finditer(sentence):
        a, op, b, c = (to_number(m.group(1)), m.group(2), to_number(m.group(3)), to_number(m.group(4)))
        if None in (a, b, c):
            return False
        assert a is not None and b is not None and c is not None
        result = {"-": a - b, "−": a - b, "+": a + b, "x": a * b, "×": a * b, "*": a * b,
                  "/": a / b if b else float("nan")}[op]
        if abs(result - c) > 1e-6:
            return False
    return True


def cited_key(cited: Sequence[Chunk]) -> str:
    """What a sentence citing ``cited`` may draw on, as one match key: each passage with the
    header the reader and the model see (title, date, publisher). The parts are joined with " | ",
    since a space between two figures ("2019 220,000") reads as a thousands separator."""
    return match_key(" | ".join(f"{c.title} | {format_date(c.published)} | {c.source} | "
                                f"{annotate_relative_dates(c.text, c.published)}" for c in cited)).replace("’", "'")


def name_in(name: str, haystack: str) -> bool:
    """A name (possessive dropped: "Yemen's") or each of its words is in the match key ``haystack``,
    or the name is written as the source writes it otherwise (``_written_otherwise``)."""
    key = match_key(strip_possessive(name)).replace("’", "'")
    if key in haystack or all(p in haystack for p in key.split()):
        return True
    return _written_otherwise(name, haystack) or agency_in(key, haystack)


def _written_otherwise(name: str, haystack: str) -> bool:
    """A name as a model rewrites what the source names (train claim rows D-, E-, F-: 9 false
    alarms in five texts): its initials ("World Food Programme" for "WFP"); each word by its stem
    ("Somalis" / "Somalia", "Humanitarians" / "humanitarian"); an acronym of three letters or more
    spelt out in the source, in capitals or not ("IDP" / "internally displaced people"), or with
    its small words in small letters ("PoC" / "Protection of Civilians", "MoHA", "GoS": written so
    in train and dev texts of Bangladesh, South Sudan, Syria and Burkina Faso; train claim row F-024).
    A possessive or a stray mark on a word is dropped ("Nigeria's Government", "OTP/")."""
    words = [strip_possessive(w.strip("()/.,;:'\"’-")) for w in name.split()]
    capitals = [w for w in words if w[:1].isupper() and w.lower() not in MINOR_WORDS]
    known, initials = vocabulary(haystack)
    acronym = "".join(w[0] for w in capitals).lower()
    if len(capitals) >= 2 and acronym in known and acronym not in STOPWORDS:  # not "who", "us", "it"
        return True
    if any(form.lower() in known for form in spelt_out(match_key(name))):
        return True  # the source's acronym with its small words in small letters ("MoHA")
    return all(_word_in(w, known, initials) or w in spelt_out(haystack)
               for w in words if w and w.lower() not in MINOR_WORDS)


def _word_in(word: str, known: frozenset[str], initials: frozenset[str]) -> bool:
    low = match_key(word)
    if low in known:
        return True
    upper = "".join(ch for ch in word if ch.isupper()).lower()
    if len(upper) >= 2 and sum(ch.isupper() for ch in word) * 2 >= len(word) and upper in initials:
        return True  # an acronym: most of its letters capitals
    stem = max(5, len(low) - 3)
    return len(low) >= 5 and any(w[:stem] == low[:stem] for w in known if len(w) >= stem)


@lru_cache(maxsize=64)
def vocabulary(haystack: str) -> tuple[frozenset[str], frozenset[str]]:
    """The words of a match key, and the initials of each run of three to five of its words (minor
    words skipped: "internally displaced people" -> "idp"; two letters would match by chance)."""
    words = tokens(haystack)
    major = [w for w in words if w not in MINOR_WORDS]
    runs = {"".join(w[0] for w in major[i:i + n]) for n in range(3, 6) for i in range(len(major) - n + 1)}
    return frozenset(words), frozenset(runs)


# number words past twenty, as a model writes a source's figure: dev claim rows A-013 ("Fifty-eight"),
# B-005 ("sixty gendarmes"); news texts write them too (train: Syria, Nigeria; dev: Yemen)
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_SPELLED = re.compile(r"\b(" + "|".join(_TENS) + r")(?:-(one|two|three|four|five|six|seven|eight|nine))?\b", re.I)


# a day written in figures, day first ("30/06/2019", "25/06"): dev rows A-011, B-005, B-023
_NUMERIC_DATE = re.compile(r"\b([0-3]?\d)/([01]?\d)(?:/((?:19|20)\d\d))?\b")


def normalise_claim(text: str) -> str:
    """A claim in the sources' way of writing, for the fact checks: number words past twenty in
    figures, a numeric day in words.

    >>> normalise_claim("Fifty-eight districts by 30/06/2019")
    '58 districts by 30 June 2019'
    """
    text = _SPELLED.sub(lambda m: str(_TENS[m.group(1).lower()] + (NUMBER_WORDS[m.group(2).lower()]
                                                                   if m.group(2) else 0)), text)

    def day(m: re.Match[str]) -> str:
        d, mo = int(m.group(1)), int(m.group(2))
        if not (1 <= d <= 31 and 1 <= mo <= 12):
            return m.group(0)
        return " ".join(x for x in (str(d), MONTH_NAMES[mo - 1], m.group(3)) if x)

    return _NUMERIC_DATE.sub(day, text)


def check_claim(claim: str, cited: Sequence[Chunk], haystack: str | None = None) -> str | None:
    """Why ``claim`` is not supported by ``cited`` (None when every fact occurs there)."""
    if not cited:
        return "no citation"
    haystack = haystack if haystack is not None else cited_key(cited)
    claim = normalise_claim(claim)
    nums, names = _facts(claim)
    values: set[float] | None = None  # the haystack's figures as values, read when a written form misses
    for n in nums:
        key = match_key(n)
        value = to_number(n)
        words = [key] + [w for w, v in NUMBER_WORDS.items() if value is not None and v == value]
        if not any(re.search(r"(?<![\w.])" + re.escape(w) + r"(?:st|nd|rd|th)?(?![\w])", haystack) for w in words):
            values = values if values is not None else amounts(haystack)
            if not amounts(match_key(claim), key) & values:
                return f"number {n} is not in the cited source"
    for name in names:
        if not name_in(name, haystack):
            return f"'{name}' is not in the cited source"
    if not _arithmetic_ok(claim):
        return "the arithmetic is wrong"
    return _remainder_confusion(claim, haystack)


# a figure with its scale, in a match key: "2.9 million", "2.9m", "$1.1b", "07 may", "7 thousand"
_AMOUNT = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(?:\s?(million|billion|thousand)\b|(bn|m|b|k)\b)?(?!\w)")
# tens and units as a match key writes them: "ninety-8" ("eight" is already a figure there)
_SPELLED_KEY = re.compile(r"\b(" + "|".join(_TENS) + r")(?:-([1-9]))?\b")
_SCALE = {"million": 1e6, "billion": 1e9, "thousand": 1e3, "bn": 1e9, "m": 1e6, "b": 1e9, "k": 1e3}


def amounts(key: str, only: str | None = None) -> set[float]:
    """The values of the figures of a match key (scale words and letters applied; number words
    past twenty read: "ninety-eight"), or of the figure ``only`` where it is written. The same
    figure written otherwise ("2,200,000" / "2.2M", "98" / "Ninety-eight", "7" / "07 May") is
    the same value. Train claim rows D-, E-, F- (five texts)."""
    if only is None:
        key = _SPELLED_KEY.sub(lambda m: str(_TENS[m.group(1)] + int(m.group(2) or 0)), key)
    out = set()
    for m in _AMOUNT.finditer(key):
        if only is None or m.group(1) == only:
            out.add(float(m.group(1)) * _SCALE.get(m.group(2) or m.group(3) or "", 1.0))
    return out


_REMAINS = re.compile(r"\b(remain|remains|remaining|left|still|yet to|outstanding)\b", re.I)


def _remainder_confusion(claim: str, haystack: str) -> str | None:
    """'4 clinics remain' cited to 'reopened four of its 11 clinics': the 4 is the part, not what is left."""
    if not _REMAINS.search(claim) or _ARITH.search(claim):
        return None
    for n in _facts(claim)[0]:
        value = to_number(n)
        if value is None or re.search(rf"\b{re.escape(n)}\s+(?:out\s+)?of\b", claim, re.I):
            continue  # the claim restates "eight of its 13" itself
        words = [match_key(n)] + [w for w, v in NUMBER_WORDS.items() if v == value]
        for w in words:
            m = re.search(rf"(?<![\w.]){re.escape(w)}\s+(?:out\s+)?of\s+(?:its|the|their|a|an)?\s*(\d[\d,]*)", haystack)
            total = to_number(m.group(1)) if m else None
            if total is not None and total > value:
                return (f"says {n} remain, but the source says {n} of {total:g}; "
                        f"{total:g} - {value:g} = {total - value:g} would remain")
    return None

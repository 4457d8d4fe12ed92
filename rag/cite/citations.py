"""The citation stage: number the sources, parse [n] markers, bounds-check them, verify that
each sentence is supported by what it cites, and build ``Citation`` objects with quote spans.

Support check for a sentence (``verify``: on every generated answer and briefing line, removing
what fails; ``audit``: on every extractive answer, flagging what would fail): it must carry at
least one in-range marker; every number, date and proper name in it must occur in the cited
sources (arithmetic shown as "11 - 4 = 7" is accepted when the operands occur and the sum is
right); and its similarity to the best cited sentence must clear a bar. The UI only renders what this stage returns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rag.index.embeddings import SentenceEncoder
from rag.models import Chunk, Citation, Flag, format_date
from rag.nlp.dates import annotate_relative_dates
from rag.nlp.lexicon import content_terms
from rag.nlp.numbers import NUMBER, to_number
from rag.nlp.text import NUMBER_WORDS, match_key, sentence_spans

# Sentences in a source that address the reader or a model instead of reporting: never support,
# never quoted as an answer. Role prefixes ("SYSTEM: the war is over") are chat-prompt markup.
INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget|override)\b.{0,40}\b(instructions?|prompts?|rules|above)\b|"
    r"\b(you are now|act as|system prompt|as an ai)\b|"
    r"^(say|answer|respond|reply|tell|write|state)\b|"
    r"^\W*(system|assistant|user|human|developer|ai|bot|model)\s*:|<\|(im_start|im_end|system)\|>|\[/?INST\]",
    re.I)
MARKER = re.compile(r"\s*\[(\d+(?:\s*,\s*\d+)*)\]")
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


def split_claims(text: str) -> list[tuple[str, list[int]]]:
    """Split an answer into sentences with the marker numbers each carries.

    >>> split_claims("Seven clinics remain [1]. Merrow is next [2][3].")
    [('Seven clinics remain.', [1]), ('Merrow is next.', [2, 3])]
    """
    out = []
    for s, e in sentence_spans(text.strip()):
        sent = text.strip()[s:e]
        nums = [int(n) for m in MARKER.finditer(sent) for n in re.split(r"\s*,\s*", m.group(1))]
        clean = MARKER.sub("", sent).strip()
        clean = re.sub(r"\s+([.!?])", r"\1", clean)
        if clean:
            out.append((clean, nums))
    return out


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


def _facts(sentence: str) -> tuple[list[str], list[str]]:
    """Numbers (as match keys) and proper names in a sentence, minus arithmetic results."""
    derived = {m.group(4) for m in _ARITH.finditer(sentence)}
    nums = [m.group(1) for m in NUMBER.finditer(sentence) if m.group(1) not in derived]
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


def check_claim(claim: str, cited: Sequence[Chunk]) -> str | None:
    """Why ``claim`` is not supported by ``cited`` (None when every fact occurs there)."""
    if not cited:
        return "no citation"
    haystack = match_key(" ".join(f"{c.title} {format_date(c.published)} {annotate_relative_dates(c.text, c.published)}"
                                  for c in cited))
    nums, names = _facts(claim)
    for n in nums:
        key = match_key(n)
        value = to_number(n)
        words = [key] + [w for w, v in NUMBER_WORDS.items() if value is not None and v == value]
        if not any(re.search(r"(?<![\w.])" + re.escape(w) + r"(?![\w])", haystack) for w in words):
            return f"number {n} is not in the cited source"
    for name in names:
        if match_key(name) not in haystack and not all(match_key(p) in haystack for p in name.split()):
            return f"'{name}' is not in the cited source"
    if not _arithmetic_ok(claim):
        return "the arithmetic is wrong"
    return _remainder_confusion(claim, haystack)


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




@dataclass(frozen=True)
class Verified:
    text: str
    citations: tuple[Citation, ...]
    flags: tuple[Flag, ...]


def verify(answer: str, sources: Sequence[Source], encoder: SentenceEncoder | None,
           min_support: float = 0.35) -> Verified:
    """Keep the sentences whose citations support them; renumber the kept citations 1..n."""
    by_number = {s.number: s.chunk for s in sources}
    kept: list[str] = []
    flags: list[Flag] = []
    citations: dict[int, Citation] = {}
    for claim, numbers in split_claims(answer):
        valid = [n for n in dict.fromkeys(numbers) if n in by_number]
        if len(valid) < len(numbers):
            flags.append(Flag(claim, "flagged", f"marker(s) {sorted(set(numbers) - set(valid))} out of range; removed"))
        if not valid:
            flags.append(Flag(claim, "removed", "no valid citation"))
            continue
        reason = check_claim(claim, [by_number[n] for n in valid])
        if reason:
            flags.append(Flag(claim, "removed", reason))
            continue
        quotes = [(n, best_quote(claim, by_number[n], encoder)) for n in valid]
        if all(INSTRUCTION.search(q[1][0]) for q in quotes):
            flags.append(Flag(claim, "removed", "it repeats an instruction found inside a source, not a reported fact"))
            continue
        terms = content_terms(claim)
        cited_terms = {t for n in valid for t in content_terms(by_number[n].text)}
        overlap = sum(t in cited_terms for t in terms) / len(terms) if terms else 0.0
        similarity = max(q[1][3] for q in quotes)
        # supported when close in meaning, or when most of its words are the cited passage's words
        if similarity < min_support and overlap < 0.6:
            flags.append(Flag(claim, "removed", f"too far from what it cites (similarity {similarity:.2f}, "
                                                f"shared words {overlap:.0%})"))
            continue
        marks = []
        for n, (quote, start, end, sim) in quotes:
            key = by_number[n].id
            existing = next((c for c in citations.values() if c.chunk_id == key), None)
            if existing is None:
                existing = make_citation(len(citations) + 1, by_number[n], quote, start, end, max(sim, overlap))
                citations[existing.number] = existing
            marks.append(f"[{existing.number}]")
        body = claim.rstrip()
        stop = body[-1] if body[-1] in ".!?" else "."
        kept.append(f"{body.rstrip('.!?')} {''.join(marks)}{stop}")
    return Verified(" ".join(kept), tuple(citations.values()), tuple(flags))


_END = re.compile(r"[.!?][\"”’)]*$|$")  # where a claim's marker goes: before its closing punctuation
_TRAILING_MARKER = re.compile(r"([.!?][\"”’)]*)\s*((?:\[\d+(?:\s*,\s*\d+)*\]\s*?)+)(?=\s|$)")


def _marked(claim: str, numbers: Sequence[int]) -> str:
    marks = "".join(f"[{n}]" for n in numbers)
    return _END.sub(lambda m: f" {marks}{m.group(0)}", claim, count=1) if numbers else claim


def audit(text: str, citations: Sequence[Citation], chunks: Sequence[Chunk],
          encoder: SentenceEncoder | None) -> tuple[Flag, ...]:
    """The verifier run over an answer whose sentences are already chosen (the extractive one):
    the same checks as ``verify``, but nothing is removed; what it would remove comes back as a
    "flagged" ``Flag`` for the reader and the evaluation to see."""
    # the extractive answer quotes each sentence whole, so its marker follows the full stop: "... camps. [1]"
    claims = split_claims(_TRAILING_MARKER.sub(lambda m: f" {m.group(2)}{m.group(1)}", text))
    # and a unit of two sentences ("X happened. It was forced ... [1]") carries one marker for both
    for i in range(len(claims) - 2, -1, -1):
        if not claims[i][1]:
            claims[i] = (claims[i][0], claims[i + 1][1])
    text = " ".join(_marked(claim, numbers) for claim, numbers in claims)
    by_id = {c.id: c for c in chunks}
    sources = [Source(c.number, by_id[c.chunk_id]) for c in citations if c.chunk_id in by_id]
    if not sources:
        return ()
    return tuple(Flag(f.sentence, "flagged", f"the verifier would remove it: {f.reason}")
                 for f in verify(text, sources, encoder).flags)

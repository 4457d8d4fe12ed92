"""Figures one sentence implies through how the parse links two of its figures
(``nlp.relations``), each with its arithmetic shown and its sentence cited:

- the rest of a whole, when the question asks for the other side of a part the sentence counts:
  "how many districts had been spared" of "affected ... 295 of 333 districts" -> 333 - 295 = 38;
  "hurt rather than killed" of "2,571 civilian casualties, including 977 killed" -> 1,594;
- a change the sentence states as a range, when the question asks by how much: "rise" of
  "from 39 to 60" -> 60 - 39 = 21 more.

Failure class (real-news train and dev, the figure needed was one subtraction inside the evidence
sentence; the regular-expression derivations found none of these): rest of a whole, train h1-005,
h2-014, h2-016, h3-081, h3-086, h4-083, h5-057, h7-024, h7-026, dev h4-016, h4-019, h4-021,
h7-091; a stated range, train h1-010, h4-081, dev h7-089, h7-092. Nothing is derived when the
whole's counted noun is not the question's, when the question and the part's clause are both
negated (then the part answers as written), when another figure of the sentence is a part of the
same whole ("27 of the 40 donors ..., and 20 of the donors"), or when two readings disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rag.answer.extractive.candidate import Candidate, Derived
from rag.nlp.lexicon import content_terms, word_key
from rag.nlp.numbers import NEGATION, Derivation, fmt
from rag.nlp.parse import parse
from rag.nlp.relations import MONTHS, Figure, PartWhole, changes, part_wholes
from rag.nlp.text import tokens
from rag.query.question import COMPLEMENT, Question


def _asked(q: Question, noun: str) -> bool:
    """Whether the question counts this noun (its focus, or any of its words)."""
    key = word_key(noun)
    return bool(key) and (key == q.focus or key in {word_key(t) for t in tokens(q.text)})


def _negated(clause: Any) -> bool:
    return any(c.dep_ == "neg" for c in clause.children)


def _other_parts(doc: Any, noun: str, pair: PartWhole) -> bool:
    """Another figure of the sentence that is a part of the same whole: "20 of the donors"."""
    for t in doc:
        if t.lower_ != "of" or t.dep_ != "prep" or not (t.head.like_num or t.head.pos_ == "NUM"):
            continue
        if t.head.idx in (pair.part.start, pair.whole.start) or pair.part.start <= t.head.idx < pair.part.end:
            continue
        if any(c.dep_ == "pobj" and c.lemma_.lower() == noun for c in t.children):
            return True
    return False


def _cue_split(q: Question) -> tuple[set[str], set[str]]:
    """Word keys of the question outside and inside the phrase its cue opens ("rather than
    drought", "not internally displaced"): from the cue to the next comma or the end."""
    cues = [m for m in (COMPLEMENT.search(q.text), NEGATION.search(q.text)) if m]
    if not cues:
        return set(content_terms(q.text)), set()
    cue = min(cues, key=lambda m: m.start())
    end = next((i for i in range(cue.end(), len(q.text)) if q.text[i] in ",;?"), len(q.text))
    inside = set(content_terms(q.text[cue.end():end]))
    outside = set(content_terms(q.text[:cue.start()] + " " + q.text[end:])) - inside
    return outside - {q.focus or ""}, inside


def _asks_the_part(q: Question, doc: Any, pair: PartWhole) -> bool:
    """The question says what the part's own clause says and nothing of what sets the part apart:
    "how many were displaced by conflict, rather than drought" of "4.5 million people are
    affected, of whom nearly 700,000 people have been displaced" (train h4-108) asks for a kind of
    the part, not the rest of the whole. A clause that spans the sentence says nothing apart."""
    own = {t.i for t in pair.clause.subtree}
    if len(own) == len(doc):
        return False
    part_words = {word_key(t.text) for t in doc if t.i in own}
    rest_words = {word_key(t.text) for t in doc if t.i not in own}
    outside, inside = _cue_split(q)
    return bool(outside & (part_words - rest_words)) and not inside & part_words


def rest_of_whole(q: Question, top: Sequence[Candidate]) -> Derived | None:
    """The whole less the part the best sentences state, when the question asks for the rest."""
    if not (q.complement or q.negated or q.remainder) or q.compares:
        return None  # "how many more ... than in January" compares two reports (train h4-079)
    top = [c for c in top if months_agree(q, c)]  # "On 7 January" of a July sentence (h1-005)
    docs = parse([c.text for c in top])
    for c, doc in zip(top, docs, strict=True):
        found: list[PartWhole] = []
        for pair in part_wholes(doc):
            noun = pair.whole.noun or pair.part.noun
            if (not _asked(q, noun) or (q.negated and _negated(pair.clause)) or _other_parts(doc, noun, pair)
                    or _asks_the_part(q, doc, pair)):
                continue
            found.append(pair)
        if len({p.whole.value - p.part.value for p in found}) == 1:
            pair = found[0]
            left = pair.whole.value - pair.part.value
            noun = pair.whole.noun or pair.part.noun
            result = amount(left, pair.whole.written)
            said = f"{_written(pair.whole)} - {_written(pair.part)} = {result} {plural(noun, left)}"
            return Derivation(left, f"{said}, the rest of the {_written(pair.whole)}",
                              (pair.part.written, pair.whole.written)), (c,)
        if found:
            return None  # two readings of one sentence: quote it
    return None


def months_agree(q: Question, c: Candidate) -> bool:
    """Every month the question names is the sentence's, its passage title's or its report's
    month: a range "from 87,000 in January 2019 to 921,000 in June 2020" does not answer "between
    the August 2019 snapshot and the July 2020 briefing" (dev h7-106), nor a 22 July 2016 sentence
    "On 7 January 2014" (train h1-005); "the May 2019 WHO update" is the report's date (dev h4-021)."""
    named = {t.lower() for t in tokens(q.text)} & MONTHS
    if not named:
        return True
    known = {t.lower() for t in tokens(f"{c.text} {c.chunk.title}")}
    if c.chunk.published is not None:
        known.add(c.chunk.published.strftime("%B").lower())
    return named <= known


def stated_change(q: Question, c: Candidate) -> Derivation | None:
    """"By how many did the number rise" of "from 39 to 60": the range's change, or None."""
    if not q.compares or not months_agree(q, c):
        return None
    found = changes(parse([c.text])[0])
    if len(found) != 1:
        return None
    before, after = found[0].before, found[0].after
    noun = after.noun or before.noun
    unit = f" {plural(noun, 2)}" if noun and _asked(q, noun) else ""
    delta = after.value - before.value
    more = "more" if delta > 0 else "fewer"
    big, small = (after, before) if delta > 0 else (before, after)
    result = amount(abs(delta), big.written)
    return Derivation(abs(delta), f"{_written(big)} - {_written(small)} = {result}{unit} {more}",
                      (small.written, big.written))


def _written(f: Figure) -> str:
    return amount(f.value, f.written)


def amount(value: float, like: str) -> str:
    """A value written as the source writes its figures: "2.1 million" beside "3.5 million"."""
    for word, scale in (("billion", 1e9), ("million", 1e6)):
        if word in like.lower() and value >= scale:
            return f"{fmt(round(value / scale, 3))} {word}"
    return fmt(value)


_IRREGULAR = {"child": "children", "woman": "women", "man": "men", "person": "people"}


def plural(noun: str, n: float) -> str:
    if n != 1 and noun in _IRREGULAR:
        return _IRREGULAR[noun]
    if n == 1 or noun.endswith("s") or noun in ("people", "staff", "personnel", "police"):
        return noun
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + ("es" if noun.endswith(("ch", "sh", "x")) else "s")

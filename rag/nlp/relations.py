"""Two relations between the figures of one parsed sentence, read from spaCy's dependency parse:

- **part of a whole**: "295 of 333 districts", "10.4 million people out of the 11.6 million
  target caseload", "Of a total 6144 samples tested ..., 3264 were confirmed", "548 facilities
  have been damaged, 72 of which have been destroyed", "36,787 children ..., of whom 7,676 were
  admitted", "2,571 civilian casualties, including 977 killed";
- **a change stated as a range**: "from 39 to 60", "surged to 921,000 in June 2020 from 87,000".

Each relation keeps the figures as written, their values (scale words applied) and the lemma of
the noun the whole counts. Nothing is inferred from word order alone: when the parse does not link
the two figures, there is no relation and the caller quotes the sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rag.nlp.dates import MONTHS as _MONTH_PATTERN
from rag.nlp.dates import is_year
from rag.nlp.numbers import to_number
from rag.nlp.parse import counted_noun

SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9}
MONTHS = frozenset(_MONTH_PATTERN.split("|")) - {""}
_RELATIVE = frozenset({"which", "whom", "them", "these", "those"})


@dataclass(frozen=True)
class Figure:
    written: str  # as in the sentence: "10.4 million"
    value: float
    noun: str  # the lemma of what it counts ("" when the parse gives no noun: "3264 were confirmed")
    start: int  # character offsets in the sentence
    end: int


@dataclass(frozen=True)
class PartWhole:
    part: Figure
    whole: Figure
    clause: Any  # the part's clause (its governing verb's subtree), for the caller's negation test


@dataclass(frozen=True)
class Change:
    before: Figure  # "from"
    after: Figure  # "to"


def figure(token: Any) -> Figure | None:
    """The figure a number token (or a scale word with its number) writes, or None: a year, a day
    of a date, a percentage and a money amount are not counts."""
    if token.ent_type_ in ("TIME", "PERCENT", "MONEY", "ORDINAL") or in_date(token):
        return None
    head = token
    if token.lower_ in SCALES:  # "million" whose number is its compound child
        nums = [c for c in token.children if c.like_num and c.dep_ in ("compound", "nummod", "quantmod")]
        if not nums:
            return None
        first, scale = nums[0], SCALES[token.lower_]
    elif token.like_num:
        first = token
        nxt = token.nbor(1) if token.i + 1 < len(token.doc) else None
        scale = SCALES.get(nxt.lower_, 1.0) if nxt is not None else 1.0
        head = nxt if scale != 1.0 else token
    else:
        return None
    value = _value(_joined_number(first))
    if value is None:
        return None
    start_tok = first if first.i <= head.i else head
    while start_tok.i > 0 and start_tok.nbor(-1).text == "-" and start_tok.i > 1 and start_tok.nbor(-2).like_num:
        start_tok = start_tok.nbor(-2)  # "Twenty-seven"
    end_tok = head if head.i >= first.i else first
    noun = counted_noun(end_tok)
    lemma = noun.lemma_.lower() if noun.pos_ in ("NOUN", "PROPN") and noun.i != end_tok.i else ""
    written = token.doc.text[start_tok.idx:end_tok.idx + len(end_tok.text)]
    return Figure(written, value * scale, lemma, start_tok.idx, end_tok.idx + len(end_tok.text))


def in_date(token: Any) -> bool:
    """A year, or a day beside its month ("28 January", "May 22"). Not every number spaCy tags
    DATE: in "since January 2019, 3264 were confirmed" the count is tagged with the date."""
    if is_year(token.text):
        return True
    near = [t for t in (token.head, *token.children) if t.i != token.i]
    if token.i + 1 < len(token.doc):
        near.append(token.nbor(1))
    if token.i > 0:
        near.append(token.nbor(-1))
    return any(t.lower_ in MONTHS for t in near)


def _joined_number(token: Any) -> str:
    """'Twenty-seven' parsed as 'Twenty' '-' 'seven': the words rejoined; digits as they are."""
    doc = token.doc
    if token.i > 1 and doc[token.i - 1].text == "-" and doc[token.i - 2].like_num:
        return f"{doc[token.i - 2].text}-{token.text}"
    return token.text


def _value(written: str) -> float | None:
    """'3,264' -> 3264; 'Twenty-seven' -> 27 (tens and units written as words)."""
    parts = written.split("-")
    if len(parts) == 2 and all(to_number(p) is not None for p in parts):
        tens, units = (to_number(p) or 0.0 for p in parts)
        return tens + units if tens >= 20 and tens % 10 == 0 and 0 < units < 10 else None
    return to_number(written)


def _number_in(token: Any) -> Any | None:
    """The number token a phrase's head carries: itself, or its nummod ("the 40 donors")."""
    if token.like_num or token.lower_ in SCALES:
        return token
    return next((c for c in token.children if c.dep_ == "nummod" and (c.like_num or c.lower_ in SCALES)), None)


def _clause(token: Any) -> Any:
    verb = token
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    return verb


def part_wholes(doc: Any) -> list[PartWhole]:
    """Every (part, whole) pair the parse links in one sentence, in reading order."""
    out: list[PartWhole] = []
    for t in doc:
        part_tok = whole_tok = None
        if t.lower_ == "of" and t.dep_ == "prep":
            pobj = next((c for c in t.children if c.dep_ == "pobj"), None)
            if pobj is None:
                continue
            owner = t.head.head if t.head.lower_ == "out" else t.head  # "10.4 million people out of ..."
            if pobj.lower_ in _RELATIVE:  # "72 of which", "of whom 7,676 were admitted"
                part_tok = _number_in(owner) or next(
                    (c for c in owner.children if c.dep_ in ("nsubj", "nsubjpass") and _number_in(c)), None)
                part_tok = _number_in(part_tok) if part_tok is not None else None
                whole_tok = _earlier_count(doc, t)
            elif (inner := _number_in(pobj)) is not None:
                whole_tok = inner
                if _number_in(owner) is not None and owner.i < t.i:  # "295 of 333 districts"
                    part_tok = _number_in(owner)
                elif owner.pos_ in ("VERB", "AUX") and t.i < owner.i:  # "Of a total 6144 samples ..., 3264 were"
                    subj = next((c for c in owner.children if c.dep_ in ("nsubj", "nsubjpass")), None)
                    part_tok = _number_in(subj) if subj is not None else None
        elif t.lower_ == "of" and t.dep_ == "quantmod" and t.i > 0 and t.head.like_num:
            before = doc[t.i - 1]  # "10 of 24 regions" parsed as two modifiers of "24"
            if before.like_num and before.head.i == t.head.i:
                part_tok, whole_tok = before, t.head
        elif t.lower_ == "including" and t.dep_ == "prep":  # "2,571 casualties, including 977 killed"
            pobj = next((c for c in t.children if c.dep_ == "pobj"), None)
            part_tok = _number_in(pobj) if pobj is not None else None
            whole_tok = _earlier_count(doc, t) if part_tok is not None else None
        if part_tok is None or whole_tok is None or part_tok.i == whole_tok.i:
            continue
        part, whole = figure(part_tok), figure(whole_tok)
        if part is None or whole is None or not 0 < part.value < whole.value:
            continue
        if part.noun and whole.noun and part.noun != whole.noun:
            continue  # "including 345,000 people" of "749,000 people": the same noun, or the part names none
        out.append(PartWhole(part, whole, _clause(part_tok)))
    return out


def _earlier_count(doc: Any, at: Any) -> Any | None:
    """The nearest figure before ``at`` in the sentence that counts a noun (the antecedent of
    "of which", the whole before "including")."""
    for t in reversed(doc[: at.i]):
        if (t.like_num or t.lower_ in SCALES) and (f := figure(t)) is not None and f.noun:
            return t
    return None


def changes(doc: Any) -> list[Change]:
    """Every "from X to Y" the parse links: "to" a sibling of "from" under one head, a child of
    "from", or "from 39 to 60" parsed as two objects of "from"."""
    out: list[Change] = []
    for t in doc:
        if t.lower_ != "from" or t.dep_ != "prep":
            continue
        objs = [c for c in t.children if c.dep_ == "pobj" and _number_in(c) is not None]
        if not objs:
            continue
        before_tok = _number_in(objs[0])
        after_tok = None
        if len(objs) > 1 and any(c.lower_ == "to" for c in objs[1].children):
            after_tok = _number_in(objs[1])
        else:
            tos = [c for c in (*t.children, *t.head.children) if c.lower_ == "to" and c.dep_ == "prep"]
            for to in tos:
                pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
                if pobj is not None and _number_in(pobj) is not None:
                    after_tok = _number_in(pobj)
                    break
        if before_tok is None or after_tok is None:
            continue
        before, after = figure(before_tok), figure(after_tok)
        if before is None or after is None or before.value == after.value:
            continue
        out.append(Change(before, after))
    return out

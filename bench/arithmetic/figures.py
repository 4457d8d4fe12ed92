"""Figures in a parsed sentence: each number with its value, scale, kind and what it counts
(part of the arithmetic probe; the product does not use it).

"surged to 921,000 in June 2020 from 87,000" gives two counts (921,000 and 87,000) and no
figure for the years; "US$187 million" is money, "41%" a percentage, "1.35 million" a count
with the scale "million". What a figure counts comes from the dependency parse (the noun it
modifies, or the object of the "of" that follows: "thousands of people"), and so does the
preposition that governs it ("from", "to", "of", "including"). The arithmetic model
(``model.py`` beside this file) weighs these; nothing here decides an answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rag.nlp.parse import counted_noun, governing_verb
from rag.nlp.text import NUMBER_WORDS

_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "m": 1e6, "bn": 1e9, "mn": 1e6, "k": 1e3}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90, "hundred": 100}
_PERCENT = {"%", "percent", "per"}  # "per cent": "per" followed by "cent"
_CURRENCY = {"$", "us$", "usd", "€", "eur", "£", "gbp", "chf"}
_MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}


@dataclass(frozen=True)
class Figure:
    value: float  # in units: "1.35 million" is 1,350,000
    written: float  # as written, before the scale: 1.35
    scale: str  # "", "million", "billion", "thousand"
    text: str  # as written in the sentence, scale word included
    start: int  # character offsets in the parsed text
    end: int
    kind: str  # "count", "money" or "percent"
    noun: str  # lemma of what it counts ("" when the parse gives none)
    verb: str  # lemma of the verb that governs it
    prep: str  # the preposition that governs it ("from", "to", "of", "including", ...) or ""
    index: int  # token index of the number in the doc


def number_value(word: str) -> float | None:
    """'1,350' -> 1350.0, 'three' -> 3.0, 'Ninety-eight' -> 98.0; None when not a number."""
    w = word.lower().replace(",", "")
    if w in NUMBER_WORDS:
        return float(NUMBER_WORDS[w])
    if w in _TENS:
        return float(_TENS[w])
    if "-" in w:
        parts = w.split("-")
        if len(parts) == 2 and parts[0] in _TENS and parts[1] in NUMBER_WORDS:
            return float(_TENS[parts[0]] + NUMBER_WORDS[parts[1]])
    try:
        return float(w)
    except ValueError:
        return None


def _date_like(tok: Any, value: float) -> bool:
    """A year ("2020") or a day of a month ("23 June", "June 23")."""
    text = tok.text.replace(",", "")
    if text.isdigit() and len(text) == 4 and 1900 <= value <= 2100 and "," not in tok.text:
        return True
    if value <= 31 and float(value).is_integer():
        doc = tok.doc
        near = [doc[j].lower_ for j in (tok.i - 1, tok.i + 1) if 0 <= j < len(doc)]
        return any(w in _MONTHS for w in near) or tok.head.lower_ in _MONTHS
    return False


def _counted(tok: Any) -> tuple[str, str]:
    """(noun lemma, verb lemma) that a number token counts, by the parse; "3,019 at site S" counts
    nothing, "6144 of the samples" the object of its "of"."""
    noun = counted_noun(tok, frozenset(_SCALES))
    if noun.i == tok.i or noun.pos_ not in ("NOUN", "PROPN"):
        of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        pobj = next((g for g in of.children if g.dep_ == "pobj"), None) if of is not None else None
        noun = pobj if pobj is not None else tok
    verb = governing_verb(noun)
    lemma = noun.lemma_.lower() if noun.pos_ in ("NOUN", "PROPN") else ""
    return lemma, (verb.lemma_.lower() if verb is not None else "")


def _governing_prep(tok: Any) -> str:
    """The preposition above the figure's phrase: "from 87,000" -> 'from'."""
    node = tok
    for _ in range(3):
        if node.dep_ == "pobj" and node.head.i != node.i:
            return node.head.lower_
        if node.head.i == node.i:
            break
        node = node.head
    return ""


def figures(doc: Any) -> list[Figure]:
    """Every figure of a parsed text, in order (dates and years left out)."""
    out: list[Figure] = []
    skip_to = -1
    for tok in doc:
        if tok.i <= skip_to or tok.lower_ in _SCALES or not (tok.like_num or tok.text[:1].isdigit()):
            continue
        value = number_value(tok.text)
        if value is None or _date_like(tok, value):
            continue
        end_tok = tok
        if tok.i + 2 < len(doc) and doc[tok.i + 1].text == "-" and tok.lower_ in _TENS:  # "Ninety-eight"
            ones = number_value(doc[tok.i + 2].text)
            if ones is not None and ones < 10:
                value, end_tok = value + ones, doc[tok.i + 2]
        scale = ""
        nxt = doc[end_tok.i + 1] if end_tok.i + 1 < len(doc) else None
        if nxt is not None and nxt.lower_ in _SCALES:
            scale = {"m": "million", "mn": "million", "bn": "billion", "k": "thousand"}.get(nxt.lower_, nxt.lower_)
            end_tok = nxt
        prev = doc[tok.i - 1].lower_ if tok.i > 0 else ""
        after = doc[end_tok.i + 1].lower_ if end_tok.i + 1 < len(doc) else ""
        after2 = doc[end_tok.i + 2].lower_ if end_tok.i + 2 < len(doc) else ""
        if after in _PERCENT and (after != "per" or after2 == "cent") or tok.ent_type_ == "PERCENT":
            kind = "percent"
        elif prev in _CURRENCY or tok.ent_type_ == "MONEY" or after in ("usd", "dollars"):
            kind = "money"
        else:
            kind = "count"
        noun, verb = _counted(tok)
        noun = "" if kind == "percent" else noun
        skip_to = end_tok.i
        unit = _SCALES.get(scale, 1.0)
        out.append(Figure(value * unit, value, scale, doc[tok.i:end_tok.i + 1].text, tok.idx,
                          end_tok.idx + len(end_tok.text), kind, noun, verb, _governing_prep(tok), tok.i))
    return out

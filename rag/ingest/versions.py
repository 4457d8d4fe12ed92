"""Copies and versions: how a newly ingested article relates to a near-identical indexed one.

Two texts that share most of their wording are either

- the **same story** at another address (syndicated, mirrored), or one that is a shorter copy of
  the other: it adds nothing, every sentence of it stands in the other with the same figures.
  The copy is counted once and its passages are not cited; of two equal texts the earlier
  published is the original;
- another **version** (an update): it changes a figure ("nine of its 14 clinics" for "six")
  or adds passages. Both stay citable, so the answerer sees both figures, takes the newest and
  states the change; the article list says "updated version of ...".

It only compares texts; the ingestor decides what to store, retrieval what to collapse.

>>> compare("Six of its 14 clinics reopened.", "Six of its 14 clinics reopened.\\n\\nTalks go on there.")
'adds_nothing'
>>> compare("The agency has reopened six of its 14 clinics.", "The agency has reopened nine of its 14 clinics.")
'version'
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import Literal

from rag.nlp.text import NUMBER_WORDS, normalise, sentence_spans

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_TENS = ("thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "thousand", "million",
         "billion", "half", "quarter", "third", "dozen", "dozens", "hundreds", "thousands", "millions")
_FIGURE_WORDS = frozenset(NUMBER_WORDS) | frozenset(_TENS)
# A sentence says nothing new when most of its words stand in one sentence of the other text and it
# states the same figures and no new names: an edited syndicated copy ("welcomed the trucks" for "met
# the convoy"). Not caught: a reworded sentence whose only change is a verb ("talks resumed" for
# "talks collapsed"), with no new figure or name, is taken for a copy.
SAME_SENTENCE = 0.6


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(normalise(text))]


def figures(text: str) -> Counter[str]:
    """The figures a text states, digits and number words alike ('8', 'eight', '13,000' -> '13000').

    >>> sorted(figures("six of its 14 clinics; 1,200 people").elements())
    ['1200', '14', 'six']
    """
    found = Counter(w for w in words(text.replace(",", "")) if w.isdigit() or w in _FIGURE_WORDS)
    return found


def sentences(text: str) -> list[str]:
    """The sentences (and heading or bullet lines) of a text with three words or more; sentences,
    not paragraphs, so that two copies laid out in different paragraphs still compare."""
    out: list[str] = []
    for line in re.split(r"\n+", normalise(text)):
        out += [line[a:b] for a, b in sentence_spans(line)]
    return [s for s in out if len(words(s)) >= 3]


def covered(text: str, other: str) -> bool:
    """Every sentence of ``text`` stands in ``other``, word for word or mostly (``SAME_SENTENCE``)
    in one of its sentences with exactly the same figures and no new names: ``text`` adds nothing."""
    theirs = [(set(words(p)), figures(p), names(p)) for p in sentences(other)]
    whole = f" {' '.join(words(other))} "
    for p in sentences(text):
        if f" {' '.join(words(p))} " in whole:
            continue
        mine, nums, who = set(words(p)), figures(p), names(p)
        if not any(len(mine & t) >= SAME_SENTENCE * len(mine) and f == nums and who <= n for t, f, n in theirs):
            return False
    return True


def names(text: str) -> set[str]:
    """Capitalised words: a sentence that names another place or person tells another story."""
    return {w for w in _WORD.findall(normalise(text)) if w[0].isupper()}


Comparison = Literal["same", "adds_nothing", "adds_to", "version"]


def compare(text: str, other: str) -> Comparison:
    """How ``text`` relates to a near-identical ``other``: the ``same`` story; ``adds_nothing`` to
    it (a shorter copy); ``adds_to`` it (``other`` is the shorter copy); or another ``version``
    (a figure changed, or each has passages the other lacks)."""
    mine, theirs = covered(text, other), covered(other, text)
    if mine and theirs:
        return "same"
    if mine:
        return "adds_nothing"
    return "adds_to" if theirs else "version"


def original_first(a: tuple[str, date | None], b: tuple[str, date | None]) -> tuple[str, str]:
    """(original, copy) of two texts that tell the same story: the earlier published is the
    original; undated or equal dates keep the one already indexed (``a``) as the original.

    >>> original_first(("old", date(2023, 11, 20)), ("new", date(2023, 11, 9)))
    ('new', 'old')
    """
    (ida, da), (idb, db) = a, b
    return (idb, ida) if da and db and db < da else (ida, idb)

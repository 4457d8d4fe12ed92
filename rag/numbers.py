"""Numbers in sentences, and answers derived from them with the arithmetic shown.

Two derivations, each only when the sentence states its operands plainly:
- remainder: "had reopened four of its 11 clinics" asked as "how many are still closed" -> 11 - 4 = 7;
- count of a list: "monitors from Norway, Chile, Senegal and Indonesia" asked as
  "how many countries" -> 5 (the items named).
When the pattern is not there, nothing is derived and the caller quotes the sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import NUMBER_WORDS, stem

_NUM = r"(\d[\d,]*(?:\.\d+)?|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
NUMBER = re.compile(rf"\b{_NUM}\b", re.I)
_PART_OF_TOTAL = re.compile(rf"\b{_NUM}\s+(?:out\s+)?of\s+(?:(?:its|the|their|his|her|our|all|a|an)\s+)?"
                            rf"(?:(?:planned|original|total|initial|estimated)\s+)?{_NUM}((?:\s+[A-Za-z][\w-]*){{1,3}})", re.I)
_CAP = r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*"
_LIST = re.compile(rf"({_CAP}(?:\s*,\s*{_CAP}){{1,}}\s*,?\s+and\s+{_CAP})")


def to_number(token: str) -> float | None:
    t = token.lower().replace(",", "")
    if t in NUMBER_WORDS:
        return float(NUMBER_WORDS[t])
    try:
        return float(t)
    except ValueError:
        return None


def fmt(n: float) -> str:
    return f"{int(n):,}" if n == int(n) else f"{n:g}"


def has_number(text: str) -> bool:
    return any(not re.fullmatch(r"(1[89]|20)\d\d", m.group(1)) for m in NUMBER.finditer(text))


def number_before(text: str, noun_stem: str) -> bool:
    """Does a number stand before the noun, allowing two modifiers between them?

    >>> number_before("120 monitors left", "monitor"), number_before("4,217 displaced people", "peopl")
    (True, True)
    >>> number_before("312 boats of its fishing fleet", "fleet")
    False
    """
    for m in NUMBER.finditer(text):
        following = re.findall(r"[A-Za-z][\w'-]*", text[m.end():m.end() + 60])[:3]
        if any(stem(w.lower()) == noun_stem for w in following):
            return True
    return False


@dataclass(frozen=True)
class Derivation:
    value: float
    expression: str  # "13 - 8 = 5 camps remain"
    operands: tuple[str, ...]  # the source words the operands come from


def remainder(sentence: str, focus: str | None) -> Derivation | None:
    """'... four of its 11 clinics' -> 11 - 4 = 7 clinics remain (focus must match the noun)."""
    for m in _PART_OF_TOTAL.finditer(sentence):
        part, total = to_number(m.group(1)), to_number(m.group(2))
        words = m.group(3).split()
        noun = next((w for w in words if focus and stem(w.lower()) == focus), None if focus else words[0])
        if part is None or total is None or part > total or noun is None:
            continue
        left = total - part
        return Derivation(left, f"{fmt(total)} - {fmt(part)} = {fmt(left)} {noun} remain",
                          (m.group(1), m.group(2)))
    return None


def list_count(sentence: str, noun: str) -> Derivation | None:
    """Count the names in an 'A, B, C and D' list: 'Norway, Chile, Senegal and Indonesia' -> 4."""
    best: list[str] = []
    for m in _LIST.finditer(sentence):
        items = [i.strip() for i in re.split(r"\s*,\s*|\s+and\s+", m.group(1)) if i.strip()]
        if len(items) > len(best):
            best = items
    if len(best) < 2:
        return None
    names = ", ".join(best[:-1]) + " and " + best[-1]
    return Derivation(float(len(best)), f"{len(best)} {noun} are named: {names}", tuple(best))

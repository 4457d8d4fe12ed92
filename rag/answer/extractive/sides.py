"""Figures of one sentence that the question asks to add up or to compare, side by side:

- a sum of the parts the question names: "Counting both deaths and injuries, how many ..." of
  "More than 550 children were killed and over 1,400 injured" -> 550 + 1,400 = 1,950;
- a difference of two parts: "how many more families needed household items than needed shelter
  kits?" of "659 families in need for NFIs (Non-Food Items) and 288 families in need for EESKs
  (... Shelter Kits)" -> 659 - 288 = 371 families more.

Each side the question names (a conjunct of its parse: "deaths and injuries", "Kobo and Sekota";
or the two ends of "more ... than ...") is matched to the figure whose stretch of the sentence (from
the figure to the next one; the first also takes what comes before it) shares the side's words
that the other sides lack. Nothing is derived unless every side finds its own figure (one side may
be left over when the sentence has just two figures), the figures count the same noun or nouns the
question names, no two of them are a part and its whole, and the sentence states no total.

Failure class (real-news train and dev, the figure asked for is a sum or difference of two figures of
the evidence sentence, and no derivation read it): sums, train h1-056, h2-015, h2-019, h2-020,
h3-085, h5-043, h5-048, h6-026, h7-025, h8-088, dev h1-083, h1-088, h4-017, h7-088; differences,
train h3-023, dev h4-024.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from rag.answer.extractive.candidate import Candidate, Derived
from rag.answer.extractive.parts import amount, months_agree, plural
from rag.nlp.lexicon import content_terms, word_key
from rag.nlp.numbers import Derivation
from rag.nlp.parse import parse
from rag.nlp.relations import MONTHS, Figure, figure, part_wholes
from rag.nlp.text import tokens
from rag.query.question import Question

SUM = re.compile(r"\b(?:altogether|in total|in all|combined|all told|together|between them|adding|add(?:ed)? up|"
                 r"plus|both|sum of|total|the two|the three)\b|^counting\b", re.I)
_MORE_THAN = re.compile(r"\bhow (?:many|much) (?:more|fewer|less)\b(?P<a>.*?)\bthan\b(?P<b>[^?]*)", re.I)
_ABOUT = frozenset({"about", "approximately", "around", "some", "nearly", "over", "an", "estimated"})
_NESTED = frozenset({"including", "whom", "which"})  # "including 977 killed", "of whom", "of which"
_TOTAL = frozenset({"total", "overall", "cumulative", "altogether", "bring"})  # "bringing the total to"


Side = tuple[str, set[str]]  # the word key of its head ("" for none) and the words the other sides lack


def sides_of_one_sentence(q: Question, top: Sequence[Candidate]) -> Derived | None:
    """The sum or difference of the figures one of the best sentences gives for the sides the
    question names; None when no sentence gives each side its own figure."""
    compare = _MORE_THAN.search(q.text)
    if not compare and not SUM.search(q.text):
        return None
    sides = _compared(compare) if compare else _conjuncts(parse([q.text])[0])
    if len(sides) < 2:
        return None
    named = set().union(*(w for _, w in sides)) - ({q.focus or ""} if compare else set())
    context = [n for n in q.names if not set(content_terms(n)) & named]
    for c in top:
        if not months_agree(q, c):
            continue
        doc = parse([c.text])[0]
        figures = _counts(doc)
        chosen = _assign(sides, figures, doc)
        if (chosen is None or not _same_kind(q, chosen) or _parts_of_one_whole(doc, chosen)
                or not _in_scope(context, doc.text, figures, chosen)):
            continue
        if compare:
            a, b = chosen
            return _difference(q, a, b, named), (c,)
        return _sum(q, sorted(chosen, key=lambda f: f.start), named), (c,)
    return None


def _compared(m: re.Match) -> list[Side]:
    """The two ends of "how many more A than B", each as the words the other lacks; none when the
    ends differ by a date or number (two reports compared: ``derive.difference``'s work)."""
    a, b = set(content_terms(m.group("a"))), set(content_terms(m.group("b")))
    raw = f"{m.group('a')} {m.group('b')}".lower()
    if any(ch.isdigit() for ch in raw) or set(tokens(raw)) & MONTHS:
        return []
    return [("", a - b), ("", b - a)]


def _conjuncts(doc: Any) -> list[Side]:
    """The coordinated phrases of the question ("deaths and injuries", "cash handouts or emergency
    supplies and shelter", "killed or injured"), each as its head and the words the others lack;
    dates ("between 24 February and 22 March") and numbers are not sides. A verb's phrase is the
    verb and what follows it up to the next conjunct ("already delivered and what was on its way"):
    its subject and what precedes it are shared. The first coordination that names two sides."""
    for head in doc:
        if head.dep_ == "conj" or not any(c.dep_ == "conj" for c in head.children):
            continue
        members = [head]
        while (nxt := next((c for c in members[-1].children if c.dep_ == "conj"), None)) is not None:
            members.append(nxt)
        if any(m.ent_type_ in ("DATE", "TIME", "CARDINAL") or m.like_num for m in members):
            continue
        words = []
        for k, m in enumerate(members):
            skip = {t.i for c in m.children if c.dep_ in ("conj", "cc", "preconj") for t in c.subtree}
            own = [t for t in m.subtree if t.i not in skip]
            if m.pos_ in ("VERB", "AUX"):
                until = members[k + 1].i if k + 1 < len(members) else len(doc)
                own = [t for t in own if m.i <= t.i < until]
            own = [t for t in own if t.ent_type_ not in ("DATE", "TIME") and not t.like_num]
            words.append(set(content_terms(" ".join(t.text for t in own))))
        sides = [(word_key(m.text), w - set().union(*(o for o in words if o is not w)))
                 for m, w in zip(members, words, strict=True)]
        if sum(bool(w) for _, w in sides) >= 2:
            return sides
    return []


def _counts(doc: Any) -> list[Figure]:
    """The counts of a sentence in reading order: not a year, day, percentage or amount of money
    (``relations.figure``; a "%" spaCy leaves untagged too), not a number inside a word
    ("under-five", "COVID-19", not "Tongping - 387") and not a
    bracket restating the figure before it ("770 families (approximately 3,850 individuals)")."""
    out: dict[int, Figure] = {}
    for t in doc:
        f = figure(t)  # None for a token that writes no number
        if f is None or _inside_a_word(t) or any(f.start < o.end and o.start < f.end for o in out.values()):
            continue
        after = [x for x in doc if x.idx >= f.end][:1]
        if after and (after[0].text == "%" or after[0].lower_ in ("percent", "per")):
            continue
        previous = max(out.values(), key=lambda o: o.start) if out else None
        if previous and _restates(_between(doc, previous.end, f.start)):
            continue
        out[f.start] = f
    return sorted(out.values(), key=lambda f: f.start)


def _inside_a_word(t: Any) -> bool:
    """"under-five", "under- 2": the number ends a hyphenated word ("Tongping - 387" does not)."""
    doc = t.doc
    if t.i == 0:
        return False
    before = doc[t.i - 1]
    if before.text == "-":
        return t.i > 1 and not doc[t.i - 2].whitespace_ and doc[t.i - 2].is_alpha
    return before.text.endswith("-") and before.text[:-1].isalpha()


def _between(doc: Any, start: int, end: int) -> list[Any]:
    return [t for t in doc if start <= t.idx and t.idx + len(t.text) <= end]


def _restates(gap: list[Any]) -> bool:
    """The words between two figures open a bracket after at most three words: "770 displaced
    families (approximately 3,850 individuals)"."""
    opened = [i for i, t in enumerate(gap) if t.text == "("]
    if not opened:
        return False
    words, inside = gap[:opened[-1]], gap[opened[-1] + 1:]
    return len(words) <= 3 and all(t.is_alpha for t in words) and all(t.lower_ in _ABOUT for t in inside)


def _assign(sides: list[Side], figures: list[Figure], doc: Any) -> list[Figure] | None:
    """The figure each side names, in the sides' order (sides that land on one figure share it):
    the stretch sharing most of the side's words, its head counting double; None when a side
    matches two figures equally, or when a side finds none and the sentence has more than the two
    figures that would leave it just one."""
    if len(figures) < 2 or any(t.lemma_.lower() in _TOTAL for f in figures for t in _before(doc, f, 5)):
        return None
    stretches = []
    for i, f in enumerate(figures):
        start = 0 if i == 0 else f.start
        end = figures[i + 1].start if i + 1 < len(figures) else len(doc.text)
        stretches.append(set(content_terms(doc.text[start:end])) | ({word_key(f.noun)} if f.noun else set()))
    picked: list[int | None] = []
    for head, side in sides:
        hits = [len(side & s) + (head in side and head in s) for s in stretches]
        best = max(hits)
        if best == 0:
            picked.append(None)
        elif hits.count(best) > 1:
            return None
        else:
            picked.append(hits.index(best))
    found = [p for p in picked if p is not None]
    if picked.count(None) == 1 and len(figures) == 2 and len(set(found)) == 1:
        picked = [p if p is not None else 1 - found[0] for p in picked]  # the one figure left
    if None in picked or len(set(picked)) < 2:
        return None
    order = list(dict.fromkeys(p for p in picked if p is not None))
    return [figures[i] for i in order]


def _before(doc: Any, f: Figure, n: int) -> list[Any]:
    return [t for t in doc if t.idx < f.start][-n:]


def _in_scope(context: list[str], text: str, figures: list[Figure], chosen: list[Figure]) -> bool:
    """Every name the question sets its sides in ("at Tongping") that the sentence writes heads the
    chosen figures or lies among them, with no other figure between, or closes a sentence whose
    last figures they are: "UN House - 111 children screened, of which three ... and six ...;
    Tongping - 387 children screened, of which 18 ... and 52" is Tongping's 18 and 52, never the
    three and six before it (train h1-056)."""
    first, last = min(f.start for f in chosen), max(f.end for f in chosen)
    others = [f.start for f in figures if f not in chosen]
    for name in context:
        spots = [m.start() for m in re.finditer(re.escape(name), text)]
        if spots and not any(
                first <= p <= last or (p < first and not any(p < o < first for o in others))
                or (p > last and not any(o > last for o in others)) for p in spots):
            return False
    return True


def _same_kind(q: Question, chosen: list[Figure]) -> bool:
    """One counted noun (a figure that names none shares its neighbour's), or each noun one the
    question names ("women and children")."""
    nouns = {word_key(f.noun) for f in chosen if f.noun}
    asked = set(q.terms) | set(content_terms(q.text))
    return len(nouns) <= 1 or nouns <= asked


def _parts_of_one_whole(doc: Any, chosen: list[Figure]) -> bool:
    """Two chosen figures are a part and its whole ("548 damaged, 72 of which destroyed"), by the
    parse, or the later one is introduced as a part of the earlier: "the needs of 17 million people
    inside and outside Ukraine, including $2.25 billion to meet the needs of 8.7 million within
    Ukraine" (train h2-008)."""
    starts = {f.start for f in chosen}
    if any(p.part.start in starts and p.whole.start in starts for p in part_wholes(doc)):
        return True
    ordered = sorted(chosen, key=lambda f: f.start)
    gaps = [_between(doc, a.end, b.start) for a, b in zip(ordered, ordered[1:], strict=False)]
    return any(t.lower_ in _NESTED or (t.lower_ == "among" and t.i + 1 < len(doc)
                                           and doc[t.i + 1].lower_ in ("them", "whom"))
               for gap in gaps for t in gap)


def _noun(q: Question, chosen: list[Figure], named: set[str]) -> str:
    """What the result counts: the figures' noun when each names the same one; else the question's
    noun unless it is one of the sides ("women and children": then none)."""
    nouns = {f.noun for f in chosen}
    if len(nouns) == 1 and "" not in nouns:
        return plural(nouns.pop(), 2)
    focus = q.focus_word or ""
    return focus if focus and word_key(focus.lower()) not in named else ""


def _sum(q: Question, chosen: list[Figure], named: set[str]) -> Derivation:
    total = sum(f.value for f in chosen)
    said = " + ".join(amount(f.value, f.written) for f in chosen) + f" = {amount(total, chosen[0].written)}"
    noun = _noun(q, chosen, named)
    return Derivation(total, f"{said} {noun}".rstrip(), tuple(f.written for f in chosen))


def _difference(q: Question, a: Figure, b: Figure, named: set[str]) -> Derivation:
    delta = a.value - b.value
    more = "more" if delta > 0 else "fewer"
    big, small = (a, b) if delta > 0 else (b, a)
    noun = _noun(q, [a, b], named)
    said = (f"{amount(big.value, big.written)} - {amount(small.value, small.written)} = "
            f"{amount(abs(delta), big.written)}{' ' + noun if noun else ''} {more}")
    return Derivation(abs(delta), said, (small.written, big.written))

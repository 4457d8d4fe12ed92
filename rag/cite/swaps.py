"""A name or a figure put in another's place, and two names whose roles are exchanged.

``substituted``: the claim copies the cited sentence's words but, where the sentence names one
agency, place or count, the claim names another that the sentence does not hold ("UNHCR reports
1,240 cases" where the sentence says "The World Health Organization reports 1,240 cases"; "food
aid to 380,000 people" where it says "food assistance to 700,000 people", 380,000 being the
sentence before's vaccinations). Each name and figure of the claim
must already occur in what it cites (``citations.check_claim``); this check asks whether it
occurs where the claim puts it.

The claim and the sentence it copies most words of are aligned word by word (``difflib``); a
stretch the claim writes differently ("replace") that holds a name (spaCy's entities) or a figure
of the claim that the sentence lacks, against a stretch of the sentence holding another name of
the same kind or another figure, is a substitution. One thing written two ways is not: one name
inside the other, a shared stem ("Peru", "Peruvian") or initials ("FEWS NET"). A description
("the U.N. refugee agency" for "UNHCR") holds no name of the same kind, so it is not either.

| failure class | dev examples |
|---|---|
| a name of the source in another's role | A-063, A-066, B-063, B-064 (three texts) |
| a figure of another group in the copied sentence's place | A-040, A-043, B-045, B-046 (three texts) |

``exchanged``: two names of the copied sentence whose roles the claim exchanges (train E-044, F-032;
the class has more the parse does not read: D-067, F-080, F-089).

``substituted`` was written on the dev rows; on the train rows, written blind afterwards and not
read before it ran, it found 13 more (D-061..063, D-077, D-084, E-006, E-009, E-019, E-032, E-080,
F-058, F-065, F-094) and removed no supported row.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import Any

from rag.cite.citations import MINOR_WORDS, amounts
from rag.nlp.names import ORG_WORDS
from rag.nlp.numbers import to_number
from rag.nlp.parse import parse
from rag.nlp.relations import MONTHS, SCALES, in_date
from rag.nlp.text import match_key

# the kinds of name one can stand for another: an actor (a person, an agency) or a place
_KIND = {"PERSON": "actor", "ORG": "actor", "GPE": "place", "LOC": "place", "FAC": "place", "NORP": "place"}
_OURS, _THEIRS = 4, 12  # the longest stretches swapped: beyond them the claim rewrites, it does not swap
_FLANK = 2  # copied words after the swapped stretch (unless both sentences end there)
_SKIPPED = frozenset({"the", "a", "an"})


def substituted(claim: str, best: str) -> str | None:
    """Why the claim puts a name or a figure where ``best`` (the cited sentence it copies) has
    another, or None."""
    c, s = parse([claim, best])
    mine, theirs = _words(c), _words(s)
    if not mine or not theirs:
        return None
    matcher = SequenceMatcher(None, [_form(t) for t in mine], [_form(t) for t in theirs], autojunk=False)
    # the sentence's figures as its tokens write them and as values ("Ninety-eight" is 98)
    best_key, best_values = match_key(best).replace(".", ""), _values(s[:]) | amounts(match_key(best))
    ops = matcher.get_opcodes()
    for k, (op, i1, i2, j1, j2) in enumerate(ops):
        if op != "replace" or _plain(mine[i1:i2]) > _OURS or j2 - j1 > _THEIRS:
            continue
        ours, other = c[mine[i1].i:mine[i2 - 1].i + 1], s[theirs[j1].i:theirs[j2 - 1].i + 1]
        # one name for another, whole on both sides ("southern Idleb" / "western Aleppo"), needs one
        # copied word after it, not two (train claim row D-066: "... governorate accelerated")
        if not _flanked(ops, k, len(mine), len(theirs), 1 if _pure(ours) and _pure(other) else _FLANK):
            continue
        why = _name_swap(ours, other, best_key) or _figure_swap(ours, other, best_values)
        if why:
            return why
    return None


def _flanked(ops: Sequence[tuple[str, int, int, int, int]], k: int, mine: int, theirs: int,
             flank: int = _FLANK) -> bool:
    """The stretch sits between copied words: a copied run before it (or both sentences start
    with it) and at least ``_FLANK`` copied words after it (or both end with it). A claim that
    joins two sentences of the source differs from the one it copies by more than a word."""
    _, i1, i2, j1, j2 = ops[k]
    before = (i1 == 0 and j1 == 0) or (k > 0 and ops[k - 1][0] == "equal")
    after = (i2 == mine and j2 == theirs) or (
        k + 1 < len(ops) and ops[k + 1][0] == "equal" and ops[k + 1][2] - ops[k + 1][1] >= flank)
    return before and after


def _pure(span: Any) -> bool:
    """A stretch that is names (and their adjectives) and holds each name it touches whole."""
    touching = [e for e in span.doc.ents if e.label_ in _KIND and e.start < span.end and e.end > span.start]
    named = bool(touching) or any(t.pos_ == "PROPN" for t in span)  # "Gwoza", untagged (train row F-013)
    return named and all(span.start <= e.start and e.end <= span.end for e in touching) and all(
        t.ent_type_ in _KIND or t.pos_ in ("ADJ", "DET", "PROPN") for t in span)


def _words(doc: Any) -> list[Any]:
    return [t for t in doc if not t.is_punct and not t.is_space and t.lower_ not in _SKIPPED]


def _form(token: Any) -> str:
    return token.lower_.replace("’", "'")  # "city’s" as "city's" (train claim row E-037)


def _plain(stretch: Sequence[Any]) -> int:
    """The words of a stretch outside its names: a swapped name may be long ("the Ministry of
    Disaster Management and Relief" for "Local Government Engineering Department", E-052)."""
    return sum(1 for t in stretch if not (t.ent_type_ in _KIND and t.pos_ in ("PROPN", "ADP", "CCONJ", "DET")))


def _name_swap(ours: Any, other: Any, best_key: str) -> str | None:
    claim_key = match_key(ours.doc.text).replace(".", "")
    tagged = _names(other, untagged=False)
    theirs = tagged or [(r, "any") for r in _runs(other)]  # an untagged proper noun may be of either kind
    for name, kind in _names(ours, untagged=True):
        # the part of a name the stretch holds: "Eastern Equatoria" of "Bentiu, Eastern Equatoria
        # State" against "Unity" of "Bentiu, Unity State" (train claim row F-059)
        part = _within(name, ours)
        rivals = [_within(e, other) for e, k in theirs if k == kind or "any" in (k, kind)]
        # a description in capitals names nothing: "the Organization" for the UN (dev B-027)
        rivals = [r for r in rivals if not all(w.lower() in ORG_WORDS for w in r.split())]
        if _key(part) in best_key and not (_pure(ours) and _pure(other) and rivals
                                           and not any(_key(r) in claim_key for r in rivals)):
            continue  # the sentence holds it: a list in another order, not a swap; unless one whole
            # name took the place of another the claim drops ("Chad and South Sudan" for "Chad and
            # Egypt", South Sudan being where others returned: train claim row D-064)
        if rivals and not any(_same_thing(part, r) for r in (*rivals, other.text)):
            return f"it names {part} where the source names {rivals[0]}"
    return None


# a name right after one of these is a place whatever spaCy tags it: it reads "in Mariupol" as a
# person's name, "Rann town" as an agency's and leaves "Gwoza town" untagged (train claim rows
# E-037, F-013, E-047: three texts)
_AT = frozenset({"in", "at", "from", "to", "near", "into", "across", "around", "outside", "inside"})


def _names(span: Any, untagged: bool) -> list[tuple[Any, str]]:
    """The names a stretch touches, each with its kind ("actor", "place"); with ``untagged``,
    also the proper nouns spaCy leaves untagged where the stretch follows a preposition of place."""
    doc = span.doc
    place = span.start > 0 and doc[span.start - 1].lower_ in _AT
    out = [(e, "place" if place and e.start <= span.start else _KIND[e.label_]) for e in doc.ents
           if e.label_ in _KIND and e.start < span.end and e.end > span.start]
    if untagged and place and not out:
        out = [(r, "place") for r in _runs(span)[:1]]
    return out


def _runs(span: Any) -> list[Any]:
    """The runs of untagged proper nouns of a stretch (months left out)."""
    runs, start = [], None
    for t in [*span, None]:
        inside = t is not None and t.pos_ == "PROPN" and not t.ent_type_ and t.lower_ not in MONTHS \
            and len(t.text) > 1  # not "M" of "USD 15.9 M" (train claim row E-007)
        if inside and start is None:
            start = t.i
        elif not inside and start is not None:
            runs.append(span.doc[start:(t.i if t is not None else span.end)])
            start = None
    return runs


def _within(name: Any, span: Any) -> str:
    return str(span.doc[max(name.start, span.start):min(name.end, span.end)].text)


def _figure_swap(ours: Any, other: Any, best_values: set[float]) -> str | None:
    # figures written in digits: words may write one figure in several ("three and a half million")
    for value in sorted(_values(ours, digits=True) - best_values):
        rivals = _values(other) - {value}
        if rivals:
            return (f"it gives {_shown(value)} where the sentence it copies gives {_shown(min(rivals))}; "
                    f"{_shown(value)} is another figure of the source")
    return None


def _values(span: Any, digits: bool = False) -> set[float]:
    """The figures of a stretch (scale words applied; years and days of a month left out)."""
    out = set()
    for t in span:
        if not t.like_num or in_date(t) or (digits and not any(ch.isdigit() for ch in t.text)):
            continue
        value = to_number(t.text)
        if value is None:
            continue
        nxt = t.nbor(1) if t.i + 1 < len(t.doc) else None
        out.add(value * SCALES.get(nxt.lower_ if nxt is not None else "", 1.0))
    return out


def _shown(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,}"


def _key(name: str) -> str:
    key = match_key(name).replace(".", "")
    return key[4:] if key.startswith("the ") else key


def _same_thing(a: str, b: str) -> bool:
    """One name written two ways: one inside the other, a shared stem ("Peru", "Peruvian"), or
    the initials of the other ("FEWS NET", "Famine Early Warning System Network")."""
    x, y = _key(a), _key(b)
    if x in y or y in x or (len(x) >= 4 and x[:4] == y[:4]):
        return True
    joined_x, joined_y = x.replace(" ", ""), y.replace(" ", "")
    return any(len(i) >= 3 and j.startswith(i) for i, j in ((_initials(b), joined_x), (_initials(a), joined_y)))


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[:1].isupper() and w.lower() not in MINOR_WORDS).lower()


def exchanged(claim: str, best: str) -> str | None:
    """Two names of the copied sentence with their roles exchanged: "moved from the Kutupalong
    site to Naikhongchhari" where it says "from Naikhongchhari to Kutupalong", or a place given the
    other's verb ("contained in ... Eastern Equatoria, spreading to ... Upper Nile"). A name's role is
    the first verb or common noun above it in the parse, with the preposition it hangs from on the
    way (a direction alone when the verbs are paraphrased: "moved" / "relocated"); an exchange
    needs each name to hold the other's role in the sentence, and the two roles to differ."""
    c, s = parse([claim, best])
    mine, theirs = _roles(c), _roles(s)
    shared = [n for n in mine if n in theirs]
    for i, a in enumerate(shared):
        for b in shared[i + 1:]:
            if not _same_role(theirs[a][1], theirs[b][1]) and _same_role(mine[a][1], theirs[b][1]) \
                    and _same_role(mine[b][1], theirs[a][1]):
                return f"it gives {mine[a][0]} the part the source gives {mine[b][0]}, and the other way round"
    return None


_DIRECTIONS = frozenset({"from", "to", "into", "towards"})


def _same_role(x: tuple[str, str], y: tuple[str, str]) -> bool:
    return x == y or (x[1] == y[1] and x[1] in _DIRECTIONS)


def _roles(doc: Any) -> dict[str, tuple[str, tuple[str, str]]]:
    """Each name of a parsed sentence (by its first word) -> (the name as written, (the lemma of the
    first verb or common noun above the phrase it heads or names, the preposition it hangs from on
    the way)); a name written in two roles has none."""
    out: dict[str, tuple[str, tuple[str, str]]] = {}
    twice: set[str] = set()
    for e in doc.ents:
        if e.label_ not in _KIND:
            continue
        t = e.root  # up to the head of its phrase: "the Kutupalong expansion site", "Upper Nile State"
        while t.dep_ in ("compound", "amod", "nmod", "poss", "appos") and t.head.i != t.i:
            t = t.head
        prep = ""
        while t.head.i != t.i:
            t = t.head
            if t.pos_ == "ADP" and not prep:
                prep = t.lower_
            elif t.pos_ in ("VERB", "NOUN"):
                break
        key, role = _key(e.text).split()[0], (t.lemma_.lower(), prep)
        if key in out and out[key][1] != role:
            twice.add(key)
        out[key] = (e.text, role)
    return {k: v for k, v in out.items() if k not in twice}

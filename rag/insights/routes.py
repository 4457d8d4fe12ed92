"""What a sentence says about the places it names, read from its words around the names (the
names and their offsets come from ``rag.insights.places``; nothing here knows the gazetteer).

- A route: "from X to Y", "from X towards/toward/into Y", "left X for Y", with X and Y the two
  places named one after the other (``Route``; ``route_pairs``). "Between X and Y" is no route.
- Not an event location, so no mention: a place inside the name of an agreement, process,
  declaration, talks format or institution, told by a head noun beside it (``AGREEMENT_HEADS``:
  "the Mora Declaration", "the Mora Peace Agreement", "Maroua University", "the University of
  Maroua"; ``in_a_name``), and the home countries of contributing troops, a list of places taken as
  one ("peacekeepers from Chad, Egypt and Niger", "troops contributed by Nepal", "troop-contributing
  countries such as Togo", "the Niger contingent"; ``troop_homes``; ``rag.insights.places`` drops the
  countries among them, not towns). "Troops from Chad to Mora" is a movement: a route, and both count.

Head nouns rather than spaCy's entities: its small English model tags "the Mokolo process" as ORG
"Mokolo" and "arrived in Mora" as PERSON. English only. It does not see a stop or a clause inside a
route ("from X via Z to Y", "from X, the capital, to Y"), a list of origins, or a route told over
two sentences; demonyms ("Chadian peacekeepers") name no place the gazetteer knows in the first place.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Generic, Protocol, TypeVar

AGREEMENT_HEADS = frozenset(  # the noun that makes "the Mora Declaration" a name, not a location
    ["declaration", "declarations", "process", "agreement", "agreements", "accord", "accords", "protocol", "protocols",
     "convention", "conventions", "treaty", "charter", "communique", "communiqué", "format", "roadmap", "university",
     "institute", "college", "academy", "polytechnic"])
MODIFIERS = frozenset(["peace", "ceasefire", "political", "security", "framework", "final", "joint"])  # "Mora Peace
# Agreement": up to two of these may stand between the place and its head noun
_LIST_GAP = frozenset([",", "and", ", and", "or", ", or", "&"])  # what parts the places of one list
# Troops' home countries read as event locations: the cue before a list of places ("peacekeepers from",
# "troops contributed by", "troop-contributing countries such as") ...
_TROOPS_BEFORE = re.compile(
    r"(?:\b(?:peacekeepers|troops|soldiers|contingents?|battalions?|blue\s+helmets|personnel|units|forces)\s+"
    r"(?:(?:deployed|sent|drawn|contributed|provided|pledged|supplied|seconded)\s+)?from"
    r"|\b(?:contributed|provided|pledged|supplied|seconded)\s+by"
    r"|\b(?:troop|police)[-\s]contributing\s+(?:countries|nations|states),?\s+(?:such\s+as|including|like|namely))"
    r"\s+(?:the\s+)?$", re.I)
# ... or the cue after it ("the Niger contingent", "Chad and Niger peacekeepers")
_TROOPS_AFTER = re.compile(r"\s+(?:contingents?|battalions?|peacekeepers|peacekeeping|blue\s+helmets)\b", re.I)
# A movement read as two unrelated mentions: "from X to Y" (also towards/toward/into), "left X for Y";
# "the town of" may stand before either name.
_TOWN = r"(?:the\s+(?:town|city|village|capital)\s+of\s+)?"
_FROM = re.compile(r"\bfrom\s+" + _TOWN + "$", re.I)
_TO = re.compile(r"\s+(?:to|towards?|into)\s+" + _TOWN, re.I)
_LEFT = re.compile(r"\b(?:left|leaving|leave|leaves|departed)\s+" + _TOWN + "$", re.I)
_FOR = re.compile(r"\s+for\s+" + _TOWN, re.I)


class Named(Protocol):
    """A place's name in a text: its character offsets (a ``rag.insights.places.Hit``)."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


class Spot(Protocol):
    """What a route joins (a ``rag.insights.places.Place``)."""

    @property
    def name(self) -> str: ...
    @property
    def country(self) -> str: ...
    @property
    def lat(self) -> float: ...
    @property
    def lon(self) -> float: ...
    @property
    def kind(self) -> str: ...
    @property
    def slug(self) -> str: ...


P = TypeVar("P", bound=Spot)


@dataclass(frozen=True)
class Route(Generic[P]):
    """A movement one sentence states, from ``origin`` to ``destination``. ``start``/``end`` index
    the article text (``article_id``); for a route the question states, they index the question,
    and ``title`` and ``article_id`` are empty."""

    origin: P
    destination: P
    sentence: str
    title: str
    published: date | None
    start: int
    end: int
    article_id: str = ""
    chunk_id: str = ""

    @property
    def from_question(self) -> bool:
        return not self.article_id

    @property
    def slug(self) -> str:
        return f"{self.origin.slug}--{self.destination.slug}"

    def to_dict(self) -> dict[str, object]:
        return {"origin": self.origin.name, "destination": self.destination.name, "sentence": self.sentence,
                "title": self.title, "published": self.published.isoformat() if self.published else None,
                "start": self.start, "end": self.end, "article_id": self.article_id}


def in_a_name(text: str, words: Sequence[re.Match[str]], i: int, j: int) -> bool:
    """Whether ``words[i:j]`` (a place's name; ``words`` the word matches of ``text``) belongs to
    an agreement's or institution's name: a head noun follows it, perhaps after a modifier, or
    stands before it with "of".

    >>> t = "From Mokolo she went to the University of Maroua to sign the Mora Peace Agreement."
    >>> w = list(re.finditer(r"\\w+", t))
    >>> in_a_name(t, w, 1, 2), in_a_name(t, w, 8, 9), in_a_name(t, w, 12, 13)
    (False, True, True)
    """
    def word(k: int) -> str:  # word k, lower case, when only spaces part it from word k - 1
        adjacent = 0 < k < len(words) and text[words[k - 1].end():words[k].start()].isspace()
        return words[k].group().lower() if adjacent else ""

    k = j
    while k < j + 2 and word(k) in MODIFIERS:
        k += 1
    return word(k) in AGREEMENT_HEADS or (
        i >= 2 and word(i) != "" and word(i - 1) == "of" and words[i - 2].group().lower() in AGREEMENT_HEADS)


def troop_homes(text: str, names: Sequence[Named]) -> set[int]:
    """The indexes of ``names`` (the places of ``text``, in order) named as the homes of contributing
    troops; the places of a list ("Chad, Egypt and Niger") go together.

    >>> from types import SimpleNamespace as At
    >>> t = "Peacekeepers from Chad and Niger reached Mora."
    >>> sorted(troop_homes(t, [At(start=18, end=22), At(start=27, end=32), At(start=41, end=45)]))
    [0, 1]
    """
    groups: list[list[int]] = []
    for n, name in enumerate(names):
        if groups and text[names[groups[-1][-1]].end:name.start].strip() in _LIST_GAP:
            groups[-1].append(n)
        else:
            groups.append([n])
    origins = {a for a, _ in route_pairs(text, names)}  # "troops from Chad to Mora": a movement
    homes: set[int] = set()
    for g in groups:
        first, last = names[g[0]].start, names[g[-1]].end
        cued = _TROOPS_BEFORE.search(text[max(0, first - 80):first]) or _TROOPS_AFTER.match(text, last)
        if cued and g[-1] not in origins:
            homes.update(g)
    return homes


def route_pairs(text: str, names: Sequence[Named]) -> list[tuple[int, int]]:
    """(origin, destination) indexes of the consecutive ``names`` that ``text`` joins as a route.

    >>> from types import SimpleNamespace as At
    >>> t = "The convoy went from Maroua to Mora, not between Mokolo and Mora."
    >>> route_pairs(t, [At(start=21, end=27), At(start=31, end=35), At(start=49, end=55), At(start=60, end=64)])
    [(0, 1)]
    """
    out = []
    for n in range(len(names) - 1):
        here, there = names[n], names[n + 1]
        before, gap = text[max(0, here.start - 60):here.start], text[here.end:there.start]
        if (_FROM.search(before) and _TO.fullmatch(gap)) or (_LEFT.search(before) and _FOR.fullmatch(gap)):
            out.append((n, n + 1))
    return out

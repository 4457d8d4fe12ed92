"""Support checks of the figures and days of an answer sentence (``cite.verifier`` runs them):
a day that no cited passage gives, a figure given for another counted outcome, a figure of one
name of a list given to another. Examples are rows of the claim benchmark's dev files
(``tests/data/claims``); the table of failure classes is in ``cite.support``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from rag.cite.support import NAME_ENTS
from rag.models import Chunk
from rag.nlp.dates import find_dates
from rag.nlp.lexicon import word_key
from rag.nlp.numbers import NUMBER
from rag.nlp.parse import counted_noun, governing_verb, parse
from rag.nlp.relations import in_date
from rag.nlp.text import match_key, paragraphs, sentence_spans

# the outcomes of a count that are never each other (compared by ``word_key``, so "died" is "killed"
# and "fled" is "displaced"): a figure of one is not a figure of the other
OUTCOMES = frozenset(word_key(w) for w in ("kill", "injure", "displace", "return", "arrest", "abduct", "kidnap",
                                            "rescue", "evacuate", "infect", "vaccinate", "recover", "release",
                                            "destroy", "damage", "register", "relocate", "casualty"))
_CASUALTY, _HURT = word_key("casualty"), frozenset({word_key("kill"), word_key("injure")})
_UNITS = frozenset({"million", "billion", "thousand", "hundred", "percent", "cent", "%", "per", "dollar", "usd",
                    "us$", "$", "time", "fold"})
_NAME_BEFORE = re.compile(r"([A-Z][\w'’.-]*(?:\s+(?:(?:of|de|du|al|el)\s+)?[A-Z][\w'’.-]*)*)\s*$")
_GROUP_NOUNS = frozenset({"people", "person", "individual"})  # "people" may stand for any group of people
_HUMAN_NOUNS = _GROUP_NOUNS | {"civilian", "resident", "inhabitant", "idp", "refugee", "child", "woman", "man",
                               "migrant", "returnee", "asylum", "seeker", "survivor", "patient", "victim", "girl",
                               "boy", "worker", "peacekeeper", "soldier", "fighter", "student"}
_HOUSEHOLD_NOUNS = frozenset({"household", "family", "hh"})

def dates(claim: str, cited: Sequence[Chunk], today: date) -> str | None:
    """Every day-and-month the claim gives must be a day-and-month a cited passage gives (or its
    publication date): "16 July" where the source says "16 June". A month with its year
    ("January 2020") must be a month and year the passages give."""
    published = max((c.published for c in cited if c.published), default=today)
    wanted = [d for d in find_dates(claim, published) if d.precision in ("day", "month")
              and any(ch.isdigit() for ch in d.phrase)]
    if not wanted:
        return None
    days: set[tuple[int, int]] = set()
    months: set[tuple[int, int]] = set()
    for c in cited:
        if c.published:
            days.add((c.published.month, c.published.day))
            months.add((c.published.year, c.published.month))
        for d in find_dates(f"{c.title}. {c.text}", c.published or today):
            months.add((d.day.year, d.day.month))
            if d.precision == "day":
                days.add((d.day.month, d.day.day))
    for d in wanted:
        if d.precision == "day" and (d.day.month, d.day.day) not in days:
            return f"the date '{d.phrase}' is not in the cited source"
        if d.precision == "month" and (d.day.year, d.day.month) not in months:
            return f"the month '{d.phrase}' is not in the cited source"
    return None


def _counts(doc: Any, figure: str) -> list[tuple[str, str]]:
    """(counted noun lemma, governing verb lemma) of each place ``figure`` is written in ``doc``."""
    first = figure.split()[0]
    out = []
    for t in doc:
        if t.text == first and t.ent_type_ not in ("DATE", "TIME"):  # "10 April" is a day, not a count
            noun = counted_noun(t)
            verb = governing_verb(noun)
            # a figure of money, a share or a unit ("US$187 million", "29 per cent") counts no thing
            thing = (noun.i != t.i and noun.pos_ in ("NOUN", "PROPN") and noun.lower_ not in _UNITS
                     and noun.ent_type_ not in ("DATE", "TIME"))
            after = doc[t.i + 1] if t.i + 1 < len(doc) else None
            if after is not None and word_key(after.lower_) in OUTCOMES:  # "and 242 injured": the parse
                noun, thing = after, True                                   # may attach 242 to "deaths"
            # "including 977 people killed": the participle after the noun says what befell them, when
            # the verb does not (train claim row E-060; F-034 "people displaced ... have returned")
            befell = next((c for c in noun.children if c.dep_ in ("acl", "amod") and c.i > noun.i
                           and word_key(c.lower_) in OUTCOMES), None)
            if befell is not None and (verb is None or word_key(verb.lemma_.lower()) not in OUTCOMES):
                verb = befell
            status = _status(noun, verb) if thing and noun.lemma_.lower() in _HUMAN_NOUNS else None
            out.append((noun.lemma_.lower() if thing else "",
                        status or (verb.lemma_.lower() if verb is not None else "")))
    return out


# where an appeal's count of people stands: in need, targeted (to be reached), reached. A dashboard
# line gives each its figure ("12M people in need", "6M people targeted"), and a model gives one the
# other's (train claim rows E-097, F-009, F-097: Ukraine and South Sudan)
_NEED, _TARGET, _REACH = "(in need)", "(targeted)", "(reached)"
_STATUSES = frozenset({_NEED, _TARGET, _REACH})
_AIDED = frozenset(word_key(w) for w in ("reach", "assist", "aid", "help", "serve"))


def _status(noun: Any, verb: Any) -> str | None:
    """The status a count of people is given: "people in need", "people who need aid", "targets",
    "to be assisted" (a target), "reached" / "assisted"; None for any other."""
    if any(c.dep_ == "prep" and c.lower_ == "in" and any(g.lemma_.lower() == "need" for g in c.children)
           for c in noun.children):
        return _NEED
    words = [c for c in noun.children if c.dep_ in ("acl", "amod", "relcl") and c.i > noun.i]
    for v in ([verb] if verb is not None else []) + words:
        key = word_key(v.lemma_.lower())
        if key == word_key("need"):
            return _NEED
        if key in (word_key("target"), word_key("plan")):
            return _TARGET
        if key in _AIDED:  # "to be assisted", "aims to reach": still a target
            ahead = any(c.dep_ == "aux" and c.lower_ == "to" for c in v.children) or v.dep_ == "xcomp"
            return _TARGET if ahead else _REACH
    return None


def _same_count(mine: tuple[str, str], theirs: tuple[str, str]) -> bool:
    """Whether two (noun, verb) readings of one figure may count the same thing: the outcomes must
    not clash ("killed" / "injured"); then the nouns agree ("people" stands for any group of
    people), or the verbs do ("a 15-day state of emergency was declared" / "declared for 15 days")."""
    (noun, verb), (n, v) = mine, theirs
    if verb in _STATUSES or v in _STATUSES:  # "people reached" are not "people in need", nor "displaced"
        other = v if verb in _STATUSES else verb
        if other in _STATUSES or word_key(other) in OUTCOMES:
            return verb == v
    vk, vk2 = word_key(verb), word_key(v)
    # the outcomes a reading names, by its verb and its noun ("were killed", "242 injured"); two
    # readings clash when they share none: "227,000 displaced people have returned" restates "227,000
    # people have returned" (train claim rows F-026, F-064)
    o1 = {k for k in (vk, word_key(noun)) if k in OUTCOMES}
    o2 = {k for k in (vk2, word_key(n)) if k in OUTCOMES}
    if o1 and o2:
        # casualties are the killed and the injured together: "89 casualties" may restate "89 killed
        # or injured", but "89 casualties" are not "89 killed" (train claim row E-077)
        return bool(o1 & o2) or (_CASUALTY in o1 and bool(o2 & _HURT))
    if not noun or not n or word_key(n) == word_key(noun) or (vk and vk == vk2):
        return True
    # nouns that differ clash only when both are of a kind the table knows and the kinds differ
    # ("3,617 households" / "people", "242 injured" / "people"); a noun it does not know is a
    # paraphrase it cannot judge ("111 screenings" / "111 children", "70 km" / "70 kilometres",
    # "38,300 under-fives" / "children": train claim rows D-039, F-001, F-039, F-043, F-046, F-088)
    k1, k2 = _count_kind(noun), _count_kind(n)
    return not (k1 and k2 and k1 != k2)


def _count_kind(noun: str) -> str | None:
    """What a counted noun counts: people (any group of them: "children" within "people"),
    households, or an outcome; None for a noun the table does not know."""
    if noun in _HUMAN_NOUNS:
        return "people"
    if noun in _HOUSEHOLD_NOUNS:
        return "households"
    return "outcome:" + word_key(noun) if word_key(noun) in OUTCOMES else None


def counted(claim: str, figures: Sequence[str], cited: Sequence[Chunk]) -> str | None:
    """A figure of the source given for another counted thing: the noun it counts differs (a
    group word such as "people" matches any group), or both are counts of outcomes that are never
    each other ("killed" / "injured", "displaced" / "returned")."""
    # each paragraph parsed alone, the claim's too (an extractive answer may copy one): a dashboard's
    # lines have no full stop, and one parse across them hangs a line's figure on the next line's words
    docs = parse(paragraphs(claim) or [claim])
    texts = [p for c in cited for p in paragraphs(c.text)]
    sources = parse(texts)
    for figure in figures:
        mine = [pair for doc in docs for pair in _counts(doc, figure)]
        theirs = [pair for s in sources for pair in _counts(s, figure)]
        if not mine or not theirs:
            continue
        noun, verb = mine[0]
        if not any(_same_count(mine[0], p) for p in theirs):
            n, v = theirs[0]
            what = " ".join(x for x in (n, v) if x)
            return f"{figure} counts '{what}' in the source, not '{' '.join(x for x in (noun, verb) if x)}'"
    return None


def _places_and_figures(doc: Any) -> tuple[list[tuple[str, int, int]], list[tuple[str, int, int]]]:
    """(name key, start, end) of the named entities and (figure key, start, end) of the figures of
    a parsed sentence (not those of a date: "10 April 2018")."""
    names = [(match_key(e.text), e.start_char, e.end_char) for e in doc.ents if e.label_ in NAME_ENTS]
    # spaCy tags a bracketed count "Sana'a (41094)" DATE: a bare number that is not a year or a day
    # of a month is not a date
    days = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in ("DATE", "TIME")
            and not all(t.like_num and not in_date(t) for t in e)]
    figures = [(match_key(m.group(1)), m.start(), m.end()) for m in NUMBER.finditer(doc.text)
               if any(ch.isdigit() for ch in m.group(1)) and not any(a <= m.start() < b for a, b in days)]
    return names, figures


def _nearest(items: Sequence[tuple[str, int, int]], span: tuple[int, int]) -> str | None:
    """The item closest to ``span``, by the gap between them."""
    def gap(it: tuple[str, int, int]) -> int:
        return max(it[1] - span[1], span[0] - it[2], 0)

    return min(items, key=gap)[0] if items else None


def _bracket(text: str, start: int) -> int | None:
    """Where the bracket opens that the figure at ``start`` is the first thing in ("Chad (4,858)",
    "the DRC (an estimated 74,179)"): the bracket belongs to what comes before it. None if none."""
    opened = text.rfind("(", 0, start)
    inside = text[opened:start]
    return opened if opened >= 0 and len(inside) <= 20 and ")" not in inside and not any(
        ch.isdigit() for ch in inside) else None


def _owner(names: Sequence[tuple[str, int, int]], fig: tuple[int, int], text: str) -> str | None:
    """The name a figure belongs to: in a list "Cameroon (4,891), Chad (4,858)" the one before its
    bracket, else the nearest."""
    opened = _bracket(text, fig[0])
    if opened is not None:  # the capitalised words before it, tagged or not (the tagger misses "Sana'a")
        m = _NAME_BEFORE.search(text[:opened])
        return match_key(m.group(1)) if m else None
    return _nearest(names, fig)


def _figure_of(figs: Sequence[tuple[str, int, int]], name: tuple[int, int], text: str) -> str | None:
    """The figure a name has: the one its bracket opens with ("Al Hudaydah (34814)"), else the nearest."""
    for f, a, _ in figs:
        opened = _bracket(text, a)
        if opened is not None and opened >= name[1] and not text[name[1]:opened].strip():
            return f
    return _nearest(figs, name)


def _claimed(names: Sequence[tuple[str, int, int]], fig: tuple[int, int], claim: str) -> str | None:
    """The name a claim gives a figure to: the last before it in its clause ("Sana'a with 41,094",
    "Chad had received 4,891"), else the nearest."""
    before = [n for n in names if n[2] <= fig[0]]
    same_clause = [n for n in before if not any(p in claim[n[2]:fig[0]] for p in ",;")]
    return max(same_clause or before, key=lambda n: n[2])[0] if before else _nearest(names, fig)


def _same_name(a: str | None, b: str | None) -> bool:
    return bool(a and b) and (a in b or b in a)  # type: ignore[operator]


def bindings(claim: str, cited: Sequence[Chunk]) -> str | None:
    """A figure of the source given to another name of the same list: the claim gives a figure to
    the name before it ("Chad had received 4,891"; the nearest when none is), while in the cited sentence that holds
    both, the figure sits by another name and the claim's name by another figure ("Cameroon
    (4,891), Chad (4,858)"; the name before a figure's bracket owns it). Dev rows A-041, A-064,
    B-039, B-041, B-042 (three texts)."""
    c_names, c_figs = _places_and_figures(parse([claim])[0])
    if not c_names or not c_figs:
        return None
    sentences = [c.text[a:b] for c in cited for a, b in sentence_spans(c.text)]
    given = [_claimed(c_names, (a, b), claim) for _, a, b in c_figs]
    if len(set(given)) < len(given):
        return None  # one name given several figures: names the parse missed ("Sana'a with 41,094")
    for (fig, _, _), name in zip(c_figs, given, strict=True):
        for doc in parse([s for s in sentences if fig in match_key(s)]):
            names, figs = _places_and_figures(doc)
            mine = [(a, b) for f, a, b in figs if f == fig]
            theirs = [(a, b) for n, a, b in names if _same_name(n, name)]
            # a claim that gives several of them each its own figure pairs them its own way; a name
            # with no figure of its own ("people fleeing CAR") lists nothing
            listed = {n for n in given if n and any(_same_name(n, m) for m, _, _ in names)}
            if not mine or not theirs or len(names) < 2 or len(figs) < 2 or len(listed) > 1:
                continue
            owner = _owner(names, mine[0], doc.text)
            own_figure = _figure_of(figs, theirs[0], doc.text)
            if owner is not None and not _same_name(owner, name) and own_figure != fig:
                return f"in the source {fig} is the figure of {owner}, and {name}'s is {own_figure}"
    return None


def event_date(claim: str, aligned: str, published: date | None, others: Sequence[str] = ()) -> str | None:
    """A day of the source given to another of its events: the cited sentence the claim copies
    most words of gives its own day, and it is not the claim's ("violence broke out on 25 June"
    where the sentence says 23 June and 25 June is when the police arrived). Dev rows B-069,
    B-071, B-073 (two texts). A day another cited passage gives is that passage's (a claim joining
    two sources, train F-051): ``others`` are the cited passages without the sentence. The report's
    own date is not the sentence's: a model dating an event by it is wrong (train F-036, E-067)."""
    base = published or date.today()
    mine = [d for d in find_dates(claim, base) if d.precision == "day" and any(ch.isdigit() for ch in d.phrase)]
    theirs = {(d.day.month, d.day.day) for d in find_dates(aligned, base) if d.precision == "day"}
    if not mine or not theirs:
        return None
    theirs |= {(d.day.month, d.day.day) for text in others for d in find_dates(text, base) if d.precision == "day"}
    if not any((d.day.month, d.day.day) in theirs for d in mine):
        return f"the date '{mine[0].phrase}' is not the date the source gives for this"
    return None

"""What a briefing line is about (``topic_of``) and the place heading it goes under (``place_groups``).

Topics, in the priority the briefing shows them; the first that matches wins:

- casualties: killed, dead, died, wounded, injured, casualties, massacre;
- displacement: displaced, fled, uprooted, refugees, IDPs, returnees;
- territory: captured, seized, recaptured, retook, withdrew / pulled out, took control, took over,
  fell to; not when all that was seized or left is power, vehicles, weapons, talks or a deal (the
  object of the verb in spaCy's parse decides: "seized power in 2020" is no territorial change);
- access: access, convoy, checkpoint, corridor, blockade, siege; or aid, a road, a route or a
  crossing together with blocked, closed, reopened, denied, cut, suspended;
- other: everything else.

Words are compared by ``rag.nlp.lexicon.word_key`` (after ``phrases``), so "slain" counts as
"killed" and "pulled out" as "withdrew". It does not tell a figure of speech ("killed the deal")
from a death, or who fled ("the gunmen fled").

A line's place is the place its sentence names (``rag.insights.places.recognise`` over the whole
articles, so an article's country vouches for its towns) that the briefing's articles mention most;
a dateline ("MAROUA, Cameroon — ...") names where the reporter filed from, so a place named only
there does not count. A sentence naming none takes its article's most mentioned country. The
heading is the line's country, or its town (else the country) when all the lines are in one
country; "" when nothing is known. It knows no regions or provinces (the gazetteer has none).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from rag.insights.places import Place, fold, recognise
from rag.nlp.lexicon import phrases, word_key
from rag.nlp.parse import parse
from rag.nlp.sentences import Sentence
from rag.nlp.text import tokens

TOPICS = ("casualties", "displacement", "territory", "access", "other")
RANK = {t: i for i, t in enumerate(TOPICS)}


def _keys(*words: str) -> frozenset[str]:
    return frozenset(word_key(w) for w in words)


_CASUALTIES = _keys("killed", "injured", "casualties", "casualty", "massacre", "massacred")
_DISPLACEMENT = _keys("displaced", "refugees", "idp", "idps", "returnees")
_TERRITORY = _keys("captured", "recaptured", "retook", "retaken", "withdraw", "liberated")
_TERRITORY_PHRASES = ("took control", "taken control", "take control", "takes control", "seized control",
                      "regained control", "took over", "taken over", "fell to", "under the control of")
_ACCESS = _keys("access", "convoy", "convoys", "checkpoint", "checkpoints", "corridor", "corridors", "blockade",
                "besieged", "siege")
_ROUTES = _keys("aid", "road", "route", "routes", "crossing", "crossings", "airport", "airstrip", "bridge")
_OBSTRUCTED = _keys("blocked", "block", "closed", "reopened", "reopen", "cut", "denied", "obstructed", "restricted",
                    "suspended", "halted", "looted")
# what can be seized or left without any ground changing hands (lemmas)
_NOT_GROUND = frozenset({"power", "vehicle", "weapon", "arm", "ammunition", "equipment", "document", "asset", "drug",
                         "phone", "cattle", "livestock", "hostage", "talk", "agreement", "deal", "accord",
                         "negotiation", "process", "election", "race", "candidacy", "support", "funding", "claim",
                         "charge", "statement", "complaint", "which", "that"})


def _trigger(t: Any) -> bool:
    """A token that says ground changed hands, in the parse."""
    children = {(c.dep_, c.lower_) for c in t.children}
    return (word_key(t.lower_) in _TERRITORY or (t.lemma_ == "take" and ("prt", "over") in children)
            or (t.lemma_ == "pull" and ("prt", "out") in children)
            or (t.lemma_ in ("take", "seize", "regain") and any(c.lemma_ == "control" for c in t.children)))


def _objects(t: Any) -> list[Any]:
    """What a trigger took or left: its object, passive subject, or the noun after of/from/out of."""
    objs = [c for c in t.children if c.dep_ in ("dobj", "nsubjpass", "attr")]
    objs += [g for c in t.children if c.dep_ == "prep" and c.lower_ in ("of", "from")
             for g in c.children if g.dep_ == "pobj"]
    # "vehicles ..., which had been taken over": the relative pronoun stands for the noun it describes
    return [t.head if o.tag_ in ("WDT", "WP") and t.dep_ == "relcl" else o for o in objs]


def _ground(text: str) -> bool:
    """Some trigger of the sentence is not about power, vehicles, talks and the like."""
    found = [t for t in parse([text])[0] if _trigger(t)]
    return not found or any(not objs or any(o.lemma_.lower() not in _NOT_GROUND for o in objs)
                            for objs in map(_objects, found))


def topic_of(text: str) -> str:
    """The topic of a sentence or briefing line.

    >>> topic_of("Shelling killed 12 people."), topic_of("The junta seized power in 2020.")
    ('casualties', 'other')
    """
    words = tokens(phrases(text))
    keys = {word_key(w) for w in words}
    joined = f" {' '.join(words)} "
    if keys & _CASUALTIES:
        return "casualties"
    if keys & _DISPLACEMENT:
        return "displacement"
    if (keys & _TERRITORY or any(f" {p} " in joined for p in _TERRITORY_PHRASES)) and _ground(text):
        return "territory"
    if keys & _ACCESS or (keys & _ROUTES and keys & _OBSTRUCTED):
        return "access"
    return "other"


def _words(text: str) -> str:
    return f" {fold(' '.join(tokens(text)))} "


def _without_dateline(text: str) -> tuple[str, str]:
    """(dateline, rest): "MAROUA, Cameroon — About 12,400 ..." -> ("MAROUA, Cameroon", "About 12,400 ...")."""
    head, dash, rest = text.partition(" — ")
    city = head.split(",")[0]
    return (head, rest) if dash and len(head) <= 48 and city.isupper() and len(city) > 2 else ("", text)


def place_groups(lines: Sequence[Sentence], context: Sequence[Sentence]) -> list[str]:
    """The heading of each of ``lines``, in order. ``context``: sentences holding the whole articles
    of the lines (any others are ignored), which decide what the articles mention most."""
    articles = {s.chunk.article_id for s in lines}
    found = recognise([s for s in context if s.chunk.article_id in articles])
    by_sentence: dict[tuple[str, int], list[Place]] = defaultdict(list)
    weight: Counter[str] = Counter()  # mentions per country, its towns included
    article_country: dict[str, Counter[str]] = defaultdict(Counter)
    for p in found:
        for m in p.mentions:
            by_sentence[(m.article_id, m.start)].append(p)
            weight[p.country] += 1
            article_country[m.article_id][p.country] += 1
    mains: list[tuple[str, Place | None]] = []
    for s in lines:
        dateline, rest = _without_dateline(s.text)
        named = [p for p in by_sentence.get((s.chunk.article_id, s.start), []) if not dateline
                 or f" {fold(p.name)} " in _words(rest) or f" {fold(p.name)} " not in _words(dateline)]
        if not named:
            home = article_country.get(s.chunk.article_id)
            mains.append((home.most_common(1)[0][0] if home else "", None))
            continue
        country = max((p.country for p in named), key=lambda c: weight[c])
        towns = [p for p in named if p.kind == "city" and p.country == country]
        mains.append((country, max(towns, key=lambda p: len(p.mentions)) if towns else None))
    one_country = len({c for c, _ in mains if c}) <= 1
    return [town.name if one_country and town else country for country, town in mains]

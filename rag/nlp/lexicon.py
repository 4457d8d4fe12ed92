"""Words that news and relief reports use for one thing, so a question in other words still
matches its sentence: "lorries" finds "trucks", "non-combatants" finds "civilians",
"bombardment" finds "shelling".

Only true equivalents of the conflict and relief beat are grouped: never a part and its whole
("civilians" is not "people"), never two sides of a count ("killed" is not "wounded",
"displaced" is not "returned"), never a word whose other sense is common ("state", "strike").
``word_key`` is the comparison key of a word: its Snowball stem (``text.stem``), with every word of a
group folded to the group's first stem. Term coverage, BM25, the count and answer-type checks and the
verifier compare words by this key, so each of them changes when a group changes
(``tests/test_text.py`` pins the groups it relies on).
"""

from __future__ import annotations

import functools
import re

from rag.nlp.text import STOPWORDS, stem, tokens

GROUPS: tuple[tuple[str, ...], ...] = (
    ("kill", "killed", "die", "died", "dies", "dead", "death", "deaths", "fatalities", "fatality", "slain"),
    ("injured", "injure", "injuries", "injury", "wounded", "wound", "wounds", "hurt"),
    ("civilian", "civilians", "non-combatant", "non-combatants", "noncombatant", "noncombatants"),
    ("truck", "trucks", "lorry", "lorries"),
    ("shelling", "shelled", "shell", "bombardment", "bombarded", "bombard", "barrage"),
    ("release", "released", "releasing", "freed", "frees"),
    ("detainee", "detainees", "prisoner", "prisoners", "captive", "captives", "inmates"),
    ("rebel", "rebels", "insurgent", "insurgents", "separatist", "separatists", "militant", "militants",
     "guerrilla", "guerrillas"),
    ("begin", "began", "begun", "begins", "beginning", "start", "started", "starts", "commenced", "commence"),
    ("town", "towns", "city", "cities"),
    ("country", "countries", "nation", "nations"),
    ("displaced", "displace", "displacement", "fled", "flee", "fleeing", "flees", "uprooted"),
    ("ceasefire", "ceasefires", "cease-fire", "truce", "truces", "armistice"),
    ("aid", "relief", "assistance"),
    ("funding", "funds", "fund", "funded", "money"),
    ("border", "borders", "frontier", "frontiers"),
    ("troops", "soldiers", "soldier"),
    ("attack", "attacks", "attacked", "assault", "assaults", "offensive", "offensives"),
    ("withdraw", "withdrew", "withdrawn", "withdrawal", "withdrawing", "pullout", "retreat", "retreated"),
    ("captured", "capture", "seized", "seize", "seizure", "overran", "overrun"),
    ("arrested", "arrest", "arrests", "detained", "detain", "detention"),
    ("spokesperson", "spokesman", "spokeswoman", "spokespeople"),
    ("residents", "resident", "inhabitants", "inhabitant"),
    ("road", "roads", "highway", "highways"),
    ("urgent", "pressing"),
    ("led", "lead", "leads", "leader", "leaders", "headed", "heads"),
    ("mediator", "mediators", "mediated", "mediate", "brokered", "broker", "envoy", "envoys"),
    ("hospital", "hospitals"),
    ("doctor", "doctors", "physician", "physicians", "medic", "medics"),
    ("refugee", "refugees"),
)


@functools.lru_cache(maxsize=1)
def canonical_stems() -> dict[str, str]:
    """Snowball stem of every grouped word -> the stem of its group's first word."""
    table: dict[str, str] = {}
    for group in GROUPS:
        head = stem(group[0])
        for word in group:
            table.setdefault(stem(word), head)
    return table


# phrases that say what one word says, rewritten to that word before terms are compared
PHRASES: dict[str, str] = {
    **dict.fromkeys(("take effect", "took effect", "takes effect", "taking effect", "come into force",
                     "came into force", "comes into force", "enter into force", "entered into force", "kick in",
                     "kicked in", "kicks in", "get under way", "got under way", "got underway"), "begin"),
    **dict.fromkeys(("pull out", "pulled out", "pulls out", "pulling out"), "withdraw"),
    **dict.fromkeys(("blow up", "blew up", "blown up", "blowing up"), "destroyed"),
    **dict.fromkeys(("make it through", "made it through", "got through", "get through", "make it to",
                     "made it to"), "reached"),
    **dict.fromkeys(("in charge of",), "leads"),
    **dict.fromkeys(("death toll",), "deaths"),
    **dict.fromkeys(("forced from their homes", "fled their homes", "driven from their homes"), "displaced"),
    **dict.fromkeys(("sign up to", "signed up to", "signed on to", "sign on to"), "agreed"),
}


@functools.lru_cache(maxsize=1)
def _phrase_pattern() -> re.Pattern[str]:
    alternatives = sorted(PHRASES, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in alternatives) + r")\b", re.I)


def phrases(text: str) -> str:
    """Multi-word expressions replaced by the word they mean, for term comparison only (never shown).

    >>> phrases("The pause will take effect at 06:00; 17 trucks got through.")
    'The pause will begin at 06:00; 17 trucks reached.'
    """
    return _phrase_pattern().sub(lambda m: PHRASES[m.group(0).lower()], text)


@functools.lru_cache(maxsize=100_000)
def word_key(word: str) -> str:
    """The key words are compared by: the Snowball stem, synonyms folded to their group's first stem.

    >>> [word_key(w) for w in ["camps", "fired", "fire", "negotiators", "lorries", "non-combatants"]]
    ['camp', 'fire', 'fire', 'negoti', 'truck', 'civilian']
    """
    s = stem(word)
    return canonical_stems().get(s, s)


def content_terms(text: str) -> list[str]:
    """Word keys of the tokens that carry meaning (no stopwords), in order, without repeats."""
    seen: dict[str, None] = {}
    for t in tokens(text):
        if t not in STOPWORDS and not t.isdigit():
            seen.setdefault(word_key(t), None)
    return list(seen)

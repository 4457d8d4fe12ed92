"""People's names in a sentence: runs of capitalised words that are not organisations, places
("diplomats in Port Halven") or sentence-initial function words. Heuristic, English only."""

from __future__ import annotations

import re
from functools import lru_cache

from rag.nlp.text import tokens

NOT_NAMES = frozenset("""
    the a an this that these those it they he she we i in on at for but and or according after while by
    from with to of under until since during before among between
    when as if monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december
""".split())  # noqa: SIM905


ORG_WORDS = frozenset("""
    front office community council army force forces mission nations united party ministry union
    crescent cross committee bank group agency organisation organization coordination liberation
    movement government republic province river road city state states school university battalion
    brigade company corporation news post wire daily herald times press agence programme program
    fund court assembly alliance association institute foundation society network centre center initiative
    relief medical health monitoring commission observatory council
    port bay lake mount fort cape valley island district town village square street hotel airport camp
""".split())  # noqa: SIM905
_IN_PLACE = re.compile(r"\b(?:in|near|outside|inside|around|across)\s+$")  # "diplomats in Port Halven": a place
_NAME_RUN = re.compile(r"(?:[A-Z][a-z][\w'’-]*\s+){1,3}[A-Z][a-z][\w'’-]*"
                       r"|[A-Z][a-z][\w'’-]*(?=\s+(?:said|told|added)\b)")


def person_names(sentence: str, asked: set[str]) -> list[str]:
    """Runs of capitalised words that look like a person's name (no organisation words, not asked).

    >>> person_names("The talks are chaired by Ingrid Halvorsen, a former diplomat.", set())
    ['Ingrid Halvorsen']
    >>> person_names("Fighters of the Haskar Liberation Front blocked the road.", set())
    []
    >>> person_names("Diplomats in Port Halven said the mediators hoped to meet in Sela Narro.", set())
    []
    """
    out = []
    for m in _NAME_RUN.finditer(sentence):
        words = m.group(0).split()
        while words and words[0].lower() in NOT_NAMES:
            words = words[1:]
        if not words or any(w.lower() in ORG_WORDS for w in words) or all(w.lower() in asked for w in words):
            continue
        if words[0] == m.group(0).split()[0] and _IN_PLACE.search(sentence[:m.start()]):
            continue
        if len(words) >= 2 or m.group(0) == words[0]:
            out.append(" ".join(words))
    return out


# the agencies a model names by acronym, in full or by description while its source uses another of
# the three (train claim rows D-015 "UN Refugee Agency" for UNHCR, F-063 "Food and Agriculture
# Organization" for FAO; dev A-017 "UNHCR" for "the U.N. refugee agency"); match keys, "u.n." as "un"
AGENCIES: tuple[tuple[str, ...], ...] = (
    ("unhcr", "un refugee agency", "united nations refugee agency", "un high commissioner for refugees",
     "united nations high commissioner for refugees"),
    ("wfp", "world food programme", "world food program", "un food agency"),
    ("unicef", "united nations children's fund", "un children's fund"),
    ("ocha", "office for the coordination of humanitarian affairs", "un humanitarian office"),
    ("who", "world health organization", "world health organisation", "un health agency"),
    ("iom", "international organization for migration", "un migration agency"),
    ("fao", "food and agriculture organization", "food and agriculture organisation"),
    ("unfpa", "united nations population fund", "un population fund"),
    ("icrc", "international committee of the red cross"),
    ("msf", "medecins sans frontieres", "doctors without borders"),
)
_AMBIGUOUS = frozenset({"who"})  # an acronym that is also a word: found only by its full name


def agency_in(name_key: str, haystack: str) -> bool:
    """Whether the agency a name (a match key) is one way of naming is in ``haystack`` (a match
    key) another way: "refugee agency" is UNHCR's, and "unhcr" is in the haystack."""
    name_key = name_key.replace("u.n.", "un")
    haystack = f" {haystack.replace('u.n.', 'un')} "
    for forms in AGENCIES:
        named = any(name_key == f or (len(name_key) > 6 and name_key in f) for f in forms)
        if named and any(f" {f}{end}" in haystack for f in forms if f not in _AMBIGUOUS for end in " ,.;)"):
            return True
    return False


# the small words a name's initials skip ("Food and Agriculture Organization" -> FAO)
MINOR_WORDS = frozenset({"of", "for", "the", "and", "on", "in", "de", "des", "du", "la", "to"})


@lru_cache(maxsize=64)
def spelt_out(key: str) -> frozenset[str]:
    """The acronyms of the names a match key spells out that write its small words in small
    letters, each small word kept or skipped: "protection of civilians" -> "PoC", "PC";
    "ministry of disaster management and relief" -> "MoDMR" among others. Only forms with a
    small letter are kept: the plain initials are ``citations.vocabulary``'s."""
    words = tokens(key)
    out: set[str] = set()
    for i, first in enumerate(words):
        if first in MINOR_WORDS:
            continue
        forms = [first[0].upper()]
        for word in words[i + 1:i + 7]:
            if word in MINOR_WORDS:
                forms += [f + word[0] for f in forms]
            else:
                forms = [f + word[0].upper() for f in forms]
                out.update(f for f in forms if not f.isupper())
            if len(forms) > 8:
                break
    return frozenset(out)


"""The doer of the copied sentence's action given to another name.

``reassigned``: the claim and the sentence it copies share an action (a verb and what it acts
on), and the sentence names who does it, but the claim names someone else: "The State Emergency
Service of Ukraine recorded 2,571 civilian casualties" where the sentence says "the OHCHR recorded
2,571 civilian casualties" (the Service being named in another sentence of the source, for the
buildings it counted). ``swaps.substituted`` misses these when the claim reorders the sentence
or the two names differ in length, since it aligns the two word by word.

| failure class | train examples |
|---|---|
| an action given to another agency or body of the source | D-071, E-031, E-058, E-094 (three texts) |

A doer is read from the parse: the names (spaCy's entities; an acronym it leaves untagged, such
as "WHO") in the subject of the verb, or after "by" in a passive. The claim's doer is accepted
when it is the sentence's doer written another way (``citations.name_in``: initials, stems, an
agency's description). A sentence whose doer is not a name ("it", "the Secretary-General",
"partners") is left alone: a claim may name who the source describes.
"""

from __future__ import annotations

from typing import Any

from rag.cite.citations import name_in
from rag.nlp.parse import parse
from rag.nlp.text import match_key

_ACTORS = frozenset({"PERSON", "ORG", "NORP", "GPE"})
_OBJECTS = frozenset({"dobj", "attr", "oprd", "pobj", "nsubjpass", "ccomp", "xcomp"})


def reassigned(claim: str, best: str) -> str | None:
    """Why the claim gives the action of ``best`` (the cited sentence it copies) to another doer,
    or None."""
    c, s = parse([claim, best])
    for verb in c:
        if verb.pos_ not in ("VERB", "AUX") or verb.dep_ == "aux":
            continue
        mine, said = _doers(verb, acronyms=True)
        if not mine:
            continue
        theirs = [_doers(v, acronyms=False) for v in s if v.lemma_ == verb.lemma_ and _same_action(verb, v)]
        if not theirs or not all(names for names, _ in theirs):
            continue  # the action is not the sentence's, or it has a doer that is not a name
        if any(name_in(m, match_key(subject)) for m in mine for _, subject in theirs):
            continue
        return f"it says{said} {verb.text} where the source gives this to {theirs[0][0][0]}"
    return None


def _doers(verb: Any, acronyms: bool) -> tuple[list[str], str]:
    """The names in the verb's subject (or its "by" agent), and the subject's words; with
    ``acronyms``, an untagged word in capitals counts as a name too."""
    heads = [t for t in verb.children if t.dep_ == "nsubj"]
    heads += [p for a in verb.children if a.dep_ == "agent" for p in a.children if p.dep_ == "pobj"]
    names: list[str] = []
    words = ""
    for head in heads:
        subtree = verb.doc[head.left_edge.i:head.right_edge.i + 1]
        words += f" {subtree.text}"
        names += [e.text for e in subtree.ents if e.label_ in _ACTORS]
        if acronyms and not names:
            # spaCy reads a capitalised "WHO" as the pronoun (train claim row E-058)
            names += [t.text for t in subtree if t.pos_ in ("PROPN", "PRON", "NOUN") and t.is_upper
                      and len(t.text) >= 2]
    return names, words


def _same_action(mine: Any, theirs: Any) -> bool:
    """The two verbs act on the same thing: an object (or complement) of the same lemma, or a
    figure both hold."""
    def objects(v: Any) -> set[str]:
        return {t.lemma_.lower() for t in v.children if t.dep_ in _OBJECTS and not t.is_stop} | {
            t.lemma_.lower() for p in v.children if p.dep_ == "prep" for t in p.children if t.dep_ == "pobj"}

    def figures(v: Any) -> set[str]:
        return {t.text for t in v.subtree if t.like_num and any(ch.isdigit() for ch in t.text)}

    return bool(objects(mine) & objects(theirs)) or bool(figures(mine) & figures(theirs))

"""The answer-type gates of the extractive answerer: which candidates hold the kind of answer
asked for (a date for "when", a named person in the asked role for "who", a figure of the counted
noun for "how many"). The hand-fit ranker abstains when they keep nothing; the trained scorer reads
what they keep as a feature (``ExtractiveAnswerer.gate_flags``)."""

from __future__ import annotations

import re
from collections.abc import Callable

from rag.answer.extractive.answer_types import named, predicate
from rag.answer.extractive.candidate import Candidate
from rag.nlp.lexicon import word_key
from rag.nlp.numbers import number_before
from rag.nlp.text import tokens
from rag.query.question import Question


def _owner_named(q: Question, sentence: str) -> bool:
    """"Who is the NPA's top commander": a sentence that names the NPA (an organisation is not implied
    the way a country is)."""
    owner = re.search(r"\b([A-Z]{2,})['’]s?\s", q.text)
    return owner is None or owner.group(1) in sentence


_ATTRIBUTE = re.compile(r"^what (?:is|was|are|were) the (?:[\w'’-]+\s+){0,2}?([\w'’-]+) of\b", re.I)
_ANY_ROLE = frozenset(["official", "officials", "person", "people", "man", "woman", "figure", "one"])


def stems_of(text: str) -> set[str]:
    return {word_key(t) for t in tokens(text)}


def _in_role(q: Question, c: Candidate) -> bool:
    """"Who is the defence minister": the sentence speaks of that role (or of no particular one)."""
    return not q.focus or q.focus_word in _ANY_ROLE or q.focus in stems_of(c.text)

def gate(q: Question, cands: list[Candidate], article_terms: Callable[[str], set[str]] | None,
         lede_terms: Callable[[str], set[str]]) -> tuple[list[Candidate], str | None]:
    """Answer-type checks: keep the candidates that hold the kind of answer asked for (and a
    reason to abstain when none does). With the trained scorer these are features, not vetoes."""
    top = cands[:5]
    if q.names and article_terms is not None:
        # the answer comes from an article about what the question names ("the convoy from X")
        names = [{word_key(t) for t in tokens(n)} for n in q.names]
        about = [c for c in cands if all(n & article_terms(c.chunk.article_id) for n in names)]
        if about:
            cands = about
            top = cands[:5]
    if q.define:  # "What does X stand for?": prefer a sentence that spells X out
        defining = [c for c in cands[:8] if c.features and c.features["type_fit"] > 0
                    and (q.qtype != "who" or _in_role(q, c))]
        if defining:
            return defining, None
    if q.qtype == "when" or (q.qtype == "numeric" and q.text.lower().startswith("how long")):
        # a date that is not just the day of the report; a duration
        fitting = [c for c in top if c.features and c.features["type_fit"] > 0]
        return (fitting, None) if fitting else ([], "")
    attribute = _ATTRIBUTE.match(q.text)
    if q.qtype == "factoid" and attribute and not q.define and attribute.group(1).lower() != "name":
        # "what is the annual budget of X": a sentence about a budget
        top = [c for c in cands[:5] if word_key(attribute.group(1).lower()) in stems_of(c.text)]
        if not top:
            return [], f" No passage gives the {attribute.group(1).lower()} asked about."
    if q.qtype in ("where", "factoid"):  # a place ("where was it heading?": a destination), a list of names
        fitting = [c for c in cands[:5] if c.features and c.features["type_fit"] > 0]
        return (fitting or top), None
    if q.qtype == "who":
        # "who is the defence minister": a sentence that names someone in that role
        top = [c for c in cands[:8] if named(q, c.text) and _in_role(q, c) and _owner_named(q, c.text)]
        return (top, None) if top else ([], f" No passage names the {q.focus_word or 'person'} asked about.")
    if q.qtype == "numeric" and q.names:
        # a figure about what the question names comes from a passage that names it
        top = [c for c in top if all(stems_of(n) & (stems_of(c.chunk.title + " " + c.chunk.text)
                                                  | lede_terms(c.chunk.article_id)) for n in q.names)]
        if not top:
            return [], f" No passage that gives a figure mentions {' or '.join(q.names)}."
    if q.qtype == "numeric" and q.focus:
        top = [c for c in top if number_before(c.text, q.focus)]
        if not top:
            return [], ""  # a count of something no top passage counts
        pred = predicate(q)
        if pred and not any(pred in {word_key(t) for t in tokens(c.text)} for c in top[:1]):
            return [], ""  # the number counts something else ("displaced", not "killed")
    return top, None

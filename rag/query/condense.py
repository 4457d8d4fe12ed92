"""A follow-up made self-contained without an LLM, and the question analysis it gets: the
previous question in front of a question that leans on it ("those peacekeepers"), and for
"he" / "she" the person the previous answer most likely meant."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import Any

from rag.nlp.names import person_names
from rag.query.question import Question, analyse

History = Sequence[tuple[str, str] | dict[str, Any]]


def as_turns(history: History | None) -> list[tuple[str, str]]:
    out = []
    for turn in history or []:
        role, content = (turn.get("role", ""), turn.get("content", "")) if isinstance(turn, dict) else turn
        if isinstance(content, str) and content.strip():
            out.append((str(role), content))
    return out


_PERSON_PRONOUN = re.compile(r"\b(he|she|him|her|his|hers)\b", re.I)


def condense(question: str, history: History | None, own: Question | None = None) -> str:
    """Make a follow-up self-contained for retrieval without an LLM: when the question leans on
    the previous turn ("those peacekeepers"), put the previous question in front of it, and for
    "he" / "she" the people the previous answer named. ``own`` is the question's analysis when
    the caller has it."""
    turns = as_turns(history)
    previous = next((c for r, c in reversed(turns) if r == "user"), None)
    if not previous or not (own or analyse(question)).anaphoric:
        return question
    people = _referent(previous, next((c for r, c in reversed(turns) if r == "assistant"), "")) \
        if _PERSON_PRONOUN.search(question) else []
    if len(people) == 1:  # "What did she say?" after "Who is the governor?": about that person, not the governor
        return f"{people[0]} {question}"
    return " ".join([previous.strip(), *people, question])


def _referent(previous: str, said: str) -> list[str]:
    """Who "he" / "she" most likely is: after "Who is the governor?", the name the answer puts
    nearest the word "governor"; otherwise everyone the previous answer named."""
    people = list(dict.fromkeys(person_names(said, set())))
    role = analyse(previous).focus_word
    at = said.lower().find(role) if role else -1
    if at < 0 or len(people) < 2:
        return people
    return [min(people, key=lambda p: abs(said.find(p) - at))]


def analysed(question: str, standalone: str, own: Question | None = None,
             whole: Question | None = None) -> Question:
    """A follow-up keeps its own question type and focus; the previous turn lends it its terms."""
    whole = whole or analyse(standalone)
    if standalone == question:
        return whole
    own = own or analyse(question)
    return dataclasses.replace(whole, text=own.text, qtype=own.qtype, focus=own.focus, focus_word=own.focus_word,
                               remainder=own.remainder, negated=own.negated, define=own.define)

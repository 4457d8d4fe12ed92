"""What ``Assistant.ask`` refuses before any work: a question that is not text, is empty, has no
words or is over ``max_question_chars``; a history that is not a list of (role, text) messages or
is over ``max_history_turns`` / ``max_history_chars``."""

from __future__ import annotations

from typing import Any

from rag.errors import InvalidQuestionError
from rag.nlp.text import normalise
from rag.settings import Settings


def check_question(question: Any, settings: Settings) -> str:
    """The question, whitespace-normalised; refused with a message that says what to do."""
    if not isinstance(question, str):
        raise InvalidQuestionError("the question must be text")
    q = " ".join(normalise(question).split())
    if not q:
        raise InvalidQuestionError("the question is empty; type a question about the articles")
    if not any(ch.isalnum() for ch in q):
        raise InvalidQuestionError("the question has no words in it; type a question about the articles")
    if len(q) > settings.max_question_chars:
        raise InvalidQuestionError(
            f"the question is {len(q):,} characters; the limit is {settings.max_question_chars:,} "
            "(RAG_MAX_QUESTION_CHARS). Ask about one thing at a time.")
    return q

def check_history(history: Any, settings: Settings) -> list[tuple[str, str]]:
    """The conversation as (role, text) turns, refused before any work when it is not a list of
    text messages or is over ``max_history_turns`` messages / ``max_history_chars`` characters."""
    if history is None:
        return []
    limits = (f"the limit is {settings.max_history_turns:,} messages and "
              f"{settings.max_history_chars:,} characters (RAG_MAX_HISTORY_TURNS, RAG_MAX_HISTORY_CHARS)")
    if not isinstance(history, list | tuple):
        raise InvalidQuestionError("the conversation history must be a list of (role, text) messages")
    if len(history) > settings.max_history_turns:
        raise InvalidQuestionError(f"the conversation history has {len(history):,} messages; {limits}. "
                                   "Start a new conversation.")
    turns, size = [], 0
    for turn in history:
        pair = (turn.get("role"), turn.get("content")) if isinstance(turn, dict) else turn
        if not (isinstance(pair, list | tuple) and len(pair) == 2 and all(isinstance(x, str) for x in pair)):
            raise InvalidQuestionError("each history message must be a (role, text) pair of strings")
        size += len(pair[0]) + len(pair[1])
        if size > settings.max_history_chars:
            raise InvalidQuestionError(f"the conversation history is over {settings.max_history_chars:,} "
                                       f"characters; {limits}. Start a new conversation.")
        turns.append((pair[0], normalise(pair[1])))
    return turns

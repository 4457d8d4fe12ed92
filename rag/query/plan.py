"""``QueryPlan``: a question worked out once, before anything is retrieved: the question as
asked, the conversation, the self-contained question retrieval searches for, the analysis of that
(what retrieval weighs) and the analysis the answerer reads (the question's own type and focus,
the standalone's terms). The time frame is resolved by the assistant, which knows the index's
newest date."""

from __future__ import annotations

from dataclasses import dataclass

from rag.query.condense import History, analysed, as_turns, condense
from rag.query.question import Question, analyse


@dataclass(frozen=True)
class QueryPlan:
    question: str
    turns: tuple[tuple[str, str], ...]
    standalone: str
    whole: Question  # the standalone question analysed: what retrieval weighs
    analysis: Question  # what the answerer reads

    def with_standalone(self, standalone: str) -> QueryPlan:
        """The plan for another standalone question (an LLM's condensed follow-up)."""
        if standalone == self.standalone:
            return self
        own = analyse(self.question)
        whole = analyse(standalone)
        return QueryPlan(self.question, self.turns, standalone, whole, analysed(self.question, standalone, own, whole))


def plan_question(question: str, history: History | None) -> QueryPlan:
    """Each analysis once: the question's own, and the standalone's when condensing changed it."""
    own = analyse(question)
    standalone = condense(question, history, own)
    whole = own if standalone == question else analyse(standalone)
    return QueryPlan(question, tuple(as_turns(history)), standalone, whole,
                     analysed(question, standalone, own, whole))

"""The LLM path of an ask: the model's verified answer, or the extractive one with a notice that
says why (``settle.refuse``): the server failed, most sentences could not be verified, the answer
does not address the question, or the model abstained where the extractive answerer did not.

The extractive answer is computed only when it may be shown (or decide): the model abstained,
or the model's answer is refused. It is retrieved with the model's standalone question when
that was accepted (``condensed``), else with the deterministic one.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Iterator

from rag.answer.generative.answerer import Generated, GenerativeAnswerer
from rag.answer.generative.settle import addresses, refuse
from rag.cite.citations import split_claims
from rag.errors import LLMError
from rag.index.embeddings import SentenceEncoder
from rag.index.filters import Filters
from rag.models import Answer
from rag.prompts import without_head
from rag.query.plan import QueryPlan

log = logging.getLogger(__name__)
Extractive = Callable[[QueryPlan, Filters, str | None], Answer]


@dataclasses.dataclass
class LLMRoute:
    generative: GenerativeAnswerer
    extractive: Extractive
    redact: Callable[[str], str]  # a server may echo the API key in its error text
    encoder: SentenceEncoder

    def stream(self, p: QueryPlan, filters: Filters) -> Iterator[str | Answer]:
        """Verified sentences as the model completes them, then the final ``Answer``."""
        t0 = time.perf_counter()
        g: Generated | None = None
        try:
            for event in self.generative.stream(p.question, list(p.turns), filters, fallback=p.standalone):
                if isinstance(event, str):
                    yield event
                else:
                    g = event
        except LLMError as exc:
            answer = self._failed(p, exc, filters)
        else:
            assert g is not None
            answer = self._settle(p, g, filters)
        timings = {**answer.timings, "total_ms": (time.perf_counter() - t0) * 1e3}
        yield dataclasses.replace(answer, timings=timings)

    def answer(self, p: QueryPlan, filters: Filters) -> Answer:
        final = None
        for event in self.stream(p, filters):
            final = event
        assert isinstance(final, Answer)
        return final

    def _settle(self, p: QueryPlan, g: Generated, filters: Filters) -> Answer:
        off = None
        if g.text:
            off = addresses(g.standalone, [c for c, _ in split_claims(without_head(g.text))], self.encoder)
        fallback: Answer | None = None
        if g.abstained:
            fallback = self.extractive(p, filters, g.standalone)
        refusal = refuse(g.kept, g.sentences, off, g.abstained, fallback is not None and not fallback.abstained)
        timings = {k: round(v, 1) for k, v in g.timings.items()}
        if refusal is None:
            return Answer(question=p.question, text=g.text, citations=g.citations, abstained=g.abstained,
                          retrieved=g.retrieved, standalone_question=g.standalone, answerer="llm", flags=g.flags,
                          timings=timings)
        log.info("the model's answer is not shown: %s", refusal.notice)
        fallback = fallback or self.extractive(p, filters, g.standalone)
        return dataclasses.replace(fallback, answerer="extractive-fallback", flags=g.flags, notice=refusal.notice,
                                   timings={**fallback.timings, **timings})

    def _failed(self, p: QueryPlan, exc: LLMError, filters: Filters) -> Answer:
        reason = self.redact(str(exc))
        log.warning("LLM failed, falling back to the extractive answer: %s", reason)
        fallback = self.extractive(p, filters, None)
        return dataclasses.replace(fallback, answerer="extractive-fallback",
                                   notice=f"{reason}. Showing the extractive answer instead.")

"""The generative answerer: an LCEL chain over any LangChain chat model.

    condense (prompt file, only with history) -> hybrid retrieval -> answer prompt with numbered
    sources (title, date, source) -> chat model -> citation stage (verify every sentence)

The model's reply never reaches the user unchecked: ``cite.verifier`` drops sentences whose
markers are out of range, whose numbers, dates or names are not in the cited passages, or which
are too far from them; what was dropped is recorded as ``Flag``s. When nothing verified remains,
or the server fails (down, timeout, HTTP error, malformed reply), it raises ``LLMError`` or
returns a ``Generated`` without text, and the assistant falls back to the extractive answer. It does not load models.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import Runnable, RunnableLambda, RunnablePassthrough

from rag.cite.citations import Source, number_sources
from rag.cite.verifier import verify
from rag.errors import LLMError
from rag.index.embeddings import SentenceEncoder
from rag.models import Citation, Flag, ScoredChunk, format_date
from rag.prompts import Prompt

log = logging.getLogger(__name__)
ABSTAIN_PHRASE = "The sources do not say."
Retrieve = Callable[[str, Any], list[ScoredChunk]]


@dataclass(frozen=True)
class Generated:
    text: str
    citations: tuple[Citation, ...]
    flags: tuple[Flag, ...]
    abstained: bool
    standalone: str
    retrieved: tuple[ScoredChunk, ...]
    raw: str


def format_sources(sources: Sequence[Source]) -> str:
    """Numbered sources for the prompt; the text is data, fenced so it cannot pose as instructions."""
    blocks = []
    for s in sources:
        c = s.chunk
        body = c.text.replace("<<<", "< < <").replace(">>>", "> > >")
        blocks.append(f"[{s.number}] {c.title} ({format_date(c.published)}; {c.source})\n<<<\n{body}\n>>>")
    return "\n\n".join(blocks)


def format_history(history: Sequence[tuple[str, str]]) -> str:
    return "\n".join(f"{role}: {' '.join(text.split())[:600]}" for role, text in history[-6:])


def _llm_error(exc: Exception) -> LLMError:
    if isinstance(exc, LLMError):
        return exc
    name = type(exc).__name__
    detail = str(exc).split("\n")[0][:200]
    if "Timeout" in name or "timed out" in detail.lower():
        hint = "the server is slow or stuck; raise RAG_LLM_TIMEOUT_S or check the server"
    elif "Authentication" in name or "PermissionDenied" in name or " 401" in detail or " 403" in detail:
        hint = "the server refused the credentials; check RAG_LLM_API_KEY"
    else:
        hint = "check RAG_LLM_BASE_URL and that the server is running"
    return LLMError(f"the LLM server failed ({name}: {detail}); {hint}")


class GenerativeAnswerer:
    def __init__(self, model: BaseChatModel, prompts: dict[str, Prompt], encoder: SentenceEncoder,
                 retrieve: Retrieve, max_sources: int, min_support: float = 0.35):
        self.model = model
        self.encoder = encoder
        self.retrieve = retrieve
        self.max_sources = max_sources
        self.min_support = min_support
        system = prompts["system"].render(abstain_phrase=ABSTAIN_PHRASE)
        self.answer_prompt = ChatPromptTemplate.from_messages(
            [("system", system.replace("{", "{{").replace("}", "}}")), ("human", prompts["answer"].template)])
        self.condense_prompt = ChatPromptTemplate.from_messages([("human", prompts["condense"].template)])
        # the model answers the standalone question (a follow-up's "it" resolved by the condense step)
        self.answer_chain: Runnable = (RunnableLambda(lambda x: {**x, "question": x.get("standalone") or x["question"]})
                                       | self.answer_prompt | model | StrOutputParser())
        self.condense_chain: Runnable = self.condense_prompt | model | StrOutputParser()
        self.chain: Runnable = (
            RunnablePassthrough.assign(standalone=RunnableLambda(self._condense))
            | RunnablePassthrough.assign(retrieved=RunnableLambda(self._retrieve))
            | RunnablePassthrough.assign(numbered=lambda x: number_sources([s.chunk for s in x["retrieved"]]))
            | RunnablePassthrough.assign(sources=lambda x: format_sources(x["numbered"]))
            | RunnablePassthrough.assign(reply=self.answer_chain)  # type: ignore[arg-type]
            | RunnableLambda(self._cite)
        )

    # ---- chain steps ----------------------------------------------------------------------
    def _condense(self, x: dict[str, Any]) -> str:
        if not x.get("history"):
            return str(x["question"])
        out = self.condense_chain.invoke({"history": format_history(x["history"]), "question": x["question"]})
        line = next((ln.strip() for ln in str(out).splitlines() if ln.strip()), "")
        return line.strip('"') if 3 <= len(line) <= 500 else str(x["question"])

    def _retrieve(self, x: dict[str, Any]) -> list[ScoredChunk]:
        return self.retrieve(x["standalone"], x.get("filters"))[: self.max_sources]

    def _cite(self, x: dict[str, Any]) -> Generated | None:
        raw = str(x["reply"]).strip()
        retrieved = tuple(x["retrieved"])
        if not raw:
            raise LLMError("the LLM server returned an empty reply")
        if ABSTAIN_PHRASE.lower().rstrip(".") in raw.lower() and not re.search(r"\[\d+\]", raw):
            return Generated(raw, (), (), True, x["standalone"], retrieved, raw)
        checked = verify(raw, x["numbered"], self.encoder, self.min_support)
        for f in checked.flags:
            log.info("verifier %s a sentence: %s", f.action, f.reason)
        if not checked.text:
            return Generated("", (), checked.flags, False, x["standalone"], retrieved, raw)
        text = checked.text
        dates = sorted({c.published for c in checked.citations if c.published})
        if dates and str(dates[-1].year) not in text:
            text = f"As of {format_date(dates[-1])}: {text}"
        return Generated(text, checked.citations, checked.flags, False, x["standalone"], retrieved, raw)

    # ---- entry points ---------------------------------------------------------------------
    def answer(self, question: str, history: Sequence[tuple[str, str]], filters: Any) -> Generated:
        try:
            result = self.chain.invoke({"question": question, "history": list(history), "filters": filters})
        except Exception as exc:  # any failure of the model server becomes an LLMError
            raise _llm_error(exc) from exc
        assert isinstance(result, Generated)
        return result

    def stream(self, question: str, history: Sequence[tuple[str, str]], filters: Any) -> Iterator[str | Generated]:
        """Model tokens as they come, then the verified ``Generated``."""
        try:
            x: dict[str, Any] = {"question": question, "history": list(history), "filters": filters}
            x["standalone"] = self._condense(x)
            x["retrieved"] = self._retrieve(x)
            x["numbered"] = number_sources([s.chunk for s in x["retrieved"]])
            x["sources"] = format_sources(x["numbered"])
            parts = []
            for token in self.answer_chain.stream(x):
                if token:
                    parts.append(token)
                    yield token
            x["reply"] = "".join(parts)
            result = self._cite(x)
        except Exception as exc:
            raise _llm_error(exc) from exc
        assert result is not None
        yield result

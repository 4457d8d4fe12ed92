"""The generative answerer: an LCEL chain over any LangChain chat model.

    condense (prompt file, only with history; the reply checked, ``condensed``) -> hybrid
    retrieval (``llm_max_sources`` passages) -> one human message: the rules, the numbered
    sources (title, date, source), the question -> chat model, always streamed -> each sentence
    verified as it completes (``cite.verifier.Checker``)

The rules go in the human message, not a system message: some chat templates drop the system
role. Generation is streamed even for ``answer`` and bounded by ``timeout_s`` as a whole: when
the time is up the stream is closed, which closes the HTTP connection, so the server stops
generating instead of keeping its slot busy for the next question. The model's reply never
reaches the user unchecked: ``stream`` yields only verified sentences. It raises ``LLMError`` on
any server failure; the caller (``generative.route``) decides what the user gets.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.prompts import ChatPromptTemplate

from rag.answer.generative.condensed import standalone_from
from rag.answer.generative.settle import prompted
from rag.cite.citations import MARKER, Source, attach_trailing, number_sources, split_claims
from rag.cite.verifier import Checker
from rag.errors import LLMError
from rag.index.embeddings import SentenceEncoder
from rag.models import Citation, Flag, ScoredChunk, format_date
from rag.nlp.text import sentence_spans
from rag.prompts import Prompt

log = logging.getLogger(__name__)
ABSTAIN_PHRASE = "The sources do not say."
Retrieve = Callable[[str, Any, int], list[ScoredChunk]]


@dataclass(frozen=True)
class Generated:
    text: str
    citations: tuple[Citation, ...]
    flags: tuple[Flag, ...]
    abstained: bool
    standalone: str
    retrieved: tuple[ScoredChunk, ...]
    raw: str
    sentences: int = 0  # sentences the model wrote
    kept: int = 0  # of which verified
    timings: dict[str, float] = field(default_factory=dict)


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


def complete_sentences(text: str) -> tuple[list[str], str]:
    """The sentences of a growing reply that are finished (another has begun after them, so a
    marker after the full stop has had its chance to arrive), and the rest."""
    text = attach_trailing(text)
    spans = list(sentence_spans(text))
    done: list[str] = []
    for (s, e), (s2, _) in zip(spans, spans[1:], strict=False):
        if not text[s2:s2 + 1].isalnum():  # "[" of a marker still being written
            break
        done.append(text[s:e])
        rest_from = s2
    return (done, text[rest_from:]) if done else ([], text)


def generate(chain: Any, values: Any, timeout_s: float, timings: dict[str, float]) -> Iterator[str]:
    """The text a chat model (or a prompt piped into one) streams, within ``timeout_s`` in all; on
    time-out the stream (and its HTTP connection) is closed and ``LLMError`` raised, so the
    server stops generating. Adds ``first_token_ms``, ``generate_ms`` and ``tokens`` to ``timings``."""
    t0 = time.perf_counter()
    chunks = chain.stream(values)
    pieces, reported = 0, 0  # text chunks seen; output tokens the server reported (usage)
    try:
        for chunk in chunks:
            usage = getattr(chunk, "usage_metadata", None)
            reported = max(reported, int((usage or {}).get("output_tokens") or 0))
            text = chunk.content if isinstance(chunk.content, str) else ""
            if text:
                timings.setdefault("first_token_ms", (time.perf_counter() - t0) * 1e3)
                pieces += 1
                yield text
            if time.perf_counter() - t0 > timeout_s:
                raise LLMError(f"the LLM server timed out: no complete answer within {timeout_s:g} s; "
                               "the request was cancelled; raise RAG_LLM_TIMEOUT_S or lower RAG_LLM_MAX_TOKENS")
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()  # ends the HTTP response: the server sees the client leave and stops
        timings["generate_ms"] = timings.get("generate_ms", 0.0) + (time.perf_counter() - t0) * 1e3
        timings["tokens"] = timings.get("tokens", 0.0) + (reported or pieces)


class GenerativeAnswerer:
    def __init__(self, model: BaseChatModel, prompts: dict[str, Prompt], encoder: SentenceEncoder,
                 retrieve: Retrieve, max_sources: int, timeout_s: float = 60.0, min_support: float = 0.35):
        self.model = model
        self.encoder = encoder
        self.retrieve = retrieve
        self.max_sources = max_sources
        self.timeout_s = timeout_s
        self.min_support = min_support
        self.prompted = prompted(prompts, ABSTAIN_PHRASE)
        rules = prompts["system"].render(abstain_phrase=ABSTAIN_PHRASE).replace("{", "{{").replace("}", "}}")
        self.answer_prompt = ChatPromptTemplate.from_messages([("human", f"{rules}\n\n{prompts['answer'].template}")])
        self.condense_prompt = ChatPromptTemplate.from_messages([("human", prompts["condense"].template)])

    # ---- steps ----------------------------------------------------------------------------
    def _generate(self, prompt: ChatPromptTemplate, values: dict[str, Any], timings: dict[str, float]) -> Iterator[str]:
        return generate(prompt | self.model, values, self.timeout_s, timings)

    def condense(self, question: str, history: Sequence[tuple[str, str]], fallback: str,
                 timings: dict[str, float]) -> str:
        """The model's standalone question, or ``fallback`` when its reply is not one."""
        if not history:
            return question
        t = time.perf_counter()
        reply = "".join(self._generate(self.condense_prompt, {"history": format_history(history),
                                                              "question": question}, timings))
        timings["condense_ms"] = (time.perf_counter() - t) * 1e3
        found = standalone_from(reply, question, history, self.prompted.rules)
        if found is None:
            log.info("condensed question refused, using the deterministic one: %r", reply[:200])
        return found or fallback

    # ---- entry points ---------------------------------------------------------------------
    def stream(self, question: str, history: Sequence[tuple[str, str]], filters: Any,
               fallback: str | None = None) -> Iterator[str | Generated]:
        """Verified sentences as the model completes them, then the ``Generated``."""
        timings: dict[str, float] = {}
        try:
            standalone = self.condense(question, history, fallback or question, timings)
            t = time.perf_counter()
            retrieved = tuple(self.retrieve(standalone, filters, self.max_sources)[: self.max_sources])
            timings["retrieve_ms"] = (time.perf_counter() - t) * 1e3
            numbered = number_sources([s.chunk for s in retrieved])
            checker = Checker(numbered, self.encoder, self.min_support, self.prompted)
            values = {"sources": format_sources(numbered), "question": standalone}
            raw, pending = "", ""
            for token in self._generate(self.answer_prompt, values, timings):
                raw += token
                done, pending = complete_sentences(pending + token)
                for kept in self._check(checker, done, timings):
                    yield kept + " "
            for kept in self._check(checker, [pending] if pending.strip() else [], timings):
                yield kept
        except Exception as exc:  # any failure of the model server becomes an LLMError
            raise _llm_error(exc) from exc
        yield self._result(raw.strip(), checker, standalone, retrieved, timings)

    def answer(self, question: str, history: Sequence[tuple[str, str]], filters: Any,
               fallback: str | None = None) -> Generated:
        for event in self.stream(question, history, filters, fallback):
            if isinstance(event, Generated):
                return event
        raise LLMError("the LLM answer ended without a result")  # pragma: no cover - stream always yields one

    def _check(self, checker: Checker, sentences: Sequence[str], timings: dict[str, float]) -> Iterator[str]:
        t = time.perf_counter()
        for sentence in sentences:
            for claim, numbers, raw in split_claims(sentence, with_raw=True):
                if _abstains(claim) and not numbers:
                    continue  # the abstention phrase is no claim; ``_result`` reads it
                kept = checker.add(claim, numbers, raw)
                if kept:
                    yield kept
        timings["verify_ms"] = timings.get("verify_ms", 0.0) + (time.perf_counter() - t) * 1e3

    def _result(self, raw: str, checker: Checker, standalone: str, retrieved: tuple[ScoredChunk, ...],
                timings: dict[str, float]) -> Generated:
        if not raw:
            raise LLMError("the LLM server returned an empty reply")
        if timings.get("generate_ms") and timings.get("tokens"):
            timings["tokens_per_s"] = timings["tokens"] / (timings["generate_ms"] / 1e3)
        checked = checker.result()
        for f in checked.flags:
            log.info("verifier %s a sentence: %s", f.action, f.reason)
        if _abstains(raw) and not MARKER.search(raw):
            return Generated(raw, (), (), True, standalone, retrieved, raw, timings=timings)
        text = checked.text
        dates = sorted({c.published for c in checked.citations if c.published})
        if text and dates and str(dates[-1].year) not in text:
            text = f"As of {format_date(dates[-1])}: {text}"
        return Generated(text, checked.citations, checked.flags, False, standalone, retrieved, raw,
                         sentences=checked.sentences, kept=len(checker.kept), timings=timings)


def _abstains(text: str) -> bool:
    return ABSTAIN_PHRASE.lower().rstrip(".") in text.lower()

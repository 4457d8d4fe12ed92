"""The verifier: each sentence of a model's answer is kept only when what it cites supports it
(``Checker``, sentence by sentence, as the model writes; ``verify`` over a whole answer), and the
same checks run over every extractive answer without removing anything (``audit``).

A sentence must carry at least one in-range marker; not repeat the prompt (``support.echo``);
every number, date and proper name in it must occur in the cited sources (``citations.check_claim``;
arithmetic shown as "11 - 4 = 7" is accepted when the operands occur and the sum is right); its
similarity to the best cited sentence must clear a bar; and the parse-based checks of
``cite.support`` must pass (a name at the start, acronyms, day and month, what a figure counts,
negation and opposite words).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rag.cite import doers, figures, shares, support, swaps
from rag.cite.citations import (
    INSTRUCTION,
    Source,
    _facts,
    best_quote,
    check_claim,
    cited_key,
    make_citation,
    name_in,
    normalise_claim,
    split_claims,
)
from rag.index.embeddings import SentenceEncoder
from rag.models import Chunk, Citation, Flag
from rag.nlp.lexicon import content_terms, word_key
from rag.nlp.text import sentence_spans

# a bare answer word opening a reply ("Yes. Despite several incidents, UNHCR ... [1]."): train claim
# rows E-086, F-022, F-068 (three texts) were removed for want of a marker
_ANSWER_WORD = re.compile(r"(?:yes|no)[.!,:]?", re.I)


@dataclass(frozen=True)
class Verified:
    text: str
    citations: tuple[Citation, ...]
    flags: tuple[Flag, ...]
    sentences: int = 0  # sentences the answer had, kept or not


@dataclass(frozen=True)
class Prompted:
    """What the model was shown besides the sources, so that an echo of it is caught."""

    labels: tuple[str, ...] = ()  # "Sources", "Question", ...
    rules: str = ""


class Checker:
    """Verifies an answer sentence by sentence (``add``), in order, as the model writes it: the
    kept sentences with their markers renumbered 1..n in order of first use, and a ``Flag`` for
    each sentence removed. ``verify`` runs it over a whole answer; streaming feeds it sentence by
    sentence."""

    def __init__(self, sources: Sequence[Source], encoder: SentenceEncoder | None, min_support: float = 0.35,
                 prompted: Prompted = Prompted()):
        self.by_number = {s.number: s.chunk for s in sources}
        self.encoder = encoder
        self.min_support = min_support
        self.prompted = prompted
        self.kept: list[str] = []
        self.flags: list[Flag] = []
        self.citations: dict[int, Citation] = {}
        self.sentences = 0
        self.held = ""  # an opening "Yes." waiting for the sentence that supports it

    def add(self, claim: str, numbers: Sequence[int], raw: str = "") -> str | None:
        """The sentence as kept (with renumbered markers), or None when it is removed (or held:
        a bare "Yes." or "No." opening the answer goes out with the sentence after it, which
        carries its support, and is dropped with it)."""
        if not numbers and _ANSWER_WORD.fullmatch(claim) and not self.kept:
            self.held = claim
            return None
        self.sentences += 1
        kept = self._add(claim, numbers, raw)
        if kept is not None and self.held:
            self.kept[-1] = kept = f"{self.held} {kept}"
        self.held = ""
        return kept

    def _add(self, claim: str, numbers: Sequence[int], raw: str) -> str | None:
        valid = [n for n in dict.fromkeys(numbers) if n in self.by_number]
        wrong = sorted(set(numbers) - set(valid))  # "[1][1]" is one marker written twice, not out of range
        if wrong:
            self.flags.append(Flag(claim, "flagged", f"marker(s) {wrong} out of range; removed"))
        if not valid:
            return self._remove(claim, "no valid citation")
        cited = [self.by_number[n] for n in valid]
        reason = support.echo(claim, raw or claim, cited, self.prompted.labels, self.prompted.rules)
        haystack = cited_key(cited)  # read once for both checks
        reason = reason or check_claim(claim, cited, haystack)
        if reason:
            return self._remove(claim, reason)
        quotes = [(n, best_quote(claim, self.by_number[n], self.encoder)) for n in valid]
        if all(INSTRUCTION.search(q[1][0]) for q in quotes):
            return self._remove(claim, "it repeats an instruction found inside a source, not a reported fact")
        terms = content_terms(claim)
        cited_terms = {t for c in cited for t in content_terms(c.text)}
        overlap = sum(t in cited_terms for t in terms) / len(terms) if terms else 0.0
        similarity = max(q[1][3] for q in quotes)
        # supported when close in meaning, or when most of its words are the cited passage's words
        if similarity < self.min_support and overlap < 0.6:
            return self._remove(claim, f"too far from what it cites (similarity {similarity:.2f}, "
                                       f"shared words {overlap:.0%})")
        reason = deep_check(normalise_claim(claim), cited, aligned(claim, cited, quotes), haystack)
        if reason:
            return self._remove(claim, reason)
        marks = []
        for n, (quote, start, end, sim) in quotes:
            key = self.by_number[n].id
            existing = next((c for c in self.citations.values() if c.chunk_id == key), None)
            if existing is None:
                existing = make_citation(len(self.citations) + 1, self.by_number[n], quote, start, end,
                                         max(sim, overlap))
                self.citations[existing.number] = existing
            marks.append(f"[{existing.number}]")
        body = claim.rstrip()
        stop = body[-1] if body[-1] in ".!?" else "."
        kept = f"{body.rstrip('.!?')} {''.join(marks)}{stop}"
        self.kept.append(kept)
        return kept

    def _remove(self, claim: str, reason: str) -> str | None:
        self.flags.append(Flag(claim, "removed", reason))
        return None

    def result(self) -> Verified:
        return Verified(" ".join(self.kept), tuple(self.citations.values()), tuple(self.flags), self.sentences)


def aligned(claim: str, cited: Sequence[Chunk], quotes: Sequence[tuple[int, tuple[str, int, int, float]]]) -> str:
    """The cited sentence the claim copies most words of (the most similar one on a tie): what a
    flipped word is looked for against. The most similar sentence in meaning can be the one
    before, which says the opposite ("started increasing" / "declined")."""
    terms = {word_key(t) for t in content_terms(claim)}
    best = max(quotes, key=lambda q: q[1][3])[1][0]
    scored = [(len(terms & {word_key(t) for t in content_terms(c.text[a:b])}), c.text[a:b])
              for c in cited for a, b in sentence_spans(c.text)]
    top = max((n for n, _ in scored), default=0)
    best_terms = len(terms & {word_key(t) for t in content_terms(best)})
    return best if best_terms >= top else next(sent for n, sent in scored if n == top)


def deep_check(claim: str, cited: Sequence[Chunk], best: str, haystack: str) -> str | None:
    """The parse-based checks of ``cite.support`` (a name at the start, acronyms, dates, what a
    figure counts, polarity against the best-supporting cited sentence)."""
    raw = " ".join(f"{c.title}. {c.source}. {c.text}" for c in cited).replace(".", "")
    name = support.first_name(claim)
    if name and not name_in(name, haystack):
        return f"'{name}' is not in the cited source"
    return (support.acronyms_ok(claim, haystack, raw)
            or figures.dates(claim, cited, date.today())
            or figures.counted(claim, _facts(claim)[0], cited)
            or figures.bindings(claim, cited)
            or shares.moved_share(claim, cited)
            or figures.event_date(claim, best, max((c.published for c in cited if c.published), default=None),
                                  [c.text for c in cited if best not in c.text])
            or support.polarity(claim, best)
            or swaps.substituted(claim, best)
            or swaps.exchanged(claim, best)
            or doers.reassigned(claim, best))


def verify(answer: str, sources: Sequence[Source], encoder: SentenceEncoder | None,
           min_support: float = 0.35, prompted: Prompted = Prompted()) -> Verified:
    """Keep the sentences whose citations support them; renumber the kept citations 1..n."""
    checker = Checker(sources, encoder, min_support, prompted)
    for claim, numbers, raw in split_claims(answer, with_raw=True):
        checker.add(claim, numbers, raw)
    return checker.result()


_END = re.compile(r"[.!?][\"”’)]*$|$")  # where a claim's marker goes: before its closing punctuation


def _marked(claim: str, numbers: Sequence[int]) -> str:
    marks = "".join(f"[{n}]" for n in numbers)
    return _END.sub(lambda m: f" {marks}{m.group(0)}", claim, count=1) if numbers else claim


def audit(text: str, citations: Sequence[Citation], chunks: Sequence[Chunk],
          encoder: SentenceEncoder | None) -> tuple[Flag, ...]:
    """The verifier run over an answer whose sentences are already chosen (the extractive one):
    the same checks as ``verify``, but nothing is removed; what it would remove comes back as a
    "flagged" ``Flag`` for the reader and the evaluation to see."""
    # the extractive answer quotes each sentence whole, so its marker follows the full stop: "... camps. [1]"
    claims = split_claims(text)
    # and a unit of two sentences ("X happened. It was forced ... [1]") carries one marker for both
    for i in range(len(claims) - 2, -1, -1):
        if not claims[i][1]:
            claims[i] = (claims[i][0], claims[i + 1][1])
    text = " ".join(_marked(claim, numbers) for claim, numbers in claims)
    by_id = {c.id: c for c in chunks}
    sources = [Source(c.number, by_id[c.chunk_id]) for c in citations if c.chunk_id in by_id]
    if not sources:
        return ()
    return tuple(Flag(f.sentence, "flagged", f"the verifier would remove it: {f.reason}")
                 for f in verify(text, sources, encoder).flags)

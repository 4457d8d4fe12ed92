"""Whole-answer checks of a model's verified answer, and which answer the user gets.

After the sentence checks (``cite.verifier``) a model's answer is still refused as a whole when:

- most of its sentences were removed (what is left is not the answer the model meant);
- what is left does not address the question (``addresses``): a how-many question answered
  without a figure, or asking for an outcome ("how many were killed") answered with no word of
  it; a when-question without a time; or sentences far from the question in meaning
  (``relevance`` below ``MIN_RELEVANCE``);
- the model abstained, but the extractive answerer finds an answer it is confident of.

Then the extractive answer is shown (an abstention when it has nothing either), and the notice
says why. ``relevance`` is the largest cosine similarity of the question to a kept sentence, with
the packaged encoder. On the dev rows of the claim benchmark (``tests/data/claims``) it hardly
separates: true sentences that do not answer are written on the question's topic, and scored
0.20-0.45 like correct answers (0.16-0.50), so its floor only catches the clearly unrelated; the
answer-type test catches more (dev rows A-102, B-102, B-105: a figure of another count).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from rag.cite.citations import normalise_claim
from rag.cite.figures import OUTCOMES  # the outcomes of a count: "how many civilians were killed"
from rag.cite.verifier import Prompted
from rag.index.embeddings import SentenceEncoder
from rag.nlp.dates import find_dates, has_temporal
from rag.nlp.lexicon import phrases, word_key
from rag.nlp.numbers import has_number
from rag.nlp.text import tokens
from rag.prompts import Prompt
from rag.query.question import analyse

MIN_RELEVANCE = 0.15


def relevance(question: str, claims: Sequence[str], encoder: SentenceEncoder) -> float:
    """How well the best of ``claims`` addresses ``question`` (cosine similarity; 0 without claims)."""
    if not claims:
        return 0.0
    vecs = encoder.encode([question, *claims])
    return float(np.max(vecs[1:] @ vecs[0]))


def addresses(question: str, claims: Sequence[str], encoder: SentenceEncoder,
              min_relevance: float = MIN_RELEVANCE) -> str | None:
    """Why the kept ``claims`` do not answer ``question`` (None when they may)."""
    q = analyse(question)
    said = _outcomes_said(claims)
    if q.qtype == "numeric":
        if not any(has_number(c) for c in claims):
            return "it gives no figure, and the question asks for one"
        # only an outcome is tested ("deaths", "killed"): "IDPs" may be written "displaced people"
        wanted = (({q.focus} if q.focus else set()) | {word_key(t) for t in tokens(question)}) & OUTCOMES
        if wanted and not any(s.startswith(w) or w.startswith(s) for w in wanted for s in said if len(s) >= 4):
            return f"it gives no figure of the {' or '.join(sorted(wanted))} the question asks about"
    # a day as the fact check reads it: "on 18/07" (train claim row F-057)
    if q.qtype == "when" and not any(has_temporal(c) or find_dates(normalise_claim(c), date.today()) for c in claims):
        return "it gives no time, and the question asks when"
    score = relevance(question, claims, encoder)
    if score < min_relevance:
        return f"it is about something else (relevance {score:.2f} < {min_relevance})"
    return None


# how an answer writes an outcome it was asked about without its word: displacement ("left
# their homes", "crossed into Sudan", "IDPs"), relocation ("helped to move"). Train claim rows
# D-009, D-016, D-038, E-082, F-010, F-018, F-054 (five texts), each refused as "no figure of the
# displaced" though it gave one
_PARAPHRASES = {"displac": ("left", "leave", "leaving", "cross", "crossed", "crossing", "idp", "idps", "uproot",
                            "forced"),
                "reloc": ("move", "moved", "moving")}


def _outcomes_said(claims: Sequence[str]) -> set[str]:
    """The word keys of the claims (multi-word expressions folded: "forced from their homes"),
    with the outcome each paraphrase stands for."""
    words = [t for c in claims for t in tokens(phrases(c))]
    said = {word_key(t) for t in words}
    said.update(k for k, ways in _PARAPHRASES.items() if any(t in ways for t in words))
    return said


def prompted(prompts: dict[str, Prompt], abstain_phrase: str) -> Prompted:
    """The labels ("Sources", "Question") and rules of the prompts, for the echo check."""
    texts = [prompts["system"].render(abstain_phrase=abstain_phrase), prompts["answer"].template,
             prompts["condense"].template]
    labels = {line.split(":", 1)[0].strip() for t in texts for line in t.splitlines()
              if ":" in line and len(line.split(":", 1)[0].split()) <= 3}
    rules = "\n".join(line for t in texts for line in t.splitlines() if "{" not in line)
    return Prompted(tuple(sorted(lb for lb in labels if lb and not lb.startswith("-"))), rules)


@dataclass(frozen=True)
class Refusal:
    """Why a model's answer is not shown; None from ``refuse`` when it is."""

    notice: str


def refuse(kept: int, sentences: int, off_topic: str | None, model_abstained: bool,
           extractive_answers: bool) -> Refusal | None:
    if model_abstained:
        if extractive_answers:
            return Refusal("The model said the sources do not hold the answer, but the extractive answerer "
                           "found one; showing it instead.")
        return None
    if kept == 0:
        return Refusal("No sentence of the model's answer could be verified against the sources; "
                       "showing the extractive answer instead.")
    if kept * 2 < sentences:
        return Refusal(f"Only {kept} of the {sentences} sentences of the model's answer could be verified "
                       "against the sources; showing the extractive answer instead.")
    if off_topic:
        return Refusal(f"The model's answer does not address the question ({off_topic}); "
                       "showing the extractive answer instead.")
    return None

"""The model's reply to the condense prompt, checked before it is retrieved with.

Small models answer the condense prompt with a label ("Question: ...", "Standalone question:"),
a role ("User: When did ..."), or the instruction itself ("Rewrite the last question so that
...", issue #17, tried against a real llama.cpp server). ``standalone_from`` takes the first line,
strips a leading label, and refuses a line that is not a question about the conversation: an
echo of the prompt's rules (five words in a row), a fence, a reply too short or too long, or one
that shares no content word with the question and the conversation. The caller then uses the
deterministic rewrite (``query.condense``), for the model's answer and for the extractive fallback.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.nlp.lexicon import content_terms
from rag.nlp.text import match_key

# a label or role a model writes before its rewritten question (the three kinds above)
_LABEL = re.compile(r"^\s*(?:\*\*)?(?:standalone|rewritten|reformulated|last|new)?\s*(?:question|user|human|q)"
                    r"\s*(?:\*\*)?\s*[:\-]\s*", re.I)


def standalone_from(reply: str, question: str, history: Sequence[tuple[str, str]], rules: str) -> str | None:
    line = next((ln.strip() for ln in reply.splitlines() if ln.strip()), "")
    for _ in range(3):  # "Standalone question: Question: ..."
        line = _LABEL.sub("", line).strip().strip('"“”').strip()
    role = line.split(":", 1)[0].strip().lower() if ":" in line else ""
    if not 3 <= len(line) <= 500 or "<<<" in line or ">>>" in line or role == "assistant":
        return None
    words = match_key(line).split()
    prompt_key = f" {match_key(rules)} "
    if any(f" {' '.join(words[i:i + 5])} " in prompt_key for i in range(len(words) - 4)):
        return None
    known = set(content_terms(question)) | {t for _, text in history for t in content_terms(text)}
    return line if set(content_terms(line)) & known else None

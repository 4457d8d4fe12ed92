"""Answer typing from spaCy's parse: does a candidate sentence hold the kind of thing the
question asks for? A who-question wants a PERSON, ORG or NORP; when wants a DATE or TIME; where a
GPE, LOC or FAC; a count wants a number attached (by the parse) to the noun the question counts.
Each is a feature the scorer weighs, never a veto: the small pipeline tags "Mali" PERSON at times.
"""

from __future__ import annotations

from typing import Any

WANTED = {
    "who": frozenset({"PERSON", "ORG", "NORP"}),
    "when": frozenset({"DATE", "TIME"}),
    "where": frozenset({"GPE", "LOC", "FAC"}),
    "numeric": frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT"}),
}
_CONTENT = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "NUM"})
_LIGHT_VERBS = frozenset({"be", "do", "have", "say", "make", "get", "take", "go"})
_COUNT_WORDS = frozenset({"many", "much", "number", "total", "toll", "figure", "count", "estimate"})


def counted_nouns(question: Any) -> frozenset[str]:
    """The lemmas of what a "how many X" / "the number of X" question counts."""
    out: set[str] = set()
    for t in question:
        if t.lower_ in _COUNT_WORDS:
            if t.lower_ in ("many", "much") and t.head.pos_ in ("NOUN", "PROPN"):
                out.add(t.head.lemma_.lower())
            for child in t.children:  # "the number of people": of -> people
                if child.dep_ == "prep":
                    out.update(g.lemma_.lower() for g in child.children if g.dep_ == "pobj")
    return frozenset(out)


def _content_lemmas(doc: Any) -> set[str]:
    return {t.lemma_.lower() for t in doc if t.pos_ in _CONTENT and not t.is_stop}


def _main_verbs(question: Any) -> set[str]:
    return {t.lemma_.lower() for t in question if t.pos_ == "VERB" and t.lemma_.lower() not in _LIGHT_VERBS}


def _number_heads(doc: Any) -> set[str]:
    """The lemma of the noun each number counts ("60,000 people" -> people; "some 60,000 of them")."""
    heads: set[str] = set()
    for t in doc:
        if t.like_num or t.ent_type_ in ("CARDINAL", "QUANTITY", "MONEY", "PERCENT"):
            h = t.head
            while h.dep_ in ("compound", "nummod", "quantmod") and h.head.i != h.i:
                h = h.head
            heads.add(h.lemma_.lower())
            if h.lemma_.lower() in ("of", "more", "over", "than", "about", "around", "some"):  # "thousands of people"
                heads.update(g.lemma_.lower() for g in h.children if g.dep_ == "pobj")
    return heads


def typing_features(qtype: str, question: Any, sentence: Any) -> dict[str, float]:
    """Features of one (question, candidate) pair, both spaCy Docs."""
    asked = question.text.lower()
    wanted = WANTED.get(qtype, frozenset())
    new_ents = [e for e in sentence.ents if e.text.lower() not in asked]
    q_lemmas = _content_lemmas(question)
    s_lemmas = {t.lemma_.lower() for t in sentence}
    counted = counted_nouns(question) if qtype == "numeric" else frozenset()
    verbs = _main_verbs(question)
    return {
        "ent_fit": 1.0 if wanted and any(e.label_ in wanted for e in new_ents) else 0.0,
        "ent_any": min(len(new_ents), 5) / 5.0,
        "count_fit": 1.0 if counted and counted & _number_heads(sentence) else 0.0,
        "lemma_cov": len(q_lemmas & s_lemmas) / len(q_lemmas) if q_lemmas else 0.0,
        "verb_match": 1.0 if verbs and verbs & s_lemmas else 0.0,
        "negated": 1.0 if any(t.dep_ == "neg" for t in sentence) != any(t.dep_ == "neg" for t in question) else 0.0,
    }


TYPING_FEATURES = ("ent_fit", "ent_any", "count_fit", "lemma_cov", "verb_match", "negated")

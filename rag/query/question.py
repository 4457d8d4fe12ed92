"""What a question asks for: its type (numeric, when, who, where, why, how, factoid), its
content terms, the noun a count is about, the proper names it mentions, and whether it leans on
the previous turn. Pure string analysis, no models; it does not retrieve or answer.

>>> q = analyse("How many Harrow Brigade fighters are deployed in Velmora?")
>>> q.qtype, q.focus, q.names
('numeric', 'fighter', ('Harrow Brigade', 'Velmora'))
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.nlp.lexicon import content_terms, phrases, word_key
from rag.nlp.numbers import NEGATION
from rag.nlp.text import STOPWORDS, strip_possessive, tokens

_TYPES: tuple[tuple[str, str], ...] = (
    ("numeric", r"^(how (many|much|big|large|long|far|old|high|often)|what (number|percentage|share|proportion|amount)|by how much)\b"
                r"|^what (?:is|was|are|were) the (?:\w+ ){0,3}(?:estimate|figure|number|toll|count|total|tally)s? of\b"),
    ("when", r"^(when|since when|until when|what (date|day|year|month|time)|on what (date|day)|in what year|which (date|day|year|month))\b|\b(on|in) what (date|day|year)\b"),
    ("who", r"^(who|whom|whose)\b|^what is the name of\b|^name the\b"
            r"|^(which|what) (?:\w+ ){0,2}(official|mediator|envoy|commander|minister|leader|spokes(?:man|woman|person)"
            r"|president|governor|general|negotiator|diplomat|coordinator|director|chief|person|man|woman)\b"),
    ("where", r"^(where|to where|from where|which (town|city|country|place|region|area|village|province|camp|base)s?\b)"),
    ("why", r"^(why|for what reason|what (caused|led to|prompted|drove))\b"),
    ("how", r"^how (did|was|were|do|does|is|are|has|have|had)\b"),
)
_COMPARES = re.compile(r"\bby how (?:much|many)\b|\bhow much (?:higher|lower|more|less|bigger|smaller|larger)\b"
                       r"|\b(?:difference|change|increase|rise|jump|drop|fall) (?:in \w+ )?between\b"
                       r"|\bhow (?:big|large|steep|sharp|much) (?:was|is|has been) the (?:drop|fall|rise|increase|"
                       r"decline|jump|decrease|change)\b", re.I)
# the other side of a count the sources give: "how many were hurt rather than killed" (train h2-014,
# h3-081), "were outside Borno" / "outside the north-east" (h7-024, h7-026), "spared" (dev h4-021)
COMPLEMENT = re.compile(r"\b(?:rather than|other than|apart from|besides|excluding|outside|spared|but not)\b", re.I)
_REMAINDER = re.compile(r"\b(remain|remaining|left|still|rest|yet to|outstanding|have to|has to|how many more)\b", re.I)
_DEFINE = re.compile(r"^(?:[Ww]ho|[Ww]hat) (?:is|are|was|were) (the )?(?![^?]*['’]s [a-z])[A-Z][\w'’ -]*\??$|\bstand for\b|"
                     r"\bwhat does [A-Z]\w* mean\b|\bfull name\b|\bshort for\b|\bacronym\b|\babbreviation\b")
_TIME_WORDS = frozenset("""
    january february march april may june july august september october november december monday
    tuesday wednesday thursday friday saturday sunday mid early late end
""".split())  # noqa: SIM905
_ANAPHORA = re.compile(r"\b(those|these|they|them|he|she|him|the same|that (?:one|group|town|city|convoy|attack))\b", re.I)
_WH = {"who", "what", "when", "where", "why", "which", "how", "whom", "whose", "is", "are", "was", "were",
       "did", "does", "do", "has", "have", "had", "on", "in", "since", "according", "the", "a", "an"}
_VERBISH = {"did", "do", "does", "were", "was", "are", "is", "have", "has", "had", "will", "would",
            "can", "could", "sent", "remain", "died", "killed"}


@dataclass(frozen=True)
class Question:
    text: str
    qtype: str
    terms: tuple[str, ...]  # stemmed content terms
    focus: str | None  # stemmed head noun of "how many X" / "which X" / "who is the X"
    focus_word: str | None  # the same noun as written
    names: tuple[str, ...]  # capitalised names as written
    remainder: bool  # asks for what is left ("still", "remain")
    negated: bool  # a count of what did not happen ("had not reported", "lacked", "stayed away")
    define: bool  # asks what or who a name is: "Who is X?", "What does X stand for?"
    anaphoric: bool
    compares: bool = False  # "by how much did it rise between ...": two reports' figures of one count
    complement: bool = False  # "hurt rather than killed", "outside Borno": the rest of a whole the sources split


def _names(text: str) -> tuple[str, ...]:
    """Runs of capitalised words, skipping the question's first word and wh-words."""
    words = re.findall(r"[\w'’-]+", text)
    out, run = [], []
    for i, w in enumerate(words):
        base = strip_possessive(w)
        # a negation in capitals is emphasis, not a name ("how many had NOT yet paid")
        if base[:1].isupper() and not (i == 0 or base.lower() in _WH or base.lower().split("-")[-1] in _TIME_WORDS
                                       or NEGATION.fullmatch(base)):
            run.append(base)
        else:
            if run:
                out.append(" ".join(run))
            run = []
    if run:
        out.append(" ".join(run))
    return tuple(out)


def _focus(text: str, qtype: str) -> str | None:
    """The head noun as written (lower case), or None."""
    low = text.lower()
    m = (re.search(r"\bhow (?:many|much)\s+(?:more\s+)?([\w\s'’-]+)", low)
         or re.search(r"\bname of (?:(?:the|a|an)\s+)?([\w\s'’-]+)", low)
         or re.search(r"\b(?:estimate|figure|number|count|total|tally)s? of (?:(?:the|a|an)\s+)?([\w\s'’-]+)", low)
         or re.search(r"^(?:which|what)\s+([\w\s'’-]+)", low)
         or re.search(r"^who (?:is|was|are|were) (?:the|a|an|[\w-]+['’]s?)\s+([\w\s'’-]+)", low))
    if not m:
        return None
    after = tokens(m.group(1))[:1]
    fronted = re.match(r"^(?:of|among|out of)\s+([\w\s'’-]+?)(?:\s+(?:in|on|at|from|that|which|sent|on)\b|,)", low)
    if fronted and after and (after[0] in _VERBISH or after[0].endswith("ed")):
        # "Of the lorries in the convoy, how many failed to ...": the count is of the fronted noun
        words = [w for w in tokens(fronted.group(1)) if w not in STOPWORDS]
        return words[-1] if words else None
    head = None
    for w in tokens(m.group(1)):
        if w in _VERBISH or (head is not None and (w in STOPWORDS or w.endswith(("ed", "ing")))):
            break  # "how many shelters opened by ...", "how many trucks carrying ..."
        if w not in STOPWORDS:
            head = w
    return head


def question_terms(text: str) -> list[str]:
    """The question's content terms; the adjective of "how long/far/old" asks, it is not a term."""
    text = re.sub(r"\bhow (?:long|far|old|often|soon|big|large|high|close)\b", "how", text, flags=re.I)
    return content_terms(phrases(text))


def analyse(text: str) -> Question:
    t = text.strip()
    low = t.lower()
    # "In mid-March, how many ..." / "At the end of March, who ...": type the main clause
    # and "Of the lab samples tested for cholera in Yemen since January 2019, how many ..." (dev h4-016,
    # train h2-016, h7-024: a long "of the X" lead once typed these counts as factoids)
    main = re.sub(r"^(?:[^,?]{1,50}|of (?:the|its|their) [^,?]{1,110}),\s*(?=(how|who|what|when|where|why|which)\b)",
                  "", low)
    # "Roughly how many ...", "In how many countries ...": the count is still the question
    main = re.sub(r"^(?:(?:and|so|but|roughly|approximately|about|around|exactly|precisely|overall|altogether)\s+)?"
                  r"(?:(?:in|at|on|from|to|for|across|by|with|among|of|between)\s+)?(?=how (?:many|much)\b)", "", main)
    qtype = next((name for name, pat in _TYPES if re.search(pat, main) or re.search(pat, low)), "factoid")
    focus = _focus(t, qtype)
    return Question(text=t, qtype=qtype, terms=tuple(question_terms(t)), focus=word_key(focus) if focus else None,
                    focus_word=focus,
                    names=_names(t), define=bool(_DEFINE.search(t)), remainder=bool(_REMAINDER.search(t)) and qtype == "numeric",
                    negated=bool(NEGATION.search(t)) and qtype == "numeric",
                    compares=bool(_COMPARES.search(t)) and qtype == "numeric",
                    complement=bool(COMPLEMENT.search(t)) and qtype == "numeric",
                    anaphoric=bool(_ANAPHORA.search(t)) or len(content_terms(t)) <= 1
                    or (bool(re.search(r"\b(its|their|his|her)\b", low)) and not _names(t)))

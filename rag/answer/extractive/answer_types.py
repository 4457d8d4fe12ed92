"""What kind of answer a question wants, and whether a sentence holds it: a number for "how
many", a time for "when", a cause for "why", a place for "where", a person for "who is the X"
(a named thing for "what is the name of the agency"). Pure string tests; no models.
"""

from __future__ import annotations

import re

from rag.nlp.dates import MONTHS, WEEKDAYS, has_temporal
from rag.nlp.lexicon import word_key
from rag.nlp.names import NOT_NAMES, person_names
from rag.nlp.numbers import NAME_LIST, NUMBER, counted_as, has_number, number_before, same_action
from rag.nlp.text import STOPWORDS, tokens
from rag.query.question import Question

_CAUSAL = re.compile(r"\b(because|due to|owing to|as a result|following|after|since|amid|so that|in order to|"
                     r"saying|said|accus\w*|blam\w*|reason|caus\w*|led to|push\w*|prompt\w*|would|contravene|"
                     r"over|for fear|to protest|stronghold|strategic|major)\b", re.I)
MOTION = re.compile(r"\b(head\w*|going|go|bound|travel\w*|mov\w*|destination|send\w*|sent|fle\w*|"
                     r"return\w*|driv\w*|walk\w*|transferr?\w*|relocat\w*)\b", re.I)
_DURATION = re.compile(r"\b(?:\d[\d,.]*|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                       r"several|few)[\s-]+(?:minutes?|hours?|days?|weeks?|months?|years?)\b"
                       r"(?!\s+(?:ago|earlier|later))", re.I)  # "a week ago" is a date, not a duration
_SITE = re.compile(r"\b(?:in|at|inside|into|near)\s+(?:(?:a|an|the|their|its|two|three|several|makeshift|disused|"
                   r"local|nearby|[A-Za-z][a-z]+-?[a-z]*)\s+){0,3}(?:schools?|camps?|churche?s?|mosques?|stadiums?|factor(?:y|ies)|"
                   r"buildings?|villages?|towns?|hospitals?|tents?|shelters?|warehouses?|halls?|bases?|forests?|hills?|"
                   r"mountains?|islands?|barracks|compounds?|prisons?|border|capital|port|airport)\b", re.I)
_DATELINE = re.compile(r"[A-Z][A-Z .'’-]{2,40},\s*[A-Z][\w .'’-]{1,40}\s*(?:\([^)]{1,30}\))?\s*[—–-]")
_ORIGIN = re.compile(r"\b(?:set (?:out|off)|leav\w*|left|depart\w*|start\w*|come|came|originat\w*|flee\w*|fled)"
                     r"\s+from\b|\bfrom where\b|\bwhere\b.*\bfrom\??$", re.I)
_FROM_PLACE = re.compile(r"\b(?:from|left|departed|leaving|leaves|out of)\s+(?:the\s+)?([A-Z][a-z][\w-]*)")
_PLACE = re.compile(r"\b(?:in|to|from|at|near|towards?|via|into|for)\s+(?:the\s+)?([A-Z][a-z][\w-]*)")


def type_fit(q: Question, sent: str) -> float:
    """+1 when the sentence holds the kind of answer asked for, -1 when it cannot, 0 unsure."""
    for name in q.names if q.define else ():  # a sentence that defines the name asked about: "X (ABC)", "X, the ..."
        if re.search(rf"\({re.escape(name)}\)|\b{re.escape(name)},\s+(?:the\s+|a\s+|an\s+)?[a-z]", sent):
            return 1.0
    asked = {t.lower() for n in q.names for t in n.split()}
    if q.qtype == "numeric" and q.text.lower().startswith("how long"):
        spans = list(_DURATION.finditer(sent))
        if not spans:
            return -1.0
        # "a 72-hour humanitarian pause": the duration of what the question names, not of something else
        near = {word_key(w) for m in spans for w in tokens(sent[max(0, m.start() - 40):m.end() + 40])}
        return 1.0 if near & set(q.terms) else 0.5
    if q.qtype == "numeric":
        if q.focus and number_before(sent, q.focus):
            return 1.0
        return 0.0 if has_number(sent) else -1.0
    if q.qtype == "when":
        if not has_temporal(sent):
            return -1.0
        if _STATEMENT.search(q.text):  # "when did the UN say ...": the day of the statement is the answer
            return 1.0
        # "..., mediators said on Monday": the day of the report, not of what the question asks about
        anchors = [m for m in _WHEN_ANCHOR.finditer(sent) if not _REPORTED.search(sent[:m.start()])]
        return 1.0 if anchors else 0.0
    if q.qtype == "why":
        return 1.0 if _CAUSAL.search(sent) else 0.0
    if q.qtype == "where" and _ORIGIN.search(q.text):  # "which town did they set out from?": where from
        return 1.0 if any(m.group(1).lower() not in asked | NOT_NAMES for m in _FROM_PLACE.finditer(sent)) else 0.0
    if q.qtype == "where":
        places = [m for m in _PLACE.finditer(sent) if m.group(1).lower() not in asked | NOT_NAMES]
        if MOTION.search(q.text):  # "where was it heading?": a destination, "to X", "towards X"
            places = [m for m in places if m.group(0).split()[0].lower() in ("to", "towards", "toward", "into")]
        staying = not MOTION.search(q.text)  # a dateline or "in schools" says where things happen, not where to
        return 1.0 if places or (staying and (_SITE.search(sent) or _DATELINE.match(sent))) else 0.0
    if q.qtype == "who":
        return 1.0 if named(q, sent) else -1.0
    if _WHICH_PLURAL.match(q.text) and q.focus_word in _NAMED_PLURALS:
        return 1.0 if NAME_LIST.search(sent) else 0.0  # "which countries ...": several names, "A, B and C"
    return 0.0


def listed(q: Question, sent: str) -> str | None:
    """The names a "which countries / towns / groups ..." question asks for, when the sentence
    lists them ("A, B, C and D"): the longest such list, verbatim. Failure class: the list buried
    in a long sentence, a follow-up repeating the whole previous answer (train rows h2-004, h2-077,
    h3-043, h5-058 over four texts)."""
    if not (_WHICH_PLURAL.match(q.text) and q.focus_word in _NAMED_PLURALS):
        return None
    found = [m.group(1) for m in NAME_LIST.finditer(sent)]
    return max(found, key=len) if found else None


_WHEN_ANCHOR = re.compile(rf"\b(?:(?:1[89]|20)\d\d|{WEEKDAYS}|{MONTHS}|yesterday|today|tomorrow|tonight|ago|dawn|"
                          r"midnight|noon|morning|evening|night|\d{1,2}[:.]\d\d|\d{1,2}\s*[ap]\.?m\b)", re.I)
_REPORTED = re.compile(r"\b(?:said|says|told|announced|reported|stated|added|confirmed|warned)"
                       r"(?:\s+[\w'’-]+){0,3}\s+$", re.I)
_STATEMENT = re.compile(r"\b(?:say|said|announce|announced|report|reported|tell|told|confirm|confirmed|"
                        r"state|stated|warn|warned)\b", re.I)
_WHICH_PLURAL = re.compile(r"^(?:which|what)\s", re.I)
_NAMED_PLURALS = frozenset("""
    countries nations nationalities towns cities villages groups organisations organizations agencies districts
    provinces regions bases camps parties states members donors
""".split())  # noqa: SIM905


_THINGS = frozenset("""
    agency group organisation organization party office ministry force front movement council committee
    programme program operation mission coalition alliance militia network unit battalion brigade company
    fund court body union camp base bridge town village city district region province river lake dam road
    hospital school plan deal accord agreement treaty law resolution ship vessel
""".split())  # noqa: SIM905
_RANKS = frozenset("""
    deputy vice assistant acting interim former overall chief top senior junior supreme regional local
    national military political new
""".split())  # noqa: SIM905
_SECOND_RANKS = frozenset(["deputy", "vice", "assistant", "acting", "interim", "former", "junior"])  # never implied
PROPER = re.compile(r"\b(?:[A-Z]{2,}[a-z]?|[A-Z][a-z][\w'’-]*(?:\s+[A-Z][a-z][\w'’-]*)*)\b")


def named(q: Question, sentence: str) -> list[str]:
    """What a "who is the X" / "what is the name of the X" question could take from the sentence:
    people's names, or for a thing (an agency, a town, an operation) any proper name or acronym
    the question does not already hold. Nothing when the sentence gives the role another rank
    than the one asked for ("deputy commander" for "overall commander")."""
    asked = {t.lower() for n in q.names for t in n.split()}
    if q.focus_word and rank_conflict(q, sentence):
        return []
    if q.focus_word not in _THINGS:
        return person_names(sentence, asked)
    found = [m.group(0) for m in PROPER.finditer(sentence) if m.start() > 0]
    return [n for n in found if not {w.lower() for w in n.split()} <= asked | NOT_NAMES]


def rank_conflict(q: Question, sentence: str) -> bool:
    """The question asks for the "overall commander" and the sentence only has a "deputy commander";
    or it asks for a "deputy" one and the sentence names no deputy at all (a "leader" is not one)."""
    words = tokens(q.text)
    if q.focus_word not in words:
        return False
    i = words.index(q.focus_word)
    before = words[i - 1] if i > 0 else ""
    said = re.findall(rf"\b(\w+)[\s-]+{re.escape(q.focus_word)}", sentence.lower())
    asked = {t.lower() for n in q.names for t in n.split()}
    if before and before not in _RANKS | STOPWORDS | asked:
        # a "defence minister" is not the "foreign minister" the sentence names
        kinds = {w for w in said if w not in _RANKS | STOPWORDS}
        return bool(kinds) and word_key(before) not in {word_key(w) for w in tokens(sentence)}
    wanted = before if before in _RANKS else None
    if wanted is None:
        return False
    if wanted in _SECOND_RANKS and wanted not in tokens(sentence):
        return True
    return bool(said) and wanted not in said and any(w in _RANKS for w in said)


def predicate(q: Question) -> str | None:
    """The first content term after the counted noun: 'how many people were KILLED in ...'."""
    words = tokens(q.text)
    stems = [word_key(w) for w in words]
    if q.focus not in stems:
        return None
    names = {t.lower() for n in q.names for t in n.split()}
    after = [(w, st) for w, st in zip(words[stems.index(q.focus) + 1:], stems[stems.index(q.focus) + 1:], strict=True)
             if w not in names]
    for i, (w, _) in enumerate(after):  # "... on the road were still CLOSED": the verb after an auxiliary
        if w in _AUXILIARY:
            # "how many people was the camp HOLDING": a subject between the auxiliary and the verb
            participle = next(((w2, s2) for w2, s2 in after[i + 1:i + 5]
                               if len(w2) > 4 and w2.endswith(("ing", "ed")) and not w2.endswith("eed")), None)
            verb = participle or next(((w2, s2) for w2, s2 in after[i + 1:] if w2 not in _AUXILIARY), None)
            if verb and verb[1] in q.terms:
                return verb[1]
    return next((st for _, st in after if st in q.terms), None)


_AUXILIARY = frozenset("""
    is are was were be been being have has had do does did still not never no longer yet get got
""".split())  # noqa: SIM905


def same_verb(q: Question, sentence: str) -> bool:
    """The sentence counts the asked-about noun under a verb the question uses (or none)."""
    verb = counted_as(sentence, q.focus) if q.focus else None
    return verb is None or verb in q.terms or any(same_action(verb, t) for t in q.terms)


def numbers_in(text: str) -> list[str]:
    return [m.group(1).lower() for m in NUMBER.finditer(text)]

"""Numbers in sentences, and answers derived from them with the arithmetic shown.

Three derivations from one sentence, each only when the sentence states its operands plainly:
- remainder: "had reopened four of its 11 clinics" asked as "how many are still closed" -> 11 - 4 = 7;
- funding gap: "an appeal of $48 million has so far received $11.5 million" -> $36.5 million;
- count of a list: "monitors from Norway, Chile, Senegal and Indonesia" asked as
  "how many countries" -> 4 (the items named).
When the pattern is not there, nothing is derived and the caller quotes the sentence. Figures
across sentences or reports (sums, differences, elapsed days) are ``answer.extractive.derive``'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.nlp.lexicon import word_key
from rag.nlp.text import NUMBER_WORDS, STOPWORDS

_NUM = r"(\d[\d,]*(?:\.\d+)?|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
NUMBER = re.compile(rf"\b{_NUM}\b", re.I)
_PART_OF_TOTAL = re.compile(rf"\b{_NUM}\s+(?:out\s+)?of\s+(?:(?:its|the|their|his|her|our|all|a|an)\s+)?(?:\w+['’]s\s+)?"
                            rf"(?:(?:planned|original|total|initial|estimated)\s+)?{_NUM}((?:\s+[A-Za-z][\w-]*){{1,3}})", re.I)
_CAP = r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*"
NAME_LIST = re.compile(rf"({_CAP}(?:\s*,\s*{_CAP}){{1,}}\s*,?\s+and\s+{_CAP})")


def to_number(token: str) -> float | None:
    t = token.lower().replace(",", "")
    if t in NUMBER_WORDS:
        return float(NUMBER_WORDS[t])
    try:
        return float(t)
    except ValueError:
        return None


def fmt(n: float) -> str:
    return f"{int(n):,}" if n == int(n) else f"{n:g}"


def has_number(text: str) -> bool:
    return any(not re.fullmatch(r"(1[89]|20)\d\d", m.group(1)) for m in NUMBER.finditer(text))


def figure_before(text: str, noun_stem: str) -> str | None:
    """The first number standing before the noun (two modifiers allowed), as written.

    >>> figure_before("The second convoy, of 31 trucks, crossed", "truck")
    '31'
    """
    verbs = _EVENT_NOUNS.get(noun_stem, ())
    for m in NUMBER.finditer(text):
        following = re.findall(r"[A-Za-z][\w'-]*", text[m.end():m.end() + 60])
        if any(word_key(w.lower()) == noun_stem for w in following[:3]):
            return m.group(1)
        if verbs and any(word_key(w.lower()).startswith(verbs) for w in following[:5]):
            return m.group(1)  # "deaths" asked, "37 people had died" said
    return number_of(text, noun_stem)


# counts asked as a noun and reported with a verb: "how many deaths" / "37 people died"
_EVENT_NOUNS = {"death": ("die", "dead", "kill"), "casualti": ("die", "dead", "kill", "wound", "injur"),
                "fatal": ("die", "dead", "kill"), "injuri": ("injur", "wound"), "arrest": ("arrest", "detain")}


def number_before(text: str, noun_stem: str) -> bool:
    """Does a number stand before the noun, allowing two modifiers between them?

    >>> number_before("120 monitors left", "monitor"), number_before("4,217 displaced people", "peopl")
    (True, True)
    >>> number_before("312 boats of its fishing fleet", "fleet")
    False
    """
    return figure_before(text, noun_stem) is not None


def counted_as(text: str, noun_stem: str) -> str | None:
    """The verb (stemmed) that says what a count of the noun counts, when it is a regular past
    form: "9,500 displaced people had returned" -> 'return'; "38,000 people have been displaced"
    -> 'displac'. Two figures of one noun are the same count only when their verbs agree.

    >>> counted_as("about 9,500 displaced people had returned to their villages", "peopl")
    'return'
    """
    for m in NUMBER.finditer(text):
        words = re.findall(r"[A-Za-z][\w'-]*", text[m.end():m.end() + 90])
        at = next((i for i, w in enumerate(words[:3]) if word_key(w.lower()) == noun_stem), None)
        if at is None:
            continue
        for w in words[at + 1:at + 5]:
            if w.lower() in STOPWORDS:
                continue
            return word_key(w.lower()) if w.islower() and w.endswith("ed") else None
        return None
    return None


_NUMBER_OF = re.compile(r"\b(?:number|total|tally|toll|count) of ((?:[A-Za-z][\w'-]*\s+){0,2}?[A-Za-z][\w'-]*)", re.I)
_STATED = re.compile(rf"\b(?:to|at|is|was|were|reached|hit|totals?|totalled|of)\s+(?:about |around |some |nearly |"
                     rf"almost |roughly |more than |over |at least )?{_NUM}\b", re.I)


def number_of(text: str, noun_stem: str) -> str | None:
    """The figure of "the number of <noun> ... has risen to N" (same clause), as written.

    >>> number_of("The number of people displaced around Mora has risen to 18,900, she said.", "peopl")
    '18,900'
    >>> number_of("The number of people displaced is unknown; 40 died.", "peopl") is None
    True
    """
    for m in _NUMBER_OF.finditer(text):
        if not any(word_key(w.lower()) == noun_stem for w in m.group(1).split()):
            continue
        clause = re.split(r"[.;:]\s|, (?:said|says|according)", text[m.end():])[0]
        stated = _STATED.search(clause)
        if stated:
            return stated.group(1)
    return None


@dataclass(frozen=True)
class Derivation:
    value: float
    expression: str  # "11 - 4 = 7 bases remain"
    operands: tuple[str, ...]  # the source words the operands come from


NEGATION = re.compile(r"\b(not|n't|never|no longer|lack\w*|without|stay(?:ed)? away|boycott\w*|absent|skipped|"
                      r"failed to|yet to|unable to)\b|n't\b", re.I)
_OF_THEM = re.compile(rf"\b{_NUM}\s+of\s+(?:them|these|those|the\s+(?P<noun>[A-Za-z][\w'-]*))\b", re.I)


def _parts_of_totals(sentence: str, focus: str | None) -> list[tuple[re.Match[str], int, str, str, str]]:
    """(match, where its clause starts, part, total, noun) for "four of its 11 clinics", and for "opened 26 shelters ...,
    but only 19 of them" or "a convoy of 24 trucks ... 17 of the trucks" (the total is the nearest earlier count
    of the noun)."""
    out = []
    for m in _PART_OF_TOTAL.finditer(sentence):
        words = m.group(3).split()
        noun = next((w for w in words if focus and word_key(w.lower()) == focus), None if focus else words[0])
        if noun:
            out.append((m, m.start(3), m.group(1), m.group(2), noun))
    for m in _OF_THEM.finditer(sentence):
        if m.group("noun") and not (focus and word_key(m.group("noun").lower()) == focus):
            continue  # "17 of the trucks": of the count of trucks given before
        earlier = [n for n in NUMBER.finditer(sentence[:m.start()])
                   if focus and any(word_key(w.lower()) == focus for w in
                                    re.findall(r"[A-Za-z][\w'-]*", sentence[n.end():n.end() + 40])[:3])]
        if earlier:
            noun = next(w for w in re.findall(r"[A-Za-z][\w'-]*", sentence[earlier[-1].end():])
                        if word_key(w.lower()) == focus)
            out.append((m, m.end(), m.group(1), earlier[-1].group(1), noun))
    return out


# verb stems (Snowball) that say the same thing, and the other side of it, in briefing copy
_GROUPS = [
    ({"open", "reopen", "resum", "restor", "restart", "oper", "function"}, {"close", "shut", "suspend", "halt", "stop", "clos"}),
    ({"return", "resettl", "went home"}, {"displac", "fled", "flee", "uproot", "evacu"}),
    ({"releas", "freed", "free", "exchang"}, {"held", "hold", "detain", "arrest", "captur", "kidnap", "abduct", "imprison"}),
    ({"withdraw", "withdrawn", "pull", "left", "leav", "hand", "vacat", "quit", "evacu"}, {"remain", "stay", "kept",
                                                                                           "keep"}),
    ({"reach", "arriv", "deliv", "cross", "got"}, {"wait", "stuck", "block", "turn", "stop", "held"}),
]
_SAME = {w: g for pair in _GROUPS for g in pair for w in g}
_OPPOSITE = {w: pair[1 - i] for pair in _GROUPS for i, g in enumerate(pair) for w in g}
_PLAIN = {"remain", "left", "rest", "outstand"}  # "how many remain": the rest of whatever the total lost


def _kin(verb: str, said: set[str], table: dict[str, set[str]]) -> bool:
    """Is a word of ``said`` the same as (or the opposite of) ``verb``? Stems compared by prefix."""
    if table is _SAME and verb in said:
        return True
    kin = next((v for k, v in table.items() if verb.startswith(k)), set())
    return any(w.startswith(k) for w in said for k in kin)


def same_action(a: str, b: str) -> bool:
    """Do two verb stems say the same thing ("fled", "displac")?"""
    return a == b or _kin(a, {b}, _SAME)


def remainder(sentence: str, focus: str | None, negated: bool = False,
              predicate: str | None = None) -> Derivation | None:
    """The rest of a total, when the question asks for the other side of what the sentence counts.

    "how many remain" of "pulled out of four of its 11 bases" -> 11 - 4 = 7 bases remain;
    "how many had not reported" of "11 of its 15 districts had reported" -> 15 - 11 = 4.
    Nothing when both sides say the same thing ("how many remain closed" of "4 of 11 remain
    closed", "how many had not" of "3 of 9 had not"): that count answers as written.
    """
    for m, after, part_word, total_word, noun in _parts_of_totals(sentence, focus):
        part, total = to_number(part_word), to_number(total_word)
        if part is None or total is None or part > total:
            continue
        clause = re.split(r"[,;]\s|\.\s", sentence[after:])[0]
        lead = re.split(r"[,;]\s|\.\s", sentence[max(0, m.start() - 40):m.start()])[-1]
        if negated == bool(NEGATION.search(clause) or NEGATION.search(lead)):
            said = {word_key(t.lower()) for t in re.findall(r"[A-Za-z][\w'-]*", f"{lead} {clause}")}
            if negated or (predicate and _kin(predicate, said, _SAME)):
                continue  # the sentence counts what the question asks about
            if predicate and predicate not in _PLAIN and not _kin(predicate, said, _OPPOSITE):
                continue  # "still closed" of "suspended 15 of 22": not sure it is the other side; quote it
        left = total - part
        tail = "remain" if not negated else f"are the rest of the {fmt(total)}"
        return Derivation(left, f"{fmt(total)} - {fmt(part)} = {fmt(left)} {noun} {tail}", (part_word, total_word))
    return None


_MONEY = re.compile(r"(?:US)?([$€£])\s?(\d[\d,]*(?:\.\d+)?)(?:\s*(million|billion|bn|m)\b)?", re.I)
_ASKED_FOR = re.compile(r"\b(?:appeal|plan|budget|requirement|request|needs|sought|seeking|asked for|target|"
                        r"requires|required|needed|calls? for)\b[^$€£]{0,60}$", re.I)
_GOT = re.compile(r"\b(?:received|funded|raised|secured|pledged|collected|covered|got|gathered)\b[^$€£]{0,30}$", re.I)
MONEY_GAP = re.compile(r"\bhow much\b.*\b(?:missing|shortfall|gap|unfunded|short|outstanding|still|remain\w*|left|"
                       r"lacking)\b", re.I)


def funding_gap(sentence: str) -> Derivation | None:
    """What an appeal still lacks: "an appeal of $48 million has so far received $11.5 million"
    -> $48 million - $11.5 million = $36.5 million. Nothing unless one amount is clearly the sum
    asked for and the other what came in, in the same currency and unit.

    >>> funding_gap("The $12 million plan has received $3.5 million, or 29 percent.").expression
    '$12 million - $3.5 million = $8.5 million not yet received'
    """
    asked = got = None
    for m in _MONEY.finditer(sentence):
        before = sentence[max(0, m.start() - 80):m.start()]
        after = sentence[m.end():m.end() + 40]
        if asked is None and (_ASKED_FOR.search(before) or re.match(r"\s*(?:appeal|plan|budget|request)\b", after, re.I)):
            asked = m
        elif asked is not None and got is None and _GOT.search(sentence[asked.end():m.start()][-60:]):
            got = m
    if not asked or not got:
        return None
    unit = (asked.group(3) or "").lower(), (got.group(3) or "").lower()
    a, g = to_number(asked.group(2)), to_number(got.group(2))
    if asked.group(1) != got.group(1) or unit[0] != unit[1] or a is None or g is None or g > a:
        return None
    cur, scale = asked.group(1), f" {asked.group(3)}" if asked.group(3) else ""
    return Derivation(a - g, f"{cur}{fmt(a)}{scale} - {cur}{fmt(g)}{scale} = {cur}{fmt(a - g)}{scale} not yet received",
                      (asked.group(0), got.group(0)))


def list_items(names: str) -> list[str]:
    """The items of an 'A, B, C and D' list."""
    return [i.strip() for i in re.split(r"\s*,\s*|\s+and\s+", names) if i.strip()]


# how ``list_count`` shows its count, for the verifier to read it back: "5 countries are named: ..."
LIST_COUNTED = re.compile(r"\b(\d+) [\w' -]{1,40}? (?:are|were) named: ([^.;]+)")


def list_count(sentence: str, noun: str) -> Derivation | None:
    """Count the names in an 'A, B, C and D' list: 'Norway, Chile, Senegal and Indonesia' -> 4."""
    best: list[str] = []
    for m in NAME_LIST.finditer(sentence):
        items = list_items(m.group(1))
        if len(items) > len(best):
            best = items
    if len(best) < 2:
        return None
    names = ", ".join(best[:-1]) + " and " + best[-1]
    return Derivation(float(len(best)), f"{len(best)} {noun} are named: {names}", tuple(best))

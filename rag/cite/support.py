"""Support checks of one answer sentence beyond "its numbers and names occur in what it cites":
the mistakes a model makes while copying most words right. Each returns why the sentence is not
supported, or None. They read spaCy's parse (``nlp.parse``) of the sentence and of the cited
sentences. Examples are rows of the claim benchmark's dev files (``tests/data/claims``).

| check | failure class | dev examples |
|---|---|---|
| ``echo`` | the prompt repeated: a fence, a source's header line, a label or a rule | A-097..101, B-097..101 |
| ``polarity`` | a negation added or dropped, or the opposite word, the rest copied | A-048..056, B-049..056 |
| ``first_name`` | a name opening the sentence, which the capital-letter test skips | A-061, B-057, B-062 |
| ``acronyms_ok`` | an acronym not in the source nor the initials of a name (or 3+ words) there | B-059, B-048 |
| ``figures.dates`` | a day and month, or a month and year, that no cited passage gives | A-071, A-072, and own tests |
| ``figures.event_date`` | a day of the source given to another of its events | B-069, B-071, B-073 |
| ``figures.counted`` | a figure given for another counted outcome ("242 killed"/"injured") | A-039, B-040, B-043 |
| ``figures._status`` | people in need, targeted and reached swapped ("12M people in need") | E-097, F-009, F-097 |
| ``figures.bindings`` | a figure of one name of a list given to another ("Cameroon (4,891)") | B-039, B-041, B-042 |
| ``swaps.substituted`` | a name or figure of the source where the copied sentence has another | A-040, B-063, D-061 |
| ``shares.moved_share`` | a share of the source given to another of its totals ("80% of them") | D-076, F-005, F-077 |
| ``doers.reassigned`` | the copied sentence's action given to another doer ("WHO delivered") | D-071, E-031, E-058 |

And what a correct answer in other words must still pass (false alarms of the train rows, D-, E-,
F-, which paraphrase freely): a figure written otherwise ("2.2M" / "2,200,000", "Ninety-eight",
"07 May"; ``citations.amounts``), "one" standing for a noun, a name by its initials, stem, spelt-out
acronym or agency description (``citations.name_in``, ``nlp.names.AGENCIES``), a negation restating
a negative word ("not enough" / "insufficient"; ``_prefixed``), differing nouns of a count that the
table of kinds cannot judge (``figures._count_kind``), an opening "Yes.", a displacement in other
words ("forced from their homes"; ``generative.settle``).

Opposites are a small lexicon of lemma pairs (``OPPOSITES``), tested in ``tests/test_claims.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rag.cite.citations import MINOR_WORDS, vocabulary
from rag.models import Chunk
from rag.nlp.names import agency_in
from rag.nlp.parse import parse
from rag.nlp.text import match_key, stem

# lemma pairs a model swaps while keeping the rest of the sentence: either word may be the claim's
OPPOSITES: tuple[tuple[str, str], ...] = (
    ("increase", "decrease"), ("increase", "drop"), ("increase", "fall"), ("increase", "decline"),
    ("rise", "fall"), ("rise", "drop"), ("rise", "decline"), ("grow", "shrink"),
    ("open", "close"), ("reopen", "close"), ("allow", "deny"), ("allow", "ban"), ("allow", "prohibit"),
    ("permit", "deny"), ("grant", "deny"), ("grant", "refuse"), ("accept", "reject"), ("approve", "reject"),
    ("win", "lose"), ("gain", "lose"), ("arrive", "depart"), ("arrive", "leave"), ("enter", "leave"),
    ("enter", "exit"), ("resume", "suspend"), ("resume", "halt"), ("lift", "impose"), ("improve", "worsen"),
    ("improve", "deteriorate"), ("before", "after"), ("more", "less"), ("more", "few"), ("high", "low"),
    ("above", "below"), ("include", "exclude"), ("confirm", "deny"), ("succeed", "fail"), ("support", "oppose"),
    ("agree", "refuse"), ("agree", "reject"), ("strengthen", "weaken"), ("available", "unavailable"),
    ("possible", "impossible"), ("able", "unable"), ("safe", "unsafe"), ("north", "south"), ("east", "west"),
    ("northern", "southern"), ("eastern", "western"), ("first", "last"), ("welcome", "condemn"),
    ("expand", "reduce"), ("expand", "cut"), ("with", "without"), ("over", "under"), ("majority", "minority"),
    ("lift", "extend"), ("end", "extend"), ("adopt", "reject"), ("urban", "rural"), ("start", "end"),
    ("surge", "fall"), ("surge", "drop"), ("surge", "decline"), ("ease", "worsen"), ("ease", "tighten"),
    ("improve", "decline"), ("rise", "decrease"), ("increase", "reduce"), ("easy", "difficult"),
    ("easy", "hard"), ("open", "shut"), ("reopen", "shut"), ("up", "down"), ("confirm", "overturn"),
    ("uphold", "overturn"), ("reinforce", "reduce"), ("reinforce", "withdraw"), ("armed", "unarmed"),
    # train claim rows D-086, E-035, F-042, F-050, F-081 (four texts)
    ("continue", "suspend"), ("continue", "halt"), ("continue", "stop"), ("continue", "cease"), ("run", "suspend"),
    ("operate", "suspend"), ("resume", "stop"), ("deliberately", "accidentally"), ("intentionally", "accidentally"),
    ("deliberate", "accidental"), ("allow", "prevent"), ("allow", "bar"), ("permit", "prevent"),
)
_OPPOSITE: dict[str, set[str]] = {}
for _a, _b in OPPOSITES:
    _OPPOSITE.setdefault(_a, set()).add(_b)
    _OPPOSITE.setdefault(_b, set()).add(_a)

_NEGATORS = frozenset({"not", "n't", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without", "cannot"})
_LACK = frozenset({"lack", "absence"})
_CONTENT = frozenset({"VERB", "NOUN", "ADJ", "AUX", "PROPN", "ADV"})  # "deliberately" / "accidentally" (F-050)
# the verbs of a count that are never each other: a figure of one is not a figure of the other
NAME_ENTS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"})
_PRONOUN_LIKE = frozenset({"the", "this", "that", "these", "those", "it", "they", "according", "as", "in", "on",
                           "at", "however", "but", "and", "while", "after", "some", "about", "over", "more", "nearly",
                           "around", "almost", "an", "a", "un", "humanitarian"})


def _negated(doc: Any) -> set[str]:
    """Lemmas the sentence negates: the head of a ``neg`` ("did not grant"), the noun after "no"
    or "without" ("no access", "without water")."""
    out: set[str] = set()
    for t in doc:
        if t.dep_ == "neg" or (t.lower_ in ("never", "no") and t.dep_ in ("neg", "det", "advmod")):
            out.add(t.head.lemma_.lower())
            if t.head.pos_ not in ("VERB", "AUX", "ADJ", "NOUN"):  # "no longer concerned": the word it modifies
                out.add(t.head.head.lemma_.lower())
        elif t.lower_ == "without":
            out.update(c.lemma_.lower() for c in t.children if c.dep_ == "pobj")
        elif t.lemma_.lower() in _LACK:  # "a lack of funding", "lacked access"
            out.update(c.lemma_.lower() for c in t.children if c.dep_ == "dobj")
            out.update(g.lemma_.lower() for c in t.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj")
    return out


def _negative(doc: Any) -> bool:
    return any(t.lower_ in _NEGATORS or t.lemma_.lower() in _LACK for t in doc)


def _prefixed(doc: Any) -> bool:
    """A word that negates by its prefix ("unable to flee", "insufficient", "unimpeded"), which a
    claim's negation may restate: "cannot get out", "is not enough", "without hindrance" (train
    claim rows E-090, F-015, F-048: three texts). Not a negation otherwise: "armed" against
    "unarmed" is an opposite word (dev B-049)."""
    return any(_negative_word(t) for t in doc)


# words that begin with "un" without its sense: "undertaken" (train claim row E-050), "united"
_NOT_PREFIXED = ("under", "unit", "uniq", "unif", "univ", "union", "until", "unless", "unveil", "unleash", "unfold")
_NEGATIVE_WORDS = frozenset({"insufficient", "inadequate", "impossible", "inaccessible", "incapable", "inability"})


def _negative_word(t: Any) -> bool:
    low = t.lower_
    return low in _NEGATIVE_WORDS or (
        low.startswith(("un", "non")) and len(low) >= 6 and t.pos_ in ("ADJ", "VERB")
        and not low.startswith(_NOT_PREFIXED))


_TRACKED = frozenset({"with", "without", "before", "after", "more", "less", "over", "under", "up", "down"})


def _lemmas(doc: Any) -> set[str]:
    """Lemmas and written forms of the content words ("armed" as written: its lemma is "arm")."""
    return {w for t in doc if t.pos_ in _CONTENT or t.lower_ in _TRACKED for w in (t.lemma_.lower(), t.lower_)}


def polarity(claim: str, best: str) -> str | None:
    """A negation the source does not have (or drops one it has), or the opposite of its word."""
    c, s = parse([claim, best])
    c_lem, s_lem = _lemmas(c), _lemmas(s)
    # and the source's words by their stems: "would be opening" tagged a noun is "open" (train E-042)
    s_stems = {stem(t.lower_) for t in s if t.pos_ in _CONTENT}
    c_stems = {stem(t.lower_) for t in c if t.pos_ in _CONTENT}
    c_any = _negative(c)
    s_any = _negative(s) or (c_any and _prefixed(s))
    # a negation on one side only, of a word the other side states ("there has not been any outbreak"
    # and "no outbreak has hit" are both negated, whatever word each negates)
    added = sorted(_negated(c) & s_lem) if c_any and not s_any else []
    if added:
        return f"it negates '{added[0]}', which the source states"
    if c_any and not s_any and _negated(c):
        # "no longer concerned" against "remained concerned" (dev B-054): a denial needs a negation
        # in what supports it (no synonym table sees every paraphrase of the word it denies)
        return f"it denies ('{sorted(_negated(c))[0]}'), and the source says nothing negative"
    dropped = sorted(_negated(s) & c_lem) if s_any and not c_any else []
    if dropped:
        return f"the source negates '{dropped[0]}', which it states"
    if c_any != s_any:
        return None  # a negation on one side: an opposite word may be its paraphrase ("not open" = "closed")
    for word in sorted((c_lem | c_stems) - s_lem - s_stems):
        # "armed" where it says "unarmed", or a pair of the lexicon; not when the claim says both
        opposites = (_OPPOSITE.get(word, set()) | {f"un{word}", word[2:] if word.startswith("un") else ""}
                     | {f"under{word}", word[5:] if word.startswith("under") and len(word) >= 9 else ""}) \
            - c_lem - c_stems
        opposite = sorted(opposites & (s_lem | s_stems))
        if opposite:
            return f"it says '{word}' where the source says '{opposite[0]}'"
    return None


def first_name(claim: str) -> str | None:
    """The name a sentence opens with ("Paris ordered ..."), which the capital-letter test skips."""
    doc = parse([claim])[0]
    if not len(doc) or doc[0].lower_ in _PRONOUN_LIKE:
        return None
    ent = next((e for e in doc.ents if e.start == 0), None)
    if ent is not None and ent.label_ in NAME_ENTS:
        return str(ent.text)
    return str(doc[0].text) if doc[0].pos_ == "PROPN" else None


def acronyms_ok(claim: str, haystack: str, raw: str) -> str | None:
    """An acronym ("WFP") must be in the cited text, or be the initials of a name there, or of
    three or more words written in lower case ("IDPs" / "internally displaced people")."""
    words = raw.split()
    initials = {w.strip("(),.;:'\"") for w in words}
    for i in range(len(words)):
        letters = ""
        for w in words[i:i + 8]:
            w = w.strip("(),.;:'\"")
            if w.lower() in MINOR_WORDS:
                continue
            if not w[:1].isupper():
                break
            letters += w[0]
            initials.add(letters)
    for tok in claim.replace("/", " ").split():
        word = tok.strip("(),.;:'\"’s")
        if len(word) >= 2 and word.isupper() and word.isalpha() and match_key(word) not in haystack \
                and word not in initials and match_key(word) not in vocabulary(haystack)[1] \
                and not agency_in(match_key(word), haystack):
            return f"'{word}' is not in the cited source"
    return None


def echo(claim: str, raw: str, cited: Sequence[Chunk], labels: Sequence[str], rules: str) -> str | None:
    """The prompt repeated: its fence, a source's header line or headline alone, a label of the
    prompt ("Sources:", "Question:"), or five words in a row of its rules."""
    if "<<<" in raw or ">>>" in raw:
        return "it repeats the prompt's fence around a source"
    head = claim.split(":", 1)[0].strip().lower()
    if ":" in claim and head in {lb.lower() for lb in labels}:
        return f"it repeats the prompt's label '{head}:'"
    key = match_key(claim)
    for c in cited:
        title = match_key(c.title)
        if title and title in key and (len(key) - len(title) < 60 or match_key(c.source) in key):
            return "it repeats a source's header line, not a reported fact"
    words = match_key(claim).split()
    rule_key = f" {match_key(rules)} "
    for i in range(len(words) - 4):
        if f" {' '.join(words[i:i + 5])} " in rule_key:
            return "it repeats the prompt's rules"
    return None

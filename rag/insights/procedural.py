"""Sentences that report no development: procedural lines and page boilerplate, kept out of the
briefing and the timeline. Each rule is one failure class; ``procedural`` names the first that
matches, so a dropped sentence says why (``rag.insights.briefing`` logs it).

Failure classes, in the order they are tried:

- furniture: reader prompts and page chrome left inside a paragraph ("Read more", "Subscribe to
  our newsletter", "Click here", "All rights reserved"); the loader drops them only as whole lines.
- credit: photo, video and reporting credits ("Photo: Reuters", "PHOTO | AFP", "Reporting by ...").
- framing: the line that introduces a statement ("The following statement was issued by ...").
- ritual: a watching formula that is the whole main clause ("The Secretary-General is following
  developments closely"); by the parse, so "... and calls for the release of the hostages" keeps its
  sentence.
- attribution only: a speech verb with nothing said ("The ministry said in a statement on Tuesday.",
  "In a statement, the army said:"); by the parse: a reported clause, an object other than the
  statement itself, or a quotation keeps the sentence.

Only classes seen in real pages are here: the real-news collectors' notes record page chrome ("Read
More »") and photo credits ("OCHA/Orla Fagan") cut from the pages they copied, and a UN statement of
the corpus opens with "The following statement was issued today by the Spokesman ...". Update
notes, press contacts, "declined to comment" and "remains seized of the matter" occur in none of the
85 train and dev texts, so they have no rule. It does not judge whether what a sentence says
matters, and it does not read other languages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rag.nlp.parse import parse
from rag.nlp.text import tokens

# furniture: reader prompts and page chrome inside a paragraph ("Read more", "Subscribe to our newsletter")
_FURNITURE = re.compile(
    r"^\W*(?:read more|read also|also read|see also|related|watch|listen|video)\s*:|^\W*(?:read more|subscribe|"
    r"sign up|follow us|click here|share this|advertisement)\b|\bread more\W*$|\b(?:subscribe|sign up) (?:to|for) "
    r"(?:our|the) (?:newsletter|channel|podcast|alerts)\b|\ball rights reserved\b|^\W*(?:copyright\b|©)", re.I)
# credit: photo, video and reporting credits ("Photo: Reuters", "PHOTO | AFP", "(Reporting by ...)")
_CREDIT = re.compile(
    r"\b(?:photo|picture|image)s?(?: credit)?\s*[|:/©]|\b(?:getty images|afp photo|file photo|handout photo)\b|"
    r"^\W*(?:reporting|writing|editing|additional reporting) by\b", re.I)
# framing: the line that introduces a statement ("The following statement was issued by the Spokesperson ...")
_FRAMING = re.compile(
    r"\bthe following (?:statement|press release|note to correspondents|readout)\b|^\W*statement (?:attributable to|"
    r"by|from|of) the (?:spokesperson|spokesman|spokeswoman|secretary|office|president|minister)", re.I)

_SPEECH = frozenset({"say", "state", "add", "tell", "announce", "report", "note", "declare", "confirm", "issue",
                     "write", "post", "comment", "speak"})
_WATCH = frozenset({"follow", "monitor", "watch", "track"})
_SAID_OBJECTS = frozenset({"statement", "communique", "communiqué", "release", "remark", "comment", "briefing"})
_WATCHED = frozenset({"development", "situation", "event"})
_BARE_DEPS = frozenset({"nsubj", "nsubjpass", "aux", "auxpass", "neg", "advmod", "prep", "punct", "npadvmod", "agent",
                        "cc", "prt", "mark"})
_TRIGGERS = frozenset({"said", "says", "say", "stated", "states", "added", "adds", "told", "tells", "announced",
                       "reported", "noted", "declared", "confirmed", "issued", "wrote", "posted", "commented",
                       "following", "follows", "followed", "monitoring", "monitors", "monitored", "watching",
                       "tracking"})
_QUOTES = frozenset("\"“”«»")


def _bare(verb: Any) -> bool:
    """The clause of ``verb`` only says who spoke or watched: every dependent is a subject, an
    auxiliary, a time or venue phrase, or the statement / the situation itself."""
    lemma = verb.lemma_.lower()
    objects = _SAID_OBJECTS if lemma in _SPEECH else _WATCHED if lemma in _WATCH else None
    if objects is None:
        return False
    for child in verb.children:
        if child.dep_ in ("dobj", "attr"):
            if child.pos_ != "PRON" and child.lemma_.lower() not in objects:
                return False
        elif child.dep_ == "ccomp":  # "said it is following the situation"
            if lemma not in _SPEECH or child.lemma_.lower() not in _WATCH or not _bare(child):
                return False
        elif child.dep_ not in _BARE_DEPS:
            return False
    return True


def _says_nothing(text: str, kinds: frozenset[str]) -> bool:
    words = tokens(text)
    if len(words) > 30 or not _TRIGGERS & set(words) or _QUOTES & set(text):
        return False  # long, quoting, or without a speech or watching verb: something is said
    roots = [t for t in parse([text])[0] if t.dep_ == "ROOT"]
    return len(roots) == 1 and roots[0].lemma_.lower() in kinds and _bare(roots[0])


@dataclass(frozen=True)
class Rule:
    name: str  # the failure class
    matches: Callable[[str], object]


RULES: tuple[Rule, ...] = (
    Rule("furniture", _FURNITURE.search),
    Rule("credit", _CREDIT.search),
    Rule("framing", _FRAMING.search),
    Rule("ritual", lambda t: _says_nothing(t, _WATCH)),
    Rule("attribution only", lambda t: _says_nothing(t, _SPEECH)),
)


def procedural(text: str) -> str | None:
    """The failure class of a sentence that reports no development, else None.

    >>> procedural("Displaced families in Mora. Photo: Fictional Wire"), procedural("Rebels shelled Mora.")
    ('credit', None)
    """
    return next((r.name for r in RULES if r.matches(text)), None)

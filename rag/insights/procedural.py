"""Sentences that report no development: procedural lines and page boilerplate, kept out of the
briefing and the timeline. Each rule is one failure class; ``procedural`` names the first that
matches, so a dropped sentence says why (``rag.insights.briefing`` logs it).

Failure classes, in the order they are tried:

- furniture: reader prompts and page chrome left inside a paragraph ("Read more", "Subscribe to
  our newsletter", "Click here", "All rights reserved"); the loader drops them only as whole lines.
- update note: the story's own history ("This story has been updated", "Correction: ...").
- credit: photo, video and reporting credits ("Photo: Reuters", "PHOTO | AFP", "Reporting by ...").
- contact: how to reach a press office ("For more information, contact ...", an e-mail address).
- framing: the line that introduces a statement ("The following statement was issued by ...").
- non-response: "declined to comment", "did not respond to requests for comment".
- ritual: a watching formula that is the whole main clause ("The Secretary-General is following
  developments closely"), or "remains seized of the matter"; by the parse, so "... and calls for the
  release of the hostages" keeps its sentence.
- attribution only: a speech verb with nothing said ("The ministry said in a statement on Tuesday.",
  "In a statement, the army said:"); by the parse: a reported clause, an object other than the
  statement itself, or a quotation keeps the sentence.

It does not judge whether what a sentence says matters, and it does not read other languages.
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
# update note: the story's own history ("This story has been updated", "Correction: ...")
_UPDATE = re.compile(
    r"^\W*(?:this|the) (?:story|article|report|post|page) (?:has been|had been|was|is being) (?:updated|corrected|"
    r"amended|edited|revised)\b|^\W*(?:updated|correction|editor'?s note)\s*[:\d]", re.I)
# credit: photo, video and reporting credits ("Photo: Reuters", "PHOTO | AFP", "(Reporting by ...)")
_CREDIT = re.compile(
    r"\b(?:photo|picture|image)s?(?: credit)?\s*[|:/©]|\b(?:getty images|afp photo|file photo|handout photo)\b|"
    r"^\W*(?:reporting|writing|editing|additional reporting) by\b", re.I)
# contact: how to reach a press office ("For more information, contact ...", "Media contact:", an address)
_CONTACT = re.compile(
    r"^\W*(?:for (?:more|further) information\b|media (?:contact|enquiries|inquiries)\b|press contact\b|contact\s*:)|"
    r"\b(?:e-?mail|tel|phone)\s*[:.]\s*\S|[\w.+-]+@[\w-]+\.[a-z]{2,}", re.I)
# framing: the line that introduces a statement ("The following statement was issued by the Spokesperson ...")
_FRAMING = re.compile(
    r"\bthe following (?:statement|press release|note to correspondents|readout)\b|^\W*statement (?:attributable to|"
    r"by|from|of) the (?:spokesperson|spokesman|spokeswoman|secretary|office|president|minister)", re.I)
# non-response: a party that said nothing ("declined to comment", "did not respond to requests for comment")
_NO_COMMENT = re.compile(
    r"\b(?:declined|refused) to comment\b|\bdid not (?:immediately )?(?:respond|reply) to (?:a |the )?requests? for "
    r"comment\b|\bcould not (?:immediately )?be reached for comment\b|\bno immediate comment\b", re.I)
# ritual: the diplomatic formula of a body that stays in charge of an issue ("remains seized of the matter")
_SEIZED = re.compile(r"\b(?:remain|remains|will remain) (?:actively )?seized of the matter\b", re.I)

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
    Rule("update note", _UPDATE.search),
    Rule("credit", _CREDIT.search),
    Rule("contact", _CONTACT.search),
    Rule("framing", _FRAMING.search),
    Rule("non-response", _NO_COMMENT.search),
    Rule("ritual", lambda t: _SEIZED.search(t) or _says_nothing(t, _WATCH)),
    Rule("attribution only", lambda t: _says_nothing(t, _SPEECH)),
)


def procedural(text: str) -> str | None:
    """The failure class of a sentence that reports no development, else None.

    >>> procedural("For more information, contact the press office."), procedural("Rebels shelled Mora.")
    ('contact', None)
    """
    return next((r.name for r in RULES if r.matches(text)), None)

"""Exports for pasting into sitreps: an answer, a whole conversation or a briefing as Markdown, each
with one numbered reference list (title, source, date, URL, the quoted passage). The Word (.docx)
versions are in ``rag.insights.export_docx`` and share the numbering and grouping here. Pure
functions over the typed results: they call no model, read no index and know nothing of the UI.

Numbering: citation numbers are per answer in the app, so a document renumbers them in order of
first appearance into one list. The same passage (article and quote offsets) cited twice, in one
answer or in two, gets one number; a marker whose number has no citation is dropped; a citation no
marker uses is still listed. When the app's numbers already run 1..n in order nothing changes.

Escaping (everything is plain text in the Markdown): in one-line fields (title, source, question,
quote, briefing line, heading) any run of whitespace, newlines included, becomes one space; the
characters ``\\ ` * _ [ ] < > ~`` are backslash-escaped everywhere except in the [n] markers; a
line (or list item) that would otherwise start a heading, an ordered list or a setext underline has
that start escaped; an answer's "- " / "* " / "+ " bullets are kept, as "- ". http(s), ftp and mailto URLs become
``<autolinks>`` (spaces and angle brackets percent-encoded). ``&`` and ``|`` are not escaped.
It does not render HTML, write files, or date the export (no clock is read).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from rag.cite.citations import DASH
from rag.models import Answer, Citation, format_date

if TYPE_CHECKING:
    from rag.insights.briefing import Briefing, BriefLine

# failure class: an app's per-answer numbers ("[1]", "[1, 2]") clashing in a document's one reference list
MARKER = re.compile(r"(\s*)\[(\d+(?:\s*,\s*\d+)*)\]")
# failure class: a title or quote whose "*", "_" or "[" turns into emphasis or a link in the pasted Markdown
_SPECIAL = re.compile(r"([\\`*_\[\]<>~])")
# failure class: an answer's own "- " bullets escaped into "\-" text
BULLET = re.compile(r"^[-*+]\s+")
# failure class: a "javascript:" or relative address made a clickable link in the document
_SCHEME = re.compile(r"^(?:https?://|ftp://|mailto:)\S", re.I)
NEAREST_LABEL = "Nearest passages (they do not answer the question; nothing is cited from them)"
OTHER_GROUP = "Other"


def escape(text: str) -> str:
    r"""Backslash-escape Markdown's inline specials: ``escape("a *b* [c]") == 'a \\*b\\* \\[c\\]'``."""
    return _SPECIAL.sub(r"\\\1", text)


def one_line(text: str) -> str:
    """Whitespace runs, newlines included, as one space: ``one_line(" a\\n b ") == 'a b'``."""
    return " ".join(text.split())


def _numbers(marker: re.Match[str]) -> list[int]:
    return [int(n) for n in re.split(r"\s*,\s*", marker.group(2))]


def rewrite_markers(text: str, numbers: Mapping[int, int], plain: Callable[[str], str] = escape) -> str:
    """``text`` with each [n] marker renumbered by ``numbers`` (unknown numbers dropped, repeats merged)
    and ``plain`` applied to everything between markers:
    ``rewrite_markers("a [2] b [1, 2].", {1: 5, 2: 4}) == 'a [4] b [5, 4].'``"""
    out, pos = [], 0
    for m in MARKER.finditer(text):
        out.append(plain(text[pos:m.start()]))
        new = list(dict.fromkeys(numbers[n] for n in _numbers(m) if n in numbers))
        if new:
            out.append(f"{m.group(1)}[{', '.join(map(str, new))}]")
        pos = m.end()
    out.append(plain(text[pos:]))
    return "".join(out)


def passage_key(c: Citation) -> tuple[str, str]:
    """What makes two citations the same passage: the article and the quote's offsets (or text)."""
    where = f"{c.start}:{c.end}" if c.end > c.start else c.quote
    return c.article_id or c.title, where


@dataclass
class References:
    """One document's reference list: ``add`` numbers the citations of one answer or briefing into
    it and returns that part's old-to-new numbers; ``cited`` holds each passage once, renumbered."""

    cited: list[Citation] = field(default_factory=list)
    _numbers: dict[tuple[str, str], int] = field(default_factory=dict)

    def add(self, text: str, citations: Sequence[Citation]) -> dict[int, int]:
        local = {c.number: c for c in citations}
        order = [n for m in MARKER.finditer(text) for n in _numbers(m)] + [c.number for c in citations]
        mapping: dict[int, int] = {}
        for n in order:
            if n in local and n not in mapping:
                mapping[n] = self._number(local[n])
        return mapping

    def _number(self, c: Citation) -> int:
        key = passage_key(c)
        if key not in self._numbers:
            self._numbers[key] = len(self.cited) + 1
            self.cited.append(replace(c, number=len(self.cited) + 1))
        return self._numbers[key]


def sentence_end(text: str) -> str:
    """``text`` closed with a full stop unless it already ends a sentence."""
    return text if not text or text[-1] in ".?!…" else text + "."


def reference_fields(c: Citation) -> tuple[str, str, str]:
    """Title and "Source, 9 November 2023", each one line and closed with a stop; the URL or ""."""
    title = sentence_end(one_line(c.title) or "Untitled")
    where = sentence_end(", ".join(p for p in (one_line(c.source), format_date(c.published)) if p))
    return title, where, one_line(c.url or "")


def link_target(url: str) -> str | None:
    """The URL fit for a link (spaces and angle brackets percent-encoded); None unless http(s), ftp or mailto."""
    url = url.strip().replace(" ", "%20").replace("<", "%3C").replace(">", "%3E")
    return url if _SCHEME.match(url) else None


def reference_markdown(c: Citation) -> str:
    """``[n] Title. Source, 9 November 2023. <URL>`` on one line, then the quote as a blockquote."""
    title, where, url = reference_fields(c)
    line = f"[{c.number}] {escape(title)} {escape(where)}"
    if url:
        target = link_target(url)
        line += f" <{target}>" if target else f" {escape(url)}"
    quote = one_line(c.quote)
    return line + (f"\n\n> “{escape(quote)}”" if quote else "")


def _references(refs: References) -> list[str]:
    return ["## References", *(reference_markdown(c) for c in refs.cited)] if refs.cited else []


def _guard_start(line: str) -> str:
    """A line that would start a heading, an ordered list or a setext underline, made plain."""
    line = re.sub(r"^#", r"\\#", line)
    line = re.sub(r"^(\d+)([.)])(?=\s|$)", r"\1\\\2", line)
    return re.sub(r"^(?=[-=+]+\s*$)", r"\\", line)


def _body(text: str, numbers: Mapping[int, int]) -> str:
    """An answer's text, line by line: "- " bullets kept, the rest plain, markers renumbered."""
    lines = []
    for raw in text.strip().splitlines():
        line = raw.strip()
        if bullet := BULLET.match(line):
            lines.append("- " + _guard_start(rewrite_markers(line[bullet.end():], numbers).strip()))
        else:
            lines.append(_guard_start(rewrite_markers(line, numbers).strip()))
    return "\n".join(lines)


def _notes(answer: Answer) -> list[str]:
    notes = [f"*Note:* {escape(one_line(answer.notice))}"] if answer.notice.strip() else []
    for f in answer.flags:
        notes.append(f"*Citation check:* a sentence was {escape(one_line(f.action))} "
                     f"({escape(one_line(f.reason))}).")
    return notes


def nearest_passages(answer: Answer, nearest: int) -> list[tuple[str, str, str]]:
    """Up to ``nearest`` retrieved passages of an abstention: (title, "Source, date.", excerpt)."""
    out = []
    for s in answer.retrieved[:nearest]:
        ch = s.chunk
        where = ", ".join(p for p in (one_line(ch.source), format_date(ch.published)) if p)
        excerpt = one_line(ch.text)
        excerpt = excerpt if len(excerpt) <= 300 else excerpt[:300].rsplit(" ", 1)[0] + " …"
        out.append((sentence_end(one_line(ch.title) or "Untitled"), sentence_end(where), excerpt))
    return out


def _nearest(answer: Answer, nearest: int) -> list[str]:
    shown = nearest_passages(answer, nearest)
    head = [f"**{escape(NEAREST_LABEL)}**"] if shown else []
    return head + [f"{escape(t)} {escape(w)}\n\n> {escape(x)}" for t, w, x in shown]


def _answer_blocks(answer: Answer, refs: References, nearest: int) -> list[str]:
    blocks = [f"## {escape(one_line(answer.question)) or 'Question'}"]
    if answer.abstained:
        return [*blocks, _body(answer.text, {}), *_notes(answer), *_nearest(answer, nearest)]
    return [*blocks, _body(answer.text, refs.add(answer.text, answer.citations)), *_notes(answer)]


def _join(blocks: Sequence[str]) -> str:
    return "\n\n".join(b for b in blocks if b) + "\n"


def answer_markdown(answer: Answer, *, nearest: int = 3) -> str:
    """One answer: the question as a heading, the text with its [n] markers, notes, References.
    An abstention exports as its text, without references, then up to ``nearest`` of the passages
    it retrieved, labelled as not answering."""
    refs = References()
    blocks = _answer_blocks(answer, refs, nearest)
    return _join([*blocks, *_references(refs)])


def chat_markdown(answers: Sequence[Answer], title: str = "Briefing conversation", *, nearest: int = 3) -> str:
    """A whole conversation under ``title``: each answer as in ``answer_markdown``, then one reference
    list for the document, the markers renumbered into it (one number per passage)."""
    refs = References()
    blocks = [f"# {escape(one_line(title))}"]
    for answer in answers:
        blocks += _answer_blocks(answer, refs, nearest)
    return _join([*blocks, *_references(refs)])


def situation_heading(b: Briefing) -> str:
    """``Situation as of 9 November 2023 · 12 articles``."""
    when = f"as of {format_date(b.as_of)}" if b.as_of else "(undated)"
    return f"Situation {when} · {b.articles} article{'' if b.articles == 1 else 's'}"


def line_text(line: BriefLine) -> str:
    """The line as shown, dated: its ``when`` put in front when the text does not start with it."""
    text = one_line(line.text)
    return text if not line.when or text.startswith(line.when) else f"{line.when} {DASH} {text}"


def grouped(lines: Sequence[BriefLine]) -> list[tuple[str, list[BriefLine]]]:
    """The lines under their ``group`` headings, groups in order of first appearance; lines without a
    group go under "Other" when some line has one. Without groups: one ("", lines) pair."""
    if not any(getattr(line, "group", "") for line in lines):
        return [("", list(lines))] if lines else []
    groups: dict[str, list[BriefLine]] = {}
    for line in lines:
        groups.setdefault(one_line(getattr(line, "group", "") or "") or OTHER_GROUP, []).append(line)
    return list(groups.items())


def numbered_groups(b: Briefing, refs: References) -> tuple[list[tuple[str, list[BriefLine]]], dict[int, int]]:
    """The grouped lines and their citations numbered into ``refs`` in the order they are shown."""
    groups = grouped(b.lines)
    return groups, refs.add("\n".join(line.text for _, lines in groups for line in lines), b.citations)


def briefing_markdown(b: Briefing, title: str = "Situation briefing", collection: str | None = None) -> str:
    """The briefing under ``title``: the situation heading, the collection's name if given, the dated
    lines as bullets under their group headings, the notice, and the numbered references."""
    refs = References()
    groups, numbers = numbered_groups(b, refs)
    blocks = [f"# {escape(one_line(title))}", f"## {escape(situation_heading(b))}"]
    if collection and collection.strip():
        blocks.append(f"Collection: {escape(one_line(collection))}")
    for group, lines in groups:
        if group:
            blocks.append(f"### {escape(group)}")
        blocks.append("\n".join(f"- {_guard_start(rewrite_markers(line_text(line), numbers))}" for line in lines))
    if b.notice.strip():
        blocks.append(f"*Note:* {escape(one_line(b.notice))}")
    return _join([*blocks, *_references(refs)])

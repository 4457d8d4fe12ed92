"""Word (.docx) exports of a briefing or a conversation, with python-docx: a title, the briefing's
lines as a bulleted list under their group headings (or each question as a heading over its answer),
the [n] markers kept as text, and a "References" section listing each passage once, as
"[n] Title. Source, 9 November 2023. URL" (an http(s), ftp or mailto URL a real hyperlink) with the
quote below it. Numbering and grouping are ``rag.insights.export``'s, so the .docx and the
Markdown of the same result carry the same numbers. The reference numbers are written as text, not
as Word list numbering, so they always match the markers and survive copy and paste.

Characters XML cannot hold (control characters other than tab and newline) are removed. It does
not embed fonts or a custom template: the styles are python-docx's default template's.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from io import BytesIO
from pathlib import Path
from typing import IO, TYPE_CHECKING, overload

import docx
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph

from rag.insights.export import (
    BULLET,
    NEAREST_LABEL,
    References,
    line_text,
    link_target,
    nearest_passages,
    numbered_groups,
    one_line,
    reference_fields,
    rewrite_markers,
    situation_heading,
)
from rag.models import Answer

if TYPE_CHECKING:
    from rag.insights.briefing import Briefing

Target = str | os.PathLike[str] | IO[bytes] | None
# failure class: control characters in an article, which Word's XML cannot hold (python-docx raises)
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_LINK_BLUE = RGBColor(0x05, 0x63, 0xC1)


def clean(text: str) -> str:
    """``text`` without the characters an XML document cannot hold: ``clean("a\\x0bb") == 'ab'``."""
    return _NOT_XML.sub("", text)


def _hyperlink(paragraph: Paragraph, url: str, text: str) -> None:
    """Append ``text`` as an external hyperlink to ``url`` (blue, underlined)."""
    r_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    color = OxmlElement("w:color")
    color.set(qn("w:val"), str(_LINK_BLUE))
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    props.append(color)
    props.append(underline)
    run.append(props)
    t = OxmlElement("w:t")
    t.text = text
    t.set(qn("xml:space"), "preserve")
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def _references(doc: Document, refs: References) -> None:
    if not refs.cited:
        return
    doc.add_heading("References", level=1)
    for c in refs.cited:
        title, where, url = (clean(f) for f in reference_fields(c))
        p = doc.add_paragraph()
        p.paragraph_format.left_indent = Pt(24)
        p.paragraph_format.first_line_indent = Pt(-24)
        p.paragraph_format.space_after = Pt(2)
        p.add_run(f"[{c.number}] ").bold = True
        p.add_run(title).bold = True
        p.add_run(f" {where}")
        if url:
            p.add_run(" ")
            target = link_target(url)
            if target:
                _hyperlink(p, target, url)
            else:
                p.add_run(url)
        quote = clean(one_line(c.quote))
        if quote:
            q = doc.add_paragraph()
            q.paragraph_format.left_indent = Pt(24)
            q.add_run(f"“{quote}”").italic = True


def _note(doc: Document, text: str) -> None:
    if text.strip():
        p = doc.add_paragraph()
        p.add_run("Note: ").bold = True
        p.add_run(clean(one_line(text))).italic = True


def _answer(doc: Document, answer: Answer, refs: References, nearest: int) -> None:
    doc.add_heading(clean(one_line(answer.question)) or "Question", level=1)
    numbers: Mapping[int, int] = {} if answer.abstained else refs.add(answer.text, answer.citations)
    for raw in answer.text.strip().splitlines():
        line = raw.strip()
        if not line:
            continue
        if bullet := BULLET.match(line):
            doc.add_paragraph(rewrite_markers(line[bullet.end():], numbers, clean).strip(), style="List Bullet")
        else:
            doc.add_paragraph(rewrite_markers(line, numbers, clean).strip())
    _note(doc, answer.notice)
    for f in answer.flags:
        _note(doc, f"Citation check: a sentence was {f.action} ({f.reason}).")
    shown = nearest_passages(answer, nearest) if answer.abstained else []
    if shown:
        doc.add_paragraph().add_run(NEAREST_LABEL).bold = True
    for title, where, excerpt in shown:
        p = doc.add_paragraph(style="List Bullet")
        p.add_run(clean(f"{title} {where} ")).bold = True
        p.add_run(clean(excerpt)).italic = True


@overload
def _save(doc: Document, target: None) -> bytes: ...
@overload
def _save(doc: Document, target: str | os.PathLike[str]) -> Path: ...
@overload
def _save(doc: Document, target: IO[bytes]) -> bytes: ...
def _save(doc: Document, target: Target) -> Path | bytes:
    if isinstance(target, str | os.PathLike):
        path = Path(target)
        doc.save(str(path))
        return path
    buffer = BytesIO()
    doc.save(buffer)
    data = buffer.getvalue()
    if target is not None:
        target.write(data)
    return data


@overload
def briefing_docx(b: Briefing, target: None = None, *, title: str = ...,
                  collection: str | None = ...) -> bytes: ...
@overload
def briefing_docx(b: Briefing, target: str | os.PathLike[str], *, title: str = ...,
                  collection: str | None = ...) -> Path: ...
@overload
def briefing_docx(b: Briefing, target: IO[bytes], *, title: str = ...,
                  collection: str | None = ...) -> bytes: ...
def briefing_docx(b: Briefing, target: Target = None, *, title: str = "Situation briefing",
                  collection: str | None = None) -> Path | bytes:
    """The briefing as a .docx: written to the path ``target`` (returns the Path), or returned as
    bytes (also written to ``target`` when it is a binary stream)."""
    doc = docx.Document()
    doc.add_heading(clean(one_line(title)), level=0)
    doc.add_heading(situation_heading(b), level=1)
    if collection and collection.strip():
        doc.add_paragraph(clean(f"Collection: {one_line(collection)}"))
    refs = References()
    groups, numbers = numbered_groups(b, refs)
    for group, lines in groups:
        if group:
            doc.add_heading(clean(group), level=2)
        for line in lines:
            doc.add_paragraph(rewrite_markers(line_text(line), numbers, clean), style="List Bullet")
    _note(doc, b.notice)
    _references(doc, refs)
    return _save(doc, target)


@overload
def chat_docx(answers: Sequence[Answer], target: None = None, *, title: str = ...,
              nearest: int = ...) -> bytes: ...
@overload
def chat_docx(answers: Sequence[Answer], target: str | os.PathLike[str], *, title: str = ...,
              nearest: int = ...) -> Path: ...
@overload
def chat_docx(answers: Sequence[Answer], target: IO[bytes], *, title: str = ...,
              nearest: int = ...) -> bytes: ...
def chat_docx(answers: Sequence[Answer], target: Target = None, *, title: str = "Briefing conversation",
              nearest: int = 3) -> Path | bytes:
    """A conversation as a .docx: each question a heading over its answer, one reference list for the
    document (markers renumbered as in ``export.chat_markdown``). Saved and returned as ``briefing_docx``."""
    doc = docx.Document()
    doc.add_heading(clean(one_line(title)), level=0)
    refs = References()
    for answer in answers:
        _answer(doc, answer, refs, nearest)
    _references(doc, refs)
    return _save(doc, target)

"""Exports for sitreps: Markdown and .docx of an answer, a conversation and a briefing, built from
typed results made here (invented events in the fictional town of Dorvan). Every citation number and
its reference line (title, source, date, URL, quote) is there; a conversation's per-answer numbers
become one list (one number per passage); titles with Markdown specials stay on one reference line;
a .docx read back with python-docx holds the headings, the markers and every title."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from io import BytesIO
from pathlib import Path

import docx
import pytest

from rag.insights.briefing import Briefing, BriefLine
from rag.insights.export import answer_markdown, briefing_markdown, chat_markdown, escape
from rag.insights.export_docx import briefing_docx, chat_docx
from rag.models import Answer, Chunk, Citation, Flag, ScoredChunk

CONVOY = "An aid convoy of 14 trucks reached Dorvan on 9 November."
ESCORT = "The convoy was escorted by the Velmar Relief Corps."
BRIDGE = "The Ostra bridge reopened to civilian traffic on 11 November."


def cite(number: int, quote: str, *, title: str = "Convoy reaches Dorvan", article: str = "herald-1",
         start: int = 0, published: date | None = date(2023, 11, 9), source: str = "Valley Herald",
         url: str | None = "https://herald.example/dorvan-convoy") -> Citation:
    return Citation(number=number, chunk_id=f"{article}:{start}", article_id=article, title=title,
                    published=published, source=source, url=url, quote=quote, start=start,
                    end=start + len(quote), passage=quote, passage_start=start, support=0.9)


def convoy(number: int = 1, **kw) -> Citation:
    return cite(number, CONVOY, **kw)


def escort(number: int = 1) -> Citation:
    return cite(number, ESCORT, title="Who guards the Dorvan road", article="courier-7", start=120,
                published=date(2023, 11, 10), source="Plains Courier", url="https://courier.example/escort")


def bridge(number: int = 1) -> Citation:
    return cite(number, BRIDGE, title="Ostra bridge reopens", article="herald-2", start=40,
                published=date(2023, 11, 11), url=None)


def answer(question: str, text: str, *citations: Citation, **kw) -> Answer:
    return Answer(question=question, text=text, citations=citations, abstained=False, **kw)


def brief_line(text: str, day: date, numbers: tuple[int, ...], group: str = "") -> BriefLine:
    """A BriefLine with ``group``, whether or not BriefLine has that field yet (set on the instance if not)."""
    names = {f.name for f in dataclasses.fields(BriefLine)}
    extra = {k: v for k, v in {"group": group, "topic": "access"}.items() if k in names}
    when = f"{day.day} {day.strftime('%b')} {day.year}"
    line = BriefLine(when, day, f"{when} — {text}", numbers, **extra)
    if "group" not in names:
        object.__setattr__(line, "group", group)
    return line


def reference_line(md: str, number: int) -> str:
    lines = [ln for ln in md.splitlines() if ln.startswith(f"[{number}] ")]
    assert len(lines) == 1, md
    return lines[0]


def markers(text: str) -> list[str]:
    return re.findall(r"\[\d+(?:, \d+)*\]", text)


def test_answer_markdown_keeps_markers_and_lists_each_reference():
    a = answer("Did the convoy reach Dorvan?", f"{CONVOY} [1] {ESCORT} [2]", convoy(1), escort(2),
               notice="LLM server unreachable; extractive answer shown")
    md = answer_markdown(a)
    assert md.startswith("## Did the convoy reach Dorvan?\n")
    assert f"{CONVOY} [1] {ESCORT} [2]" in md
    assert "*Note:* LLM server unreachable; extractive answer shown" in md
    assert "## References" in md
    assert reference_line(md, 1) == ("[1] Convoy reaches Dorvan. Valley Herald, 9 November 2023. "
                                     "<https://herald.example/dorvan-convoy>")
    assert reference_line(md, 2) == ("[2] Who guards the Dorvan road. Plains Courier, 10 November 2023. "
                                     "<https://courier.example/escort>")
    assert f"> “{CONVOY}”" in md and f"> “{ESCORT}”" in md
    assert md.index("[1] Convoy") < md.index(f"> “{CONVOY}”") < md.index("[2] Who guards")


def test_reference_without_url_or_date():
    md = answer_markdown(answer("Bridge?", f"{BRIDGE} [1]", cite(1, BRIDGE, published=None, url=None, source="")))
    assert reference_line(md, 1) == "[1] Convoy reaches Dorvan. undated."


def test_only_web_urls_become_links():
    odd = answer_markdown(answer("Convoy?", f"{CONVOY} [1]", convoy(1, url="javascript:alert(1)")))
    assert reference_line(odd, 1).endswith("9 November 2023. javascript:alert(1)") and "<javascript" not in odd
    spaced = answer_markdown(answer("Convoy?", f"{CONVOY} [1]", convoy(1, url="https://herald.example/a b")))
    assert reference_line(spaced, 1).endswith("<https://herald.example/a%20b>")


def test_abstention_exports_its_text_without_references():
    chunk = Chunk(id="c1", article_id="herald-1", ordinal=0, paragraphs=(0, 0), start=0, end=len(CONVOY),
                  text=CONVOY, title="Convoy reaches Dorvan", published=date(2023, 11, 9), source="Valley Herald")
    a = Answer(question="How many died in Dorvan?", text="The sources do not say.", citations=(convoy(1),),
               abstained=True, retrieved=(ScoredChunk(chunk, 0.4),))
    md = answer_markdown(a)
    assert "The sources do not say." in md
    assert "References" not in md and "[1]" not in md
    assert "Nearest passages (they do not answer the question" in md
    assert f"Convoy reaches Dorvan. Valley Herald, 9 November 2023.\n\n> {CONVOY}" in md
    assert "Nearest" not in answer_markdown(a, nearest=0)


def test_flags_become_notes():
    a = answer("Convoy?", f"{CONVOY} [1]", convoy(1),
               flags=(Flag("It carried 90 tonnes.", "removed", "90 is not in the source"),))
    assert "*Citation check:* a sentence was removed (90 is not in the source)." in answer_markdown(a)


def test_chat_renumbers_into_one_reference_list():
    first = answer("Did the convoy reach Dorvan?", f"{CONVOY} [1]", convoy(1))
    second = answer("Who escorted it?", f"{ESCORT} [1]", escort(1))
    md = chat_markdown([first, second], title="Dorvan desk")
    assert md.startswith("# Dorvan desk\n")
    assert f"{CONVOY} [1]" in md and f"{ESCORT} [2]" in md
    assert "Convoy reaches Dorvan" in reference_line(md, 1)
    assert "Who guards the Dorvan road" in reference_line(md, 2)
    assert md.count("## References") == 1


def test_chat_gives_a_passage_cited_twice_one_number():
    first = answer("Did the convoy reach Dorvan?", f"{CONVOY} [1]", convoy(1))
    # the second answer numbers the same passage 2 (under a reworded title), next to a new one
    second = answer("And then?", f"{BRIDGE} [1] Earlier, {CONVOY} [2] Both happened [1, 2].",
                    bridge(1), convoy(2, title="Convoy reaches Dorvan (updated)"))
    md = chat_markdown([first, second])
    assert f"{BRIDGE} [2] Earlier, {CONVOY} [1] Both happened [2, 1]." in md
    refs = [ln for ln in md.splitlines() if re.match(r"\[\d+\] ", ln)]
    assert [r.split(" ", 1)[0] for r in refs] == ["[1]", "[2]"]
    assert md.count(f"> “{CONVOY}”") == 1
    assert "Ostra bridge reopens" in reference_line(md, 2)


def test_repeated_and_unknown_markers_within_one_answer():
    a = answer("Convoy?", f"{CONVOY} [3] Again [3, 3]. Lost [9].", convoy(3))
    md = answer_markdown(a)
    assert f"{CONVOY} [1] Again [1]. Lost." in md
    assert markers(md.split("## References")[0]) == ["[1]", "[1]"]


def test_title_with_markdown_specials_stays_on_one_reference_line():
    title = "Dorvan *convoy* [update]\n_live_ `feed` <b>#3</b> ~~x~~"
    md = answer_markdown(answer("Convoy?", f"{CONVOY} [1]", convoy(1, title=title)))
    line = reference_line(md, 1)
    assert line.endswith("Valley Herald, 9 November 2023. <https://herald.example/dorvan-convoy>")
    assert escape("Dorvan *convoy* [update] _live_ `feed` <b>#3</b> ~~x~~") in line
    markdown_it = pytest.importorskip("markdown_it")
    html = markdown_it.MarkdownIt("commonmark").enable("strikethrough").render(md)
    para = next(p for p in html.split("\n") if p.startswith("<p>[1] "))
    assert "Dorvan *convoy* [update] _live_ `feed` &lt;b&gt;#3&lt;/b&gt; ~~x~~." in para
    assert not re.search(r"<(em|strong|code|s|b)>", html)
    assert '<a href="https://herald.example/dorvan-convoy">' in para


def test_answer_lines_that_would_become_markdown_blocks_stay_text():
    text = f"# 2 dead\n1990. Old war\n- 9 Nov 2023 — {CONVOY} [1]\n* 1. listed\n---"
    md = answer_markdown(answer("Convoy?", text, convoy(1)))
    assert "\\# 2 dead\n1990\\. Old war\n- 9 Nov 2023 — " in md
    assert "\n- 1\\. listed\n\\---" in md


def dorvan_briefing() -> Briefing:
    lines = (brief_line(BRIDGE + " [3]", date(2023, 11, 11), (3,), group="Ostra"),
             brief_line(ESCORT + " [2]", date(2023, 11, 10), (2,), group="Dorvan"),
             brief_line(CONVOY + " [1]", date(2023, 11, 9), (1,), group="Ostra"))
    return Briefing(lines=lines, citations=(convoy(1), escort(2), bridge(3)), as_of=date(2023, 11, 11),
                    articles=3, notice="The LLM server failed; showing the extractive briefing instead.")


def test_briefing_markdown_groups_lines_and_lists_references():
    md = briefing_markdown(dorvan_briefing(), title="Dorvan sitrep", collection="Valley wires")
    assert md.startswith("# Dorvan sitrep\n\n## Situation as of 11 November 2023 · 3 articles\n")
    assert "Collection: Valley wires" in md
    ostra, dorvan = md.index("### Ostra"), md.index("### Dorvan")
    assert ostra < md.index(f"- 11 Nov 2023 — {BRIDGE} [1]") < md.index(f"- 9 Nov 2023 — {CONVOY} [2]") < dorvan
    assert dorvan < md.index(f"- 10 Nov 2023 — {ESCORT} [3]") < md.index("## References")
    assert md.count("### ") == 2
    assert "*Note:* The LLM server failed" in md
    assert reference_line(md, 1) == "[1] Ostra bridge reopens. Valley Herald, 11 November 2023."
    assert "Convoy reaches Dorvan. Valley Herald, 9 November 2023. <https://herald" in reference_line(md, 2)
    assert "Plains Courier, 10 November 2023. <https://courier.example/escort>" in reference_line(md, 3)
    for quote in (CONVOY, ESCORT, BRIDGE):
        assert f"> “{quote}”" in md


def test_briefing_without_groups_or_lines():
    b = dorvan_briefing()
    flat = dataclasses.replace(b, lines=tuple(brief_line(ln.text.split(" — ", 1)[1], ln.day, ln.numbers)
                                              for ln in b.lines))
    md = briefing_markdown(flat)
    assert "###" not in md and md.count("\n- ") == 3
    mixed = dataclasses.replace(b, lines=(*flat.lines[:1], b.lines[1]))
    assert "### Other" in briefing_markdown(mixed) and "### Dorvan" in briefing_markdown(mixed)
    empty = Briefing((), (), None, 0, notice="No sentence of the indexed articles matches these filters.")
    md = briefing_markdown(empty)
    assert "## Situation (undated) · 0 articles" in md and "No sentence" in md and "References" not in md


def read_docx(source: Path | bytes) -> tuple[list[str], list[str], docx.document.Document]:
    d = docx.Document(str(source) if isinstance(source, Path) else BytesIO(source))
    texts = [p.text for p in d.paragraphs]
    return texts, [p.style.name for p in d.paragraphs if p.style is not None], d


def test_briefing_docx_reads_back(tmp_path):
    out = briefing_docx(dorvan_briefing(), tmp_path / "sitrep.docx", title="Dorvan sitrep", collection="Valley")
    assert out == tmp_path / "sitrep.docx" and out.stat().st_size > 0
    texts, styles, d = read_docx(out)
    headings = {t for t, s in zip(texts, styles, strict=True) if s == "Title" or s.startswith("Heading")}
    assert headings == {"Dorvan sitrep", "Situation as of 11 November 2023 · 3 articles", "Ostra", "Dorvan",
                        "References"}
    bullets = [t for t, s in zip(texts, styles, strict=True) if s == "List Bullet"]
    assert bullets == [f"11 Nov 2023 — {BRIDGE} [1]", f"9 Nov 2023 — {CONVOY} [2]", f"10 Nov 2023 — {ESCORT} [3]"]
    body = "\n".join(texts)
    for n, title in ((1, "Ostra bridge reopens"), (2, "Convoy reaches Dorvan"), (3, "Who guards the Dorvan road")):
        assert any(t.startswith(f"[{n}] {title}. ") for t in texts), texts
    for quote in (CONVOY, ESCORT, BRIDGE):
        assert f"“{quote}”" in body
    assert "[2] Convoy reaches Dorvan. Valley Herald, 9 November 2023. https://herald.example/dorvan-convoy" in texts
    links = [h.url for p in d.paragraphs for h in p.hyperlinks]
    assert links == ["https://herald.example/dorvan-convoy", "https://courier.example/escort"]
    assert texts.index("References") > texts.index(bullets[-1])


def test_chat_docx_renumbers_and_returns_bytes(tmp_path):
    first = answer("Did the convoy reach Dorvan?", f"{CONVOY} [1]", convoy(1, title="Convoy\x0b reaches Dorvan"))
    second = answer("Who escorted it?", f"Intro.\n- {ESCORT} [1]\n- {CONVOY} [2]", escort(1), convoy(2))
    data = chat_docx([first, second], title="Dorvan desk")
    assert isinstance(data, bytes)
    texts, styles, _ = read_docx(data)
    assert texts[0] == "Dorvan desk" and styles[0] == "Title"
    assert {"Did the convoy reach Dorvan?", "Who escorted it?", "References"} <= {
        t for t, s in zip(texts, styles, strict=True) if s.startswith("Heading")}
    assert f"{CONVOY} [1]" in texts
    assert [t for t, s in zip(texts, styles, strict=True) if s == "List Bullet"] == [f"{ESCORT} [2]", f"{CONVOY} [1]"]
    assert [t.split(" ", 1)[0] for t in texts if re.match(r"\[\d+\] ", t)] == ["[1]", "[2]"]
    assert any(t.startswith("[1] Convoy reaches Dorvan.") for t in texts)  # the control character dropped
    assert any(t.startswith("[2] Who guards the Dorvan road.") for t in texts)
    stream = BytesIO()
    assert chat_docx([first], stream) == stream.getvalue()
    assert read_docx(stream.getvalue())[0][0] == "Briefing conversation"

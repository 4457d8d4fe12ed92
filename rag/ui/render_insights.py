"""HTML of the Timeline, Map and Briefing tabs: pure functions, everything from articles escaped
(``render.esc``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from rag.models import format_date
from rag.ui.render import MARKER, esc, meta


def _source_line(title: str, published: object, start: int, end: int) -> str:
    when = format_date(published) if published else "undated"  # type: ignore[arg-type]
    return f'<span class="src">{esc(title)} · {esc(when)} · chars {start}–{end}</span>'


def timeline_html(events: Sequence[Any]) -> str:
    """The events of ``rag.nlp.dates.find_dates`` as a table: date, the sentence, its source and offsets."""
    if not events:
        return '<div class="panel-empty">No dated events match. Clear the filters or add articles.</div>'
    rows = "".join(
        f'<tr><td class="when">{esc(e.label)}{"<br><span class=tag>planned</span>" if e.planned else ""}</td>'
        f'<td>{esc(e.text)}<br>{_source_line(e.citation.title, e.citation.published, e.citation.start, e.citation.end)}'
        "</td></tr>" for e in events)
    return f'<table class="insight"><thead><tr><th>Date</th><th>Event, in the source\'s words</th></tr></thead>' \
           f"<tbody>{rows}</tbody></table>"


def places_html(places: Sequence[Any], svg: str, outside: Sequence[Any] = ()) -> str:
    """The map (our own SVG), what lies outside it, and every place with the sentences naming it."""
    if not places:
        return '<div class="panel-empty">No places recognised in these articles.</div>'
    note = ""
    if outside:
        names = ", ".join(f'<a href="#place-{p.slug}">{esc(p.name)}</a>' for p in outside)
        note = f'<div class="map-note">Also named, outside this view: {names}</div>'
    items = []
    for p in places:
        n = len(p.mentions)
        quotes = "".join(f"<li>“{esc(m.sentence)}”<br>{_source_line(m.title, m.published, m.start, m.end)}</li>"
                         for m in p.mentions)
        items.append(f'<div class="place-item" id="place-{p.slug}"><div class="place-head"><b>{esc(p.name)}</b> '
                     f'<span class="src">{esc(p.kind)}, {esc(p.country)} · {p.lat:.2f}, {p.lon:.2f}</span> '
                     f'<span class="count">{n} mention{"s" if n != 1 else ""}</span></div><ul>{quotes}</ul></div>')
    return f'<div class="map-box">{svg}</div>{note}<h4>Places ({len(places)})</h4>{"".join(items)}'


def briefing_html(b: Any) -> str:
    """The briefing: dated lines with badges that jump to the numbered sources below them."""
    notice = f'<div class="answer-note">{esc(b.notice)}</div>' if b.notice else ""
    if not b.lines:
        return notice or '<div class="panel-empty">Nothing to brief on yet.</div>'

    def badge(m: re.Match[str]) -> str:
        n = int(m.group(1))
        return f'<a class="cite-badge" href="#brief-src-{n}">{n}</a>'

    head = (f'<h3 class="brief-head">Situation as of {esc(format_date(b.as_of))} · {b.articles} '
            f'article{"s" if b.articles != 1 else ""}</h3>') if b.as_of else ""
    def line_html(line: Any) -> str:
        dated = bool(line.when) and line.text.startswith(line.when)
        head, rest = (line.when, line.text[len(line.when):]) if dated else ("", line.text)
        return f"<li>{f'<b>{esc(head)}</b>' if head else ''}{MARKER.sub(badge, esc(rest))}</li>"

    lines = "".join(line_html(line) for line in b.lines)
    sources = "".join(
        f'<div class="cite-card" id="brief-src-{c.number}"><div class="cite-head"><span class="cite-badge">'
        f'{c.number}</span><span class="cite-title">{esc(c.title)}</span></div>{meta(c.published, c.source, c.url)}'
        f'<p>“<mark>{esc(c.quote)}</mark>”</p><div class="src">chars {c.start}–{c.end}</div></div>'
        for c in b.citations)
    return f'{head}{notice}<ul class="brief-lines">{lines}</ul><h4>Sources</h4>{sources}'

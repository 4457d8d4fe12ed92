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
    """The events of ``rag.insights.timeline.timeline`` as a table: the date, the sentence, and under it
    its article's title, date and source (a link when the citation has a URL); no character offsets."""
    if not events:
        return '<div class="panel-empty">No dated events match. Clear the filters or add articles.</div>'
    rows = "".join(
        f'<tr><td class="when">{esc(e.label)}{"<br><span class=tag>planned</span>" if e.planned else ""}</td>'
        f'<td>{esc(e.text)}<br><span class="src">{esc(e.citation.title)}</span>'
        f"{meta(e.citation.published, e.citation.source, e.citation.url)}</td></tr>" for e in events)
    return f'<table class="insight"><thead><tr><th>Date</th><th>Event, in the source\'s words</th></tr></thead>' \
           f"<tbody>{rows}</tbody></table>"


def places_html(places: Sequence[Any], svg: str, outside: Sequence[Any] = (), *, routes: Sequence[Any] = ()) -> str:
    """The map (our own SVG), what lies outside it, the routes (``rag.insights.places.routes``: one
    entry per origin and destination, ``#route-<slug>``, with every sentence stating it) and every
    place with the sentences naming it."""
    if not places and not routes:
        return '<div class="panel-empty">No places recognised in these articles.</div>'
    note = ""
    if outside:
        names = ", ".join(f'<a href="#place-{p.slug}">{esc(p.name)}</a>' for p in outside)
        note = f'<div class="map-note">Also named, outside this view: {names}</div>'
    by_pair: dict[str, list[Any]] = {}
    for r in routes:
        by_pair.setdefault(r.slug, []).append(r)
    trips, asked = [], '<span class="src">your question</span>'
    for slug, group in by_pair.items():
        quotes = "".join(f"<li>“{esc(r.sentence)}”<br>"
                         f"{_source_line(r.title, r.published, r.start, r.end) if r.article_id else asked}</li>"
                         for r in group)
        trips.append(f'<div class="place-item route-item" id="route-{esc(slug)}"><div class="place-head"><b>'
                     f'{esc(group[0].origin.name)} → {esc(group[0].destination.name)}</b> <span class="count">'
                     f'{len(group)} sentence{"s" if len(group) != 1 else ""}</span></div><ul>{quotes}</ul></div>')
    if trips:
        links = ", ".join(f'<a href="#route-{esc(slug)}">{esc(g[0].origin.name)} → {esc(g[0].destination.name)}</a>'
                          for slug, g in by_pair.items())
        note += f'<div class="map-note">Routes: {links}</div>'
    trip_list = f'<h4 id="routes">Routes ({len(trips)})</h4>{"".join(trips)}' if trips else ""
    items = []
    for p in places:
        n = len(p.mentions)
        quotes = "".join(f"<li>“{esc(m.sentence)}”<br>{_source_line(m.title, m.published, m.start, m.end)}</li>"
                         for m in p.mentions)
        items.append(f'<div class="place-item" id="place-{p.slug}"><div class="place-head"><b>{esc(p.name)}</b> '
                     f'<span class="src">{esc(p.kind)}, {esc(p.country)} · {p.lat:.2f}, {p.lon:.2f}</span> '
                     f'<span class="count">{n} mention{"s" if n != 1 else ""}</span></div><ul>{quotes}</ul></div>')
    return f'<div class="map-box">{svg}</div>{note}{trip_list}<h4>Places ({len(places)})</h4>{"".join(items)}'


def briefing_html(b: Any) -> str:
    """The briefing: a heading per place group (``Briefing.groups``; none when no line has a place),
    under it the dated lines, each with a small topic tag and badges that jump to the numbered
    source cards below (title, date, source, link, the quote; no character offsets)."""
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
        topic = getattr(line, "topic", "other")
        tag = f' <span class="tag topic">{esc(topic)}</span>' if topic and topic != "other" else ""
        return f"<li>{f'<b>{esc(head)}</b>' if head else ''}{tag}{MARKER.sub(badge, esc(rest))}</li>"

    groups = b.groups() if hasattr(b, "groups") else [("Other", list(b.lines))]
    headed = any(name != "Other" for name, _ in groups)
    lines = "".join((f'<h4 class="brief-group">{esc(name)}</h4>' if headed else "")
                    + f'<ul class="brief-lines">{"".join(line_html(line) for line in members)}</ul>'
                    for name, members in groups)
    sources = "".join(
        f'<div class="cite-card" id="brief-src-{c.number}"><div class="cite-head"><span class="cite-badge">'
        f'{c.number}</span><span class="cite-title">{esc(c.title)}</span></div>{meta(c.published, c.source, c.url)}'
        f'<p>“<mark>{esc(c.quote)}</mark>”</p></div>' for c in b.citations)
    return f"{head}{notice}{lines}<h4>Sources</h4>{sources}"

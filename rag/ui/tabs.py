"""The Timeline, Map and Briefing tabs of the Gradio UI, built inside ``ui.build_app``'s tabs.

Each tab calls one public function (``rag.insights.timeline.timeline``, ``rag.insights.places.places`` /
``places_for``, ``rag.insights.briefing.brief``) and shows the result: the timeline as a matplotlib chart
(``gr.Plot``) over a table of cited events; the places as an SVG map drawn here (``map_svg``:
graticule, gazetteer towns as faint dots that draw the land, linked points; no tiles, no CDN, so
it works offline) over the list of places with the sentences naming them; the briefing as dated
lines whose badges jump to the numbered sources. HTML comes from ``rag.ui.render``, which escapes
all article text. ``BriefingError``s and bad dates become short messages and one log line without a
traceback; nothing else is shown.
"""

from __future__ import annotations

import html
import logging
import math
from collections.abc import Sequence
from typing import Any

import gradio as gr

from rag.assistant import Assistant
from rag.errors import BriefingError, InvalidQuestionError
from rag.insights.places import Gazetteer, Place, gazetteer
from rag.ui import render, render_insights

log = logging.getLogger(__name__)
_FAILED = "Something went wrong; the details are in the server log. Try again."
CSS = """
table.insight { width: 100%; border-collapse: collapse; font-size: .9rem; }
table.insight, table.insight tr, table.insight thead, table.insight tbody { border: none !important; }
table.insight th, table.insight td { text-align: left; vertical-align: top; padding: 6px 8px; border: none;
  border-bottom: 1px solid var(--border-color-primary); }
table.insight th { color: var(--body-text-color-subdued); font-weight: 600; }
table.insight td.when { white-space: nowrap; font-weight: 600; width: 8em; }
.tag { font-size: .75rem; font-weight: 600; color: #b45309; background: #fef3c7; border-radius: 6px; padding: 0 6px; }
.src { font-size: .8rem; color: var(--body-text-color-subdued); }
.map-box svg { display: block; width: 100%; height: auto; border: 1px solid var(--border-color-primary);
  border-radius: 10px; }
.map-box a, .map-note a { text-decoration: none; }
.map-box a:hover circle { fill: #991b1b; }
.map-note { margin: 6px 0; font-size: .85rem; color: var(--body-text-color-subdued); }
.place-item { border-top: 1px solid var(--border-color-primary); padding: 8px 0; }
.place-item:target { background: #fef9c3; }
.place-head .count { float: right; font-size: .85rem; color: #2563eb; font-weight: 600; }
.place-item ul { margin: 4px 0 0 1.2em; padding: 0; font-size: .9rem; }
.place-item li { margin-bottom: 4px; }
.brief-head { margin: 4px 0 8px; }
ul.brief-lines { margin: 0 0 12px 1.1em; padding: 0; line-height: 1.55; }
ul.brief-lines li { margin-bottom: 6px; }
.cite-badge { display: inline-block; min-width: 1.45em; padding: 0 .4em; border-radius: 999px; background: #2563eb;
  color: #fff !important; font-size: .72em; font-weight: 700; line-height: 1.55; text-align: center;
  text-decoration: none !important; vertical-align: .15em; }
.cite-card { border: 1px solid var(--border-color-primary); border-radius: 10px; padding: 8px 12px; margin: 0 0 8px; }
.cite-card mark { background: #fde68a; color: #1f2937; padding: 0 2px; border-radius: 3px; }
.cite-head { display: flex; gap: 6px; font-weight: 600; align-items: baseline; }
"""


def _error(exc: Exception) -> str:
    if isinstance(exc, BriefingError | ValueError):
        log.info("tab request refused (%s): %s", type(exc).__name__, exc)
        return render.error_html(str(exc))
    log.exception("a Timeline/Map/Briefing tab failed")
    return render.error_html(_FAILED)


class InsightTabs:
    """Handlers of the three tabs around one assistant."""

    def __init__(self, assistant: Assistant):
        self.assistant = assistant

    def _text(self, value: str | None, label: str) -> str | None:
        """A filter box's text, spaces folded; None when blank; too long -> InvalidQuestionError."""
        text = " ".join((value or "").split())
        limit = self.assistant.settings.max_question_chars
        if len(text) > limit:
            raise InvalidQuestionError(f"the {label} is {len(text):,} characters; the limit is {limit:,}")
        return text or None

    def show_timeline(self, query: str, place: str, actor: str) -> tuple[Any, str]:
        from rag.insights.timeline import timeline, timeline_figure

        try:
            events = timeline(self.assistant, query=self._text(query, "question"), place=self._text(place, "place"),
                              actor=self._text(actor, "actor"))
        except Exception as exc:
            return None, _error(exc)
        return timeline_figure(events), render_insights.timeline_html(events)

    def show_map(self, question: str) -> str:
        from rag.insights.places import places, places_for

        try:
            q = self._text(question, "question")
            found = [p.place for p in places_for(self.assistant, q)] if q else places(self.assistant)
            return render_insights.places_html(found, map_svg(found), outside_view(found))
        except Exception as exc:
            return _error(exc)

    def write_brief(self, since: str, place: str) -> str:
        from rag.insights.briefing import brief
        from rag.ui.input import parse_day

        try:
            day = parse_day(since, "“since”")
            return render_insights.briefing_html(brief(self.assistant, since=day, place=self._text(place, "place")))
        except Exception as exc:
            return _error(exc)


def build_tabs(assistant: Assistant) -> None:
    """Add the Timeline, Map and Briefing tabs; call inside ``gr.Tabs()``."""
    tabs = InsightTabs(assistant)
    private = "private"
    with gr.Tab("Timeline", id="timeline") as timeline_tab:
        gr.Markdown("Dated events in the indexed articles, in date order, each in its source's words and cited. "
                    "Filter by place or actor (text in the sentence), or by a question (the passages it retrieves).")
        with gr.Row(equal_height=True):
            query = gr.Textbox(show_label=False, placeholder="Only events in the passages about… (a question, "
                               "optional)", scale=3, elem_id="tl-query")
            place = gr.Textbox(show_label=False, placeholder="Place, e.g. Goma", scale=1, elem_id="tl-place")
            actor = gr.Textbox(show_label=False, placeholder="Actor, e.g. army", scale=1, elem_id="tl-actor")
            show = gr.Button("Show timeline", variant="primary", scale=1, elem_id="tl-btn")
        chart = gr.Plot(format="png", show_label=False, elem_id="timeline-chart")
        events = gr.HTML("", elem_id="timeline-events", css_template=CSS, js_on_load=None)
    with gr.Tab("Map", id="map") as map_tab:
        gr.Markdown("Places the articles name (offline gazetteer, towns of 15,000+ people and countries). "
                    "Click a point to read the sentences that name it.")
        with gr.Row(equal_height=True):
            question = gr.Textbox(show_label=False, placeholder="Only places in the sources for a question, e.g. "
                                  "Where did the convoy go? (optional)", scale=4, elem_id="map-question")
            draw = gr.Button("Show map", variant="primary", scale=1, elem_id="map-btn")
        map_html = gr.HTML("", elem_id="place-map", css_template=CSS, js_on_load=None)
    with gr.Tab("Briefing", id="briefing"):
        gr.Markdown("A short situation summary of what the sources say: key developments with dates and numbers, "
                    "newest first, every line cited.")
        with gr.Row(equal_height=True):
            since = gr.Textbox(show_label=False, placeholder="Since YYYY-MM-DD (optional)", scale=1,
                               elem_id="brief-since")
            brief_place = gr.Textbox(show_label=False, placeholder="Place (optional)", scale=1, elem_id="brief-place")
            write = gr.Button("Write briefing", variant="primary", scale=1, elem_id="brief-btn")
        briefing = gr.HTML("", elem_id="briefing", css_template=CSS, js_on_load=None)
    timeline_inputs = [query, place, actor]
    gr.on([timeline_tab.select, show.click, query.submit, place.submit, actor.submit], tabs.show_timeline,
          inputs=timeline_inputs, outputs=[chart, events], api_visibility=private)
    gr.on([map_tab.select, draw.click, question.submit], tabs.show_map, inputs=[question], outputs=[map_html],
          api_visibility=private)
    gr.on([write.click, since.submit, brief_place.submit], tabs.write_brief, inputs=[since, brief_place],
          outputs=[briefing], api_visibility=private)


# ---- the map -----------------------------------------------------------------------------
def _step(span: float) -> float:
    return next((s for s in (0.5, 1, 2, 5, 10, 15, 30, 45) if span / s <= 8), 90)


Box = tuple[float, float, float, float]
_GRID, _GRID_TEXT = 'stroke="#e2e8f0" stroke-width="1"', 'font-size="11" fill="#94a3b8"'


def _link(p: Place) -> str:
    n = len(p.mentions)
    tip = html.escape(f"{p.name} ({p.country}): {n} mention{'s' if n != 1 else ''}")
    return f'<a href="#place-{p.slug}" class="place-link"><title>{tip}</title>'


def _label_spot(x: float, y: float, r: float, w: float, boxes: list[Box]) -> tuple[float, float, str]:
    """Where a label of width ``w`` beside a dot overlaps the least (right, left, above, below,
    then the diagonals); the chosen box is added to ``boxes``."""
    best: tuple[float, float, float, str, Box] | None = None
    for dx, dy, anchor in ((r + 3, 4, "start"), (-r - 3, 4, "end"), (0, -r - 4, "middle"), (0, r + 13, "middle"),
                           (r + 2, -r - 2, "start"), (r + 2, r + 11, "start"), (-r - 2, -r - 2, "end"),
                           (-r - 2, r + 11, "end")):
        lx, ly = x + dx, y + dy
        x0 = lx if anchor == "start" else lx - w if anchor == "end" else lx - w / 2
        box = (x0, ly - 12, x0 + w, ly + 3)
        overlap = sum(max(0.0, min(box[2], b[2]) - max(box[0], b[0]))
                      * max(0.0, min(box[3], b[3]) - max(box[1], b[1])) for b in boxes)
        if best is None or overlap < best[0]:
            best = (overlap, lx, ly, anchor, box)
        if overlap == 0:
            break
    assert best is not None
    boxes.append(best[4])
    return best[1], best[2], best[3]


def view_box(shown: Sequence[Place], width: int = 960, height: int = 540) -> Box | None:
    """(south, north, west, east) of the map: the cities (else all places) padded, widened to the
    picture's aspect (longitudes shrink by cos(latitude))."""
    focus = [p for p in shown if p.kind == "city"] or list(shown)
    if not focus:
        return None
    lat0, lat1 = min(p.lat for p in focus), max(p.lat for p in focus)
    lon0, lon1 = min(p.lon for p in focus), max(p.lon for p in focus)
    pad = max(1.5, 0.25 * max(lat1 - lat0, lon1 - lon0))
    kx = math.cos(math.radians((lat0 + lat1) / 2))
    scale = min(width / ((lon1 - lon0 + 2 * pad) * kx), height / (lat1 - lat0 + 2 * pad))
    cy, cx, half_h, half_w = (lat0 + lat1) / 2, (lon0 + lon1) / 2, height / (2 * scale), width / (2 * scale * kx)
    return cy - half_h, cy + half_h, cx - half_w, cx + half_w


def outside_view(shown: Sequence[Place], width: int = 960, height: int = 540) -> list[Place]:
    """The places ``map_svg`` cannot show because they lie outside the view the cities set."""
    box = view_box(shown, width, height)
    return [p for p in shown if box and not (box[0] <= p.lat <= box[1] and box[2] <= p.lon <= box[3])]


def map_svg(shown: Sequence[Place], gaz: Gazetteer | None = None, width: int = 960, height: int = 540) -> str:
    """An equirectangular SVG map: graticule, the gazetteer's towns in view as faint dots (they
    draw the land), the places as linked points (``#place-<slug>``) with labels. Cities set the
    view; countries are labelled when they fall inside it. Names are escaped."""
    gaz = gaz or gazetteer()
    box = view_box(shown, width, height)
    if box is None:
        return ""
    kx = math.cos(math.radians((box[0] + box[1]) / 2))
    scale = height / (box[1] - box[0])

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return (lon - box[2]) * scale * kx, (box[1] - lat) * scale

    def inside(lat: float, lon: float) -> bool:
        return box[0] <= lat <= box[1] and box[2] <= lon <= box[3]

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="place-map" role="img" '
           f'aria-label="Map of {len(shown)} places"><rect width="{width}" height="{height}" fill="#f8fafc"/>']
    step = _step(max(box[1] - box[0], box[3] - box[2]))
    for k in range(math.ceil(box[0] / step), math.floor(box[1] / step) + 1):
        y = xy(k * step, box[2])[1]
        out.append(f'<line x1="0" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" {_GRID}/><text x="4" y="{y - 3:.1f}" '
                   f'{_GRID_TEXT}>{abs(k * step):g}°{"N" if k >= 0 else "S"}</text>')
    for k in range(math.ceil(box[2] / step), math.floor(box[3] / step) + 1):
        x = xy(box[0], k * step)[0]
        out.append(f'<line y1="0" y2="{height}" x1="{x:.1f}" x2="{x:.1f}" {_GRID}/><text x="{x + 3:.1f}" '
                   f'y="{height - 4}" {_GRID_TEXT}>{abs(k * step):g}°{"E" if k >= 0 else "W"}</text>')
    named = {p.country for p in shown}
    context = [e for e in gaz.cities if inside(e.lat, e.lon)][:2500]
    for e in context:
        x, y = xy(e.lat, e.lon)
        fill = "#94a3b8" if gaz.country_names.get(e.country) in named else "#cbd5e1"
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.6" fill="{fill}"/>')
    boxes: list[Box] = []
    labels: list[tuple[Place, float, float, float]] = []
    for p in sorted(shown, key=lambda p: (p.kind == "city", -len(p.mentions))):
        if not inside(p.lat, p.lon):
            continue
        x, y = xy(p.lat, p.lon)
        link = _link(p)
        if p.kind == "country":
            w = 9.5 * len(p.name)
            out.append(f'{link}<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" font-size="13" letter-spacing="3" '
                       f'fill="#64748b" font-weight="600">{html.escape(p.name.upper())}</text></a>')
            boxes.append((x - w / 2, y - 12, x + w / 2, y + 3))
            continue
        r = 4 + 2 * math.sqrt(len(p.mentions))
        out.append(f'{link}<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="#dc2626" fill-opacity="0.85" '
                   'stroke="#fff" stroke-width="1.5"/></a>')
        boxes.append((x - r, y - r, x + r, y + r))
        labels.append((p, x, y, r))
    for p, x, y, r in labels:  # after every dot, so a label avoids the dots as well as the other labels
        lx, ly, anchor = _label_spot(x, y, r, 7.2 * len(p.name) + 4, boxes)
        out.append(f'{_link(p)}<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}" font-size="13" '
                   f'font-weight="600" fill="#0f172a" stroke="#f8fafc" stroke-width="3" paint-order="stroke">'
                   f'{html.escape(p.name)}</text></a>')
    out.append("</svg>")
    return "".join(out)


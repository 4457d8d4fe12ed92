"""The Timeline, Map and Briefing tabs of the Gradio UI, built inside ``ui.build_app``'s tabs.

Each tab calls one public function (``rag.insights.timeline.timeline``, ``rag.insights.places.places`` /
``places_for``, ``rag.insights.briefing.brief``) and shows the result: the timeline as a matplotlib chart
(``gr.Plot``) over a table of cited events; the places as an SVG map (``rag.ui.mapview.map_svg``:
graticule, gazetteer towns as faint dots that draw the land, linked points; no tiles, no CDN, so
it works offline) over the list of places with the sentences naming them; the briefing as dated
lines whose badges jump to the numbered sources. HTML comes from ``rag.ui.render``, which escapes
all article text. ``BriefingError``s and bad dates become short messages and one log line without a
traceback; nothing else is shown.
"""

from __future__ import annotations

import logging
from typing import Any

import gradio as gr

from rag.desk import Desk
from rag.errors import BriefingError, InvalidQuestionError
from rag.ui import render, render_insights
from rag.ui.mapview import map_svg, outside_view

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
    """Handlers of the three tabs; each works in the page's chosen collection."""

    def __init__(self, desk: Desk):
        self.desk = desk
        self.exports = desk.settings.data_dir / "exports"

    def _text(self, value: str | None, label: str) -> str | None:
        """A filter box's text, spaces folded; None when blank; too long -> InvalidQuestionError."""
        text = " ".join((value or "").split())
        limit = self.desk.settings.max_question_chars
        if len(text) > limit:
            raise InvalidQuestionError(f"the {label} is {len(text):,} characters; the limit is {limit:,}")
        return text or None

    def show_timeline(self, query: str, place: str, actor: str, collection: str | None = None) -> tuple[Any, str]:
        from rag.insights.timeline import timeline, timeline_figure

        try:
            events = timeline(self.desk.assistant(collection or None), query=self._text(query, "question"),
                              place=self._text(place, "place"), actor=self._text(actor, "actor"))
        except Exception as exc:
            return None, _error(exc)
        return timeline_figure(events), render_insights.timeline_html(events)

    def show_map(self, question: str, collection: str | None = None) -> str:
        from rag.insights.places import places, places_for, routes

        try:
            assistant = self.desk.assistant(collection or None)
            q = self._text(question, "question")
            found = [p.place for p in places_for(assistant, q)] if q else places(assistant)
            paths = routes(assistant, q)  # "from X to Y" in the question or the sources: drawn as arrows
            return render_insights.places_html(found, map_svg(found, routes=paths),
                                               outside_view(found, routes=paths), routes=paths)
        except Exception as exc:
            return _error(exc)

    def write_brief(self, since: str, place: str, collection: str | None = None) -> tuple[str, Any, Any]:
        """(the briefing's HTML, its Markdown file, its Word file) for the download buttons."""
        from rag.insights.briefing import brief
        from rag.insights.export import briefing_markdown
        from rag.insights.export_docx import briefing_docx
        from rag.ui.input import parse_day

        off = gr.DownloadButton(value=None, interactive=False)
        try:
            name = collection or self.desk.home
            day = parse_day(since, "“since”")
            b = brief(self.desk.assistant(name), since=day, place=self._text(place, "place"))
        except Exception as exc:
            return _error(exc), off, off
        if not b.lines:
            return render_insights.briefing_html(b), off, off
        self.exports.mkdir(parents=True, exist_ok=True)
        title = f"Situation briefing: {name}"
        md = self.exports / f"{name}-briefing.md"
        md.write_text(briefing_markdown(b, title=title, collection=name), encoding="utf-8")
        docx = briefing_docx(b, self.exports / f"{name}-briefing.docx", title=title, collection=name)
        return (render_insights.briefing_html(b), gr.DownloadButton(value=str(md), interactive=True),
                gr.DownloadButton(value=str(docx), interactive=True))


def build_tabs(desk: Desk, collection: gr.Dropdown) -> list[gr.components.Component]:
    """Add the Timeline, Map and Briefing tabs (call inside ``gr.Tabs()``); returns their output
    components, which a change of collection clears."""
    tabs = InsightTabs(desk)
    private = "private"
    with gr.Tab("Timeline", id="timeline") as timeline_tab:
        gr.Markdown("Dated events in the collection's articles, in date order, each in its source's words and "
                    "cited. Filter by place or actor (text in the sentence), or by a question (the passages it "
                    "retrieves).")
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
        gr.Markdown("A short situation summary of what the collection's sources say: casualties, displacement, "
                    "territory and access first, grouped by place, every line dated and cited.")
        with gr.Row(equal_height=True):
            since = gr.Textbox(show_label=False, placeholder="Since YYYY-MM-DD (optional)", scale=1,
                               elem_id="brief-since")
            brief_place = gr.Textbox(show_label=False, placeholder="Place (optional)", scale=1, elem_id="brief-place")
            write = gr.Button("Write briefing", variant="primary", scale=1, elem_id="brief-btn")
        with gr.Row(elem_id="brief-export"):
            brief_md = gr.DownloadButton("Briefing as Markdown", value=None, interactive=False, size="sm",
                                         elem_id="brief-md")
            brief_docx = gr.DownloadButton("Briefing as Word", value=None, interactive=False, size="sm",
                                           elem_id="brief-docx")
        briefing = gr.HTML("", elem_id="briefing", css_template=CSS, js_on_load=None)
    gr.on([timeline_tab.select, show.click, query.submit, place.submit, actor.submit], tabs.show_timeline,
          inputs=[query, place, actor, collection], outputs=[chart, events], api_visibility=private)
    gr.on([map_tab.select, draw.click, question.submit], tabs.show_map, inputs=[question, collection],
          outputs=[map_html], api_visibility=private)
    gr.on([write.click, since.submit, brief_place.submit], tabs.write_brief, inputs=[since, brief_place, collection],
          outputs=[briefing, brief_md, brief_docx], api_visibility=private)
    return [chart, events, map_html, briefing, brief_md, brief_docx]

"""The Gradio page: ``build_app`` lays out the Ask tab (chat, sources panel, filters, examples),
the Articles tab and the insight tabs around a ``BriefingUI``, and wires its events and the
``/ask`` and ``/upload`` API endpoints; ``launch`` serves it (theme, CSS, JS, optional login)."""

import logging
from typing import Any

import gradio as gr

from rag.assistant import Assistant
from rag.settings import Settings
from rag.ui import render
from rag.ui.app import CSS_PATH, EXAMPLES, JS_PATH, BriefingUI
from rag.ui.tabs import build_tabs
from rag.ui.uploads import keep_gradio_files_in

log = logging.getLogger(__name__)


def build_app(assistant: Assistant, settings: Settings | None = None) -> gr.Blocks:
    """The whole UI around ``assistant``; launch it with ``launch()`` (theme, CSS and JS go there)."""
    settings = settings or assistant.settings
    ui = BriefingUI(assistant, settings)
    keep_gradio_files_in(settings)
    # delete_cache: uploads chosen but never added are dropped after an hour (checked hourly)
    with gr.Blocks(title="Briefing", analytics_enabled=False, delete_cache=(3600, 3600)) as demo:
        header = gr.HTML(render.header_html([]), elem_id="header-box", js_on_load=None)
        history, panels = gr.State([]), gr.State([])
        with gr.Tabs():
            with gr.Tab("Ask", id="ask"), gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=360):
                    chat = gr.Chatbot(
                        elem_id="chat", show_label=False, height=560, render_markdown=False, sanitize_html=True,
                        latex_delimiters=[], feedback_options=None, buttons=[], layout="bubble",
                        placeholder="**Ask about the indexed articles.** Answers quote the sources; "
                                    "each number links to the passage beside the chat.",
                        examples=[{"text": q[0], "display_text": " → then: ".join(q)} for q in EXAMPLES])
                    with gr.Row(elem_id="ask-row"):
                        question = gr.Textbox(elem_id="question", show_label=False, scale=8, lines=1, max_lines=4,
                                              placeholder="Ask a question about the articles…", autofocus=True)
                        ask_btn = gr.Button("Ask", variant="primary", elem_id="ask-btn", scale=1, min_width=80)
                        clear_btn = gr.Button("Clear", elem_id="clear-btn", scale=1, min_width=80)
                    with gr.Accordion("Filters: articles and dates", open=False, elem_id="filters"):
                        only = gr.Dropdown(label="Only these articles", multiselect=True, choices=[],
                                           elem_id="filter-articles")
                        with gr.Row():
                            date_from = gr.Textbox(label="From (YYYY-MM-DD)", placeholder="2023-11-01",
                                                   elem_id="date-from")
                            date_to = gr.Textbox(label="To (YYYY-MM-DD)", placeholder="2023-11-30", elem_id="date-to")
                with gr.Column(scale=2, min_width=300, elem_id="sources-col"):
                    sources = gr.HTML(render.panel_html([]), elem_id="sources", js_on_load=None)
            with gr.Tab("Articles", id="articles"):
                with gr.Row(equal_height=False):
                    with gr.Column():
                        gr.Markdown("#### Upload files")
                        files = gr.File(label="Upload articles (.txt, .md, .html, .pdf; several at once)",
                                        file_count="multiple", elem_id="upload")
                        add_files_btn = gr.Button("Add files", variant="primary", elem_id="add-files")
                    with gr.Column():
                        gr.Markdown("#### Or paste an article")
                        paste_title = gr.Textbox(label="Title", elem_id="paste-title")
                        paste_date = gr.Textbox(label="Publication date (YYYY-MM-DD, optional)", elem_id="paste-date")
                        paste_text = gr.Textbox(label="Article text", lines=6, max_lines=16, elem_id="paste-text")
                        add_text_btn = gr.Button("Add pasted article", elem_id="add-text")
                status = gr.HTML("", elem_id="ingest-status", js_on_load=None)
                table = gr.HTML(render.articles_html([]), elem_id="article-list", js_on_load=None)
                with gr.Row():
                    to_remove = gr.Dropdown(label="Remove an article from the index", choices=[], scale=4,
                                            elem_id="remove-article")
                    remove_btn = gr.Button("Remove", variant="stop", scale=1, elem_id="remove-btn")
            build_tabs(assistant)  # Timeline, Map, Briefing
        # API-only components (hidden): /upload takes files, returns the report dict
        with gr.Group(visible=False):
            api_files = gr.File(file_count="multiple", label="files")
            api_report = gr.JSON(label="report")

        views: list[gr.components.Component] = [header, table, only, to_remove]
        filters: list[gr.components.Component] = [only, date_from, date_to]
        chat_out: list[gr.components.Component] = [question, chat, history, panels, sources]
        private = "private"  # UI events are not API endpoints; /ask and /upload are
        gr.on([question.submit, ask_btn.click], ui.respond, inputs=[question, chat, history, panels, *filters],
              outputs=chat_out, api_visibility=private)
        chat.example_select(ui.run_example, inputs=[chat, history, panels, *filters], outputs=chat_out,
                            api_visibility=private)

        def reset() -> tuple:
            return "", [], [], [], render.panel_html([])

        clear_btn.click(reset, outputs=chat_out, queue=False, api_visibility=private)
        chat.clear(reset, outputs=chat_out, queue=False, api_visibility=private)
        add_files_btn.click(ui.add_files, [files, only], [status, files, *views], concurrency_id="index",
                            concurrency_limit=1, api_visibility=private)
        add_text_btn.click(ui.add_text, [paste_title, paste_date, paste_text, only],
                           [status, paste_title, paste_date, paste_text, *views], concurrency_id="index",
                           concurrency_limit=1, api_visibility=private)
        remove_btn.click(ui.remove, [to_remove, only], [status, *views], concurrency_id="index",
                         concurrency_limit=1, api_visibility=private)
        demo.load(ui.article_views, [only], views, api_visibility=private, show_progress="hidden")
        gr.api(ui.api_ask, api_name="ask")
        api_files.upload(ui.api_upload, api_files, api_report, api_name="upload",
                         concurrency_id="index", concurrency_limit=1)
    demo.queue(default_concurrency_limit=settings.concurrency, max_size=settings.max_queue)
    return demo


def auth_pair(settings: Settings) -> tuple[str, str] | None:
    """RAG_AUTH="user:password" -> ("user", "password")."""
    if settings.auth is None:
        return None
    user, sep, password = settings.auth.get_secret_value().partition(":")
    if not (sep and user and password):
        raise ValueError('RAG_AUTH must look like "user:password"')
    return user, password


def launch(demo: gr.Blocks, settings: Settings, *, port: int | None = None, block: bool = True,
           quiet: bool = False) -> tuple[Any, str, str]:
    """Serve on settings.host:port (127.0.0.1:7860 by default); never a share link, no analytics."""
    theme = gr.themes.Soft(primary_hue="blue", neutral_hue="slate", font=(
        gr.themes.LocalFont("IBM Plex Sans", weights=(400, 600, 700)), "ui-sans-serif", "system-ui", "sans-serif"))
    return demo.launch(server_name=settings.host, server_port=port or settings.port, share=False,
                       auth=auth_pair(settings), prevent_thread_lock=not block, show_error=False, quiet=quiet,
                       theme=theme, css_paths=[CSS_PATH], js=JS_PATH.read_text(encoding="utf-8"), ssr_mode=False,
                       mcp_server=False, max_file_size=f"{int(settings.max_upload_mb * 2) + 1}mb",
                       footer_links=["api", "settings"])

"""The Gradio page: ``build_app`` lays out the collection picker, the Ask tab (chat with ratings,
Stop, sources panel, filters, examples, exports), the Articles tab (uploads, paste, removal after a
confirmation) and the insight tabs around a ``BriefingUI``, and wires its events and the ``/ask``
and ``/upload`` API endpoints; ``launch`` serves it (theme, CSS, JS, optional login)."""

import logging
from typing import Any

import gradio as gr

from rag.assistant import Assistant
from rag.desk import Desk
from rag.settings import Settings
from rag.ui import render, render_articles
from rag.ui.app import CSS_PATH, EXAMPLES, JS_PATH, BriefingUI
from rag.ui.tabs import build_tabs
from rag.ui.uploads import keep_gradio_files_in

log = logging.getLogger(__name__)


def build_app(assistant: Assistant | Desk, settings: Settings | None = None) -> gr.Blocks:
    """The whole UI around ``assistant`` (the home collection) or a ``Desk`` of collections; launch
    it with ``launch()`` (theme, CSS and JS go there)."""
    ui = BriefingUI(assistant, settings or assistant.settings)
    settings = ui.settings
    keep_gradio_files_in(settings)
    private = "private"  # UI events are not API endpoints; /ask and /upload are
    # delete_cache: uploads chosen but never added are dropped after an hour (checked hourly)
    with gr.Blocks(title="Briefing", analytics_enabled=False, delete_cache=(3600, 3600)) as demo:
        header = gr.HTML(render_articles.header_html([]), elem_id="header-box", js_on_load=None)
        with gr.Row(elem_id="collection-row", equal_height=True):
            pick = gr.Dropdown(label="Collection", choices=[ui.desk.home], value=ui.desk.home, scale=2,
                               elem_id="collection", interactive=True)
            new_name = gr.Textbox(label="New collection", placeholder="e.g. Sudan 2024", scale=2,
                                  elem_id="new-collection")
            create_btn = gr.Button("Create", scale=1, min_width=90, elem_id="create-collection")
        collection_status = gr.HTML("", elem_id="collection-status", js_on_load=None)
        history, panels, answers = gr.State([]), gr.State([]), gr.State([])
        with gr.Tabs(elem_id="tabs"):
            with gr.Tab("Ask", id="ask"), gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=320):
                    chat = gr.Chatbot(
                        elem_id="chat", show_label=False, height=560, render_markdown=False, sanitize_html=True,
                        latex_delimiters=[], feedback_options=("Like", "Dislike"), buttons=[], layout="bubble",
                        placeholder="**Ask about the articles of this collection.** Answers quote the sources; "
                                    "each number opens the passage it comes from.",
                        examples=[{"text": q[0], "display_text": " → then: ".join(q)} for q in EXAMPLES])
                    with gr.Row(elem_id="ask-row"):
                        question = gr.Textbox(elem_id="question", show_label=False, scale=8, lines=1, max_lines=4,
                                              placeholder="Ask a question…", autofocus=True)
                        ask_btn = gr.Button("Ask", variant="primary", elem_id="ask-btn", scale=1, min_width=70)
                        stop_btn = gr.Button("Stop", variant="stop", elem_id="stop-btn", scale=1, min_width=70,
                                             visible=False)
                        clear_btn = gr.Button("Clear", elem_id="clear-btn", scale=1, min_width=70)
                    with gr.Accordion("Filters: articles and dates (none set)", open=False,
                                      elem_id="filters") as filter_box:
                        only = gr.Dropdown(label="Only these articles", multiselect=True, choices=[],
                                           elem_id="filter-articles")
                        with gr.Row():
                            date_from = gr.Textbox(label="From", placeholder="YYYY-MM-DD", elem_id="date-from")
                            date_to = gr.Textbox(label="To", placeholder="YYYY-MM-DD", elem_id="date-to")
                    with gr.Row(elem_id="export-row"):
                        chat_md = gr.DownloadButton("Chat as Markdown", value=None, interactive=False, size="sm",
                                                    elem_id="chat-md")
                        chat_docx = gr.DownloadButton("Chat as Word", value=None, interactive=False, size="sm",
                                                      elem_id="chat-docx")
                        votes = gr.DownloadButton("Ratings as evaluation rows", value=None, interactive=False,
                                                  size="sm", elem_id="votes")
                    vote_note = gr.HTML("", elem_id="vote-note", js_on_load=None)
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
                        paste_date = gr.Textbox(label="Publication date (optional)", placeholder="YYYY-MM-DD",
                                                elem_id="paste-date")
                        paste_text = gr.Textbox(label="Article text", lines=6, max_lines=16, elem_id="paste-text")
                        add_text_btn = gr.Button("Add pasted article", elem_id="add-text")
                status = gr.HTML("", elem_id="ingest-status", js_on_load=None)
                table = gr.HTML(render_articles.articles_html([]), elem_id="article-list", js_on_load=None)
                with gr.Row():
                    to_remove = gr.Dropdown(label="Remove an article from the collection", choices=[], scale=4,
                                            elem_id="remove-article")
                    remove_btn = gr.Button("Remove…", variant="stop", scale=1, elem_id="remove-btn")
                with gr.Column(visible=False, elem_id="confirm-remove") as confirm_box:
                    confirm_q = gr.HTML("", js_on_load=None)
                    with gr.Row():
                        confirm_yes = gr.Button("Yes, remove it", variant="stop", elem_id="confirm-yes")
                        confirm_no = gr.Button("Cancel", elem_id="confirm-no")
            insight_outputs = build_tabs(ui.desk, pick)  # Timeline, Map, Briefing
        # API-only components (hidden): /upload takes files, returns the report dict
        with gr.Group(visible=False):
            api_files = gr.File(file_count="multiple", label="files")
            api_report = gr.JSON(label="report")

        views: list[gr.components.Component] = [header, table, only, to_remove]
        filters: list[gr.components.Component] = [only, date_from, date_to]
        chat_out: list[gr.components.Component] = [question, chat, history, panels, sources, answers]
        chat_in = [chat, history, panels, *filters, answers, pick]

        chat_out = [*chat_out, ask_btn, stop_btn]

        def files_ready(md: str | None, docx: str | None) -> tuple:
            return (gr.DownloadButton(value=md, interactive=md is not None),
                    gr.DownloadButton(value=docx, interactive=docx is not None))

        def chat_files(done: list, name: str) -> tuple:
            """The chat's exports, and "Ask" back in place of "Stop" (the answer's event is closed)."""
            return *files_ready(*ui.chat_files(done, name)), gr.Button(visible=True), gr.Button(visible=False)

        # always_last: a question asked while the previous answer's stream is closing is queued, not
        # dropped (Gradio's default "once" ignored it: bench/first_use.py lost one in two runs)
        asks = [gr.on(trigger, fn, inputs=inputs, outputs=chat_out, api_visibility=private, trigger_mode="always_last")
                for trigger, fn, inputs in (([question.submit, ask_btn.click], ui.respond, [question, *chat_in]),
                                            ([chat.example_select], ui.run_example, chat_in))]
        for asked in asks:
            asked.then(chat_files, [answers, pick], [chat_md, chat_docx, ask_btn, stop_btn], api_visibility=private)
        stop_btn.click(ui.stopped, [chat], [chat, ask_btn, stop_btn], cancels=asks, queue=False,
                       api_visibility=private)

        def reset() -> tuple:
            return ("", [], [], [], render.panel_html([]), [], gr.Button(visible=True), gr.Button(visible=False),
                    *files_ready(None, None))

        cleared = [*chat_out, chat_md, chat_docx]
        clear_btn.click(reset, outputs=cleared, queue=False, api_visibility=private)
        chat.clear(reset, outputs=cleared, queue=False, api_visibility=private)

        def voted(done: list, name: str, data: gr.LikeData) -> tuple:
            note = ui.vote(done, name, data)
            path = ui.feedback_file()
            return note, gr.DownloadButton(value=path, interactive=path is not None)

        chat.like(voted, [answers, pick], [vote_note, votes], api_visibility=private)

        index: dict[str, Any] = {"concurrency_id": "index", "concurrency_limit": 1, "api_visibility": private}
        add_files_btn.click(ui.add_files, [files, only, pick], [status, files, *views], **index)
        add_text_btn.click(ui.add_text, [paste_title, paste_date, paste_text, only, pick],
                           [status, paste_title, paste_date, paste_text, *views], **index)
        remove_btn.click(ui.confirm_remove, [to_remove, pick], [confirm_box, confirm_q, status], api_visibility=private)
        confirm_yes.click(lambda: gr.Column(visible=False), outputs=[confirm_box], queue=False,
                          api_visibility=private).then(ui.remove, [to_remove, only, pick], [status, *views], **index)
        confirm_no.click(lambda: (gr.Column(visible=False), ""), outputs=[confirm_box, status], queue=False,
                         api_visibility=private)

        def switched(name: str) -> tuple:
            """Another collection: its articles, and a fresh chat (answers never mix collections)."""
            return (*ui.article_views(None, name), *reset(), *[None] * len(insight_outputs))

        pick.change(switched, [pick], [*views, *cleared, *insight_outputs], api_visibility=private)
        create_btn.click(ui.create_collection, [new_name, only], [pick, new_name, collection_status, *views],
                         **index)
        new_name.submit(ui.create_collection, [new_name, only], [pick, new_name, collection_status, *views], **index)

        def filter_label(ids: list[str] | None, start: str, end: str) -> Any:
            """The accordion says which filters are set, so an empty one never looks active."""
            parts = [f"{len(ids)} article(s)"] if ids else []
            parts += [f"from {start.strip()}"] if (start or "").strip() else []
            parts += [f"to {end.strip()}"] if (end or "").strip() else []
            return gr.Accordion(label=f"Filters: articles and dates ({', '.join(parts) or 'none set'})")

        gr.on([only.change, date_from.change, date_to.change], filter_label, filters, [filter_box], queue=False,
              api_visibility=private)

        def loaded(name: str, selected: list[str] | None) -> tuple:
            return (ui.collection_choices(name), *ui.article_views(selected, name))

        demo.load(loaded, [pick, only], [pick, *views], api_visibility=private, show_progress="hidden")
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

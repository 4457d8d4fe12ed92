"""The web app's handlers for collections and articles: choose or create a collection, upload files
(one at a time, each reported on its own line), paste an article, remove one after a confirmation.
Every handler works in the collection the page has chosen (``Desk.assistant(name)``); HTML comes
from ``rag.ui.render_articles``. No retrieval or answering here.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import gradio as gr

from rag.assistant import Assistant
from rag.desk import Desk
from rag.errors import BriefingError
from rag.settings import Settings
from rag.ui import render, render_articles
from rag.ui.input import FilterError, parse_day, safe_name, short_error
from rag.ui.uploads import drop_temp_copies, stage

log = logging.getLogger(__name__)


def log_refused(what: str, exc: Exception) -> None:
    """A user error is one log line: no traceback, no question text (the messages hold none)."""
    log.info("%s refused (%s): %s", what, type(exc).__name__, exc)


class ArticlesUI:
    def __init__(self, assistant: Assistant | Desk, settings: Settings):
        self.desk = assistant if isinstance(assistant, Desk) else Desk(home=assistant)
        self.settings = settings

    @property
    def assistant(self) -> Assistant:
        """The home collection's Assistant."""
        return self.desk.assistant()

    def collection(self, name: str | None) -> Assistant:
        return self.desk.assistant(name or None)

    # ---- collections ----------------------------------------------------------------------
    def collection_choices(self, chosen: str | None = None) -> Any:
        names = self.desk.names()
        return gr.Dropdown(choices=names, value=chosen if chosen in names else self.desk.home)

    def create_collection(self, text: str, selected: list[str] | None) -> tuple:
        """(collection picker, name box, status, *article views) after creating ``text``."""
        try:
            name = self.desk.create(text)
        except BriefingError as exc:
            log_refused("collection", exc)
            return (gr.Dropdown(), text, render.error_html(str(exc)), *([gr.skip()] * 4))
        log.info("collection created: %s", name)
        status = f'<div class="ingest-report ok">Created the collection “{render.esc(name)}”; add articles to it.</div>'
        return (self.collection_choices(name), "", status, *self.article_views(None, name))

    # ---- articles -------------------------------------------------------------------------
    def article_views(self, selected: Sequence[str] | None = None, collection: str | None = None) -> tuple:
        """(header, table, filter picker, remove picker) for the chosen collection."""
        assistant = self.collection(collection)
        articles = assistant.articles()
        choices = [(render_articles.article_label(a), a.article_id) for a in articles]
        ids = {a.article_id for a in articles}
        kept = [i for i in (selected or []) if i in ids]
        return (render_articles.header_html(articles, assistant.settings.collection),
                render_articles.articles_html(articles),
                gr.Dropdown(choices=choices, value=kept), gr.Dropdown(choices=choices, value=None))

    def ingest_files(self, files: Sequence[str] | None, progress: Any = None,
                     collection: str | None = None) -> dict[str, Any]:
        """Check and copy uploads to ``data_dir/uploads`` (``uploads.stage``), delete Gradio's
        temporary copies, then ingest them one by one, so each file gets its own line and the
        progress says "file i of n"; logs one line."""
        assistant = self.collection(collection)
        sources = [Path(str(item)) for item in files or []]
        upload_dir = (self.settings.data_dir / "uploads").resolve()
        try:
            staged, failures = stage(sources, upload_dir, self.settings.max_upload_mb)
        finally:
            drop_temp_copies(sources)
        result: dict[str, Any] = {"added": 0, "unchanged": 0, "replaced": 0, "chunks_added": 0, "article_ids": [],
                                  "notes": [], "files": []}
        refused = {name: error for name, error in failures}
        order = [safe_name(s.name) for s in sources]  # upload order
        written = 0
        for i, path in enumerate(staged, 1):
            if progress:
                progress((i - 1, len(staged)), desc=f"file {i} of {len(staged)}: {path.name} "
                                                     f"({written} passages written so far)")
            report = assistant.ingest([path], refresh=i == len(staged))  # BM25 rebuilt once, at the end
            for key in ("added", "unchanged", "replaced", "chunks_added"):
                result[key] += getattr(report, key)
            result["article_ids"] += list(report.article_ids)
            result["notes"] += list(report.notes)
            written += report.chunks_added
            status = ("added" if report.added else "updated" if report.replaced else
                      "unchanged" if report.unchanged else "failed")
            row: dict[str, Any] = {"file": path.name, "status": status, "passages": report.chunks_added}
            for f in report.failed:
                row["error"] = short_error(f.path, f.error)
                failures.append((path.name, row["error"]))
                if Path(f.path).resolve().parent == upload_dir:
                    Path(f.path).unlink(missing_ok=True)
            result["files"].append(row)
        result["files"] += [{"file": name, "status": "failed", "passages": 0, "error": error}
                            for name, error in refused.items()]
        result["files"].sort(key=lambda r: order.index(r["file"]) if r["file"] in order else len(order))
        # "file", not IngestReport's "path": gradio_client downloads any output dict with a "path" key
        result["failed"] = [{"file": name, "error": error} for name, error in failures]
        log.info("upload files=%d added=%d unchanged=%d replaced=%d failed=%d", len(sources), result["added"],
                 result["unchanged"], result["replaced"], len(failures))
        return result

    def add_files(self, files: list[str] | None, selected: list[str] | None, collection: str | None = None,
                  progress: gr.Progress = gr.Progress()) -> tuple:  # noqa: B008 (Gradio's idiom)
        if not files:
            status = render.error_html("Choose one or more files first (.txt, .md, .html, .pdf).")
        else:
            r = self.ingest_files(files, progress, collection)
            status = render_articles.upload_report(r["files"], r["notes"])
        return (status, None, *self.article_views(selected, collection))

    def add_text(self, title: str, published: str, text: str, selected: list[str] | None,
                 collection: str | None = None) -> tuple:
        keep = (title, published, text)
        try:
            if not (title or "").strip():
                raise FilterError("Give the pasted article a title.")
            if len((text or "").strip()) < 20:
                raise FilterError("Paste the article text (at least a sentence).")
            day = parse_day(published, "publication")
            report = self.collection(collection).ingest_text(text, title=title.strip(), published=day)
        except (FilterError, BriefingError) as exc:
            log_refused("paste", exc)
            return (render.error_html(str(exc)), *keep, *self.article_views(selected, collection))
        failures = [(title, short_error(f.path, f.error)) for f in report.failed]
        status = render_articles.ingest_summary(report.added, report.unchanged, report.replaced,
                                                report.chunks_added, failures)
        return (status, *(keep if failures else ("", "", "")), *self.article_views(selected, collection))

    def confirm_remove(self, article_id: str | None, collection: str | None = None) -> tuple:
        """(confirmation row, its question, status): the article goes only on "Yes, remove"."""
        titles = {a.article_id: a.title for a in self.collection(collection).articles()}
        if not article_id or article_id not in titles:
            return gr.Column(visible=False), "", render.error_html("Choose an article to remove.")
        question = (f'<div class="confirm-q">Remove “{render.esc(titles[article_id])}” and its passages from '
                    f'“{render.esc(collection or self.desk.home)}”? Answers will no longer cite it.</div>')
        return gr.Column(visible=True), question, ""

    def remove(self, article_id: str | None, selected: list[str] | None, collection: str | None = None) -> tuple:
        assistant = self.collection(collection)
        titles = {a.article_id: a.title for a in assistant.articles()}
        if not article_id or article_id not in titles:
            status = render.error_html("Choose an article to remove.")
        else:
            assistant.remove(article_id)
            status = f'<div class="ingest-report ok">Removed “{render.esc(titles[article_id])}”.</div>'
        return (status, *self.article_views(selected, collection))

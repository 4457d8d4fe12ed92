"""The Gradio 6 UI around the public Assistant API: chat with streamed, cited answers and a
sources panel, example questions, filters, adding / listing / removing articles, the Timeline,
Map and Briefing tabs (``rag.ui.tabs``), and two API endpoints (``/ask``, ``/upload``) for
``gradio_client``.

It holds no retrieval or answering code: every question goes to ``Assistant.stream`` or
``Assistant.ask``; HTML comes from the pure functions in ``rag.ui.render``, which escape
everything that comes from articles or users. ``BriefingError``s (and bad filters or history)
become short messages here (the edge) and one log line without a traceback; anything else is shown
to the user as a generic line and its traceback goes to the log.

Gradio keeps uploads under ``data_dir/tmp``, not in the shared system temp folder, and
``ingest_files`` deletes its temporary copies (``rag.ui.uploads``).
"""

import dataclasses
import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import gradio as gr

from rag.assistant import Assistant
from rag.errors import BriefingError
from rag.settings import Settings
from rag.ui import render
from rag.ui.input import FilterError, describe_filters, parse_day, parse_filters, parse_history, short_error
from rag.ui.uploads import drop_temp_copies, stage

log = logging.getLogger(__name__)

EXAMPLES: list[tuple[str, ...]] = [
    ("How many UN camps remain in Mali?",),
    ("Why did the convoy leave without air support?",),
    ("How many peacekeepers were in the final convoy?", "Which countries did those peacekeepers come from?"),
    ("What happened after 1 November?",),
]
_GENERIC_ERROR = "Something went wrong while answering; the details are in the server log. Try again."
CSS_PATH = Path(__file__).with_name("ui.css")
JS_PATH = Path(__file__).with_name("ui.js")
MAX_PANELS = 20  # sources of the latest answers kept in the panel


def _log_refused(what: str, exc: Exception) -> None:
    """A user error is one log line: no traceback, no question text (the messages hold none)."""
    log.info("%s refused (%s): %s", what, type(exc).__name__, exc)


def _refused(what: str, exc: Exception) -> gr.Error:
    """Log a user error and make it the client's message, which Gradio then prints no traceback for."""
    _log_refused(what, exc)
    return gr.Error(str(exc), print_exception=False)



class BriefingUI:
    """Event handlers; one instance per app, per-session data lives in gr.State."""

    def __init__(self, assistant: Assistant, settings: Settings):
        self.assistant = assistant
        self.settings = settings

    # ---- chat -----------------------------------------------------------------------------
    def converse(self, questions: Sequence[str], chat: list, history: list, panels: list,
                 article_ids: Sequence[str] | None, date_from: str, date_to: str) -> Iterator[tuple]:
        """Yields (question box, chat, history, panels, sources panel) as each answer streams in."""
        chat, history, panels = list(chat or []), list(history or []), list(panels or [])

        def state(box: str = "") -> tuple:
            return box, chat, history, panels, render.panel_html(panels)

        try:
            filters = parse_filters(article_ids, date_from, date_to)
        except FilterError as exc:
            _log_refused("ask", exc)
            chat.append({"role": "assistant", "content": render.error_html(str(exc))})
            yield state(questions[0] if questions else "")  # keep the question so it can be resent
            return
        for question in questions:
            if question.strip():
                chat.append({"role": "user", "content": render.user_html(question)})
            chat.append({"role": "assistant", "content": render.pending_html()})
            yield state()
            answer, partial = None, ""
            try:
                for event in self.assistant.stream(question, self._recent(history), **filters):
                    if isinstance(event, str):
                        partial += event
                        chat[-1] = {"role": "assistant", "content": render.pending_html(partial)}
                        yield state()
                    else:
                        answer = event
            except BriefingError as exc:
                _log_refused("ask", exc)
                chat[-1] = {"role": "assistant", "content": render.error_html(str(exc))}
                yield state()
                return
            except Exception:
                log.exception("answering failed")
                chat[-1] = {"role": "assistant", "content": render.error_html(_GENERIC_ERROR)}
                yield state()
                return
            if answer is None:
                continue
            described = describe_filters(filters)
            if answer.abstained and not answer.retrieved and described:  # the API says "No article is indexed"
                answer = dataclasses.replace(answer, text=f"No indexed article matches these filters ({described})."
                                             " Widen or clear them under “Filters”.")
            turn = panels[-1]["turn"] + 1 if panels else 0  # unique per session, keys the badge links
            texts = {c.article_id: self.assistant.article_text(c.article_id) for c in answer.citations}
            chat[-1] = {"role": "assistant", "content": render.answer_html(answer, turn)}
            history += [{"role": "user", "content": answer.question}, {"role": "assistant", "content": answer.text}]
            panels.append({"turn": turn, "question": answer.question,
                           "body": render.sources_html(answer, turn, texts, described and f"Filtered: {described}")})
            del panels[:-MAX_PANELS]
            yield state()

    def respond(self, question: str, chat: list, history: list, panels: list, article_ids: list[str] | None,
                date_from: str, date_to: str) -> Iterator[tuple]:
        yield from self.converse([question or ""], chat, history, panels, article_ids, date_from, date_to)

    def run_example(self, chat: list, history: list, panels: list, article_ids: list[str] | None,
                    date_from: str, date_to: str, evt: gr.SelectData) -> Iterator[tuple]:
        yield from self.converse(EXAMPLES[evt.index], chat, history, panels, article_ids, date_from, date_to)

    # ---- articles -------------------------------------------------------------------------
    def article_views(self, selected: Sequence[str] | None = None) -> tuple:
        """(header, table, filter picker, remove picker) for the current index."""
        articles = self.assistant.articles()
        choices = [(render.article_label(a), a.article_id) for a in articles]
        ids = {a.article_id for a in articles}
        kept = [i for i in (selected or []) if i in ids]
        return (render.header_html(articles), render.articles_html(articles),
                gr.Dropdown(choices=choices, value=kept), gr.Dropdown(choices=choices, value=None))

    def ingest_files(self, files: Sequence[str] | None, progress: Any = None) -> dict[str, Any]:
        """Check and copy uploads to ``data_dir/uploads`` (``uploads.stage``), delete Gradio's
        temporary copies, ingest; logs one line."""
        sources = [Path(str(item)) for item in files or []]
        upload_dir = (self.settings.data_dir / "uploads").resolve()
        try:
            staged, failures = stage(sources, upload_dir, self.settings.max_upload_mb)
        finally:
            drop_temp_copies(sources)
        result: dict[str, Any] = {"added": 0, "unchanged": 0, "replaced": 0, "chunks_added": 0, "article_ids": [],
                                  "notes": []}
        if staged:
            callback = (lambda done, total, msg: progress((done, total), desc=msg)) if progress else None
            report = self.assistant.ingest(staged, progress=callback)
            result.update(report.to_dict(), article_ids=list(report.article_ids))
            for f in report.failed:
                failures.append((Path(f.path).name, short_error(f.path, f.error)))
                if Path(f.path).resolve().parent == upload_dir:
                    Path(f.path).unlink(missing_ok=True)
        # "file", not IngestReport's "path": gradio_client downloads any output dict with a "path" key
        result["failed"] = [{"file": name, "error": error} for name, error in failures]
        log.info("upload files=%d added=%d unchanged=%d replaced=%d failed=%d", len(sources), result["added"],
                 result["unchanged"], result["replaced"], len(failures))
        return result

    def add_files(self, files: list[str] | None, selected: list[str] | None,
                  progress: gr.Progress = gr.Progress()) -> tuple:  # noqa: B008 (Gradio's idiom)
        if not files:
            status = render.error_html("Choose one or more files first (.txt, .md, .html, .pdf).")
        else:
            r = self.ingest_files(files, progress)
            status = render.ingest_summary(r["added"], r["unchanged"], r["replaced"], r["chunks_added"],
                                           [(f["file"], f["error"]) for f in r["failed"]], r["notes"])
        return (status, None, *self.article_views(selected))

    def add_text(self, title: str, published: str, text: str, selected: list[str] | None) -> tuple:
        keep = (title, published, text)
        try:
            if not (title or "").strip():
                raise FilterError("Give the pasted article a title.")
            if len((text or "").strip()) < 20:
                raise FilterError("Paste the article text (at least a sentence).")
            day = parse_day(published, "publication")
            report = self.assistant.ingest_text(text, title=title.strip(), published=day)
        except (FilterError, BriefingError) as exc:
            _log_refused("paste", exc)
            return (render.error_html(str(exc)), *keep, *self.article_views(selected))
        failures = [(title, short_error(f.path, f.error)) for f in report.failed]
        status = render.ingest_summary(report.added, report.unchanged, report.replaced, report.chunks_added, failures)
        return (status, *(keep if failures else ("", "", "")), *self.article_views(selected))

    def remove(self, article_id: str | None, selected: list[str] | None) -> tuple:
        titles = {a.article_id: a.title for a in self.assistant.articles()}
        if not article_id or article_id not in titles:
            status = render.error_html("Choose an article to remove.")
        else:
            self.assistant.remove(article_id)
            status = f'<div class="ingest-report ok">Removed “{render.esc(titles[article_id])}”.</div>'
        return (status, *self.article_views(selected))

    def _recent(self, history: list) -> list:
        """The latest messages of a chat that fit the history limits (a long chat keeps working;
        follow-ups lean on the last turns only)."""
        out: list = []
        size = 0
        for msg in reversed(history):
            size += len(msg.get("content", "")) + len(msg.get("role", ""))
            if len(out) >= self.settings.max_history_turns or size > self.settings.max_history_chars:
                break
            out.append(msg)
        return out[::-1]

    # ---- API ------------------------------------------------------------------------------
    def api_ask(self, question: str, history_json: str = "[]") -> dict[str, Any]:
        """Answer a question; history_json is a JSON list of {"role", "content"} messages."""
        try:
            history = parse_history(history_json, self.settings.max_history_chars)
            return self.assistant.ask(question, history).to_dict()
        except (FilterError, BriefingError) as exc:
            raise _refused("ask", exc) from None
        except Exception:
            log.exception("answering failed")
            raise gr.Error(_GENERIC_ERROR, print_exception=False) from None

    def api_upload(self, files: list[str] | None) -> dict[str, Any]:
        """Ingest uploaded files; returns added/unchanged/replaced counts and failed [{file, error}]."""
        return self.ingest_files(files)

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
from rag.desk import Desk
from rag.errors import BriefingError
from rag.insights.export import answer_markdown, chat_markdown
from rag.insights.export_docx import chat_docx
from rag.settings import Settings
from rag.ui import render
from rag.ui.articles import ArticlesUI
from rag.ui.articles import log_refused as _log_refused
from rag.ui.feedback import FeedbackLog
from rag.ui.input import FilterError, describe_filters, parse_filters, parse_history

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



def _refused(what: str, exc: Exception) -> gr.Error:
    """Log a user error and make it the client's message, which Gradio then prints no traceback for."""
    _log_refused(what, exc)
    return gr.Error(str(exc), print_exception=False)


class BriefingUI(ArticlesUI):
    """Event handlers; one instance per app, per-session data lives in gr.State. Handlers take the
    page's chosen collection last (``None``: the home collection)."""

    def __init__(self, assistant: Assistant | Desk, settings: Settings):
        super().__init__(assistant, settings)
        self.feedback = FeedbackLog(settings.data_dir / "feedback.jsonl")
        self.exports = settings.data_dir / "exports"

    # ---- chat -----------------------------------------------------------------------------
    def converse(self, questions: Sequence[str], chat: list, history: list, panels: list,
                 article_ids: Sequence[str] | None, date_from: str, date_to: str, answers: list | None = None,
                 collection: str | None = None) -> Iterator[tuple]:
        """Yields (question box, chat, history, panels, sources panel, answers) as each answer
        streams in; ``answers`` pairs each finished answer with its message's index in the chat."""
        chat, history, panels = list(chat or []), list(history or []), list(panels or [])
        answers = list(answers or [])

        def state(box: Any = None, streaming: bool = True) -> tuple:
            """The outputs; while ``streaming``, "Stop" shows in place of "Ask". The swap back is left
            to the listener's next step (``layout``), which Gradio runs only once it has closed this
            event: a question sent while the event's completion was still on its way was answered,
            then overwritten by that completion (the browser test lost an error so, one run in
            three). The question box is written only when given (cleared as a question is taken),
            so a later update never wipes what the user has started typing."""
            buttons = (gr.Button(visible=False), gr.Button(visible=True)) if streaming else (gr.skip(), gr.skip())
            return (gr.skip() if box is None else box, chat, history, panels, render.panel_html(panels), answers,
                    *buttons)

        try:
            filters = parse_filters(article_ids, date_from, date_to)
            assistant = self.collection(collection)
        except (FilterError, BriefingError) as exc:
            _log_refused("ask", exc)
            chat.append({"role": "assistant", "content": render.error_html(str(exc))})
            yield state(questions[0] if questions else "", False)  # keep the question so it can be resent
            return
        for question in questions:
            if question.strip():
                chat.append({"role": "user", "content": render.user_html(question)})
            chat.append({"role": "assistant", "content": render.pending_html()})
            yield state("")
            answer, partial = None, ""
            try:
                for event in assistant.stream(question, self._recent(history), **filters):
                    if isinstance(event, str):
                        partial += event
                        chat[-1] = {"role": "assistant", "content": render.pending_html(partial)}
                        yield state()
                    else:
                        answer = event
            except BriefingError as exc:
                _log_refused("ask", exc)
                chat[-1] = {"role": "assistant", "content": render.error_html(str(exc))}
                yield state(streaming=False)
                return
            except Exception:
                log.exception("answering failed")
                chat[-1] = {"role": "assistant", "content": render.error_html(_GENERIC_ERROR)}
                yield state(streaming=False)
                return
            if answer is None:
                continue
            described = describe_filters(filters)
            if answer.abstained and not answer.retrieved and described:  # the API says "No article is indexed"
                answer = dataclasses.replace(answer, text=f"No indexed article matches these filters ({described})."
                                             " Widen or clear them under “Filters”.")
            turn = panels[-1]["turn"] + 1 if panels else 0  # unique per session, keys the badge links
            texts = {c.article_id: assistant.article_text(c.article_id) for c in answer.citations}
            chat[-1] = {"role": "assistant", "content": render.answer_html(answer, turn, copy=True)}
            history += [{"role": "user", "content": answer.question}, {"role": "assistant", "content": answer.text}]
            panels.append({"turn": turn, "question": answer.question,
                           "body": render.sources_html(answer, turn, texts, described and f"Filtered: {described}",
                                                       answer_markdown(answer))})
            del panels[:-MAX_PANELS]
            answers.append((len(chat) - 1, dataclasses.replace(answer, retrieved=(), trace=None)))
            yield state(streaming=question is not questions[-1])
        if answer is None:
            yield state(streaming=False)

    def respond(self, question: str, chat: list, history: list, panels: list, article_ids: list[str] | None,
                date_from: str, date_to: str, answers: list | None = None,
                collection: str | None = None) -> Iterator[tuple]:
        yield from self.converse([question or ""], chat, history, panels, article_ids, date_from, date_to, answers,
                                 collection)

    def run_example(self, chat: list, history: list, panels: list, article_ids: list[str] | None,
                    date_from: str, date_to: str, answers: list | None, collection: str | None,
                    evt: gr.SelectData) -> Iterator[tuple]:
        yield from self.converse(EXAMPLES[evt.index], chat, history, panels, article_ids, date_from, date_to,
                                 answers, collection)

    @staticmethod
    def stopped(chat: list) -> tuple:
        """(chat, Ask, Stop) after "Stop": an answer still streaming ends with a note saying so."""
        chat = list(chat or [])
        if chat and "answer pending" in str(chat[-1].get("content", "")):
            chat[-1] = {"role": "assistant", "content": render.stopped_html(str(chat[-1]["content"]))}
        return chat, gr.Button(visible=True), gr.Button(visible=False)

    # ---- feedback and exports ---------------------------------------------------------------
    def vote(self, answers: list, collection: str | None, data: gr.LikeData) -> str:
        """Keep a thumbs up / down with its question, answer and citations (``FeedbackLog``)."""
        index = data.index if isinstance(data.index, int) else data.index[0]
        found = [a for i, a in answers or [] if i == index]
        if not found:
            return '<div class="note">Only finished answers can be rated.</div>'
        self.feedback.record(found[0], bool(data.liked), collection or self.desk.home)
        n = len(self.feedback.records())
        return f'<div class="ok">Thanks: rating kept ({n} so far). Download them as evaluation rows below.</div>'

    def feedback_file(self) -> str | None:
        if not self.feedback.records():
            return None
        return str(self.feedback.export(self.exports / "feedback-eval-rows.jsonl"))

    def chat_files(self, answers: list, collection: str | None) -> tuple[str | None, str | None]:
        """(Markdown, Word) files of the conversation so far, for the download buttons."""
        done = [a for _, a in answers or []]
        if not done:
            return None, None
        name = collection or self.desk.home
        self.exports.mkdir(parents=True, exist_ok=True)
        md = self.exports / f"{name}-chat.md"
        md.write_text(chat_markdown(done, title=f"Briefing chat: {name}"), encoding="utf-8")
        docx = chat_docx(done, self.exports / f"{name}-chat.docx", title=f"Briefing chat: {name}")
        return str(md), str(docx)

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
    def api_ask(self, question: str, history_json: str = "[]", collection: str = "") -> dict[str, Any]:
        """Answer a question; history_json is a JSON list of {"role", "content"} messages;
        collection: the collection to ask (default: the home one)."""
        try:
            history = parse_history(history_json, self.settings.max_history_chars)
            return self.collection(collection or None).ask(question, history).to_dict()
        except (FilterError, BriefingError) as exc:
            raise _refused("ask", exc) from None
        except Exception:
            log.exception("answering failed")
            raise gr.Error(_GENERIC_ERROR, print_exception=False) from None

    def api_upload(self, files: list[str] | None) -> dict[str, Any]:
        """Ingest uploaded files into the home collection; returns added/unchanged/replaced counts,
        files [{file, status, passages, error}] in upload order, and failed [{file, error}]."""
        try:
            return self.ingest_files(files)
        except BriefingError as exc:
            raise _refused("upload", exc) from None

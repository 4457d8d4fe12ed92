"""The web app's edges: a user error is one log line and no traceback (in our log or printed by
Gradio), a real bug still logs its traceback; Gradio's uploads live under the data folder, not the
shared system temp folder, and their temporary copies are deleted once ingested. Through
``BriefingUI``'s methods (real assistant, real store), and once through the served app."""

from __future__ import annotations

import logging
import tempfile
import uuid
from pathlib import Path

import gradio as gr
import pytest

from rag.ui.app import BriefingUI
from rag.ui.layout import build_app, launch

from .test_ui_api import free_port

GOOD = ("Kessel bridge reopens\n\n2024-04-02\n\nEngineers reopened the Kessel bridge on Tuesday after 37 days of "
        "repairs, the district council said.")


def ours(caplog) -> list[logging.LogRecord]:
    """The UI's records; no record of anyone's may carry a traceback unless a test says so."""
    return [r for r in caplog.records if r.name.startswith("rag.ui")]


def tracebacks(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.exc_info]


@pytest.fixture
def ui(fresh_assistant, caplog):
    caplog.set_level(logging.INFO)
    fresh_assistant.warm_up()  # its log lines belong to the fixture, not the test
    return BriefingUI(fresh_assistant, fresh_assistant.settings)


@pytest.mark.parametrize(("question", "history", "phrase"), [
    ("   ", "[]", "the question is empty"),
    ("Why " * 700, "[]", "the limit is 2,000"),
    ("Why?", "{not json", "history_json must be"),
], ids=["empty", "too-long", "bad-history"])
def test_refused_api_question_is_one_log_line(ui, caplog, question, history, phrase):
    with pytest.raises(gr.Error) as refused:
        ui.api_ask(question, history)
    assert phrase in refused.value.message
    assert refused.value.print_exception is False  # Gradio would print its traceback to the app's stderr
    records = ours(caplog)
    assert len(records) == 1 and not tracebacks(caplog), [r.getMessage() for r in caplog.records]
    assert phrase in records[0].getMessage() and "Why Why" not in records[0].getMessage()  # no question text


@pytest.mark.parametrize(("question", "date_from", "phrase"), [
    ("  ", "", "the question is empty"),
    ("Why?", "2023-13-01", "is not a date"),
], ids=["empty", "bad-date"])
def test_refused_chat_question_is_one_log_line(ui, caplog, question, date_from, phrase):
    *_, last = ui.respond(question, [], [], [], None, date_from, "")
    assert phrase in last[1][-1]["content"].lower()  # (box, chat, ...): the message is shown in the chat
    records = ours(caplog)
    assert len(records) == 1 and not tracebacks(caplog), [r.getMessage() for r in caplog.records]
    assert phrase in records[0].getMessage().lower()


def test_refused_upload_and_paste_are_one_log_line_each(ui, caplog, tmp_path):
    exe = tmp_path / "payload.exe"
    exe.write_bytes(b"MZ\x90\x00not an article")
    status, *_ = ui.add_files([str(exe)], None)
    assert "unsupported file type .exe" in status
    ui.add_text("", "", "Some pasted article text that has no title.", None)
    messages = [r.getMessage() for r in ours(caplog)]
    assert len(messages) == 2 and not tracebacks(caplog), messages
    assert "upload files=1 added=0" in messages[0] and "failed=1" in messages[0]
    assert "refused" in messages[1] and "title" in messages[1]


def test_a_real_bug_still_logs_its_traceback(ui, caplog, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(ui.assistant, "ask", broken)
    monkeypatch.setattr(ui.assistant, "stream", broken)
    with pytest.raises(gr.Error) as failed:
        ui.api_ask("Why did the convoy lack air support?")
    assert "boom" not in failed.value.message and "server log" in failed.value.message
    list(ui.respond("Why did the convoy lack air support?", [], [], [], None, "", ""))
    bugs = tracebacks(caplog)
    assert len(bugs) == 2 and all(isinstance(r.exc_info[1], RuntimeError) for r in bugs)


def test_uploads_stay_under_the_data_dir_and_temp_copies_are_deleted(fresh_assistant, tmp_path, monkeypatch):
    from gradio.utils import get_upload_folder

    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_tmp))
    monkeypatch.setenv("GRADIO_TEMP_DIR", "")  # Gradio's default: <system temp>/gradio; restored afterwards
    build_app(fresh_assistant)
    # where Gradio's /upload route puts a file: <upload folder>/<hash>/<name>
    folder = Path(get_upload_folder()) / "9f2c41d0"
    folder.mkdir(parents=True)
    good, bad = folder / "kessel-bridge.txt", folder / "payload.exe"
    good.write_text(GOOD)
    bad.write_bytes(b"MZ")
    data = fresh_assistant.settings.data_dir.resolve()
    assert good.resolve().is_relative_to(data), good
    result = BriefingUI(fresh_assistant, fresh_assistant.settings).ingest_files([str(good), str(bad)])
    assert result["added"] == 1 and [f["file"] for f in result["failed"]] == ["payload.exe"]
    assert not good.exists() and not bad.exists() and not folder.exists()
    assert (data / "uploads" / "kessel-bridge.txt").read_text() == GOOD
    assert list(system_tmp.rglob("*")) == []


def test_ingest_files_keeps_files_that_are_not_gradio_temp_copies(fresh_assistant, tmp_path):
    mine = tmp_path / "kessel-bridge.txt"
    mine.write_text(GOOD)
    assert BriefingUI(fresh_assistant, fresh_assistant.settings).ingest_files([str(mine)])["added"] == 1
    assert mine.read_text() == GOOD  # a caller's own file is never deleted


@pytest.fixture(scope="module")
def served(embeddings, tmp_path_factory):
    """The app over an empty store of its own, served on a free loopback port."""
    from gradio_client import Client

    from rag import Assistant, Settings

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GRADIO_TEMP_DIR", "")  # restored when the module is done
        settings = Settings(data_dir=tmp_path_factory.mktemp("ui-edges"), auth=None)
        assistant = Assistant(settings, embeddings=embeddings)
        demo = build_app(assistant)
        _, url, _ = launch(demo, settings, port=free_port(), block=False, quiet=True)
        try:
            yield settings, Client(url, verbose=False)
        finally:
            demo.close()


def test_served_app_prints_no_traceback_for_a_refused_question(served, capfd):
    from gradio_client.exceptions import AppError

    _, client = served
    capfd.readouterr()
    for question, history in (("   ", "[]"), ("Why?", "{not json")):
        with pytest.raises(AppError):
            client.predict(question, history, api_name="/ask")
    assert "Traceback" not in capfd.readouterr().err


def test_served_upload_lands_in_the_data_dir_and_its_temp_copy_is_deleted(served, tmp_path):
    from gradio_client import handle_file

    settings, client = served
    name = f"upload-{uuid.uuid4().hex[:8]}.txt"
    (tmp_path / name).write_text(GOOD)
    report = client.predict([handle_file(str(tmp_path / name))], api_name="/upload")
    assert report["added"] == 1, report
    data = settings.data_dir.resolve()
    assert (data / "uploads" / name).exists()
    assert (data / "tmp").is_dir()  # Gradio's upload folder
    assert not list(data.rglob(f"tmp/**/{name}"))  # the temporary copy is gone
    assert not list(Path(tempfile.gettempdir()).joinpath("gradio").rglob(name))  # never in the shared temp folder

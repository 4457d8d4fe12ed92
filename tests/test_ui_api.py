"""The running app driven through gradio_client: /ask and /upload against a real assistant
(real embedder, real Chroma in a temp dir) served on a free loopback port."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UI_DATA = ROOT / "tests" / "data" / "ui"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def ui_assistant(embeddings, tmp_path_factory):
    """A writable assistant over the shipped corpus (uploads land in its own temp data dir)."""
    from rag import Assistant, Settings

    settings = Settings(data_dir=tmp_path_factory.mktemp("ui-api"), corpus_dir=ROOT / "corpus",
                        host="127.0.0.1", auth=None, max_upload_mb=0.05)
    assistant = Assistant(settings, embeddings=embeddings)
    assistant.ensure_corpus()
    return assistant


@pytest.fixture(scope="module")
def client(ui_assistant):
    from gradio_client import Client

    from rag.ui.layout import build_app, launch

    demo = build_app(ui_assistant)
    _, url, _ = launch(demo, ui_assistant.settings, port=free_port(), block=False, quiet=True)
    try:
        yield Client(url, verbose=False)
    finally:
        demo.close()


@pytest.mark.parametrize(("date_from", "date_to", "message"), [
    ("2023-13-01", "", "“from” date “2023-13-01” is not a date"),
    ("", "9 Nov 2023", "“to” date “9 Nov 2023” is not a date; use YYYY-MM-DD"),
    ("2023-12-01", "2023-11-01", "is after the “to” date"),
])
def test_bad_date_filters_say_what_to_type(date_from, date_to, message):
    from rag.ui.input import FilterError, parse_filters

    with pytest.raises(FilterError, match=message):
        parse_filters([], date_from, date_to)


def test_filters_and_auth_parse():
    from datetime import date

    from rag import Settings
    from rag.ui.input import parse_filters
    from rag.ui.layout import auth_pair

    assert parse_filters(["a1"], " 2023-11-01 ", "") == {"article_ids": ("a1",), "date_from": date(2023, 11, 1),
                                                       "date_to": None}
    assert auth_pair(Settings(auth="ann:s3:cret")) == ("ann", "s3:cret")
    assert auth_pair(Settings(auth=None)) is None
    with pytest.raises(ValueError, match="user:password"):
        auth_pair(Settings(auth="no-colon"))


def ask(client, question: str, history: list | None = None) -> dict:
    return client.predict(question, json.dumps(history or []), api_name="/ask")


def test_ask_cites_the_flight_clearance_sentence(client):
    answer = ask(client, "Why did the convoy lack air support?")
    assert "flight clearance" in answer["text"]
    assert not answer["abstained"]
    assert any("flight clearance" in c["quote"] for c in answer["citations"])
    assert {"total_ms"} <= set(answer["timings"])


def test_follow_up_uses_the_history(client):
    first = ask(client, "How many peacekeepers were in the final convoy?")
    history = [{"role": "user", "content": first["question"]}, {"role": "assistant", "content": first["text"]}]
    answer = ask(client, "Which countries did those peacekeepers come from?", history)
    assert all(country in answer["text"] for country in ("Bangladesh", "Chad", "Egypt", "Guinea", "Nepal"))


def test_uploaded_article_is_cited(client):
    from gradio_client import handle_file

    report = client.predict([handle_file(str(UI_DATA / "orvena-ferry.md"))], api_name="/upload")
    assert report["added"] == 1 and report["failed"] == []
    answer = ask(client, "How many people did the ferry on Lake Orvena carry?")
    assert "4,217" in answer["text"]
    assert any(c["title"].startswith("Ferry on Lake Orvena") for c in answer["citations"])
    again = client.predict([handle_file(str(UI_DATA / "orvena-ferry.md"))], api_name="/upload")
    assert again["added"] == 0 and again["unchanged"] == 1


def test_bad_uploads_get_messages_and_good_ones_still_index(client, tmp_path):
    from gradio_client import handle_file

    exe = tmp_path / "payload.exe"
    exe.write_bytes(b"MZ\x90\x00not an article")
    big = tmp_path / "huge.txt"
    big.write_text("Word " * 20_000)  # 100 kB, over the 0.05 MB test limit
    empty = tmp_path / "empty.md"
    empty.write_text("")
    good = tmp_path / "kessel-bridge.txt"
    good.write_text("Kessel bridge reopens\n\n2024-04-02\n\nEngineers reopened the Kessel bridge on Tuesday "
                    "after 37 days of repairs, the district council said.")
    report = client.predict([handle_file(str(p)) for p in (exe, big, empty, good)], api_name="/upload")
    errors = {f["file"]: f["error"] for f in report["failed"]}
    assert set(errors) == {"payload.exe", "huge.txt", "empty.md"}
    assert "unsupported file type .exe" in errors["payload.exe"]
    assert "over the 0.05 MB limit" in errors["huge.txt"]
    assert "empty" in errors["empty.md"]
    assert all("/" not in name for name in errors)  # no server paths leak into messages
    assert report["added"] == 1
    answer = ask(client, "How many days of repairs did the Kessel bridge need?")
    assert "37" in answer["text"]


def test_empty_question_is_a_clear_error_not_a_crash(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="question is empty"):
        ask(client, "   ")
    with pytest.raises(AppError, match="history_json"):
        client.predict("Why?", "{not json", api_name="/ask")
    assert "flight clearance" in ask(client, "Why did the convoy lack air support?")["text"]


def test_unanswerable_question_abstains(client):
    answer = ask(client, "Who is the president of Mali's transitional government?")
    assert answer["abstained"] and answer["citations"] == []
    assert answer["retrieved"]

"""The command line's edges, in process (``rag.__main__.main``) where that shows the behaviour, in a
subprocess where only a fresh process does (what ``app.py`` prints on start-up): dates in ``list``,
a bad setting as one line, user errors as one line with no traceback, quiet third-party loggers."""

import logging
import os
import subprocess
import sys

import pytest

from rag.__main__ import main

from .conftest import ROOT

DATED = "---\ntitle: Bridge reopens\ndate: 2024-04-05\n---\nThe Kessel Ford bridge reopened to traffic on Wednesday.\n"
UNDATED = "---\ntitle: Ferry resumes\n---\nThe ferry on Lake Orvena resumed its crossings after the storm.\n"


def test_list_prints_each_date_or_undated(cli, capsys):
    (cli / "articles").mkdir()
    (cli / "articles" / "bridge.md").write_text(DATED)
    (cli / "articles" / "ferry.md").write_text(UNDATED)
    assert main(["ingest", str(cli / "articles")]) == 0
    capsys.readouterr()
    assert main(["list"]) == 0
    lines = {line.split()[-1]: line for line in capsys.readouterr().out.splitlines()}
    assert " 2024-04-05 " in lines["reopens"], lines
    assert " undated " in lines["resumes"], lines
    assert "<10" not in "".join(lines.values())


BAD_SETTINGS = [
    ("RAG_LLM_TIMEOUT_S", "abc", "a valid number"),
    ("RAG_TOP_K", "-3", "greater than or equal to 1"),
    ("RAG_LLM_PROVIDER", "gpt", "'none', 'ollama', 'openai' or 'llamacpp'"),
]


@pytest.mark.parametrize(("name", "value", "expected"), BAD_SETTINGS, ids=[n for n, *_ in BAD_SETTINGS])
def test_bad_setting_is_one_line_naming_it(cli, capsys, monkeypatch, name, value, expected):
    monkeypatch.setenv(name, value)
    assert main(["list"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and "pydantic" not in err, err
    assert err.startswith(f"error: {name}='{value}'") and expected in err, err


def test_bad_setting_names_every_bad_variable_but_no_secret():
    from rag.errors import BriefingError
    from rag.settings import Settings

    with pytest.raises(BriefingError) as exc:
        Settings(top_k=0, port="eighty", llm_api_key=["not", "text"])
    message = str(exc.value)
    assert "RAG_TOP_K=0" in message and "RAG_PORT='eighty'" in message and "RAG_LLM_API_KEY" in message
    assert "'not'" not in message and "\n" not in message  # a secret's value is never shown


@pytest.mark.slow  # a fresh interpreter imports gradio
def test_bad_setting_stops_app_py_with_one_line(tmp_path):
    env = {**os.environ, "RAG_TOP_K": "-3", "PYTHONPATH": str(ROOT), "RAG_DATA_DIR": str(tmp_path)}
    r = subprocess.run([sys.executable, str(ROOT / "app.py")], capture_output=True, text=True, cwd=tmp_path,
                       env=env, timeout=120)
    assert r.returncode == 2, r.stderr
    assert r.stderr == "error: RAG_TOP_K='-3': should be greater than or equal to 1\n", r.stderr


USER_ERRORS = [
    (["ask", "   "], "the question is empty"),
    (["ask", "x" * 3000], "the limit is 2,000"),
    (["eval", "missing.jsonl"], "missing.jsonl"),
    (["dataset", "check", "no-such-folder"], "no-such-folder"),
]


@pytest.mark.parametrize(("argv", "phrase"), USER_ERRORS, ids=["empty", "too-long", "eval-missing", "dataset-missing"])
def test_user_error_is_one_line_and_no_traceback(cli, capsys, caplog, argv, phrase):
    caplog.set_level(logging.INFO)
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and phrase in err, err
    assert not [r for r in caplog.records if r.exc_info], [r.getMessage() for r in caplog.records]


def test_logging_setup_passes_ours_and_only_warnings_of_libraries(cli, capsys):
    from rag import logs

    before = len(logging.getLogger().handlers)
    logs.setup(verbose=True)
    logging.getLogger("bm25s").setLevel(logging.DEBUG)  # as bm25s does to itself on import
    logging.getLogger("bm25s").debug("Building index from tokens")
    logging.getLogger("httpx").info("HTTP Request: GET http://127.0.0.1/")
    logging.getLogger("chromadb").warning("a library warning")
    logging.getLogger("rag.assistant").info("ask chars=5")
    err = capsys.readouterr().err
    assert "ask chars=5" in err and "a library warning" in err
    assert "bm25s" not in err and "httpx" not in err
    logs.setup(verbose=False)
    logging.getLogger("rag.assistant").info("ask chars=6")
    assert capsys.readouterr().err == ""
    assert len(logging.getLogger().handlers) == before + 1  # replaced, not added twice


def test_verbose_ask_shows_only_our_log_lines(cli, capsys):
    """``-v`` logs what happens, our lines only: no bm25s, httpx, chromadb or progress bar. (That a plain
    ``ask`` prints nothing on stderr in a fresh process is test_cli's subprocess smoke test.)"""
    assert main(["ask", "How many camps remain?"]) == 0
    quiet = capsys.readouterr()
    assert "13 - 8 = 5" in quiet.out and quiet.err == "", quiet.err
    assert main(["-v", "ask", "How many camps remain?"]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert any(" INFO rag.assistant: ask chars=" in line for line in lines), lines
    assert all(" rag." in line for line in lines), lines  # no bm25s, httpx, chromadb or progress bar

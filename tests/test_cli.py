"""The command line: one smoke test runs ``python -m rag`` as a user would (a fresh process, a real
store in a temp dir); the rest call its main() in process (``cli``: a data dir of its own, the
session's real embedder), which is the same code without reloading the model each time."""

import json
import os
import subprocess
import sys

import pytest

from rag.cli.main import main

from .conftest import ROOT


@pytest.mark.slow
def test_python_m_rag_ingests_the_corpus_then_answers_quietly(tmp_path):
    """The one real subprocess: a fresh interpreter indexes the shipped corpus on its first question and
    prints the answer and its source, and nothing on stderr (bm25s sets its own logger to DEBUG when
    first imported, after the CLI's logging setup: only a fresh process shows that it stays quiet)."""
    env = {**os.environ, "RAG_DATA_DIR": str(tmp_path / "data"), "RAG_CORPUS_DIR": str(ROOT / "corpus"),
           "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    env.pop("HF_HUB_DISABLE_PROGRESS_BARS", None)
    r = subprocess.run([sys.executable, "-m", "rag", "ask", "How many camps remain?"], capture_output=True,
                       text=True, cwd=tmp_path, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "13 - 8 = 5" in r.stdout and "[1] Mali army fires" in r.stdout, r.stdout
    assert r.stderr == "", r.stderr
    assert (tmp_path / "data").is_dir()


def test_ask_json_ingests_the_corpus_first(cli, capsys):
    assert main(["ask", "--json", "Why did the convoy lack air support?"]) == 0, capsys.readouterr().err
    out = json.loads(capsys.readouterr().out)
    assert not out["abstained"] and "flight clearance" in out["text"]
    c = out["citations"][0]
    assert {"number", "chunk_id", "title", "published", "source", "quote", "start", "end"} <= c.keys()
    assert c["published"] == "2023-11-09"


def test_ask_plain_prints_numbered_sources(cli, capsys):
    assert main(["ask", "How", "many", "peacekeepers", "were", "in", "the", "final", "convoy?"]) == 0
    out = capsys.readouterr().out
    assert "848" in out and "[1] Mali army fires" in out


def test_empty_question_is_one_line_no_traceback(cli, capsys):
    assert main(["ask", "  "]) != 0
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and "Traceback" not in err
    assert "question is empty" in err


def test_ingest_json_reports_failures_and_keeps_going(cli, capsys):
    folder = cli / "in"
    folder.mkdir()
    (folder / "ok.md").write_text("---\ntitle: Bridge reopens\ndate: 2024-04-05\n---\n"
                                  "The Kessel Ford bridge reopened to traffic on Wednesday.\n")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    main(["ingest", "--json", str(folder)])
    out = json.loads(capsys.readouterr().out)
    assert out["added"] == 1 and out["unchanged"] == 0 and out["replaced"] == 0
    assert len(out["failed"]) == 1 and out["failed"][0]["path"].endswith("broken.pdf") and out["failed"][0]["error"]
    main(["ingest", "--json", str(folder)])
    again = json.loads(capsys.readouterr().out)
    assert again["unchanged"] == 1 and again["added"] == 0


def test_ingest_prints_a_note_when_it_guessed_the_encoding(cli, capsys):
    (cli / "fr.txt").write_bytes("Une crème à la vanille, dit le chef après le marché de Noël.".encode("latin-1"))
    assert main(["ingest", str(cli / "fr.txt")]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "  note: fr.txt: not UTF-8; read as Windows-1252" in out, out


def test_ingest_missing_dir_says_not_found(cli, capsys):
    assert main(["ingest", "missing_dir/"]) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    assert "failed: missing_dir: not found" in out, out
    assert "unsupported" not in out

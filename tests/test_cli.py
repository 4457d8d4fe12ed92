"""The command line, run as a user would (subprocess, real store in a temp dir)."""

import json
import os
import subprocess
import sys

import pytest

from .conftest import ROOT


def run(args, tmp_path, **env):
    full = {**os.environ, "RAG_DATA_DIR": str(tmp_path / "data"), "RAG_CORPUS_DIR": str(ROOT / "corpus"),
            "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT), **env}
    return subprocess.run([sys.executable, "-m", "rag", *args], capture_output=True, text=True, cwd=tmp_path,
                          env=full, timeout=300)


@pytest.fixture(scope="module")
def cli_home(tmp_path_factory):
    return tmp_path_factory.mktemp("cli")


def test_ask_json_ingests_the_corpus_first(cli_home):
    r = run(["ask", "--json", "Why did the convoy lack air support?"], cli_home)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert not out["abstained"] and "flight clearance" in out["text"]
    c = out["citations"][0]
    assert {"number", "chunk_id", "title", "published", "source", "quote", "start", "end"} <= c.keys()
    assert c["published"] == "2023-11-09"


def test_ask_plain_prints_numbered_sources(cli_home):
    r = run(["ask", "How", "many", "peacekeepers", "were", "in", "the", "final", "convoy?"], cli_home)
    assert r.returncode == 0, r.stderr
    assert "848" in r.stdout and "[1] Mali army fires" in r.stdout


def test_empty_question_is_one_line_no_traceback(cli_home):
    r = run(["ask", "  "], cli_home)
    assert r.returncode != 0
    assert r.stderr.strip().count("\n") == 0 and "Traceback" not in r.stderr
    assert "question is empty" in r.stderr


def test_ingest_json_reports_failures_and_keeps_going(cli_home, tmp_path):
    (tmp_path / "ok.md").write_text("---\ntitle: Bridge reopens\ndate: 2024-04-05\n---\n"
                                    "The Kessel Ford bridge reopened to traffic on Wednesday.\n")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    r = run(["ingest", "--json", str(tmp_path)], cli_home)
    out = json.loads(r.stdout)
    assert out["added"] == 1 and out["unchanged"] == 0 and out["replaced"] == 0
    assert len(out["failed"]) == 1 and out["failed"][0]["path"].endswith("broken.pdf") and out["failed"][0]["error"]
    again = json.loads(run(["ingest", "--json", str(tmp_path)], cli_home).stdout)
    assert again["unchanged"] == 1 and again["added"] == 0


def test_ingest_prints_a_note_when_it_guessed_the_encoding(cli_home, tmp_path):
    (tmp_path / "fr.txt").write_bytes("Une crème à la vanille, dit le chef après le marché de Noël.".encode("latin-1"))
    r = run(["ingest", str(tmp_path / "fr.txt")], cli_home)
    assert r.returncode == 0, r.stderr
    assert "  note: fr.txt: not UTF-8; read as Windows-1252" in r.stdout, r.stdout


def test_ingest_missing_dir_says_not_found(cli_home):
    r = run(["ingest", "missing_dir/"], cli_home)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "failed: missing_dir: not found" in r.stdout, r.stdout
    assert "unsupported" not in r.stdout


"""Shared fixtures: network blocked in every test (loopback allowed), the real packaged
embedding model loaded once per session, and a real Chroma index of the shipped corpus."""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import socket
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED = SHARED / "eval" / "seed_questions.jsonl"
DATA = ROOT / "tests" / "data"


def _is_local(address: object) -> bool:
    if isinstance(address, tuple) and address:
        host = str(address[0])
        if host in ("localhost", ""):
            return True
        try:
            return ipaddress.ip_address(host.split("%")[0]).is_loopback
        except ValueError:
            return False
    return isinstance(address, str | bytes)  # AF_UNIX paths


@pytest.fixture(autouse=True)
def _block_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection to a non-loopback address fails the test: tests must run offline."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guard(address: object) -> None:
        if not _is_local(address):
            raise RuntimeError(f"network access in a test: {address!r}")

    def connect(self: socket.socket, address: object) -> None:
        guard(address)
        return real_connect(self, address)  # type: ignore[arg-type]

    def connect_ex(self: socket.socket, address: object) -> int:
        guard(address)
        return real_connect_ex(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)


@pytest.fixture(scope="session")
def embeddings():
    from rag.index.embeddings import load_embeddings

    return load_embeddings()


@pytest.fixture(scope="session")
def corpus_assistant(embeddings, tmp_path_factory):
    """An Assistant over the shipped corpus in a real Chroma store in a temp dir (shared, read-only use)."""
    from rag import Assistant, Settings

    data = tmp_path_factory.mktemp("corpus-index")
    assistant = Assistant(Settings(data_dir=data, corpus_dir=ROOT / "corpus"), embeddings=embeddings)
    report = assistant.ingest([ROOT / "corpus"])
    assert report.added >= 1 and not report.failed
    return assistant


@pytest.fixture
def fresh_assistant(embeddings, tmp_path):
    """An Assistant with an empty store of its own."""
    from rag import Assistant, Settings

    return Assistant(Settings(data_dir=tmp_path / "data", corpus_dir=tmp_path / "corpus"), embeddings=embeddings)


@pytest.fixture(scope="session")
def seed_questions() -> list[dict]:
    return [json.loads(line) for line in SEED.read_text().splitlines() if line.strip()]


@pytest.fixture
def cli(monkeypatch, tmp_path, embeddings):
    """main() against a data dir of its own, sharing the session's real embedder (not loaded again);
    the root logger's handlers and level are put back afterwards."""
    import rag.index.embeddings

    monkeypatch.chdir(tmp_path)  # no .env from the worktree
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("RAG_CORPUS_DIR", str(ROOT / "corpus"))
    for name in ("HF_HUB_OFFLINE", "HF_HUB_DISABLE_PROGRESS_BARS"):
        monkeypatch.setenv(name, os.environ.get(name, "1"))
    monkeypatch.setattr(rag.index.embeddings, "load_embeddings", lambda *a, **k: embeddings)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield tmp_path
    root.handlers[:], root.level = handlers, level

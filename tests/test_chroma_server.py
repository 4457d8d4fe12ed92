"""Scale-out: a real `chroma run` server on a loopback port, two app instances sharing it."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rag import Assistant, Settings

from .conftest import ROOT

CHROMA = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, path: Path, port: int):
        self.path, self.port, self.proc = path, port, None

    def start(self) -> None:
        self.proc = subprocess.Popen([CHROMA, "run", "--path", str(self.path), "--host", "127.0.0.1",
                                      "--port", str(self.port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("chroma server did not start")

    def stop(self) -> None:
        if self.proc:
            self.proc.terminate()
            self.proc.wait(timeout=30)


@pytest.fixture
def server(tmp_path):
    if CHROMA is None:
        pytest.fail("the chroma CLI is missing; pip install -r requirements.txt")
    s = Server(tmp_path / "chroma-server", free_port())
    s.start()
    yield s
    s.stop()


def make(embeddings, tmp_path, server, name):
    settings = Settings(data_dir=tmp_path / name, corpus_dir=ROOT / "corpus",
                        chroma_url=f"http://127.0.0.1:{server.port}")
    return Assistant(settings, embeddings=embeddings)


def test_two_instances_share_one_server_and_data_survives_a_restart(embeddings, tmp_path, server):
    a = make(embeddings, tmp_path, server, "a")
    b = make(embeddings, tmp_path, server, "b")
    assert a.ensure_corpus().added == 1
    assert [x.title for x in b.articles()] == [x.title for x in a.articles()]
    assert "flight clearance" in b.ask("Why did the convoy lack air support?").text

    (tmp_path / "new.md").write_text("---\ntitle: Bridge reopens at Kessel Ford\ndate: 2024-04-05\n---\n"
                                     "The temporary bridge at Kessel Ford reopened to traffic on Wednesday, "
                                     "engineers of the 4th Battalion said.\n")
    a.ingest([tmp_path / "new.md"])
    time.sleep(1.1)  # other instances check the shared store's fingerprint at most once a second
    # instance b never ingested it; its BM25 index follows the shared store, not a private copy
    answer = b.ask("Which battalion's engineers spoke about the Kessel Ford bridge?")
    assert not answer.abstained and "4th Battalion" in answer.text
    assert b.retriever._bm25 is not None and len(b.retriever._bm25.chunks) == a.store.counts()[0]
    assert not (tmp_path / "a").exists() or not any((tmp_path / "a").iterdir())  # nothing stored locally

    server.stop()
    server.start()
    c = make(embeddings, tmp_path, server, "c")
    assert len(c.articles()) == 2
    assert "848" in c.ask("How many peacekeepers were in the final convoy out of Kidal?").text


def test_unreachable_server_gives_a_clear_error(embeddings, tmp_path):
    from rag import StoreError

    a = Assistant(Settings(data_dir=tmp_path, chroma_url=f"http://127.0.0.1:{free_port()}"), embeddings=embeddings)
    with pytest.raises(StoreError, match="RAG_CHROMA_URL"):
        a.warm_up()

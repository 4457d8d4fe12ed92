"""Crash safety: kill -9 an ingest in the middle, then reopen, check and finish the job."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest

from rag import Assistant, Settings

from .conftest import ROOT


def write_corpus(folder, n=150):
    sys.path.insert(0, str(ROOT))
    from bench.synthetic import articles

    folder.mkdir()
    made = articles(n * 10, seed=3)[:n]
    assert len(made) == n
    for a in made:
        (folder / f"{a.id}.md").write_text(f"---\ntitle: \"{a.title}\"\ndate: {a.published}\n---\n{a.text}\n")


@pytest.mark.slow
def test_kill_9_mid_ingest_then_rerun_finishes(tmp_path, embeddings):
    corpus = tmp_path / "corpus"
    write_corpus(corpus)
    data = tmp_path / "data"
    env = {**os.environ, "RAG_DATA_DIR": str(data), "RAG_WRITE_BATCH_SIZE": "40", "HF_HUB_OFFLINE": "1",
           "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "rag", "-v", "ingest", str(corpus)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seen = 0
    deadline = time.time() + 240
    for line in proc.stderr:  # wait until a few batches are in, then kill it without warning
        seen += "indexed" in line
        if seen >= 60 or time.time() > deadline:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL and seen >= 1

    assistant = Assistant(Settings(data_dir=data), embeddings=embeddings)
    listed = {a.article_id: a.chunks for a in assistant.articles()}
    assert 0 < len(listed) < 150, "the kill came too late or too early to test anything"
    stored = Counter(c.article_id for c in assistant.store.iter_chunks())
    for aid, n in listed.items():  # every listed article is complete, no chunk twice
        assert stored[aid] == n
    report = assistant.ingest([corpus])
    assert report.unchanged == len(listed) and report.added == 150 - len(listed) and not report.failed
    final = {a.article_id: a.chunks for a in assistant.articles()}
    stored = Counter(c.article_id for c in assistant.store.iter_chunks())
    assert len(final) == 150 and all(stored[aid] == n for aid, n in final.items())
    assert sum(stored.values()) == assistant.store.counts()[0] == sum(final.values())
    ids = [c.id for c in assistant.store.iter_chunks()]
    assert len(ids) == len(set(ids))
    # the index answers from what was written before and after the crash
    top = assistant._retrieve("displaced families", None)
    assert top and all(s.chunk.article_id in final for s in top)

"""Twenty clients asking at once through the Gradio API while an ingest runs: every request is
answered, none errors, and each answer is the one its question gets alone from the index before the
ingest or after it (the seed answers before it are right). The throughput is written to
test-artifacts/."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from rag.nlp.text import contains_term

from .conftest import DATA, ROOT
from .test_ui_api import free_port

CLIENTS = 20


@pytest.fixture(scope="module")
def app_url(embeddings, tmp_path_factory):
    from rag import Assistant, Settings
    from rag.ui.layout import build_app, launch

    settings = Settings(data_dir=tmp_path_factory.mktemp("conc"), corpus_dir=ROOT / "corpus", concurrency=4,
                        max_queue=64)
    assistant = Assistant(settings, embeddings=embeddings)
    assistant.ensure_corpus()
    demo = build_app(assistant)
    _, url, _ = launch(demo, settings, port=free_port(), block=False, quiet=True)
    yield url, assistant
    demo.close()


@pytest.mark.slow
def test_twenty_clients_and_an_ingest_at_once(app_url, seed_questions):
    from gradio_client import Client

    url, assistant = app_url
    rows = [r for r in seed_questions if r["type"] != "follow-up"]
    jobs = [rows[i % len(rows)] for i in range(CLIENTS * 2)]
    errors: list[str] = []

    def ingest() -> None:
        report = assistant.ingest([DATA / "articles"])
        if report.failed or report.added != 5:
            errors.append(f"ingest: {report.to_dict()}")

    clients = [Client(url, verbose=False, httpx_kwargs={"timeout": 300}) for _ in range(CLIENTS)]

    def ask(client: Client, question: str) -> dict:
        return client.predict(question, "[]", api_name="/ask")

    def one(i: int) -> tuple[dict, dict, float]:
        row = jobs[i]
        t = time.perf_counter()
        answer = ask(clients[i % CLIENTS], row["question"])
        return row, answer, time.perf_counter() - t

    # the answers of the index before the ingest, one request at a time: these must be right
    before = {r["id"]: ask(clients[0], r["question"]) for r in rows}
    wrong = []
    for row in rows:
        answer = before[row["id"]]
        if row["type"] == "unanswerable":
            ok = answer["abstained"]
        else:
            ok = not answer["abstained"] and all(contains_term(answer["text"], m) for m in row["must_contain"])
        if not ok:
            wrong.append((row["id"], answer["text"][:120]))
    assert not wrong, wrong

    start = time.perf_counter()
    writer = threading.Thread(target=ingest)
    writer.start()
    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(one, range(len(jobs))))
    writer.join()
    elapsed = time.perf_counter() - start
    assert not errors, errors
    # the five articles are about other convoys and can change an answer: under load each answer must
    # be the one its question gets, alone, from the index before the ingest or from the index after it
    after = {r["id"]: ask(clients[0], r["question"]) for r in rows}
    torn = [(row["id"], answer["text"][:120]) for row, answer, _ in results
            if answer["text"] not in (before[row["id"]]["text"], after[row["id"]]["text"])]
    assert not torn, torn
    latencies = sorted(r[2] for r in results)
    stats = {"requests": len(results), "clients": CLIENTS, "failures": 0, "seconds": round(elapsed, 2),
             "requests_per_s": round(len(results) / elapsed, 2),
             "latency_p50_s": round(latencies[len(latencies) // 2], 2),
             "latency_p95_s": round(latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))], 2),
             "latency_max_s": round(latencies[-1], 2),
             "ingest_during_run": "5 articles"}
    out = ROOT / "test-artifacts"
    out.mkdir(exist_ok=True)
    (out / "concurrency.json").write_text(json.dumps(stats, indent=2))
    print(stats)
    assert len(assistant.articles()) == 6

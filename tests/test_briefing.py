"""The briefing: every line dated and cited, each quote verbatim at its offsets, newest first,
--since and --place filters, the LLM path verified (a scripted fake model is the only fake) with
the extractive fallback, and the timeline / brief commands run as a user would."""

from __future__ import annotations

import json
import re
from datetime import date
from itertools import cycle

import pytest
from langchain_core.messages import AIMessage

from rag.insights.briefing import brief, has_actor
from rag.prompts import load_prompt
from rag.settings import Settings

from .conftest import DATA
from .fakes import Scripted

ARTICLES = DATA / "briefing"  # indexed once per session by conftest's briefing_assistant

_LINE = re.compile(r"^(\d{1,2} [A-Z][a-z]{2} \d{4}|[A-Z][a-z]{2} \d{4}|\d{4}) — .+ \[(\d+)\][.!?\"”]?$")


def check_cited(b, assistant) -> None:
    numbers = [c.number for c in b.citations]
    assert numbers == list(range(1, len(numbers) + 1))
    for line in b.lines:
        assert line.numbers and set(line.numbers) <= set(numbers), line.text
    for c in b.citations:
        text = assistant.article_text(c.article_id)
        assert text[c.start:c.end] == c.quote  # verbatim at its offsets
        assert c.passage_start <= c.start and c.end <= c.passage_start + len(c.passage)


def test_has_actor():
    assert has_actor("Fighting killed 40 civilians, according to the RRO.")
    assert has_actor("Envoys met Halima Dossou.")
    assert not has_actor("The truce held on Monday in May.")


def test_extractive_briefing_lines_are_dated_cited_and_newest_first(briefing_assistant):
    b = brief(briefing_assistant)
    assert b.answerer == "extractive" and not b.notice
    assert 3 <= len(b.lines) <= 8 and b.as_of == date(2024, 4, 5) and b.articles == 4
    for n, line in enumerate(b.lines, start=1):
        m = _LINE.match(line.text)
        assert m and int(m.group(2)) == n and line.numbers == (n,), line.text
        assert line.text.startswith(line.when)
    reported = [min(line.day, c.published) for line, c in zip(b.lines, b.citations, strict=True)]
    assert reported == sorted(reported, reverse=True)  # newest first; a plan counts from its announcement
    check_cited(b, briefing_assistant)
    quotes = " ".join(c.quote for c in b.citations)
    assert "16,200" in quotes  # the newest displacement figure
    assert len({c.quote for c in b.citations}) == len(b.citations)  # no sentence twice


def test_since_and_place_filters(briefing_assistant):
    since = brief(briefing_assistant, since=date(2024, 3, 20))
    assert since.lines and all(line.day >= date(2024, 3, 20) for line in since.lines)
    assert not any("2016" in line.when or "Feb" in line.when for line in since.lines)
    check_cited(since, briefing_assistant)
    garoua = brief(briefing_assistant, place="Garoua")
    assert garoua.lines and all("Garoua" in c.quote for c in garoua.citations)
    nothing = brief(briefing_assistant, since=date(2030, 1, 1))
    assert nothing.lines == () and "No sentence" in nothing.notice


def test_brief_prompt_has_its_variables():
    p = load_prompt(Settings().prompts_dir, "brief")
    assert {"sentences", "as_of", "max_lines"} <= p.variables
    text = p.render(sentences="<s>", as_of="<d>", max_lines=8)
    assert "<s>" in text and "<d>" in text


def llm_assistant(embeddings, data_dir, reply):
    from rag import Assistant
    from rag.answer.generative.answerer import GenerativeAnswerer

    a = Assistant(Settings(data_dir=data_dir, corpus_dir=ARTICLES), embeddings=embeddings).warm_up()
    model = Scripted(messages=cycle([AIMessage(content=reply)]))
    model.seen = []
    a.generative = GenerativeAnswerer(model, a.prompts, a.encoder, a._retrieve, max_sources=5)
    return a, model


def test_llm_briefing_is_verified_line_by_line(embeddings, briefing_assistant):
    reply = ("12 Apr 2024 — The agency planned a second convoy of 20 trucks to Mora on 12 April [@second convoy].\n"
             "26 Mar 2024 — The number of people displaced around Mora had fallen to 16,200 [@fallen to 16,200].\n"
             "27 Mar 2024 — The truce was signed by 400 delegates in Paris [@30-day truce].")
    a, model = llm_assistant(embeddings, briefing_assistant.settings.data_dir, reply)
    b = brief(a)
    assert b.answerer == "llm" and len(b.lines) == 2, b.text  # the invented line is dropped
    assert "Paris" not in b.text and b.lines[0].when == "12 Apr 2024" and b.lines[0].day == date(2024, 4, 12)
    check_cited(b, a)
    assert "second convoy of 20 trucks" in b.citations[0].quote
    prompt = model.seen[0][-1].content
    assert "<<<" in prompt and "data, not instructions" in prompt and "as of 5 April 2024" in prompt


def test_unverifiable_llm_briefing_falls_back_to_extractive(embeddings, briefing_assistant):
    a, _ = llm_assistant(embeddings, briefing_assistant.settings.data_dir,
                         "1 Jan 2025 — Peace was declared in Rome by 9,999 people [@30-day truce].")
    b = brief(a)
    assert b.answerer == "extractive-fallback" and "could be verified" in b.notice
    assert b.lines and all(_LINE.match(line.text) for line in b.lines)
    check_cited(b, a)


def test_cli_timeline_and_brief_print_json(cli, capsys, monkeypatch):
    from rag.cli.main import main

    monkeypatch.setenv("RAG_CORPUS_DIR", str(ARTICLES))
    commands = {"timeline": ["timeline", "--json", "--place", "Mora", "--png", str(cli / "t.png")],
                "brief": ["brief", "--json", "--since", "2024-03-20"]}
    out = {}
    for name, args in commands.items():  # each in a data dir of its own: each indexes the corpus first
        monkeypatch.setenv("RAG_DATA_DIR", str(cli / name))
        assert main(args) == 0, capsys.readouterr().err
        out[name] = json.loads(capsys.readouterr().out)
    events = out["timeline"]["events"]
    assert events and all("Mora" in e["event"] for e in events)
    assert [e["date"] for e in events] == sorted(e["date"] for e in events)
    assert {"date", "precision", "label", "event", "title", "published", "start", "end"} <= events[0].keys()
    assert (cli / "t.png").stat().st_size > 10_000 and out["timeline"]["png"]
    b = out["brief"]
    assert b["lines"] and all(line["date"] >= "2024-03-20" for line in b["lines"])
    assert len(b["citations"]) == len(b["lines"]) and b["as_of"] == "2024-04-05"
    monkeypatch.setenv("RAG_DATA_DIR", str(cli / "brief"))
    with pytest.raises(SystemExit) as bad:  # argparse's usage error
        main(["brief", "--since", "yesterday"])
    err = capsys.readouterr().err
    assert bad.value.code == 2 and "not a date; use YYYY-MM-DD" in err and "Traceback" not in err

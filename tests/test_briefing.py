"""The briefing: every line dated and cited, each quote verbatim at its offsets, grouped by place
with casualties, displacement, territory and access first (newest first within a topic),
procedural lines and boilerplate dropped, a year only mentioned never a line's date, --since and
--place filters, the LLM path verified (a scripted fake model is the only fake) with the extractive
fallback, the HTML without character offsets, and the timeline / brief commands run as a user
would. Fictional events throughout (real town names)."""

from __future__ import annotations

import json
import re
from datetime import date
from itertools import cycle

import pytest
from langchain_core.messages import AIMessage

from rag.insights.briefing import Briefing, BriefLine, brief, has_actor
from rag.insights.procedural import procedural
from rag.insights.timeline import indexed_sentences
from rag.insights.topics import RANK, place_groups, topic_of
from rag.prompts import load_prompt
from rag.settings import Settings
from rag.ui.render_insights import briefing_html

from .conftest import DATA, _indexed
from .fakes import Scripted

ARTICLES = DATA / "briefing"  # indexed once per session by conftest's briefing_assistant

SAHEL = {  # fictional events in two countries, with the boilerplate of agency copy around them
    "2025-06-10-gunmen-near-agadez.md": """---
title: "Gunmen kill villagers near Agadez"
date: 2025-06-10
source: "Fictional Wire (test fixture)"
---
AGADEZ, Niger — Gunmen of the Sand Viper Brigade killed 23 villagers near Agadez on Sunday, health officials said.

The following statement was issued by the Spokesperson for the Secretary-General on Niger:

The Secretary-General is following developments closely.

About 4,800 people have fled villages around Zinder since the attack, relief workers said on Monday.

The Sand Viper Brigade, formed in 2012, has fought the army in the region since 2014.

Under the 2018 and 2019 peace deals, 300 soldiers of a joint patrol guard the Zinder barracks.
""",
    "2025-06-12-bases-near-bourem.md": """---
title: "Northern Dawn fighters seize bases near Bourem"
date: 2025-06-12
source: "Fictional Wire (test fixture)"
---
GAO, Mali — Fighters of the Northern Dawn Movement seized two army bases near Bourem on Tuesday, the army said.

Aid trucks have been blocked at a checkpoint outside Gao since Friday, the Sahel Relief Desk said.

About 6,500 people fled Bourem for Gao after the attack, according to the relief desk.

The regional governor said in a statement on Wednesday.

Two soldiers were wounded in a clash near Mopti on Wednesday, the army said.

In 2016 the Northern Dawn Movement took up arms against the government.
""",
}
PROCEDURAL = ("The following statement was issued", "is following developments closely",
              "said in a statement on Wednesday")


@pytest.fixture(scope="module")
def sahel(embeddings, tmp_path_factory):
    folder = tmp_path_factory.mktemp("sahel-articles")
    for name, text in SAHEL.items():
        (folder / name).write_text(text, encoding="utf-8")
    return _indexed(embeddings, tmp_path_factory, folder, "sahel-index")[0]

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


def check_order(b) -> None:
    """Group by group (each group's lines together, as ``groups()`` gives them), by topic within a
    group, newest first within a topic (a plan counting from its announcement)."""
    assert [line for _, lines in b.groups() for line in lines] == list(b.lines)
    for _, lines in b.groups():
        assert [RANK[line.topic] for line in lines] == sorted(RANK[line.topic] for line in lines)
        for topic in {line.topic for line in lines}:
            same = [(line.day, b.citations[line.numbers[0] - 1].published) for line in lines if line.topic == topic]
            reported = [min(day, pub) for day, pub in same]
            assert reported == sorted(reported, reverse=True)


def test_extractive_briefing_lines_are_dated_cited_grouped_and_in_topic_order(briefing_assistant):
    b = brief(briefing_assistant)
    assert b.answerer == "extractive" and not b.notice
    assert 3 <= len(b.lines) <= 8 and b.as_of == date(2024, 4, 5) and b.articles == 4
    for n, line in enumerate(b.lines, start=1):  # numbered in reading order
        m = _LINE.match(line.text)
        assert m and int(m.group(2)) == n and line.numbers == (n,), line.text
        assert line.text.startswith(line.when)
        assert line.topic in RANK and line.group
    check_order(b)
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
    # in reading order (displacement before access) and renumbered: the convoy line, sent first, is now [2]
    assert [line.topic for line in b.lines] == ["displacement", "access"] and b.lines[0].text.endswith("[1].")
    convoy = b.lines[1]
    assert "Paris" not in b.text and convoy.when == "12 Apr 2024" and convoy.day == date(2024, 4, 12)
    assert convoy.numbers == (2,) and convoy.text.endswith("[2].") and {line.group for line in b.lines} == {"Mora"}
    check_cited(b, a)
    assert "second convoy of 20 trucks" in b.citations[1].quote
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
    assert all(line["topic"] in RANK and "group" in line for line in b["lines"])
    monkeypatch.setenv("RAG_DATA_DIR", str(cli / "brief"))
    with pytest.raises(SystemExit) as bad:  # argparse's usage error
        main(["brief", "--since", "yesterday"])
    err = capsys.readouterr().err
    assert bad.value.code == 2 and "not a date; use YYYY-MM-DD" in err and "Traceback" not in err


@pytest.mark.parametrize("sentence, kind", [
    ("The following statement was issued by the Spokesperson for the Secretary-General on Velmora:", "framing"),
    ("Statement attributable to the Spokesperson for the Secretary-General on the fighting near Dorvan.", "framing"),
    ("The Secretary-General is following developments closely.", "ritual"),
    ("Read more", "furniture"),
    ("Subscribe to our newsletter for daily alerts from the region.", "furniture"),
    ("Displaced families queue for water in Mora. Photo: Fictional Wire", "credit"),
    ("The ministry said in a statement on Tuesday.", "attribution only"),
    ("Ines Okafor, spokeswoman for the relief desk, said in a statement.", "attribution only"),
    ("In a statement, the army said:", "attribution only"),
])
def test_procedural_lines_are_recognised_by_failure_class(sentence, kind):
    assert procedural(sentence) == kind


@pytest.mark.parametrize("sentence", [
    "The ministry said in a statement that rebels had captured Tessit.",  # what was said
    "The Secretary-General is following developments closely and calls for the release of the 40 hostages.",
    "\"We will not leave Mora,\" the commander said.",  # a quotation
    "Rebels shelled Mora on Tuesday, killing 12 people, the relief office said.",
    "Residents said they were following the convoy on foot.",
])
def test_sentences_with_content_are_not_procedural(sentence):
    assert procedural(sentence) is None


@pytest.mark.parametrize("sentence, topic", [
    ("Shelling killed 12 people in Mora on Tuesday.", "casualties"),
    ("Two soldiers were wounded in a clash.", "casualties"),
    ("About 4,800 people have fled villages around Zinder.", "displacement"),
    ("The camp holds 3,000 refugees.", "displacement"),
    ("Rebels captured the town of Bourem on Tuesday.", "territory"),
    ("The army took control of the airport.", "territory"),
    ("The mission pulled out of eight of its camps.", "territory"),
    ("The junta, which seized power in 2020, expelled the envoy.", "other"),  # power is no ground
    ("The movement withdrew from the talks in Garoua.", "other"),
    ("Aid trucks have been blocked at a checkpoint outside Gao.", "access"),
    ("Troops reopened the road between Maroua and Mora.", "access"),
    ("Both sides agreed to a 30-day truce.", "other"),
    ("Gunmen killed three people and 500 fled the town.", "casualties"),  # the first topic by priority
])
def test_topic_of_a_line(sentence, topic):
    assert topic_of(sentence) == topic


def test_procedural_lines_never_reach_the_briefing(sahel):
    b = brief(sahel, max_lines=20)  # room for every candidate: what is missing was filtered out
    quotes = " ".join(c.quote for c in b.citations)
    assert "killed 23 villagers" in quotes and "seized two army bases" in quotes
    for phrase in PROCEDURAL:
        assert phrase not in quotes, phrase
    check_cited(b, sahel)


def test_briefing_is_grouped_by_country_in_topic_order(sahel):
    b = brief(sahel, max_lines=20)
    check_order(b)
    assert [name for name, _ in b.groups()] in (["Mali", "Niger"], ["Niger", "Mali"])  # two countries: by country
    for line in b.lines:
        assert line.group == ("Mali" if "Gao" in line.text or "Bourem" in line.text else line.group)
        assert line.group == ("Niger" if "Zinder" in line.text or "Agadez" in line.text else line.group)
    mali = dict(b.groups())["Mali"]
    topics = [line.topic for line in mali]
    assert topics[:3] == ["casualties", "displacement", "territory"] and "access" in topics and topics[-1] == "other"
    assert b.lines[0].topic == "casualties"  # the first group opens with its gravest line


def test_one_country_is_grouped_by_town(sahel):
    sentences = indexed_sentences(sahel)
    mali = [s for s in sentences if "Bourem" in s.chunk.title]
    groups = dict(zip((s.text for s in mali), place_groups(mali, sentences), strict=True))
    assert groups[next(t for t in groups if "seized two army bases" in t)] == "Bourem"  # not the dateline's Gao
    assert groups[next(t for t in groups if "blocked at a checkpoint" in t)] == "Gao"
    assert groups[next(t for t in groups if "near Mopti" in t)] == "Mopti"
    assert groups[next(t for t in groups if "took up arms" in t)] == "Mali"  # no town: its article's country


def test_a_year_only_mentioned_is_not_a_lines_date(sahel):
    b = brief(sahel, max_lines=20)
    lines = {b.citations[line.numbers[0] - 1].quote: line for line in b.lines}
    formed = next(line for q, line in lines.items() if "formed in 2012" in q)
    deals = next(line for q, line in lines.items() if "2018 and 2019 peace deals" in q)
    assert formed.when == deals.when == "10 Jun 2025"  # the article's date, not 2012, 2014 or 2019
    arms = next(line for q, line in lines.items() if "In 2016 the Northern Dawn" in q)
    assert arms.when == "2016"  # a year the main clause happened in is still its date
    assert not any(line.when in ("2012", "2014", "2018", "2019") for line in b.lines)


def test_briefing_html_is_grouped_and_has_no_offsets(sahel):
    b = brief(sahel, max_lines=20)
    html = briefing_html(b)
    assert "chars" not in html
    assert html.count('<h4 class="brief-group">') == 2 and '<h4 class="brief-group">Mali</h4>' in html
    assert '<span class="tag topic">casualties</span>' in html
    assert html.index("killed 23 villagers") > html.index('<h4 class="brief-group">Niger</h4>')


def test_lines_without_a_group_render_without_headings():
    line = BriefLine("5 Apr 2024", date(2024, 4, 5), "5 Apr 2024 — The truce held [1].", (1,))  # old constructor
    assert (line.topic, line.group) == ("other", "")
    b = Briefing((line,), (), date(2024, 4, 5), 1)
    assert b.groups() == [("Other", [line])]
    assert "brief-group" not in briefing_html(b)

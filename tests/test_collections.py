"""Named collections: one crisis's articles answer only that crisis's questions, in the API
(``Desk``), the settings (``RAG_COLLECTION``) and every CLI command (``--collection NAME``)."""

from __future__ import annotations

import json

import pytest

from rag.cli.main import main

from .conftest import DATA, ROOT

DESK = DATA / "desk"


def test_collections_are_created_listed_kept_apart_and_deleted(embeddings, tmp_path):
    from rag import CollectionError, Desk, Settings

    desk = Desk(Settings(data_dir=tmp_path, corpus_dir=ROOT / "corpus"), embeddings=embeddings)
    assert desk.names() == ["briefing"]
    desk.assistant().ensure_corpus()
    assert desk.create("  Velmora – Kessel Ford 2024 ") == "velmora-kessel-ford-2024"
    velmora = desk.assistant("velmora-kessel-ford-2024")
    assert velmora.articles() == []  # a new collection starts empty: the corpus goes to the home one only
    assert velmora.ingest([DESK]).added == 3
    assert desk.names() == ["briefing", "velmora-kessel-ford-2024"]
    assert Desk(Settings(data_dir=tmp_path), embeddings=embeddings).names() == desk.names()  # kept on disk

    home = desk.assistant().ask("Who issued the statement?")
    assert all("Kessel Ford" not in c.title for c in home.citations)
    answer = velmora.ask("How many UN camps remain in Mali?")
    assert answer.abstained and all("Mali" not in s.chunk.title for s in answer.retrieved)
    assert velmora.embeddings is desk.assistant().embeddings  # one model for every collection

    with pytest.raises(CollectionError, match="already exists"):
        desk.create("velmora kessel ford 2024")
    with pytest.raises(CollectionError, match="cannot name a collection"):
        desk.create("–––")
    with pytest.raises(CollectionError, match="there is no collection “sudan”"):
        desk.assistant("sudan")
    with pytest.raises(CollectionError, match="cannot be deleted"):
        desk.delete("briefing")
    desk.delete("velmora-kessel-ford-2024")
    assert desk.names() == ["briefing"]


def test_several_statements_answer_each_with_its_date(embeddings, tmp_path):
    """The failure class of the issue: "Who issued the statement?" over three statements picked one."""
    from rag import Assistant, Settings

    a = Assistant(Settings(data_dir=tmp_path, collection="velmora"), embeddings=embeddings)
    a.ingest([DESK])
    answer = a.ask("Who issued the statement?")
    assert [x[:13] for x in answer.alternatives] == ["(6 May 2024) ", "(4 May 2024) ", "(2 May 2024) "]
    assert {c.source for c in answer.citations} == {"OCHA Velmora", "UNICEF Velmora",
                                                     "Office of the Special Envoy for Velmora"}
    assert all(x in answer.text for x in answer.alternatives)
    assert answer.to_dict()["alternatives"] == list(answer.alternatives)
    assert answer.flags == ()  # "Three statements match" is the answerer's framing, not a claim to check


def test_a_bad_collection_name_is_one_line(monkeypatch):
    from rag import Settings
    from rag.errors import SettingsError

    monkeypatch.setenv("RAG_COLLECTION", "sudan 2024!")
    with pytest.raises(SettingsError, match=r"RAG_COLLECTION='sudan 2024!': a collection name is 1-60 letters"):
        Settings()


def test_every_cli_command_takes_collection(cli, capsys):
    assert main(["collections", "create", "Velmora"]) == 0
    assert "created collection velmora" in capsys.readouterr().out
    assert main(["ingest", str(DESK), "--collection", "velmora", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["added"] == 3
    assert main(["list", "--collection", "velmora"]) == 0
    listed = capsys.readouterr().out
    assert "Envoy condemns Kessel Ford shelling" in listed and "Mali army" not in listed
    assert main(["ask", "--collection", "velmora", "--json", "Who issued the statement?"]) == 0
    assert len(json.loads(capsys.readouterr().out)["alternatives"]) == 3
    assert main(["brief", "--collection", "velmora", "--json"]) == 0
    assert "Minusma" not in capsys.readouterr().out
    assert main(["ask", "How many UN camps remain in Mali?"]) == 0  # the home collection gets the corpus
    assert "13 - 8 = 5" in capsys.readouterr().out
    assert main(["collections"]) == 0
    assert capsys.readouterr().out.split() == ["briefing", "(home:", "RAG_COLLECTION)", "velmora"]
    assert main(["ask", "--collection", "sudan", "x?"]) == 1
    err = capsys.readouterr().err
    assert "there is no collection “sudan”" in err and "python -m rag collections create sudan" in err
    assert err.count("\n") == 1


def test_brief_writes_markdown_and_word(cli, capsys):
    import docx

    md, word = cli / "brief.md", cli / "brief.docx"
    assert main(["brief", "--md", str(md), "--docx", str(word)]) == 0
    out = capsys.readouterr().out
    cited = sorted({line.split("]")[0] + "]" for line in out.splitlines() if line.startswith("[")})
    assert cited, out
    text = md.read_text(encoding="utf-8")
    paragraphs = "\n".join(p.text for p in docx.Document(str(word)).paragraphs)
    for marker in cited:
        assert marker in text and marker in paragraphs
    assert "Mali army fires on armored vehicles left after UN pullout" in paragraphs and "References" in paragraphs

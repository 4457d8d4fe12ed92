"""Answer.trace and `python -m rag explain`: the plan, the scored candidates and what decided are
there to diagnose a wrong answer, so they must describe the answer actually given."""

import json

from rag.answer.extractive.ranker import FEATURES


def test_a_derived_answer_traces_its_plan_candidates_and_arithmetic(corpus_assistant):
    a = corpus_assistant.ask("How many UN camps remain in Mali?")
    t = a.trace
    assert t is not None and t.route == "extractive"
    assert t.plan["qtype"] == "numeric" and t.plan["focus"] == "camps" and t.plan["remainder"] is True
    assert t.decided_by.startswith("derived:") and "13 - 8 = 5" in t.decided_by and "13 - 8 = 5" in a.text
    assert t.candidates and set(t.candidates[0].features) == set(FEATURES)
    scores = [c.score for c in t.candidates]
    assert scores == sorted(scores, reverse=True)
    best = t.candidates[0]
    assert 0.0 < best.probability < 1.0 and best.text in a.citations[0].passage


def test_an_abstention_traces_the_gate_or_threshold_that_decided(corpus_assistant):
    a = corpus_assistant.ask("Who is the defence minister of Norway?")
    assert a.abstained and a.trace is not None
    assert "abstain:" in a.trace.decided_by and not a.citations


def test_an_answer_traces_the_threshold_it_passed(corpus_assistant):
    a = corpus_assistant.ask("Why did the convoy leave without air support?")
    assert not a.abstained
    assert "answered: best probability" in a.trace.decided_by
    threshold = corpus_assistant.extractive.threshold
    assert a.trace.candidates[0].probability >= threshold


def test_explain_prints_the_trace(cli, capsys):
    from rag.cli.main import main

    assert main(["explain", "How many UN camps remain in Mali?"]) == 0
    out = capsys.readouterr().out
    assert "route:      extractive" in out and "decided by: derived: 13 - 8 = 5" in out
    assert "retrieved (fused score, dense rank, bm25 rank):" in out and "candidates (probability" in out
    assert main(["explain", "--json", "How many UN camps remain in Mali?"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["trace"]["plan"]["qtype"] == "numeric" and d["trace"]["candidates"][0]["features"]


def test_the_verifier_audits_every_extractive_answer(corpus_assistant):
    from rag.cite.verifier import audit

    a = corpus_assistant.ask("Why did the convoy leave without air support?")
    assert a.answerer == "extractive" and a.citations and a.flags == ()  # a quoted sentence passes
    chunks = [s.chunk for s in a.retrieved]
    encoder = corpus_assistant.sentence_encoder()
    assert audit(a.text, a.citations, chunks, encoder) == ()
    quote = a.citations[0].quote
    tampered = a.text.replace(quote, quote.rstrip(".") + " in 1999.")  # a figure no source holds
    flags = audit(tampered, a.citations, chunks, encoder)
    assert flags and flags[0].action == "flagged" and "1999" in flags[0].reason

"""The trained answer scorer as shipped: its files match the card's hashes, it loads offline by path,
it ranks evidence above the sentences beside it, its answer-typing features read spaCy's parse, and
derived figures are refused when the parse says the operands count different things."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import numpy as np
import pytest

from rag.answer.extractive.candidate import Candidate
from rag.answer.extractive.derive import checked
from rag.answer.scorer.answer_typing import counted_nouns, typing_features
from rag.answer.scorer.model import MODEL_DIR, QUESTION_FEATURES, SCORER_FEATURES, load_scorer
from rag.models import Chunk
from rag.nlp.numbers import Derivation
from rag.nlp.parse import counted, parse


def test_shipped_files_match_their_sha256():
    lines = (MODEL_DIR / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    listed = dict(reversed(line.split("  ", 1)) for line in lines)
    assert "encoder/model.safetensors" in listed and "scorer.json" in listed
    for name, digest in listed.items():
        assert hashlib.sha256((MODEL_DIR / name).read_bytes()).hexdigest() == digest, name
    card = (MODEL_DIR / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert listed["encoder/model.safetensors"] in card and listed["scorer.json"] in card
    size = sum(p.stat().st_size for p in MODEL_DIR.rglob("*") if p.is_file())
    assert size < 50 * 2**20


def test_card_json_names_the_features_the_code_computes():
    spec = json.loads((MODEL_DIR / "scorer.json").read_text(encoding="utf-8"))
    assert tuple(spec["features"]) == SCORER_FEATURES and len(spec["weights"]) == len(SCORER_FEATURES)
    assert tuple(spec["question_features"]) == QUESTION_FEATURES
    assert 0 < spec["threshold"] < 1 and spec["tuned_encoder"] is True


# (question, evidence sentence, a sentence of the same report that does not answer), from `train`
PAIRS = [
    ("Roughly how many people were sheltering inside UN compounds across South Sudan as of 7 January 2014?",
     "An estimated 201,000 people have been internally displaced by the current crisis in South Sudan since "
     "15 December, with some 60,000 people in UN bases across the country.",
     "About 85,000 people are estimated to be displaced in Mingkaman and surrounding areas in Awerial County, "
     "Lakes State."),
    ("What explains the sudden jump in the count of people in UN bases reported at the end of May 2014?",
     "The estimated number of people sheltering in UN bases spiked to over 95,000 after a verification process "
     "in Bentiu, Unity State.",
     "Living conditions in displacement sites continued to deteriorate due to flooding caused by heavy rains, "
     "especially in Jonglei, Unity and Upper Nile."),
]


@pytest.fixture(scope="module")
def scorer():
    return load_scorer()


def test_tuned_encoder_ranks_the_evidence_above_its_neighbour(scorer):
    for question, evidence, other in PAIRS:
        q, e, o = scorer.encoder.encode([question, evidence, other])
        assert float(e @ q) > float(o @ q) + 0.1, question


def _cand(text: str, published: date = date(2021, 1, 28), article: str = "a") -> Candidate:
    chunk = Chunk(id=f"{article}:0", article_id=article, ordinal=0, paragraphs=(0, 0), start=0, end=len(text),
                  text=text, title="Report", published=published, source="test")
    return Candidate(chunk, 0, 0, len(text), text)


def test_typing_features_come_from_the_parse():
    who = parse(["Who chairs the committee?", "The committee is chaired by Maria Lopez, the mayor."])
    assert typing_features("who", *who)["ent_fit"] == 1.0
    how_many = parse(["How many people were displaced in Bentiu?", "Some 40,000 people were displaced in Bentiu.",
                      "Some 40 trucks reached Bentiu."])
    assert counted_nouns(how_many[0]) == {"people"}
    assert typing_features("numeric", how_many[0], how_many[1])["count_fit"] == 1.0
    assert typing_features("numeric", how_many[0], how_many[2])["count_fit"] == 0.0


def test_counted_reads_the_noun_and_verb_of_a_figure():
    doc = parse(["About 3,000 refugees arrived in Chad last week."])[0]
    assert counted(doc, "3,000") == ("refugee", "arrive")
    assert counted(doc, "77") is None


def test_arithmetic_refuses_figures_of_different_counts():
    housed = _cand("The camp had housed 12,000 people before it closed.", article="a")
    arrived = _cand("About 3,000 people arrived in Chad last week.", article="b")
    summed = (Derivation(15000, "12,000 + 3,000 = 15,000 people", ("12,000", "3,000")), (housed, arrived))
    assert checked(summed) is None  # housed + arrived: two different counts
    later = _cand("About 5,000 people arrived in Chad this week.", article="c")
    same = (Derivation(2000, "5,000 - 3,000 = 2,000 people", ("3,000", "5,000")), (arrived, later))
    assert checked(same) == same
    days = (Derivation(8, "28 - 20 = 8 January", ("20", "28")),
            (_cand("As of 20 January 2021, 60,000 had fled."), _cand("As of 28 January 2021, 92,000 had fled.")))
    assert checked(days) is None  # days of the month are not counts
    involved = _cand("The convoys that have arrived are the largest to date, involving 163 trucks.", article="d")
    four = _cand("On 22 November, four additional UNHCR trucks arrived in Shire.", article="e")
    words = (Derivation(167, "163 + 4 = 167 lorries", ("163", "four")), (involved, four))
    assert checked(words) is None  # a figure written in words is an operand too (involve / arrive)


def test_the_scorer_scores_candidates_and_the_abstention_model_reads_them(scorer):
    from rag.query.question import analyse

    question = PAIRS[0][0]
    cands = [_cand(PAIRS[0][1]), _cand(PAIRS[0][2])]
    base = {name: 0.0 for name in SCORER_FEATURES}
    cands = [Candidate(c.chunk, 0, c.start, c.end, c.text, features=dict(base)) for c in cands]
    scores, x = scorer.score(analyse(question), question, cands, [1.0, 1.0], True)
    assert x.shape == (2, len(SCORER_FEATURES)) and scores[0] > scores[1]
    q = analyse(question)
    confident = scorer.answerable(scores, x, True, False, q, question)
    assert 0.0 < confident < 1.0
    assert confident > scorer.answerable(np.array([-8.0, -9.0]), x, False, True, q, question)


def test_switched_on_it_rescores_reranks_and_decides_abstention(embeddings, tmp_path):
    import re

    from rag import Assistant, Settings
    from tests.conftest import ROOT

    on = Assistant(Settings(data_dir=tmp_path, corpus_dir=ROOT / "corpus", answer_scorer=True), embeddings=embeddings)
    on.ingest([ROOT / "corpus"])
    assert on.extractive.scorer is not None and on.extractive.threshold == on.extractive.scorer.threshold
    a = on.ask("Why did the convoy leave without air support?")
    assert not a.abstained and a.citations
    m = re.search(r"answered: answerable probability (\d\.\d+) >= threshold (\d\.\d+)", a.trace.decided_by)
    assert m and float(m.group(1)) >= float(m.group(2))
    assert set(a.trace.candidates[0].features) == set(SCORER_FEATURES)
    assert len(a.retrieved) == on.settings.top_k  # the first stage's 20, reranked, cut to top_k
    assert "13 - 8 = 5" in on.ask("How many UN camps remain in Mali?").text
    assert on.ask("Who is the defence minister of Norway?").abstained

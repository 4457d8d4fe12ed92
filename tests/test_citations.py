from datetime import date

from rag.cite.citations import check_claim, make_citation, number_sources, split_claims
from rag.cite.verifier import verify
from rag.models import Chunk


def chunk(text, cid="c1"):
    return Chunk(id=cid, article_id="a1", ordinal=0, paragraphs=(0, 0), start=100, end=100 + len(text), text=text,
                 title="UN pulls out", published=date(2023, 11, 9), source="wire.txt")


CAMPS = chunk("The UN force has so far pulled out of eight of its 13 camps. It is due to leave Gao next.")


def test_split_claims_reads_markers():
    assert split_claims("Five remain [1]. Gao is next [2][3]. Both [1, 2].") == [
        ("Five remain.", [1]), ("Gao is next.", [2, 3]), ("Both.", [1, 2])]


def test_numbers_names_and_arithmetic_must_be_in_the_source():
    assert check_claim("The force has left eight of its 13 camps.", [CAMPS]) is None
    assert check_claim("By the source's figures, 13 - 8 = 5 camps remain.", [CAMPS]) is None
    assert "arithmetic" in check_claim("By the source's figures, 13 - 8 = 6 camps remain.", [CAMPS])
    assert "number 8" not in (check_claim("It left 8 camps.", [CAMPS]) or "")  # "eight" in words counts
    assert "5" in check_claim("5 camps remain.", [CAMPS])
    assert "Timbuktu" in check_claim("It is due to leave Timbuktu next.", [CAMPS])
    assert check_claim("anything", []) == "no citation"


def test_verify_drops_out_of_range_and_unsupported_and_renumbers(embeddings):
    from rag.index.embeddings import SentenceEncoder

    sources = number_sources([CAMPS, chunk("Mopti is in central Mali.", "c2")])
    v = verify("8 camps remain [1]. The UN force has pulled out of eight of its 13 camps [1]. "
               "Mopti is central [7]. Gao is next [2].", sources, SentenceEncoder(embeddings))
    assert v.text == "The UN force has pulled out of eight of its 13 camps [1]."
    reasons = " | ".join(f"{f.action}: {f.reason}" for f in v.flags)
    assert "says 8 remain, but the source says 8 of 13; 13 - 8 = 5 would remain" in reasons
    assert "out of range" in reasons
    assert [c.number for c in v.citations] == [1]
    assert v.citations[0].quote == "The UN force has so far pulled out of eight of its 13 camps."
    assert v.citations[0].start == 100


def test_citation_to_dict_is_json_ready():
    c = make_citation(1, CAMPS, "It is due to leave Gao next.", 161, 189, 0.91)
    d = c.to_dict()
    assert d["published"] == "2023-11-09" and d["number"] == 1 and d["quote"].endswith("next.")
    assert CAMPS.text[d["start"] - CAMPS.start:d["end"] - CAMPS.start] == d["quote"]

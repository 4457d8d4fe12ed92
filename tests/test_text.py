import pytest

from rag.nlp.text import contains_term, match_key, normalise, sentence_spans, stem


def sentences(text):
    return [text[s:e] for s, e in sentence_spans(text)]


def test_normalise_folds_nbsp_zero_width_and_controls():
    assert normalise("UN\u00a0force\u200b left\x07 Gao") == "UN force left Gao"
    assert normalise("a\r\nb") == "a\nb"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("He left. She stayed.", ["He left.", "She stayed."]),
        ('"We left," he said. Then rain.', ['"We left," he said.', "Then rain."]),
        ("Gen. Diarra spoke. Troops moved.", ["Gen. Diarra spoke.", "Troops moved."]),
        ("The U.N. force left at 3 p.m. local time. Done.", ["The U.N. force left at 3 p.m. local time.", "Done."]),
        ("No final stop", ["No final stop"]),
    ],
)
def test_sentence_spans(text, expected):
    assert sentences(text) == expected


def test_stem_matches_forms():
    assert stem("camps") == stem("camp")
    assert stem("fired") == stem("fire")
    assert stem("countries") == stem("country")


def test_match_key_and_whole_word_terms():
    assert match_key("Around 15,000 soldiers; FIVE camps") == "around 15000 soldiers; 5 camps"
    assert contains_term("13 - 8 = 5 camps remain", "5")
    assert not contains_term("around 15,000 soldiers", "5")
    assert contains_term("five countries", "5")
    assert contains_term("Bamakó", "bamako")

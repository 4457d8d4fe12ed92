"""Places recognised against the offline gazetteer, with coordinates and the sentences that name
them; person-name and common-word collisions refused; "where" support from retrieved passages;
the SVG map well formed, linked and escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from rag.insights.places import Mention, Place, fold, places, places_for, recognise
from rag.models import Chunk
from rag.nlp.sentences import Sentence
from rag.ui.mapview import map_svg, outside_view


def sentences(*texts: str, title: str = "Test") -> list[Sentence]:
    chunk = Chunk("c1", "a1", 0, (0, 0), 0, 10_000, " ".join(texts), title, date(2024, 3, 1), "test")
    out, pos = [], 0
    for t in texts:
        out.append(Sentence(t, pos, pos + len(t), chunk))
        pos += len(t) + 1
    return out


def names(found: list[Place]) -> set[str]:
    return {p.name for p in found}


def test_fold_ignores_case_accents_and_possessives():
    assert fold("Kousséri") == fold("KOUSSERI") == "kousseri"
    assert fold("Mali’s") == fold("Mali's") == "mali"


def test_places_of_the_fictional_articles_have_coordinates_and_passages(briefing_assistant):
    found = {p.name: p for p in places(briefing_assistant)}
    assert {"Mora", "Maroua", "Kousséri", "Mokolo", "Garoua", "N'Djamena", "Chad"} <= set(found)
    assert "Santos" not in found  # "Colonel Marc Santos", "Mr Santos": a person, not the Brazilian port
    maroua = found["Maroua"]
    assert maroua.country == "Cameroon" and maroua.kind == "city"
    assert maroua.lat == pytest.approx(10.59, abs=0.1) and maroua.lon == pytest.approx(14.32, abs=0.1)
    assert found["Chad"].kind == "country" and 5 < found["Chad"].lat < 20
    mora = found["Mora"]
    assert len(mora.mentions) == 8
    assert not any("Ibrahim Mora" in m.sentence for m in mora.mentions)  # a person named Mora
    assert not any("Lake Chad" in m.sentence for m in found["Chad"].mentions)  # a lake, not the country
    for p in found.values():
        for m in p.mentions:
            text = briefing_assistant.article_text(m.article_id)
            assert text[m.start:m.end] == m.sentence and m.title and m.published
    assert list(places(briefing_assistant, place="garou")) == [found["Garoua"]]


def test_common_words_titles_and_name_parts_are_not_places():
    found = recognise(sentences("Police said the Mission had moved to Union Street in March.",
                                "Mr Gao met President Santos and Ibrahim Mopti on Monday.",
                                "More aid arrived, the Read report said.",
                                "The UN and Hamas met; the RRO said the Alliance would meet in India."))
    assert names(found) == {"India"}


def test_a_country_named_in_the_article_decides_an_ambiguous_town():
    alone = recognise(sentences("Fighting near Gao worsened."))
    assert [(p.name, p.country) for p in alone] == [("Gao", "Mali")]  # the larger Gao without other evidence
    in_burkina = recognise(sentences("In Burkina Faso, fighting near Gao worsened."))
    assert ("Gao", "Burkina Faso") in {(p.name, p.country) for p in in_burkina}


def test_places_for_a_question_cite_the_retrieved_passages(briefing_assistant):
    found = places_for(briefing_assistant, "Where did the envoys hold their first direct talks?")
    cited = {cp.place.name: cp for cp in found}
    assert "Garoua" in cited
    numbers = [c.number for cp in found for c in cp.citations]
    assert numbers == list(range(1, len(numbers) + 1))
    for cp in found:
        assert len(cp.citations) == len(cp.place.mentions)
        for c in cp.citations:
            text = briefing_assistant.article_text(c.article_id)
            assert text[c.start:c.end] == c.quote and c.chunk_id


def test_map_is_well_formed_svg_with_a_link_per_place_and_escaped_names():
    mention = Mention("a1", "t", date(2024, 3, 1), "s", 0, 1)
    shown = [Place("Maroua", "Cameroon", 10.59, 14.32, (mention, mention)),
             Place('<script>x</script> "Town"', "Cameroon", 11.05, 14.14, (mention,)),
             Place("Cameroon", "Cameroon", 10.8, 14.6, (mention,), kind="country")]
    far = Place("Nepal", "Nepal", 28.0, 84.0, (mention,), kind="country")
    assert outside_view([*shown, far]) == [far]  # listed under the map, not drawn
    svg = map_svg([*shown, far])
    assert "NEPAL" not in svg
    root = ET.fromstring(svg)  # parses: well formed, names escaped
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    links = [a.get("href") for a in root.iter("{http://www.w3.org/2000/svg}a")]
    assert "#place-" + shown[0].slug in links and "#place-" + shown[1].slug in links
    assert svg.count("<circle") > 3  # the towns of the gazetteer draw the land
    assert map_svg([]) == ""


def test_a_place_inside_an_agreement_process_or_institution_name_is_no_mention():
    found = recognise(sentences(
        "Delegates of the invented Lamido Circle hailed the Garoua Declaration and the Mokolo process.",
        "The Yagoua Peace Agreement and the Maroua Accords are taught at Maroua University and the University "
        "of Garoua.",
        "The Mora format replaced the Kousseri Agreement, and the Geneva Conventions were cited.",
        "Fighting flared in Mokolo on Tuesday."))
    assert names(found) == {"Mokolo"}
    assert [m.sentence for m in found[0].mentions] == ["Fighting flared in Mokolo on Tuesday."]


def test_the_home_countries_of_contributing_troops_are_no_mentions():
    plain = "Refugees of the invented Waza clashes crossed into Chad."
    found = {p.name: p for p in recognise(sentences(
        "Peacekeepers from Chad, Egypt and Bangladesh arrived in Mora on Monday.",
        "Chadian peacekeepers and the Egyptian contingent escorted the convoy.",
        "Troops contributed by Nepal guarded the bridge, and soldiers from Senegal manned the checkpoint.",
        "Troop-contributing countries such as Togo met the envoys.",
        "The Niger and Ghana contingents rotated out.",
        plain))}
    assert set(found) == {"Mora", "Chad"}
    assert [m.sentence for m in found["Chad"].mentions] == [plain]  # named as a place elsewhere, it stays


ARTICLE = ("A convoy of the invented Lamido Relief Guild drove from Maroua to Kousseri on 3 May, its organiser "
           "Amadou Teller said.\n\nA second column of trucks left Mokolo for Garoua a day later. Talks between "
           "Mora and Yagoua went on.")


def test_routes_from_sentences_and_from_the_question_are_cited_and_drawn(fresh_assistant):
    from rag.insights.places import routes
    from rag.ui.render_insights import places_html

    fresh_assistant.ingest_text(ARTICLE, title="Lamido convoy reaches Kousseri", published="2024-05-04")
    found = routes(fresh_assistant)
    assert [(r.origin.name, r.destination.name) for r in found] == [("Maroua", "Kousséri"), ("Mokolo", "Garoua")]
    for r in found:  # "between Mora and Yagoua" is no route
        assert fresh_assistant.article_text(r.article_id)[r.start:r.end] == r.sentence and not r.from_question
        assert r.title == "Lamido convoy reaches Kousseri" and r.published == date(2024, 5, 4)
    question = "Why did the trucks go from Mokolo towards Garoua?"
    asked = routes(fresh_assistant, question)
    assert asked[0].from_question and (asked[0].origin.name, asked[0].destination.name) == ("Mokolo", "Garoua")
    assert question[asked[0].start:asked[0].end] == asked[0].sentence == question
    assert asked[1:] == found  # the article (one passage) is retrieved for the question

    shown = places(fresh_assistant)
    svg = map_svg(shown, routes=asked)
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    drawn = [p for p in root.iter(ns + "path") if p.get("class") == "route"]
    assert len(drawn) == 2  # one arrow per origin and destination: Mokolo → Garoua twice, drawn once
    links = {a.get("href"): a.findtext(ns + "title") for a in root.iter(ns + "a")}
    assert "Mokolo → Garoua" in links["#route-" + asked[0].slug]
    html = places_html(shown, svg, routes=asked)
    assert "Routes: " in html and f'id="route-{asked[0].slug}"' in html and "your question" in html
    assert "Mokolo → Garoua" in html and "“" + found[1].sentence + "”" in html


def test_route_names_are_escaped_on_the_map_and_in_the_list():
    from rag.insights.routes import Route
    from rag.ui.render_insights import places_html

    bad = Place('<script>x</script> "Town"', "Cameroon", 11.05, 14.14, ())
    maroua = Place("Maroua", "Cameroon", 10.59, 14.32, (Mention("a1", "t", date(2024, 3, 1), "s", 0, 1),))
    route = Route(maroua, bad, 'From Maroua to <script>x</script> "Town".', "<i>t</i>", None, 0, 41, "a1", "c1")
    svg = map_svg([maroua], routes=[route])
    root = ET.fromstring(svg)  # well formed
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&lt;i&gt;t&lt;/i&gt;" in svg
    assert [p.get("class") for p in root.iter("{http://www.w3.org/2000/svg}path")].count("route") == 1
    assert [c.get("class") for c in root.iter("{http://www.w3.org/2000/svg}circle")].count("route-end") == 1
    html = places_html([maroua], svg, routes=[route])
    assert "<script>" not in html and "<i>t</i>" not in html

"""The UI's HTML builders: everything from articles and users is escaped, our markup is kept."""

from __future__ import annotations

from datetime import date

from rag.models import Answer, ArticleInfo, Chunk, Citation, ScoredChunk
from rag.ui.render import answer_html, citation_html, panel_html, sources_html, user_html
from rag.ui.render_articles import articles_html

EVIL = '<script>alert(1)</script><img src=x onerror=alert(1)>'
PASSAGE = f"First paragraph {EVIL}.\n\nThe convoy left without flight clearance. It was attacked."
QUOTE = "The convoy left without flight clearance."


def citation(number: int = 1, **kw) -> Citation:
    start = PASSAGE.index(QUOTE)
    fields = dict(number=number, chunk_id="c1", article_id="a1", title=f"Title {EVIL}", published=date(2023, 11, 9),
                  source=f"src {EVIL}", url="javascript:alert(1)", quote=QUOTE, start=100 + start,
                  end=100 + start + len(QUOTE), passage=PASSAGE, passage_start=100, support=0.9)
    fields.update(kw)
    return Citation(**fields)


def assert_inert(html: str) -> None:
    lowered = html.lower()
    assert "<script" not in lowered and "<img" not in lowered and "javascript:" not in lowered


def test_citation_card_escapes_and_marks_the_quote_in_its_paragraph():
    html = citation_html(citation(), turn=3)
    assert_inert(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert f'<p class="cite-para"><mark>{QUOTE}</mark> It was attacked.</p>' in html
    assert 'id="cite-3-1"' in html and "9 November 2023" in html


def test_citation_context_comes_from_the_article_text():
    article = "Before.\n\n" + "x" * 92 + "\n\n" + PASSAGE + "\n\nAfter."
    c = citation(start=article.index(QUOTE), end=article.index(QUOTE) + len(QUOTE),
                 passage_start=article.index(PASSAGE))
    html = citation_html(c, turn=0, article_text=article)
    assert_inert(html)
    assert "After." in html and f"<mark>{QUOTE}</mark>" in html


def test_quote_not_found_in_passage_is_still_shown_escaped():
    html = citation_html(citation(quote=f"Not there {EVIL}"), turn=0)
    assert_inert(html)
    assert "<blockquote><mark>Not there &lt;script&gt;" in html


def test_answer_badges_only_for_real_citations_and_text_escaped():
    answer = Answer(question=EVIL, text=f"Said {EVIL} [1] and [7].", citations=(citation(),), abstained=False)
    html = answer_html(answer, turn=2)
    assert_inert(html)
    assert '<a class="cite-badge" href="#cite-2-1"' in html and "[7]" in html and "[1]" not in html
    assert_inert(user_html(EVIL))


def test_abstained_answer_lists_nearest_passages_escaped():
    chunk = Chunk(id="c", article_id="a", ordinal=0, paragraphs=(0, 0), start=0, end=10, text=f"Near {EVIL}",
                  title=EVIL, published=None, source=EVIL)
    answer = Answer(question="q", text="The sources do not answer this.", citations=(), abstained=True,
                    retrieved=tuple(ScoredChunk(chunk, 1.0 - i / 10) for i in range(5)))
    html = sources_html(answer, turn=0)
    assert_inert(html)
    assert html.count('class="cite-card near"') == 3 and "do not answer" in html


def test_panel_and_article_list_escape_user_text():
    html = panel_html([{"question": EVIL, "body": "<p>ok</p>"}, {"question": "second", "body": ""}])
    assert_inert(html)
    assert html.index("second") < html.index("&lt;script&gt;")  # latest first, earlier folded
    table = articles_html([ArticleInfo("a", EVIL, date(2024, 1, 2), EVIL, 3)])
    assert_inert(table)
    assert "2 January 2024" in table


def test_ingest_summary_shows_reading_notes_escaped():
    from rag.ui.render_articles import ingest_summary

    html = ingest_summary(1, 0, 0, 3, [("bad.md", "front matter 'title' must be text")],
                          [f"fr{EVIL}.txt: not UTF-8; read as Windows-1252"])
    assert "Added 1 article" in html and "must be text" in html
    assert "not UTF-8; read as Windows-1252" in html and 'class="note"' in html
    assert_inert(html)

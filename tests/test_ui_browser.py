"""The UI in a real headless Chromium (Debian's /usr/bin/chromium through Playwright): ask,
see the cited passage highlighted, and check that article markup never runs.

Skipped when Chromium is missing, unless BRIEFING_REQUIRE_BROWSER=1 (then it fails)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # Chromium and the app start once per module (~10 s)

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
XSS_TITLE = 'Veltria harbour idle <img src=x onerror="window.__xss=5">'
XSS_TEXT = """The harbour office of Veltria said 312 fishing boats stayed idle on Monday because of the fuel \
shortage. <script>window.__xss=1</script> <img src=x onerror="window.__xss=2"> <svg onload="alert('xss')"></svg>

Harbour master Ilse Varga said ${window.__xss=3} the shortage {{constructor.constructor('window.__xss=4')()}} \
would last two weeks."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def ui_assistant(embeddings, tmp_path_factory):
    from rag import Assistant, Settings

    settings = Settings(data_dir=tmp_path_factory.mktemp("ui-browser"), corpus_dir=ROOT / "corpus",
                        host="127.0.0.1", auth=None)
    assistant = Assistant(settings, embeddings=embeddings)
    assistant.ensure_corpus()
    return assistant


@pytest.fixture(scope="module")
def app_url(ui_assistant, browser):
    from rag.ui.layout import build_app, launch

    demo = build_app(ui_assistant)
    _, url, _ = launch(demo, ui_assistant.settings, port=free_port(), block=False, quiet=True)
    yield url
    demo.close()


@pytest.fixture
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 950})
    page = context.new_page()
    page.dialogs = []  # type: ignore[attr-defined]
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
    page.goto(app_url)
    page.wait_for_selector("#question textarea")
    yield page
    context.close()


def ask(page, question: str) -> None:
    from playwright.sync_api import expect

    answers = page.locator("#chat .answer:not(.pending)")
    before = answers.count()
    page.fill("#question textarea", question)
    page.click("#ask-btn")
    expect(answers).to_have_count(before + 1, timeout=60_000)
    expect(page.locator("#stop-btn")).to_be_hidden(timeout=30_000)  # the answer is finished


def test_answer_links_to_the_highlighted_sentence(page):
    from playwright.sync_api import expect

    expect(page.locator("#chat")).to_contain_text("How many UN camps remain in Mali?")  # the examples
    ask(page, "Why did the convoy lack air support?")
    answer = page.locator("#chat .answer").last
    expect(answer).to_contain_text("flight clearance")
    badge = answer.locator("a.cite-badge").first
    expect(badge).to_have_text("1")
    mark = page.locator("#sources .latest mark").first
    expect(mark).to_contain_text("flight clearance")
    card = page.locator("#sources .latest .cite-card").first
    expect(card).to_contain_text("Mali army fires on armored vehicles")
    expect(card).to_contain_text("9 November 2023")
    badge.click()
    expect(card).to_have_class("cite-card flash")
    card.locator("summary").click()
    expect(card.locator("details.cite-ctx mark")).to_be_visible()
    page.wait_for_timeout(1800)  # let the flash fade before the screenshot
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ui-answer.png"), full_page=True)


def test_time_window_answer_lists_dated_cited_events(page):
    from playwright.sync_api import expect

    page.get_by_text("What happened after 1 November?").click()
    answer = page.locator("#chat .answer:not(.pending)").last
    expect(answer).to_contain_text("after 1 November 2023", timeout=30_000)
    expect(answer).to_contain_text("8 Nov 2023")
    assert answer.locator("a.cite-badge").count() >= 3
    assert answer.locator("br").count() >= 3  # one event per line
    expect(page.locator("#sources .latest .cite-card").first).to_contain_text("9 November 2023")


def test_follow_up_example_and_errors_keep_the_conversation(page):
    from playwright.sync_api import expect

    page.get_by_text("Which countries did those peacekeepers come from?").click()
    answers = page.locator("#chat .answer:not(.pending)")
    expect(answers).to_have_count(2, timeout=30_000)
    expect(answers.nth(1)).to_contain_text("Bangladesh")
    expect(page.locator("#stop-btn")).to_be_hidden(timeout=30_000)  # the example's answers are done
    page.fill("#question textarea", "")
    page.click("#ask-btn")
    expect(page.locator("#chat .answer.error")).to_contain_text("The question is empty")
    page.get_by_text("Filters: articles and dates").click()
    page.fill("#date-from textarea, #date-from input", "2023-13-40")
    ask(page, "Why did the convoy lack air support?")
    expect(page.locator("#chat .answer.error").last).to_contain_text("not a date; use YYYY-MM-DD")
    expect(answers.nth(1)).to_contain_text("Bangladesh")  # the conversation is kept
    assert "Traceback" not in page.content()


def test_filters_and_abstention(page):
    from playwright.sync_api import expect

    page.get_by_text("Filters: articles and dates").click()
    page.fill("#date-from textarea, #date-from input", "2024-01-01")
    ask(page, "Why did the convoy lack air support?")
    expect(page.locator("#chat .answer").last).to_contain_text("No indexed article matches these filters")
    page.fill("#date-from textarea, #date-from input", "2023-11-01")
    page.locator("#filter-articles input").click()
    page.get_by_role("option", name="Mali army fires on armored vehicles left after UN pullout (2023-11-09)").click()
    page.keyboard.press("Escape")
    ask(page, "Why did the convoy lack air support?")
    expect(page.locator("#chat .answer").last).to_contain_text("flight clearance")
    note = page.locator("#sources .latest .filters-note")
    expect(note).to_have_text("Filtered: 1 chosen article(s), from 2023-11-01")
    ask(page, "Who is the president of Mali's transitional government?")
    expect(page.locator("#chat .answer").last).to_contain_text("The sources do not answer this")
    expect(page.locator("#sources .latest .cite-card.near")).to_have_count(3)
    expect(page.locator("#sources details.turn")).to_have_count(2)  # earlier answers folded
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ui-abstain.png"), full_page=True)


def test_article_markup_is_shown_as_text_and_never_runs(page, ui_assistant, app_url):
    from playwright.sync_api import expect

    report = ui_assistant.ingest_text(XSS_TEXT, title=XSS_TITLE, published="2024-02-05")
    assert report.added == 1
    page.goto(app_url)  # reload: the article list and pickers are filled on page load
    page.wait_for_selector("#question textarea")
    ask(page, "How long would the shortage last in Veltria?")
    answer = page.locator("#chat .answer").last
    expect(answer).to_contain_text("two weeks")
    expect(answer).to_contain_text("${window.__xss=3}")
    sources = page.locator("#sources .latest")
    expect(sources).to_contain_text("Veltria harbour idle <img src=x onerror=")
    sources.locator("summary").first.click()
    expect(sources).to_contain_text("<script>window.__xss=1</script>")
    page.get_by_text("Filters: articles and dates").click()
    page.locator("#filter-articles").click()
    page.get_by_role("tab", name="Articles").click()
    expect(page.locator("#article-list")).to_contain_text('onerror="window.__xss=5"')
    page.wait_for_timeout(500)  # give any injected handler the chance to fire
    assert page.dialogs == []  # type: ignore[attr-defined]
    assert page.evaluate("() => window.__xss") is None
    injected = page.evaluate("""() => ({
        scripts: [...document.querySelectorAll('script')].filter(s => s.textContent.includes('__xss')).length,
        handlers: document.querySelectorAll('img[onerror], svg[onload], [onerror*="__xss"]').length,
    })""")
    assert injected == {"scripts": 0, "handlers": 0}
    page.get_by_role("tab", name="Ask").click()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ui-xss.png"), full_page=True)


def test_timeline_and_map_tabs_render(page, ui_assistant, app_url):
    """Runs last: adds the fictional Far North articles to the shipped one, then opens the
    Timeline and Map tabs (article text stays text there too: the XSS article is indexed)."""
    from playwright.sync_api import expect

    report = ui_assistant.ingest([ROOT / "tests" / "data" / "briefing"])
    assert not report.failed
    ui_assistant.ingest_text(XSS_TEXT, title=XSS_TITLE, published="2024-02-05")  # unchanged if already there
    page.goto(app_url)
    page.wait_for_selector("#question textarea")
    page.get_by_role("tab", name="Timeline").click()
    expect(page.locator("#timeline-chart img")).to_be_visible(timeout=30_000)
    events = page.locator("#timeline-events")
    expect(events).to_contain_text("Mali's army said Wednesday")  # the shipped article, 8 Nov 2023
    expect(events).to_contain_text("Halima Dossou said the agency planned a second convoy")
    assert page.locator("#timeline-chart img").evaluate("img => img.naturalWidth") > 800
    page.fill("#tl-place textarea, #tl-place input", "Garoua")
    page.click("#tl-btn")
    expect(events.locator("tbody tr")).to_have_count(1)
    expect(events).to_contain_text("25 Mar 2024")
    page.fill("#tl-place textarea, #tl-place input", "")
    page.click("#tl-btn")
    expect(events).to_contain_text("Veltria harbour idle <img src=x onerror=")  # the XSS article's Monday, as text
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ui-timeline.png"), full_page=True)
    page.get_by_role("tab", name="Map").click()
    svg = page.locator("#place-map svg.place-map")
    expect(svg).to_be_visible(timeout=30_000)
    for name in ("Kidal", "Gao", "Mora", "Maroua"):
        expect(svg).to_contain_text(name)
    kidal = page.locator("#place-map .place-item", has_text="Kidal").first
    expect(kidal).to_contain_text("strategic northern town of Kidal")
    svg.locator("a[href^='#place-kidal']").first.click()
    expect(kidal).to_be_in_viewport()
    page.evaluate("() => window.scrollTo(0, 0)")
    assert page.evaluate("() => window.__xss") is None
    page.screenshot(path=str(ARTIFACTS / "ui-map.png"), full_page=True)

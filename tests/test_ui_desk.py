"""The web app as an analyst's desk, in a real headless Chromium: collections, several sources
answering differently, exports (Markdown, Word), source links, quote previews and the article
viewer, the briefing, map hygiene, upload and removal workflow, Stop, ratings as evaluation rows,
the phone layout, follow-ups. Screenshots of each go to test-artifacts/desk-*.png (1440 px and
390 px). Skipped when Chromium is missing, unless BRIEFING_REQUIRE_BROWSER=1 (then it fails)."""

from __future__ import annotations

import json
import time
from itertools import cycle
from pathlib import Path
from typing import Any

import pytest

from .test_ui_browser import ARTIFACTS, ROOT, ask, free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DESK = ROOT / "tests" / "data" / "desk"
LONG_URL = ("https://reliefweb.example.org/report/velmora/kessel-ford-market-shelling-humanitarian-coordinator-"
            "statement-on-civilian-casualties-and-access-for-ambulances-2-may-2024")
DESKTOP, PHONE = {"width": 1440, "height": 900}, {"width": 390, "height": 844}


class Slow:
    """A scripted LLM that streams a word every 0.05 s, a cited sentence every ~1.5 s (for Stop)."""

    @staticmethod
    def model():
        from langchain_core.messages import AIMessage

        from .fakes import Scripted

        class SlowScripted(Scripted):
            def _stream(self, messages, stop=None, run_manager=None, **kwargs):
                for chunk in super()._stream(messages, stop=stop, run_manager=run_manager, **kwargs):
                    time.sleep(0.05)
                    yield chunk

        sentence = "The convoy left without air support due to a lack of flight clearance [@flight clearance]."
        model = SlowScripted(messages=cycle([AIMessage(content=" ".join([sentence] * 20))]))
        model.seen = []
        return model


@pytest.fixture(scope="module")
def desk(embeddings, browser, tmp_path_factory):
    """A desk over a fresh store: the home collection with the shipped article, "velmora" with
    the three fictional statements (one with a long source URL), and "slow" whose answers come
    from a slow scripted LLM."""
    from rag import Assistant, Desk, Settings
    from rag.answer.generative.answerer import GenerativeAnswerer

    settings = Settings(data_dir=tmp_path_factory.mktemp("desk"), corpus_dir=ROOT / "corpus", auth=None)
    home = Assistant(settings, embeddings=embeddings)
    home.ensure_corpus()
    desk = Desk(home=home)
    slow = desk.assistant(desk.create("slow"))
    slow.ingest([ROOT / "corpus"])
    slow.generative = GenerativeAnswerer(Slow.model(), slow.prompts, slow.encoder, slow._retrieve, max_sources=5)
    return desk


@pytest.fixture(scope="module")
def app_url(desk):
    from rag.ui.layout import build_app, launch

    demo = build_app(desk)
    _, url, _ = launch(demo, desk.settings, port=free_port(), block=False, quiet=True)
    yield url
    demo.close()


def open_page(browser, url, viewport=DESKTOP):
    context = browser.new_context(viewport=viewport, accept_downloads=True,
                                  permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.bring_to_front()  # the clipboard wants the focused page (a user's is)
    page.goto(url)
    page.wait_for_selector("#question textarea")
    page.wait_for_function("() => document.querySelector('#brief-header .stats').textContent.includes(':')")
    return page


@pytest.fixture
def page(browser, app_url):
    page = open_page(browser, app_url)
    yield page
    page.context.close()


@pytest.fixture
def phone(browser, app_url):
    page = open_page(browser, app_url, PHONE)
    yield page
    page.context.close()


def shoot(page, name: str) -> None:
    """desk-<name>-<width>.png at the page's width and, from a desktop page, at 390 px too."""
    ARTIFACTS.mkdir(exist_ok=True)
    size = dict(page.viewport_size)
    page.screenshot(path=str(ARTIFACTS / f"desk-{name}-{size['width']}.png"), full_page=True)
    if size["width"] > PHONE["width"]:
        page.set_viewport_size(PHONE)
        page.wait_for_timeout(300)
        page.screenshot(path=str(ARTIFACTS / f"desk-{name}-{PHONE['width']}.png"), full_page=True)
        page.set_viewport_size(size)
        page.wait_for_timeout(300)


def choose(page, dropdown: str, option: str) -> None:
    box = page.locator(f"{dropdown} input")
    box.click()
    box.fill(option)  # Gradio filters the options by what is typed
    page.get_by_role("option", name=option, exact=True).click()


def use_collection(page, name: str) -> None:
    from playwright.sync_api import expect

    choose(page, "#collection", name)
    expect(page.locator("#brief-header .stats")).to_contain_text(f"{name}:", timeout=30_000)


def make_velmora(page, desk) -> None:
    """Create the collection in the app and upload the three statements into it (the first time;
    later, choose it)."""
    from playwright.sync_api import expect

    if "velmora" in desk.names():
        use_collection(page, "velmora")
        return
    page.fill("#new-collection textarea, #new-collection input", "Velmora")
    page.click("#create-collection")
    expect(page.locator("#collection-status")).to_contain_text("Created the collection “velmora”", timeout=30_000)
    expect(page.locator("#brief-header .stats")).to_contain_text("velmora: 0 articles")
    page.get_by_role("tab", name="Articles").click()
    page.locator("#upload input[type=file]").set_input_files(sorted(str(p) for p in DESK.glob("*.txt")))
    expect(page.locator("#upload tbody tr")).to_have_count(3)
    page.click("#add-files")
    expect(page.locator("#ingest-status .file-row")).to_have_count(3, timeout=60_000)
    page.get_by_role("tab", name="Ask").click()


# ---- 1. collections --------------------------------------------------------------------------
def test_a_collection_answers_only_from_its_own_articles(page, desk):
    from playwright.sync_api import expect

    make_velmora(page, desk)
    assert "velmora" in desk.names()
    ask(page, "Who issued the statement on the Kessel Ford shelling?")
    cards = page.locator("#sources .latest .cite-card")
    expect(cards.first).to_contain_text("Kessel Ford")
    ask(page, "How many UN camps remain in Mali?")
    expect(page.locator("#chat .answer").last).to_contain_text("The sources do not answer this")
    assert "Mali army fires" not in page.locator("#sources .latest").inner_text()
    page.get_by_role("tab", name="Briefing").click()
    page.click("#brief-btn")
    expect(page.locator("#briefing li").first).to_be_visible(timeout=60_000)
    assert "Kessel Ford" in page.locator("#briefing").inner_text()
    assert "Minusma" not in page.locator("#briefing").inner_text()
    shoot(page, "collections")
    use_collection(page, "briefing")  # back home: its article, a fresh chat
    expect(page.locator("#chat .answer")).to_have_count(0)
    page.get_by_role("tab", name="Ask").click()
    ask(page, "How many UN camps remain in Mali?")
    expect(page.locator("#chat .answer").last).to_contain_text("13 - 8 = 5")


# ---- 2. several sources, each its own way ------------------------------------------------------
def test_several_statements_are_listed_with_their_dates(page, desk):
    from playwright.sync_api import expect

    make_velmora(page, desk)
    ask(page, "Who issued the statement?")
    answer = page.locator("#chat .answer").last
    items = answer.locator("ul.alternatives li")
    expect(items).to_have_count(3)
    for item, day in zip(items.all(), ("6 May 2024", "4 May 2024", "2 May 2024"), strict=True):
        expect(item).to_contain_text(day)
        assert item.locator("a.cite-badge").count() == 1
    shoot(page, "several-sources")


# ---- 3. exports --------------------------------------------------------------------------------
def test_an_answer_a_chat_and_a_briefing_export(page, tmp_path):
    import docx
    from playwright.sync_api import expect

    ask(page, "Why did the convoy leave without air support?")
    said: list[str] = []
    page.on("console", lambda m: said.append(m.text))
    copy = page.locator("#chat a.copy-md").last
    page.wait_for_selector("#sources pre.answer-md", state="attached")
    copy.click()
    expect(copy).not_to_have_text("Copy as Markdown")
    assert copy.inner_text() == "Copied", said
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert "## Why did the convoy leave without air support?" in copied
    assert "[1]" in copied and "Mali army fires on armored vehicles left after UN pullout" in copied
    assert "flight clearance" in copied
    with page.expect_download() as got:
        page.click("#chat-md")
    md = Path(got.value.path()).read_text(encoding="utf-8")
    assert "Why did the convoy leave without air support?" in md and "[1] Mali army fires" in md
    with page.expect_download() as got:
        page.click("#chat-docx")
    text = "\n".join(p.text for p in docx.Document(got.value.path()).paragraphs)
    assert "Mali army fires on armored vehicles left after UN pullout" in text and "[1]" in text

    page.get_by_role("tab", name="Briefing").click()
    page.click("#brief-btn")
    expect(page.locator("#briefing li").first).to_be_visible(timeout=60_000)
    shown = page.locator("#briefing .cite-card").count()
    assert shown >= 2
    with page.expect_download() as got:
        page.click("#brief-docx")
    out = tmp_path / "briefing.docx"
    got.value.save_as(out)
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    for n in range(1, shown + 1):
        assert f"[{n}]" in text
    assert "References" in text and "Mali army fires on armored vehicles left after UN pullout" in text
    with page.expect_download() as got:
        page.click("#brief-md")
    assert "[1]" in Path(got.value.path()).read_text(encoding="utf-8")
    shoot(page, "export")


# ---- 4. sources --------------------------------------------------------------------------------
def sources_page(page, desk):
    """The velmora collection with one statement pasted again, with its long source URL."""
    velmora = desk.assistant("velmora") if "velmora" in desk.names() else None
    if velmora is None:
        make_velmora(page, desk)
        velmora = desk.assistant("velmora")
    if not any(a.title == "Ambulance access statement" for a in velmora.articles()):
        velmora.ingest_text("Ambulances were kept out of the Kessel Ford district for nine hours on Thursday, "
                            "the Velmora ambulance service said.\n\nIt said two of its drivers had been held at "
                            "a checkpoint near the market.", title="Ambulance access statement",
                            published="2024-05-03", source="Velmora ambulance service", url=LONG_URL)
    page.reload()
    page.wait_for_selector("#question textarea")
    use_collection(page, "velmora")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_sources_open_as_links_previews_and_the_whole_article(browser, app_url, desk, viewport):
    from playwright.sync_api import expect

    page = open_page(browser, app_url, viewport)
    try:
        sources_page(page, desk)
        ask(page, "How long were ambulances kept out of the Kessel Ford district?")
        card = page.locator("#sources .latest .cite-card").first
        link = card.locator("a.src-url")
        expect(link).to_have_attribute("href", LONG_URL)
        expect(link).to_have_attribute("target", "_blank")
        expect(link).to_have_attribute("rel", "noopener noreferrer")
        box, frame = link.bounding_box(), card.bounding_box()
        assert box["x"] + box["width"] <= frame["x"] + frame["width"] + 1  # the long URL wraps inside the card
        badge = page.locator("#chat .answer").last.locator("a.cite-badge").first
        badge.hover()
        tip = page.locator("#cite-preview")
        expect(tip).to_be_visible()
        expect(tip).to_contain_text("nine hours")
        expect(tip).to_contain_text("Ambulance access statement")
        shoot(page, "source-preview")
        page.mouse.move(0, 0)
        card.locator("button.open-article").click()
        viewer = page.locator("dialog#article-viewer")
        expect(viewer).to_be_visible()
        expect(viewer).to_contain_text("two of its drivers had been held")  # the rest of the article
        mark = viewer.locator("mark.current")
        expect(mark).to_contain_text("nine hours")
        expect(mark).to_be_in_viewport()
        shoot(page, "article-viewer")
        viewer.locator(".viewer-close").click()
        expect(viewer).to_be_hidden()
        assert page.evaluate("() => document.scrollingElement.scrollWidth") <= viewport["width"]
    finally:
        page.context.close()


# ---- 7. workflow -------------------------------------------------------------------------------
def test_upload_reports_each_file_and_removal_asks_first(page, tmp_path):
    from playwright.sync_api import expect

    good = tmp_path / "dunmore-clinic.txt"
    good.write_text("Dunmore clinic reopens\n\n2024-05-06\n\nThe Dunmore clinic reopened on Monday with "
                    "14 nurses, the health ministry said.")
    bad = tmp_path / "weird name.docx"
    bad.write_bytes(b"PK\x03\x04 not supported")
    page.get_by_role("tab", name="Articles").click()
    page.locator("#upload input[type=file]").set_input_files([str(good), str(bad)])
    expect(page.locator("#upload tbody tr")).to_have_count(2)
    page.click("#add-files")
    rows = page.locator("#ingest-status .file-row")
    expect(rows).to_have_count(2, timeout=60_000)
    expect(rows.nth(0)).to_contain_text("1/2 dunmore-clinic.txt: added, 1 passage written")
    expect(rows.nth(1)).to_contain_text("2/2 weird name.docx: unsupported file type .docx")
    shoot(page, "upload")
    choose(page, "#remove-article", "Dunmore clinic reopens (2024-05-06)")
    page.click("#remove-btn")
    confirm = page.locator("#confirm-remove")
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text("Remove “Dunmore clinic reopens”")
    shoot(page, "remove-confirm")
    page.click("#confirm-no")
    expect(confirm).to_be_hidden()
    expect(page.locator("#article-list")).to_contain_text("Dunmore clinic reopens")
    page.click("#remove-btn")
    page.click("#confirm-yes")
    expect(page.locator("#ingest-status")).to_contain_text("Removed “Dunmore clinic reopens”", timeout=30_000)
    expect(page.locator("#article-list")).not_to_contain_text("Dunmore clinic")


def test_stop_ends_a_streaming_answer(page):
    from playwright.sync_api import expect

    use_collection(page, "slow")
    page.fill("#question textarea", "Why did the convoy lack air support?")
    page.click("#ask-btn")
    stop = page.locator("#stop-btn")
    expect(stop).to_be_visible(timeout=30_000)
    expect(page.locator("#ask-btn")).to_be_hidden()
    expect(page.locator("#chat .answer.pending")).to_contain_text("flight clearance", timeout=30_000)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "desk-streaming-1440.png"))  # one quick shot: the answer is streaming
    stop.click()
    stopped = page.locator("#chat .answer.stopped")
    expect(stopped).to_contain_text("Stopped")
    shoot(page, "stopped")
    expect(page.locator("#ask-btn")).to_be_visible()
    expect(stop).to_be_hidden()
    before = stopped.inner_text()
    page.wait_for_timeout(1500)
    assert stopped.inner_text() == before  # nothing more streams in
    assert page.locator("#chat .answer.pending").count() == 0


def test_ratings_are_kept_and_export_as_evaluation_rows(page, desk):
    from playwright.sync_api import expect

    ask(page, "Why did the convoy leave without air support?")
    page.locator("#chat button[aria-label='Like']").last.click()
    expect(page.locator("#vote-note")).to_contain_text("rating kept", timeout=30_000)
    stored = [json.loads(line) for line in (desk.settings.data_dir / "feedback.jsonl").read_text().splitlines()]
    assert stored[-1]["vote"] == "up" and stored[-1]["question"] == "Why did the convoy leave without air support?"
    assert "flight clearance" in stored[-1]["citations"][0]["quote"]
    with page.expect_download() as got:
        page.click("#votes")
    rows = [json.loads(line) for line in Path(got.value.path()).read_text().splitlines()]
    row = rows[-1]
    assert {"id", "question", "answer", "must_contain", "source", "evidence", "type"} <= set(row)
    assert row["feedback"] == "up" and row["type"] == "factoid" and "flight clearance" in row["evidence"][0]
    shoot(page, "rating")


# ---- 8. phones ---------------------------------------------------------------------------------
def test_the_phone_layout_keeps_everything_in_reach(phone):
    from playwright.sync_api import expect

    width = PHONE["width"]
    header = phone.locator("#brief-header")
    stats = header.locator(".stats")
    h, s = header.bounding_box(), stats.bounding_box()
    assert s["x"] >= h["x"] and s["x"] + s["width"] <= h["x"] + h["width"] + 1  # the count stays in the header
    tabs = phone.locator("#tabs [role=tablist] [role=tab]")
    expect(tabs).to_have_count(5)  # Map and Briefing are not hidden behind "..."
    for name in ("Map", "Briefing"):
        expect(phone.get_by_role("tab", name=name)).to_be_visible()
    box = phone.locator("#question textarea")
    needed = box.evaluate("""b => { const c = document.createElement('canvas').getContext('2d');
        const s = getComputedStyle(b); c.font = `${s.fontSize} ${s.fontFamily}`;
        return c.measureText(b.placeholder).width + parseFloat(s.paddingLeft) + parseFloat(s.paddingRight); }""")
    assert needed <= box.evaluate("b => b.clientWidth")  # the placeholder is not clipped
    shoot(phone, "ask")
    phone.get_by_role("tab", name="Timeline").click()
    chart = phone.locator("#timeline-chart img")
    expect(chart).to_be_visible(timeout=30_000)
    b = chart.bounding_box()
    assert b["width"] >= 700 and b["x"] >= 0  # drawn at a legible width, scrolled sideways, not shrunk
    assert phone.evaluate("() => document.scrollingElement.scrollWidth") <= width
    shoot(phone, "timeline")
    for name in ("Map", "Briefing"):
        phone.get_by_role("tab", name=name).click()
        expect(phone.get_by_role("tab", name=name)).to_have_attribute("aria-selected", "true")
    phone.click("#brief-btn")
    expect(phone.locator("#briefing li").first).to_be_visible(timeout=60_000)
    shoot(phone, "briefing")


# ---- 9. follow-ups, abstentions, filters -------------------------------------------------------
def test_follow_up_gives_the_list_and_empty_filters_look_empty(page):
    from playwright.sync_api import expect

    page.get_by_text("Which countries did those peacekeepers come from?").click()
    answers = page.locator("#chat .answer:not(.pending)")
    expect(answers).to_have_count(2, timeout=60_000)
    first, second = answers.nth(0).inner_text(), answers.nth(1).inner_text()
    assert second != first
    assert second.split(": ", 1)[1].startswith("Bangladesh, Chad, Egypt, Guinea and Nepal")
    ask(page, "Who is the president of Mali's transitional government?")
    abstained = page.locator("#chat .answer").last
    expect(abstained).to_contain_text("The sources do not answer this")
    assert "below" not in abstained.inner_text()  # the passages are beside the chat on a desktop
    filters = page.locator("#filters")
    expect(filters).to_contain_text("(none set)")
    filters.get_by_text("Filters: articles and dates").click()
    date_from = page.locator("#date-from textarea, #date-from input")
    assert date_from.input_value() == "" and date_from.get_attribute("placeholder") == "YYYY-MM-DD"
    date_from.fill("2023-11-01")
    expect(filters).to_contain_text("(from 2023-11-01)")
    shoot(page, "follow-up")


# ---- 6. map hygiene ----------------------------------------------------------------------------
MAP_TEXT = """A convoy of 40 trucks travelled from Maroua to Kousseri on Friday, the regional relief office said.

Relief officials said the convoy's route had been agreed under the Garoua Declaration signed last year.

Peacekeepers from Nepal and Bangladesh escorted the trucks, the office said.

Floods had cut the road between Mora and Yagoua for two days."""


def test_the_map_draws_routes_and_leaves_out_names_and_troop_homes(page, desk):
    from playwright.sync_api import expect

    if "far-north" not in desk.names():
        desk.assistant(desk.create("far-north")).ingest_text(MAP_TEXT, title="Convoy reaches Kousseri",
                                                              published="2024-06-07", source="Relief office")
    page.reload()
    page.wait_for_selector("#question textarea")
    use_collection(page, "far-north")
    page.get_by_role("tab", name="Map").click()
    svg = page.locator("#place-map svg.place-map")
    expect(svg).to_be_visible(timeout=30_000)
    expect(svg.locator("path.route")).to_have_count(1)  # Maroua -> Kousseri; "between Mora and Yagoua" is none
    listed = page.locator("#place-map")
    expect(listed).to_contain_text("Maroua → Kousséri")
    names = page.locator("#place-map .place-item .place-head b").all_inner_texts()
    assert "Maroua" in names and "Mora" in names
    for absent in ("Garoua", "Nepal", "Bangladesh"):  # in an agreement's name; the troops' home countries
        assert absent not in names, names
    shoot(page, "map")
    page.fill("#map-question textarea, #map-question input", "Why did the trucks go from Mokolo towards Garoua?")
    page.click("#map-btn")
    expect(listed).to_contain_text("Mokolo → Garoua", timeout=30_000)
    expect(svg.locator("path.route")).to_have_count(2)


# ---- 5. a briefing worth reading ---------------------------------------------------------------
def test_the_briefing_puts_casualties_first_groups_by_place_and_drops_procedure(page, desk):
    from playwright.sync_api import expect

    def write() -> Any:
        page.get_by_role("tab", name="Briefing").click()
        page.click("#brief-btn")
        briefing = page.locator("#briefing")
        expect(briefing.locator("li").first).to_be_visible(timeout=60_000)
        text = briefing.inner_text()
        assert "chars" not in text
        for line in briefing.locator("li").all():  # each line dated and cited
            assert line.locator("b").count() == 1 and line.locator("a.cite-badge").count() >= 1
        return briefing

    briefing = write()  # the shipped article: under place headings, casualties first
    groups = briefing.locator("h4.brief-group").all_inner_texts()
    assert len(groups) >= 2 and "Mali" in groups
    expect(briefing.locator("li").first).to_contain_text("killed")
    expect(briefing.locator("li").first.locator(".tag.topic")).to_have_text("casualties")
    shoot(page, "briefing")
    make_velmora(page, desk)  # three statements: the procedural opening line is no development
    briefing = write()
    expect(briefing.locator("li").first).to_contain_text("killed 11 civilians")
    assert "The following statement was issued" not in briefing.inner_text()
    page.get_by_role("tab", name="Timeline").click()
    rows = page.locator("#timeline-events tbody tr")
    expect(rows.first).to_be_visible(timeout=30_000)
    assert "chars" not in page.locator("#timeline-events").inner_text()

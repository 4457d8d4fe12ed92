"""An analyst's first use of a running app, in headless Chromium, timed step by step: create a
collection, upload three articles, ask three questions, export the briefing as .docx and open it
(python-docx reads it back; every citation of the briefing must be in its text).

    make run &                                   # or python app.py
    python bench/first_use.py [--url http://127.0.0.1:7860/] [--shots DIR]

Prints one line per step with its seconds, and exits 1 when a step's check fails.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = sorted((ROOT / "tests" / "data" / "desk").glob("*.txt"))
QUESTIONS = ("Who issued the statement?", "How many civilians were killed at the Kessel Ford market?",
             "Where were the wounded children to be moved?")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default="http://127.0.0.1:7860/")
    ap.add_argument("--shots", type=Path, help="save a screenshot of each step here")
    ap.add_argument("--collection", default=f"Velmora {int(time.time()) % 100000}")
    args = ap.parse_args(argv)
    import docx
    from playwright.sync_api import expect, sync_playwright

    failed = False

    def step(name: str, t0: float, ok: bool, detail: str = "") -> None:
        nonlocal failed
        failed |= not ok
        print(f"{'ok ' if ok else 'FAIL'} {time.perf_counter() - t0:6.1f} s  {name}{': ' + detail if detail else ''}")

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"])
        page = browser.new_page(viewport={"width": 1440, "height": 900}, accept_downloads=True)

        def shot(name: str) -> None:
            if args.shots:
                args.shots.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(args.shots / f"first-use-{name}.png"), full_page=True)

        t = time.perf_counter()
        page.goto(args.url)
        page.wait_for_function("() => document.querySelector('#brief-header .stats')?.textContent.includes(':')")
        step("open the app", t, True, page.locator("#brief-header .stats").inner_text())

        t = time.perf_counter()
        page.fill("#new-collection textarea, #new-collection input", args.collection)
        page.click("#create-collection")
        status = page.locator("#collection-status")
        expect(status).to_contain_text("Created the collection", timeout=60_000)
        step("create a collection", t, True, status.inner_text())
        shot("1-collection")

        t = time.perf_counter()
        page.get_by_role("tab", name="Articles").click()
        page.locator("#upload input[type=file]").set_input_files([str(a) for a in ARTICLES])
        expect(page.locator("#upload tbody tr")).to_have_count(len(ARTICLES))
        page.click("#add-files")
        rows = page.locator("#ingest-status .file-row")
        expect(rows).to_have_count(len(ARTICLES), timeout=120_000)
        lines = rows.all_inner_texts()
        step("upload three articles", t, all("added" in r for r in lines), " | ".join(lines))
        shot("2-upload")

        page.get_by_role("tab", name="Ask").click()
        for i, q in enumerate(QUESTIONS, 1):
            t = time.perf_counter()
            answers = page.locator("#chat .answer:not(.pending)")
            before = answers.count()
            page.fill("#question textarea", q)
            page.click("#ask-btn")
            expect(answers).to_have_count(before + 1, timeout=60_000)
            expect(page.locator("#stop-btn")).to_be_hidden(timeout=60_000)
            text = answers.last.inner_text().replace("\n", " ")
            cited = answers.last.locator("a.cite-badge").count()
            step(f"ask {q!r}", t, cited > 0, f"{cited} citation(s): {text[:160]}")
            shot(f"3-question-{i}")

        t = time.perf_counter()
        page.get_by_role("tab", name="Briefing").click()
        page.click("#brief-btn")
        expect(page.locator("#briefing li").first).to_be_visible(timeout=60_000)
        cards = page.locator("#briefing .cite-card .cite-title").all_inner_texts()
        with page.expect_download() as got:
            page.click("#brief-docx")
        out = Path(tempfile.mkdtemp()) / got.value.suggested_filename
        got.value.save_as(out)
        text = "\n".join(par.text for par in docx.Document(str(out)).paragraphs)
        missing = [f"[{n}]" for n in range(1, len(cards) + 1) if f"[{n}]" not in text]
        missing += [title for title in cards if title not in text]
        step("export the briefing as .docx and open it", t, bool(cards) and not missing,
             f"{out.name}: {len(cards)} citations, {len(text):,} characters, missing {missing or 'none'}")
        shot("4-briefing")
        browser.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Bad input, as a table: every file case through the API, the CLI and the UI's upload path, every
question case through the API (and the CLI where it must fail fast). Each gets a clear, specific
message, and nothing already indexed is lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag import InvalidQuestionError

from .conftest import ROOT

GOOD = "The relief convoy reached the river town on Monday after a week on the road, officials said."


def pdf_bytes(text: str | None, encrypt: bool = False) -> bytes:
    import io

    from pypdf import PdfWriter

    if text is not None:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=(8.5, 11))
        fig.text(0.1, 0.9, text, fontsize=10)
        buf = io.BytesIO()
        fig.savefig(buf, format="pdf")
        plt.close(fig)
        raw = buf.getvalue()
    else:
        w = PdfWriter()
        w.add_blank_page(612, 792)
        b = io.BytesIO()
        w.write(b)
        raw = b.getvalue()
    if not encrypt:
        return raw
    from pypdf import PdfReader

    w = PdfWriter(clone_from=PdfReader(io.BytesIO(raw)))
    w.encrypt(user_password="secret", owner_password="owner")
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def front(body: str, date: str = "2024-03-04", title: str = "Relief convoy") -> bytes:
    return f"---\ntitle: \"{title}\"\ndate: {date}\n---\n{body}\n".encode()


# (file name, content or callable, None when the file must go in, else a phrase the error must contain)
FILES: list[tuple[str, object, str | None]] = [
    ("empty.txt", b"", "empty"),
    ("whitespace.txt", b"   \n\n\t  \n", "no readable article text"),
    ("binary-renamed.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, "binary"),
    ("latin1.txt", ("Les casques bleus ont quitté la ville après des combats près du marché. " * 3).encode("latin-1"), None),
    ("cp1252.txt", ("\u201cWe left,\u201d the driver said \u2013 the road was closed. " * 3).encode("cp1252"), None),
    ("utf16.txt", (GOOD + " " + GOOD).encode("utf-16"), None),
    ("bom.txt", b"\xef\xbb\xbf" + GOOD.encode(), None),
    ("crlf.md", front(GOOD).replace(b"\n", b"\r\n"), None),
    ("corrupt.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nendobj\ntrailer\n%%EOF garbage", "PDF"),
    ("encrypted.pdf", lambda: pdf_bytes(GOOD, encrypt=True), "encrypted"),
    ("blank.pdf", lambda: pdf_bytes(None), "no readable article text"),
    ("scripts-only.html", b"<html><head><script>var x=1;</script></head><body><nav><a href='/'>Home</a>"
                          b"<a href='/w'>World</a></nav><script>track()</script></body></html>", "no readable"),
    ("nonsense-date.md", front(GOOD, date="the day after tomorrow-ish"), None),
    ("far-future-date.md", front(GOOD, date="9999-99-99"), None),
    ("bad-yaml.md", b"---\ntitle: [unclosed\ndate: 2024-01-01\n---\n" + GOOD.encode(), "front matter"),
    ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 100, "unsupported file type"),
    ("noextension", GOOD.encode(), "unsupported file type"),
    ("only-captions.txt", b"Title of it\n\nSoldiers at the gate. PHOTO | AFP\n\nRead: Another story\n", "no readable"),
    ("zero-width-rtl.txt", ("\u200f\u200b" + GOOD + " \u202eevil\u202c \u0627\u0644\u0642\u0627\u0641\u0644\u0629 "
                            "cafe\u0301 \U0001F69A").encode(), None),
    ("control-chars.txt", ("\x07\x1b[31m" + GOOD + "\x1b[0m\x08").encode(), None),
    ("run-on.txt", ("word " * 40000).encode(), "repeats 'word'"),
    ("x-line.txt", b"x" * 5_000_000, "almost no words"),
    ("digits.txt", " ".join(str(n * 7919 % 100003) for n in range(20000)).encode(), "almost no words"),
    ("repeated-paragraph.txt", ((GOOD + "\n\n") * 3).encode(), None),
    ("nul-late.txt", GOOD.encode() * 120 + b"\x00" + GOOD.encode(), None),
    ("only-front-matter.md", b"---\ntitle: Nothing here\ndate: 2024-01-01\n---\n", "no readable article text"),
    ("title-only.txt", b"Just a headline\n", "no readable article text"),
    ("hostile.html", b"<html><head><title>Hostile</title></head><body><article><p>" + GOOD.encode() * 2 +
                     b"</p><p><script>alert(1)</script><img src=x onerror=alert(2)> Officials said 40 trucks "
                     b"arrived.</p></article></body></html>", None),
    ("too-big.txt", "sparse:60000000", "over the"),
    ("title-list.md", b"---\ntitle: [a, b]\ndate: 2024-01-01\n---\n" + GOOD.encode(), "front matter 'title' must be text"),
    ("title-mapping.md", b"---\ntitle: {x: 1}\n---\n" + GOOD.encode(), "front matter 'title' must be text"),
    ("title-python-tag.md", b"---\ntitle: !!python/object/apply:os.getcwd []\n---\n" + GOOD.encode(), "must be text"),
    ("source-list.md", b"---\ntitle: Convoy\nsource: [Wire, Agency]\n---\n" + GOOD.encode(), "'source' must be text"),
    ("accents-latin1.txt", ("Une cr\u00e8me \u00e0 la vanille, dit le chef apr\u00e8s le march\u00e9 de No\u00ebl. " * 3)
     .encode("latin-1"), None),
    ("heading.md", b"# Convoy reaches the river town\n\n" + GOOD.encode(), None),
]
# files read by guessing their encoding: the report must carry a note naming each (and no other file)
NOTES = {"latin1.txt": "not UTF-8; read as Windows-1252", "cp1252.txt": "not UTF-8; read as Windows-1252",
         "accents-latin1.txt": "not UTF-8; read as Windows-1252"}


def check_notes(notes: list[str] | tuple[str, ...]) -> None:
    assert sorted(notes) == sorted(f"{name}: {note}" for name, note in NOTES.items()), notes


def make_files(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, content, _ in FILES:
        p = folder / name
        if isinstance(content, str) and content.startswith("sparse:"):
            with p.open("wb") as f:
                f.truncate(int(content.split(":")[1]))
        else:
            p.write_bytes(content() if callable(content) else content)  # type: ignore[operator]
        out[name] = p
    return out


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory):
    return make_files(tmp_path_factory.mktemp("bad") / "files")


@pytest.fixture
def seeded(fresh_assistant):
    fresh_assistant.ingest([ROOT / "corpus"])
    return fresh_assistant


def check_kept(assistant):
    assert "flight clearance" in assistant.ask("Why did the convoy lack air support?").text


@pytest.mark.parametrize("name, content, expected", FILES, ids=[f[0] for f in FILES])
def test_file_through_the_api(seeded, bad_files, name, content, expected):
    report = seeded.ingest([bad_files[name]])
    if expected is None:
        assert not report.failed and report.added == 1, report.failed
        assert list(report.notes) == ([f"{name}: {NOTES[name]}"] if name in NOTES else [])
    else:
        (failure,) = report.failed
        assert expected.lower() in failure.error.lower() and name in failure.error
        assert "Traceback" not in failure.error and len(failure.error) < 300
    check_kept(seeded)


def test_files_through_the_cli(bad_files, cli, capsys, monkeypatch):
    from rag.cli.main import main

    monkeypatch.setenv("RAG_MAX_UPLOAD_MB", "20")
    main(["ingest", "--json", str(ROOT / "corpus"), *[str(p) for p in bad_files.values()]])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    out = json.loads(captured.out)
    failed = {Path(f["path"]).name: f["error"] for f in out["failed"]}
    for name, _, expected in FILES:
        if expected is None:
            assert name not in failed, failed.get(name)
        else:
            assert expected.lower() in failed[name].lower()
    assert out["added"] == 1 + sum(e is None for *_, e in FILES)
    check_notes(out["notes"])


def test_files_through_the_ui_upload_path(seeded, bad_files, tmp_path):
    from rag.ui.app import BriefingUI

    ui = BriefingUI(seeded, seeded.settings)
    # names as a browser may send them: with ../ and absolute paths; only the basename is used
    odd = tmp_path / "odd"
    odd.mkdir()
    traversal = odd / "..\u2215..\u2215etc\u2215passwd.txt"
    traversal.write_bytes(GOOD.encode() * 2)
    result = ui.ingest_files([str(p) for p in bad_files.values()] + [str(traversal)])
    failed = {f["file"]: f["error"] for f in result["failed"]}
    for name, _, expected in FILES:
        if expected is not None:
            assert expected.lower() in failed[name].lower(), (name, failed)
        else:
            assert name not in failed
    check_notes(result["notes"])
    uploads = seeded.settings.data_dir / "uploads"
    assert all(p.resolve().parent == uploads.resolve() for p in uploads.iterdir())
    assert not (seeded.settings.data_dir.parent / "etc").exists()
    check_kept(seeded)


QUESTIONS = [
    ("", "empty"),
    ("   \t\n  ", "empty"),
    ("?!...", "no words"),
    ("x" * 100_000, "limit"),
]
ODD_QUESTIONS = [
    "Why\x00 did\x1b[31m the convoy lack air support?",
    "Why did the convoy lack air\u200b support\u200f?",
    "\u202eWhy did the convoy lack air support?",
    "\U0001F69A Why did the convoy lack air support? \U0001F914",
    "Why did the convoy lack air support?\u0301\u0301",
    "لماذا غادرت القافلة بدون دعم جوي؟ Why did the convoy lack air support?",
    "<script>alert(1)</script> Why did the convoy lack air support?",
]


@pytest.mark.parametrize("question, phrase", QUESTIONS, ids=["empty", "whitespace", "punctuation", "100KB"])
def test_invalid_question_through_the_api(corpus_assistant, question, phrase):
    with pytest.raises(InvalidQuestionError, match=phrase):
        corpus_assistant.ask(question)


@pytest.mark.parametrize("question", ODD_QUESTIONS, ids=["control", "zero-width", "rtl-override", "emoji",
                                                         "combining", "arabic", "html"])
def test_odd_but_valid_question_is_answered(corpus_assistant, question):
    answer = corpus_assistant.ask(question)
    assert "flight clearance" in answer.text and not answer.abstained


@pytest.mark.parametrize("question, phrase", QUESTIONS[:3], ids=["empty", "whitespace", "punctuation"])
def test_invalid_question_through_the_cli(question, phrase, cli, capsys):
    from rag.cli.main import main

    assert main(["ask", question]) == 1
    err = capsys.readouterr().err
    assert phrase in err and "Traceback" not in err
    assert err.strip().count("\n") == 0


def test_invalid_question_through_the_ui_api(corpus_assistant):
    from rag.ui.app import BriefingUI

    ui = BriefingUI(corpus_assistant, corpus_assistant.settings)
    with pytest.raises(Exception) as exc:
        ui.api_ask("   ")
    assert "empty" in str(exc.value) and "Traceback" not in str(exc.value)

from datetime import date

import pytest

from rag.errors import FileTooLargeError, IngestError, UnsupportedFileError
from rag.ingest.loaders import clean_body, discover, load_file, load_text

from .conftest import ROOT, SHARED

WIRE = """Army retakes bridge near Dorvan

Tuesday March 12 2024

Soldiers at the bridge. PHOTO | AFP

The army said Monday it had retaken the\u00a0bridge.

Read: Talks stall in the capital

Officials said 40 families returned.
"""


def test_wire_layout_gives_title_date_and_clean_paragraphs():
    a = load_text(WIRE, name="wire.txt")
    assert a.title == "Army retakes bridge near Dorvan"
    assert a.published == date(2024, 3, 12)
    assert a.text == "The army said Monday it had retaken the bridge.\n\nOfficials said 40 families returned."


def test_shipped_article_and_corpus_copy_agree():
    shipped = load_text((SHARED / "corpus" / "000_0bb3b85f3820647c.txt").read_text(), name="x.txt")
    corpus = load_file(next((ROOT / "corpus").glob("*.txt")))
    assert corpus.title == shipped.title == "Mali army fires on armored vehicles left after UN pullout"
    assert corpus.published == date(2023, 11, 9)
    assert corpus.text == shipped.text
    assert "PHOTO" not in corpus.text and "Read:" not in corpus.text and "\u00a0" not in corpus.text
    assert corpus.text.count("\n\n") == 16  # 17 paragraphs kept


def test_front_matter(tmp_path):
    p = tmp_path / "a.md"
    p.write_text('---\ntitle: "Clinic reopens"\ndate: 2024-02-01\nsource: Wire\nurl: http://example.org/a\n---\n'
                 "The clinic in Dorvan reopened on Monday after repairs.\n")
    a = load_file(p)
    assert (a.title, a.published, a.source, a.url) == ("Clinic reopens", date(2024, 2, 1), "Wire", "http://example.org/a")
    assert a.text == "The clinic in Dorvan reopened on Monday after repairs."


def test_nonsense_front_matter_date_is_dropped_not_fatal(tmp_path):
    p = tmp_path / "a.md"
    p.write_text("---\ntitle: T\ndate: the day after tomorrow-ish\n---\nSome article text that is long enough.\n")
    assert load_file(p).published is None


def test_html_main_text_through_trafilatura(tmp_path):
    p = tmp_path / "page.html"
    body = " ".join(["The convoy reached Dorvan on Tuesday after a week on the road."] * 3)
    p.write_text(f"""<html><head><title>Convoy reaches Dorvan</title>
    <meta name="date" content="2024-03-14"></head><body><nav><a href="/">Home</a> <a href="/w">World</a></nav>
    <article><h1>Convoy reaches Dorvan</h1><p>{body}</p><p>Aid workers unloaded 40 trucks of flour.</p></article>
    <footer>Copyright</footer></body></html>""")
    a = load_file(p)
    assert "Aid workers unloaded 40 trucks of flour." in a.text
    assert "Home" not in a.text and "Copyright" not in a.text
    assert a.published == date(2024, 3, 14)


def test_pdf_text_through_pypdf(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(8.5, 11))
    fig.text(0.1, 0.9, "Ceasefire holds in Dorvan", fontsize=14)
    fig.text(0.1, 0.8, "Monitors counted 12 violations on Friday.", fontsize=10)
    p = tmp_path / "note.pdf"
    fig.savefig(p)
    plt.close(fig)
    a = load_file(p)
    assert "12 violations" in a.text


@pytest.mark.parametrize(
    "name, content, error",
    [
        ("a.docx", b"PK..", UnsupportedFileError),
        ("empty.txt", b"", IngestError),
        ("bin.txt", b"\x00\x01\x02binary\x00" * 50, IngestError),
        ("short.txt", b"hi", IngestError),
        ("bad.pdf", b"%PDF-1.4 not really a pdf", IngestError),
        ("script.html", b"<html><script>var a=1;</script><nav>Home</nav></html>", IngestError),
    ],
)
def test_bad_files_raise_clear_errors(tmp_path, name, content, error):
    p = tmp_path / name
    p.write_bytes(content)
    with pytest.raises(error) as exc:
        load_file(p)
    assert name in str(exc.value)


def test_latin1_text_is_decoded(tmp_path):
    p = tmp_path / "fr.txt"
    p.write_bytes("Les casques bleus ont quitté Kidal après des combats intenses près de la ville.".encode("latin-1"))
    assert "quitté" in load_file(p).text


def test_size_limit_checked_before_reading(tmp_path):
    p = tmp_path / "big.txt"
    with p.open("wb") as f:
        f.truncate(3_000_000)
    with pytest.raises(FileTooLargeError):
        load_file(p, max_bytes=1_000_000)


def test_discover_expands_folders(tmp_path):
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "b.jpg").write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.md").write_text("x")
    assert [p.name for p in discover([tmp_path])] == ["a.txt", "c.md"]


def test_clean_body_keeps_paragraphs():
    assert clean_body("One line\ncontinues.\n\n\nTwo.") == "One line continues.\n\nTwo."


GOOD = "The relief convoy reached the river town on Monday after a week on the road, officials said."


@pytest.mark.parametrize("value", ["[a, b]", "{x: 1}", "!!python/object:builtins.object {}", "\n  - a\n  - b"],
                         ids=["list", "mapping", "python-tag", "block-list"])
def test_front_matter_title_must_be_text(tmp_path, value):
    p = tmp_path / "odd-title.md"
    p.write_text(f"---\ntitle: {value}\ndate: 2024-01-01\n---\n{GOOD}\n")
    with pytest.raises(IngestError) as exc:
        load_file(p)
    message = str(exc.value)
    assert "odd-title.md" in message and "front matter 'title' must be text" in message and "\n" not in message


def test_quoted_list_title_is_text(tmp_path):
    p = tmp_path / "quoted.md"
    p.write_text(f'---\ntitle: "[a, b]"\n---\n{GOOD}\n')
    assert load_file(p).title == "[a, b]"


def test_python_tag_in_front_matter_is_never_executed(tmp_path):
    marker = tmp_path / "executed"
    p = tmp_path / "tag.md"
    p.write_text(f'---\ntitle: !!python/object/apply:os.system ["touch {marker}"]\n---\n{GOOD}\n')
    with pytest.raises(IngestError, match="must be text"):
        load_file(p)
    assert not marker.exists()


def test_latin1_accents_are_not_garbled(tmp_path):
    text = "Une crème à la vanille, dit le chef après le marché de Noël."
    p = tmp_path / "fr.txt"
    p.write_bytes(text.encode("latin-1"))
    assert load_file(p).text == text  # was "Une crčme ŕ la vanille, ... aprčs ..." (read as Windows-1250)


@pytest.mark.parametrize("raw, note", [
    ("Une crème à la vanille, dit le chef après le marché.".encode("latin-1"), "not UTF-8; read as Windows-1252"),
    ("\u201cWe left,\u201d the driver said \u2013 the road to Gao was closed.".encode("cp1252"),
     "not UTF-8; read as Windows-1252"),
    ("Une crème à la vanille, dit le chef après le marché.".encode(), None),
    ("Une crème à la vanille, dit le chef après le marché.".encode("utf-8-sig"), None),
    ("Une crème à la vanille, dit le chef après le marché.".encode("utf-16"), None),
], ids=["latin1", "cp1252", "utf8", "utf8-bom", "utf16-bom"])
def test_decoding_says_when_it_guessed(tmp_path, raw, note):
    from rag.ingest.loaders import read_file

    p = tmp_path / "enc.txt"
    p.write_bytes(raw)
    loaded = read_file(p)
    assert loaded.article.text == raw.decode("utf-16" if raw[:2] == b"\xff\xfe" else
                                             "utf-8-sig" if note is None else "cp1252")
    assert loaded.notes == ((f"enc.txt: {note}",) if note else ())


def test_cyrillic_windows_1251_is_not_read_as_western(tmp_path):
    from rag.ingest.loaders import read_file

    text = "Миротворцы покинули город после боёв возле рынка, сообщили официальные лица в понедельник."
    p = tmp_path / "ru.txt"
    p.write_bytes((text + "\n\n" + text).encode("cp1251"))
    loaded = read_file(p)
    assert loaded.article.text.startswith(text)
    assert loaded.notes == ("ru.txt: not UTF-8; read as cp1251",)


@pytest.mark.parametrize("head", ["# Convoy reaches Dorvan", "## Convoy reaches Dorvan ##", "#  Convoy reaches Dorvan",
                                  "Convoy reaches Dorvan\n=====", "Convoy reaches Dorvan\n---------"],
                         ids=["atx", "atx-closed", "atx-spaces", "setext-1", "setext-2"])
def test_markdown_heading_marks_are_stripped_from_the_title(tmp_path, head):
    p = tmp_path / "heading.md"
    p.write_text(f"{head}\n\n{GOOD}\n")
    a = load_file(p)
    assert a.title == "Convoy reaches Dorvan"
    assert a.text == GOOD


def test_a_hashtag_is_not_a_heading(tmp_path):
    p = tmp_path / "tag.md"
    p.write_text(f"#MeToo rally draws thousands\n\n{GOOD}\n")
    assert load_file(p).title == "#MeToo rally draws thousands"


def test_missing_path_says_not_found(tmp_path):
    missing = tmp_path / "missing_dir"
    with pytest.raises(IngestError) as exc:
        load_file(f"{missing}/")
    assert "not found" in str(exc.value) and str(missing) in str(exc.value)
    assert "unsupported" not in str(exc.value)

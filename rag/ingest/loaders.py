"""Read article files (.txt, .md, .html/.htm, .pdf) or pasted text into ``Article``s.

Cleans what is not article content: Unicode is normalised, photo captions ("... PHOTO | AFP")
and cross-link lines ("Read: <headline>") are dropped, paragraph breaks are kept. Title and
date come from HTML metadata, PDF metadata or, for text, ``rag.metadata`` (YAML front matter, or
the title and date lines of wire copy); bytes become text in ``rag.decoding``, and a guessed
encoding is noted in ``Loaded.notes``. A path that does not exist is "not found"; a file found in
a folder that is a symbolic link out of that folder is refused. It does not chunk or embed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import re
from pathlib import Path

from rag.errors import FileTooLargeError, IngestError, UnsupportedFileError
from rag.ingest.decoding import decode
from rag.ingest.metadata import head_metadata, meta_text, parse_date, split_front_matter
from rag.models import Article
from rag.nlp.text import normalise

log = logging.getLogger(__name__)

SUPPORTED = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf")

_CAPTION = re.compile(r"(\bPHOTO\s*[|:/]|\|\s*(AFP|REUTERS|AP|FILE|GETTY)\s*$|^\(?(photo|image)\s*:)", re.I)
_CROSSLINK = re.compile(r"^(read|also read|read more|read also|see also|related)\s*:", re.I)


@dataclasses.dataclass(frozen=True)
class Loaded:
    """One file read: its article, and notes for the ingest report (e.g. a guessed encoding)."""

    article: Article
    notes: tuple[str, ...] = ()


def is_boilerplate(line: str) -> bool:
    return bool(_CAPTION.search(line) or _CROSSLINK.match(line))


def clean_body(text: str) -> str:
    """Normalise and drop non-content lines; paragraphs joined by one blank line."""
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", normalise(text)):
        lines = [ln for ln in block.split("\n") if ln.strip() and not is_boilerplate(ln)]
        if lines:
            # the dateline ("DORVAN, Velmora — ...") stays: "talks in this lakeside town" means that place
            paragraphs.append(" ".join(lines))
    return "\n\n".join(paragraphs)


def article_id(key: str) -> str:
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def make_article(*, key: str, text: str, title: str | None, published: object, source: str,
                 url: str | None, path: str) -> Article:
    body = clean_body(text)
    if len(body.strip()) < 20:
        raise IngestError(f"{path}: no readable article text found")
    pub = parse_date(published)
    if published not in (None, "") and pub is None:
        log.warning("%s: ignoring unparseable date %r", path, published)
    title = (title or "").strip() or Path(path).stem
    digest = hashlib.sha1(f"{title}\n{pub}\n{source}\n{url}\n{body}".encode()).hexdigest()
    return Article(id=article_id(key), title=normalise(title), published=pub, source=source,
                   url=url, path=path, text=body, content_hash=digest)


def load_text(text: str, *, name: str, key: str | None = None, title: str | None = None,
              published: object = None, source: str | None = None, url: str | None = None) -> Article:
    """Pasted or plain text (front matter and wire-copy head lines honoured)."""
    meta, body = split_front_matter(normalise(text).strip())
    meta_title = meta_text(meta, "title")
    head_title, head_date, rest = head_metadata(body)
    if not meta or (head_title or "").casefold() == (meta_title or "").strip().casefold():
        body = rest  # the head lines are metadata, not content (repeated title and date line)
    return make_article(
        key=key or f"text:{name}", text=body,
        title=title or meta_title or head_title,
        published=published or meta.get("date") or meta.get("published") or head_date,
        source=source or meta_text(meta, "source", "publisher") or name,
        url=url or meta_text(meta, "url", "source_url"), path=name,
    )


def _load_html(html: str, path: Path) -> Article:
    import trafilatura

    doc = trafilatura.bare_extraction(html, include_comments=False, include_tables=False,
                                      with_metadata=True)
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or len(text.strip()) < 20:
        raise IngestError(f"{path.name}: the page has no readable article text (only scripts or navigation?)")
    meta = {k: getattr(doc, k, None) for k in ("title", "date", "sitename", "url")}
    return make_article(key=str(path.resolve()), text=text.replace("\n", "\n\n"), title=meta["title"],
                        published=meta["date"], source=meta["sitename"] or path.name, url=meta["url"],
                        path=str(path.resolve()))


def _load_pdf(path: Path) -> Article:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise IngestError(f"{path.name}: the PDF is encrypted; save an unprotected copy and add that")
        pages = [p.extract_text() or "" for p in reader.pages]
        meta = reader.metadata
    except (PdfReadError, OSError, ValueError, KeyError) as exc:
        raise IngestError(f"{path.name}: cannot read this PDF ({exc}); is it damaged?") from exc
    text = "\n\n".join(pages)
    # pypdf puts a newline at every line end; paragraph breaks are blank lines or short lines
    text = re.sub(r"(?<![.!?:\"”])\n(?!\n)", " ", text)
    title = (meta.title if meta and meta.title else None)
    head_title, head_date, body = head_metadata(text)
    created = meta.creation_date if meta and meta.get("/CreationDate") else None
    return make_article(key=str(path.resolve()), text=body, title=title or head_title,
                        published=head_date or created, source=path.name, url=None, path=str(path.resolve()))


def read_file(path: str | Path, *, max_bytes: int | None = None, within: str | Path | None = None) -> Loaded:
    """Load one file, with notes for the report, or raise an IngestError that says what to do.

    ``within`` is the folder the file was found in: a file that resolves outside it (a symbolic
    link out of the folder) is refused.
    """
    path = Path(path)
    if not path.exists():
        raise IngestError(f"{path}: not found; check the path")
    if within is not None and not path.resolve().is_relative_to(Path(within).resolve()):
        raise IngestError(f"{path.name}: a symbolic link to {path.resolve()}, outside the folder {within}; "
                          "not followed: copy the file into the folder to add it")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise UnsupportedFileError(
            f"{path.name}: unsupported file type {suffix or '(none)'}; use {', '.join(SUPPORTED)}")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise IngestError(f"{path}: cannot open ({exc.strerror})") from exc
    if max_bytes is not None and size > max_bytes:
        raise FileTooLargeError(f"{path.name}: {size / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB limit")
    if size == 0:
        raise IngestError(f"{path.name}: the file is empty")
    if suffix == ".pdf":
        return Loaded(_load_pdf(path))
    text, note = decode(path.read_bytes(), path.name)
    notes = (note,) if note else ()
    if suffix in (".html", ".htm"):
        return Loaded(_load_html(text, path), notes)
    try:
        article = load_text(text, name=path.name, key=str(path.resolve()))
    except IngestError as exc:
        if path.name in str(exc):
            raise
        raise IngestError(f"{path.name}: {exc}") from exc
    return Loaded(dataclasses.replace(article, path=str(path.resolve())), notes)


def load_file(path: str | Path, *, max_bytes: int | None = None) -> Article:
    """Load one file into an Article or raise an IngestError that says what to do."""
    return read_file(path, max_bytes=max_bytes).article


def discover(paths: list[str | Path]) -> list[Path]:
    """Expand folders into the supported files they hold (sorted), keep files as given. Symbolic
    links are listed as found; ``read_file(..., within=folder)`` refuses those that lead out."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED
                                and not f.name.startswith(".")))
        else:
            found.append(p)
    return found

"""HTML of the Articles tab and the page header: the indexed-articles table, the pickers' labels,
an ingest's report. Pure functions; everything from articles escaped (``render.esc``)."""

from __future__ import annotations

from collections.abc import Sequence

from rag.models import ArticleInfo, format_date
from rag.ui.render import esc


def articles_html(articles: Sequence[ArticleInfo]) -> str:
    """The indexed-articles table (newest first); copies listed under their original, versions
    marked "updated version of ..." (both are citable).

    >>> from rag.models import ArticleInfo
    >>> html = articles_html([ArticleInfo("a", "Wire <b>", None, "W", 3),
    ...                       ArticleInfo("b", "Copy", None, "X", 3, duplicate_of="a")])
    >>> "copy of the story above" in html and "Wire &lt;b&gt;" in html and html.index("Copy") > html.index("Wire")
    True
    >>> from datetime import date
    >>> html = articles_html([ArticleInfo("a", "Camps", date(2023, 11, 9), "W", 3),
    ...                       ArticleInfo("b", "Camps", date(2023, 11, 20), "W", 3, version_of="a")])
    >>> "updated version of “Camps” (9 November 2023)" in html
    True
    """
    if not articles:
        return '<div class="panel-empty">No articles indexed yet. Add files or paste an article above.</div>'
    ids = {a.article_id for a in articles}
    copies: dict[str, list[ArticleInfo]] = {}
    for a in articles:
        if a.duplicate_of in ids:
            copies.setdefault(str(a.duplicate_of), []).append(a)

    by_id = {a.article_id: a for a in articles}
    other_version = {a.article_id: a.version_of for a in articles if a.version_of in by_id}
    other_version.update({str(v): k for k, v in list(other_version.items()) if v not in other_version})

    def row(a: ArticleInfo, copy: bool = False) -> str:
        note = ' <span class="dup">copy of the story above, counted once</span>' if copy else ""
        other = by_id.get(other_version.get(a.article_id) or "")
        if other is not None and not copy:
            if a.published and other.published and a.published != other.published:
                kind = "updated" if a.published > other.published else "earlier"
            else:
                kind = "another"
            note = (f' <span class="dup">{kind} version of '
                    f'“{esc(other.title)}” ({esc(format_date(other.published))})</span>')
        return (f'<tr class="{"dup-row" if copy else ""}"><td>{"↳ " if copy else ""}{esc(a.title)}{note}</td>'
                f"<td>{esc(format_date(a.published))}</td><td>{esc(a.source)}</td>"
                f'<td class="num">{a.chunks}</td></tr>')

    rows = "".join(row(a) + "".join(row(c, True) for c in copies.get(a.article_id, []))
                   for a in articles if a.duplicate_of not in ids)
    unique = sum(1 for a in articles if a.duplicate_of not in ids)
    return (f'<h4 class="articles-head">Indexed articles ({unique} stories, {len(articles)} files)</h4>'
            '<table class="articles"><thead><tr><th>Title</th><th>Date</th><th>Source</th>'
            f'<th class="num">Passages</th></tr></thead><tbody>{rows}</tbody></table>')


def article_label(a: ArticleInfo) -> str:
    """The plain-text label of an article in the pickers (Gradio shows labels as text)."""
    return f"{a.title} ({a.published.isoformat()})" if a.published else a.title


def header_html(articles: Sequence[ArticleInfo], collection: str = "") -> str:
    n, chunks = len(articles), sum(a.chunks for a in articles)
    where = f"{collection}: " if collection else ""
    stats = f"{where}{n} article{'s' if n != 1 else ''} · {chunks:,} passages"
    return ('<div id="brief-header"><div><h1>Briefing</h1><p>Ask about your conflict-news articles. '
            'Every sentence of an answer cites the passage it comes from.</p></div>'
            f'<div class="stats">{esc(stats)}</div></div>')


def upload_report(files: Sequence[dict], notes: Sequence[str] = ()) -> str:
    """Each uploaded file on its own line, in upload order: "2/3 report.pdf: added, 14 passages",
    or what was wrong with it (``ingest_files``'s ``files`` rows)."""
    n = len(files)
    mark = {"added": "✓", "updated": "✓", "unchanged": "=", "failed": "✗"}
    lines = []
    for i, f in enumerate(files, 1):
        what = (f"{f['status']}, {f['passages']} passage{'s' if f['passages'] != 1 else ''} written"
                if f["status"] in ("added", "updated") else
                "already indexed, unchanged" if f["status"] == "unchanged" else f.get("error", "failed"))
        cls = "error" if f["status"] == "failed" else "ok"
        lines.append(f'<div class="{cls} file-row">{mark.get(f["status"], "")} {i}/{n} {esc(f["file"])}: '
                     f"{esc(what)}</div>")
    noted = "".join(f'<div class="note">ℹ {esc(note)}</div>' for note in notes)
    return f'<div class="ingest-report">{"".join(lines) or "<div>Nothing was added.</div>"}{noted}</div>'


def ingest_summary(added: int, unchanged: int, replaced: int, chunks: int,
                   failures: Sequence[tuple[str, str]], notes: Sequence[str] = ()) -> str:
    """A short report of an ingest: what was indexed, one line each what was not and why, and
    what was guessed in reading (``IngestReport.notes``)."""
    parts = []
    if added:
        parts.append(f"Added {added} article{'s' if added != 1 else ''} ({chunks} passages).")
    if replaced:
        parts.append(f"Updated {replaced}.")
    if unchanged:
        parts.append(f"{unchanged} already indexed, unchanged.")
    ok = f'<div class="ok">{esc(" ".join(parts))}</div>' if parts else ""
    bad = "".join(f'<div class="error">✗ {esc(name)}: {esc(err)}</div>' for name, err in failures)
    noted = "".join(f'<div class="note">ℹ {esc(note)}</div>' for note in notes)
    return f'<div class="ingest-report">{ok}{bad or ("" if ok else "<div>Nothing was added.</div>")}{noted}</div>'

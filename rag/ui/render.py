"""Pure functions that turn Answers, Citations and article lists into HTML for the UI.

Everything that comes from an article or a user (titles, sources, passages, quotes, questions)
goes through ``esc`` before it is put into markup, so an article holding ``<script>`` or
``<img onerror=...>`` is shown as text and never runs. The only markup here is our own.
It does not call the Assistant, read files or know about Gradio; ``rag.ui.app`` does that.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rag.models import Answer, ArticleInfo, Citation, ScoredChunk, format_date

MARKER = re.compile(r"\[(\d+)\]")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def esc(text: object) -> str:
    """Escape text for HTML and keep its line breaks.

    >>> esc('<img src=x onerror="alert(1)">\\nok')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;<br>ok'
    """
    return html.escape(str(text), quote=True).replace("\n", "<br>")


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Char spans of the non-blank paragraphs (blank-line separated).

    >>> paragraph_spans("one\\n\\ntwo")
    [(0, 3), (5, 8)]
    """
    spans, pos = [], 0
    for m in _PARAGRAPH_BREAK.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def locate(text: str, quote: str, hint: int) -> tuple[int, int] | None:
    """Where ``quote`` lies in ``text``: at ``hint`` when it matches there, else the first match.

    >>> locate("a b c", "b", 2), locate("a b c", "c", 0), locate("a", "z", 0)
    ((2, 3), (4, 5), None)
    """
    if not quote:
        return None
    if hint >= 0 and text[hint:hint + len(quote)] == quote:
        return hint, hint + len(quote)
    found = text.find(quote)
    return (found, found + len(quote)) if found >= 0 else None


def marked_paragraphs(text: str, span: tuple[int, int] | None) -> list[tuple[str, bool]]:
    """Each paragraph of ``text`` as escaped HTML with ``span`` wrapped in ``<mark>``; the flag
    says whether the paragraph holds part of the span.

    >>> marked_paragraphs("<b>x</b> y\\n\\nz", (9, 10))
    [('&lt;b&gt;x&lt;/b&gt; <mark>y</mark>', True), ('z', False)]
    """
    qs, qe = span if span else (-1, -1)
    out = []
    for a, b in paragraph_spans(text):
        s, e = max(a, qs), min(b, qe)
        if s < e:
            out.append((f"{esc(text[a:s])}<mark>{esc(text[s:e])}</mark>{esc(text[e:b])}", True))
        else:
            out.append((esc(text[a:b]), False))
    return out


def meta(published: object, source: str, url: str | None = None) -> str:
    parts = [esc(format_date(published) if published else "undated"), esc(source)]  # type: ignore[arg-type]
    if url and url.lower().startswith(("http://", "https://")):
        parts.append(f'<a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener noreferrer">link</a>')
    return '<div class="cite-meta">' + " · ".join(p for p in parts if p) + "</div>"


def _paras(items: Iterable[str], cls: str = "") -> str:
    return "".join(f'<p class="{cls}">{p}</p>' if cls else f"<p>{p}</p>" for p in items)


def citation_html(c: Citation, turn: int, article_text: str | None = None) -> str:
    """One citation card: number, title, date, source, the paragraph holding the supporting
    sentence with that sentence in ``<mark>``, and the neighbouring paragraphs on demand."""
    span = locate(c.passage, c.quote, c.start - c.passage_start)
    paras = marked_paragraphs(c.passage, span)
    shown = [p for p, hit in paras if hit] or [p for p, _ in paras]
    quote_only = "" if span else f'<blockquote><mark>{esc(c.quote)}</mark></blockquote>'
    context = _paras(p for p, _ in paras)
    if article_text:
        hit = locate(article_text, c.quote, c.start)
        spans = paragraph_spans(article_text)
        idx = [i for i, (a, b) in enumerate(spans) if hit and a < hit[1] and hit[0] < b]
        if idx:
            lo, hi = max(idx[0] - 1, 0), min(idx[-1] + 2, len(spans))
            window = article_text[spans[lo][0]:spans[hi - 1][1]]
            local = (hit[0] - spans[lo][0], hit[1] - spans[lo][0]) if hit else None
            gap = "<p class='gap'>…</p>"
            context = ((gap if lo > 0 else "") + _paras(p for p, _ in marked_paragraphs(window, local))
                       + (gap if hi < len(spans) else ""))
    return (f'<div class="cite-card" id="cite-{turn}-{c.number}">'
            f'<div class="cite-head"><span class="cite-badge">{c.number}</span>'
            f'<span class="cite-title">{esc(c.title)}</span></div>{meta(c.published, c.source, c.url)}'
            f'{quote_only}{_paras(shown, "cite-para")}'
            f'<details class="cite-ctx"><summary>Show in context</summary>{context}</details></div>')


def nearest_html(scored: ScoredChunk) -> str:
    """A passage shown when the answer abstained (no highlight: nothing in it answers)."""
    ch = scored.chunk
    return (f'<div class="cite-card near"><div class="cite-head"><span class="cite-title">{esc(ch.title)}</span></div>'
            f'{meta(ch.published, ch.source, ch.url)}{_paras(p for p, _ in marked_paragraphs(ch.text, None))}</div>')


def sources_html(answer: Answer, turn: int, article_texts: Mapping[str, str | None] | None = None,
                 filters: str = "") -> str:
    """The source-panel section for one answer."""
    texts = article_texts or {}
    note = f'<div class="filters-note">{esc(filters)}</div>' if filters else ""
    if answer.abstained or not answer.citations:
        near = "".join(nearest_html(s) for s in answer.retrieved[:3])
        body = ('<div class="abstain-note">The sources do not answer this. Nearest passages:</div>' + near
                if near else '<div class="abstain-note">No passages matched this question.</div>')
    else:
        body = "".join(citation_html(c, turn, texts.get(c.article_id)) for c in answer.citations)
    return note + body


@dataclass(frozen=True)
class PanelTurn:
    question: str
    body: str  # HTML from sources_html


def panel_html(turns: Sequence[PanelTurn | Mapping[str, Any]]) -> str:
    """The whole sources panel: the latest answer open, earlier answers folded below it."""
    if not turns:
        return ('<div class="panel-empty"><b>Sources</b><br>Each answer\'s sources appear here. '
                'Click a numbered badge in an answer to jump to the passage it comes from.</div>')
    items = [t if isinstance(t, PanelTurn) else PanelTurn(t["question"], t["body"]) for t in turns]
    latest, earlier = items[-1], items[-2::-1]
    out = [f'<div class="turn latest"><div class="turn-q">{esc(latest.question)}</div>{latest.body}</div>']
    out += [f'<details class="turn"><summary>{esc(t.question)}</summary>{t.body}</details>' for t in earlier]
    return "".join(out)


def answer_html(answer: Answer, turn: int) -> str:
    """The chat reply: escaped text with each valid [n] turned into a badge linking to its card.

    >>> from rag.models import Answer
    >>> answer_html(Answer("q", "<b>Hi</b> [1] [9]", (), False), 0)
    '<div class="answer">&lt;b&gt;Hi&lt;/b&gt; [1] [9]</div>'
    """
    titles = {c.number: c.title for c in answer.citations}

    def badge(m: re.Match[str]) -> str:
        n = int(m.group(1))
        if n not in titles:
            return m.group(0)
        return (f'<a class="cite-badge" href="#cite-{turn}-{n}" '
                f'title="Source {n}: {html.escape(titles[n], quote=True)}">{n}</a>')

    body = MARKER.sub(badge, esc(answer.text))
    notes = [answer.notice] if answer.notice else []
    notes += [f"A sentence was {f.action}: {f.reason}" for f in answer.flags]
    extra = "".join(f'<div class="answer-note">{esc(n)}</div>' for n in notes)
    cls = "answer abstained" if answer.abstained else "answer"
    return f'<div class="{cls}">{body}{extra}</div>'


def user_html(question: str) -> str:
    return f'<div class="question">{esc(question)}</div>'


def pending_html(partial: str = "") -> str:
    return f'<div class="answer pending">{esc(partial) if partial else "Searching the articles…"}</div>'


def error_html(message: str) -> str:
    message = message.strip() or "Something went wrong."
    return f'<div class="answer error">⚠ {esc(message[0].upper() + message[1:])}</div>'


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


def header_html(articles: Sequence[ArticleInfo]) -> str:
    n, chunks = len(articles), sum(a.chunks for a in articles)
    stats = f"{n} article{'s' if n != 1 else ''} · {chunks} passages indexed"
    return ('<div id="brief-header"><div><h1>Briefing</h1><p>Ask about your conflict-news articles. '
            'Every sentence of an answer cites the passage it comes from.</p></div>'
            f'<div class="stats">{esc(stats)}</div></div>')


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

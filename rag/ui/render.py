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

from rag.models import Answer, Citation, ScoredChunk, format_date

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


def source_link(url: str | None) -> str:
    """The source's address as a link that opens in a new tab (only http(s); long ones wrap).

    >>> source_link("javascript:alert(1)"), source_link(None)
    ('', '')
    """
    if not url or not url.lower().startswith(("http://", "https://")):
        return ""
    shown = url.split("://", 1)[1]
    return (f'<a class="src-url" href="{html.escape(url, quote=True)}" target="_blank" '
            f'rel="noopener noreferrer">{esc(shown)}</a>')


def meta(published: object, source: str, url: str | None = None) -> str:
    parts = [esc(format_date(published) if published else "undated"), esc(source), source_link(url)]  # type: ignore[arg-type]
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
    viewer = (f'<button class="open-article" data-article="article-{turn}-{c.article_id}" '
              f'data-mark="mark-{turn}-{c.number}">Read the whole article</button>') if article_text else ""
    return (f'<div class="cite-card" id="cite-{turn}-{c.number}">'
            f'<div class="cite-head"><span class="cite-badge">{c.number}</span>'
            f'<span class="cite-title">{esc(c.title)}</span></div>{meta(c.published, c.source, c.url)}'
            f'{quote_only}{_paras(shown, "cite-para")}'
            f'<details class="cite-ctx"><summary>Show in context</summary>{context}</details>{viewer}</div>')


def article_html(turn: int, article_id: str, title: str, text: str, cited: Sequence[Citation]) -> str:
    """The whole article, hidden, for the viewer (``ui.js`` opens it in a dialog): every span cited
    from it in ``<mark id="mark-<turn>-<n>">``, so the viewer scrolls to the one a card asks for."""
    spans = sorted({(hit, c.number) for c in cited if (hit := locate(text, c.quote, c.start))})
    out, pos = [], 0
    for (a, b), n in spans:
        if a < pos:
            continue  # overlapping quotes: the first one is marked
        out.append(esc(text[pos:a]) + f'<mark id="mark-{turn}-{n}">{esc(text[a:b])}</mark>')
        pos = b
    body = "".join(out) + esc(text[pos:])
    return (f'<div class="article-full" id="article-{turn}-{article_id}" hidden><h3>{esc(title)}</h3>'
            f'<div class="article-body">{body}</div></div>')


def nearest_html(scored: ScoredChunk) -> str:
    """A passage shown when the answer abstained (no highlight: nothing in it answers)."""
    ch = scored.chunk
    return (f'<div class="cite-card near"><div class="cite-head"><span class="cite-title">{esc(ch.title)}</span></div>'
            f'{meta(ch.published, ch.source, ch.url)}{_paras(p for p, _ in marked_paragraphs(ch.text, None))}</div>')


def sources_html(answer: Answer, turn: int, article_texts: Mapping[str, str | None] | None = None,
                 filters: str = "", markdown: str = "") -> str:
    """The source-panel section for one answer (with its ``markdown``, hidden, for "Copy as Markdown")."""
    texts = article_texts or {}
    note = f'<div class="filters-note">{esc(filters)}</div>' if filters else ""
    if markdown:
        note += f'<pre class="answer-md" id="md-{turn}" hidden>{html.escape(markdown)}</pre>'
    if answer.abstained or not answer.citations:
        near = "".join(nearest_html(s) for s in answer.retrieved[:3])
        body = ('<div class="abstain-note">The sources do not answer this. Nearest passages:</div>' + near
                if near else '<div class="abstain-note">No passages matched this question.</div>')
    else:
        body = "".join(citation_html(c, turn, texts.get(c.article_id)) for c in answer.citations)
        for article_id in dict.fromkeys(c.article_id for c in answer.citations):
            text = texts.get(article_id)
            cited = [c for c in answer.citations if c.article_id == article_id]
            body += article_html(turn, article_id, cited[0].title, text, cited) if text else ""
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


def answer_html(answer: Answer, turn: int, copy: bool = False) -> str:
    """The chat reply: escaped text with each valid [n] turned into a badge linking to its card
    (``ui.js`` previews the card's quote on hover); several sources' answers as a dated list; with
    ``copy``, a link that copies the answer's Markdown, kept in the sources panel (``sources_html``):
    the chat's sanitizer drops data attributes, the panel's HTML keeps them.

    >>> from rag.models import Answer
    >>> answer_html(Answer("q", "<b>Hi</b> [1] [9]", (), False), 0)
    '<div class="answer">&lt;b&gt;Hi&lt;/b&gt; [1] [9]</div>'
    """
    cited = {c.number: c for c in answer.citations}

    def badge(m: re.Match[str]) -> str:
        n = int(m.group(1))
        if n not in cited:
            return m.group(0)
        return (f'<a class="cite-badge" href="#cite-{turn}-{n}" '
                f'title="Source {n}: {html.escape(cited[n].title, quote=True)}">{n}</a>')

    if answer.alternatives:
        first = answer.text.find(answer.alternatives[0])
        lead = answer.text[:first] if first > 0 else ""
        items = "".join(f"<li>{MARKER.sub(badge, esc(a))}</li>" for a in answer.alternatives)
        body = f'{MARKER.sub(badge, esc(lead.strip()))}<ul class="alternatives">{items}</ul>'
    else:
        body = MARKER.sub(badge, esc(answer.text))
    notes = [answer.notice] if answer.notice else []
    notes += [f"A sentence was {f.action}: {f.reason}" for f in answer.flags]
    extra = "".join(f'<div class="answer-note">{esc(n)}</div>' for n in notes)
    cls = "answer abstained" if answer.abstained else "answer"
    button = (f'<a class="copy-md" href="#md-{turn}" title="Copy this answer with its sources as Markdown">'
              "Copy as Markdown</a>") if copy else ""
    return f'<div class="{cls}">{body}{extra}{button}</div>'


def user_html(question: str) -> str:
    return f'<div class="question">{esc(question)}</div>'


_PENDING = ('<div class="answer pending">', "</div>")
_SEARCHING = "Searching the articles…"


def pending_html(partial: str = "") -> str:
    return f"{_PENDING[0]}{esc(partial) if partial else _SEARCHING}{_PENDING[1]}"


def stopped_html(pending: str) -> str:
    """A streaming answer the user stopped: what had arrived (``pending_html``'s text, read back from
    the browser and escaped again), then a note (no citations: it was never checked).

    >>> stopped_html(pending_html("The convoy <b>left"))[:52]
    '<div class="answer stopped">The convoy &lt;b&gt;left'
    """
    inner = pending.removeprefix(_PENDING[0]).removesuffix(_PENDING[1])
    partial = "" if inner == _SEARCHING else html.unescape(inner.replace("<br>", "\n")).strip()
    shown = f"{esc(partial)} …" if partial else ""
    return (f'<div class="answer stopped">{shown}<div class="answer-note">Stopped. Ask again for the whole '
            "answer with its sources.</div></div>")


def error_html(message: str) -> str:
    message = message.strip() or "Something went wrong."
    return f'<div class="answer error">⚠ {esc(message[0].upper() + message[1:])}</div>'

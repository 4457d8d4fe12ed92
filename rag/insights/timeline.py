"""Dated events from the indexed articles, in date order, each citing the sentence it comes from,
and a chart of them (matplotlib, Agg, no pyplot).

An event is a sentence holding an explicit date expression: "on 3 April", "January 15", "9 March
2024", "in June", "since August", "June 2023", "in 2016", "on Tuesday", "yesterday". Weekdays and
yesterday/today are resolved with ``rag.nlp.dates.resolve_day``; the rest are found by regex (month
names only when capitalised, a bare month or year only after a preposition, so "may" the verb and
"2,000 troops" are not dates) and parsed with dateparser relative to the publication date. A date
keeps its precision (day, month or year). A day or month without a year takes the year that puts
it in the past, unless the sentence speaks of the future ("will", "would", "planned") or the past
reading lies most of a year back while the future one is weeks away ("a truce starting on 1 April"
in a late-March article). One event per sentence: its most precise date, the first on a tie.

A year only mentioned as background is no date of the sentence (``event_date``, by spaCy's parse):
after "since", "until", "by", "before", "after", "from", "of", "to"; naming a thing ("the 2014
and 2015 peace deals", "the elections in 2014"); or in a clause below the main one ("an armed
group founded in 2016, did not respond", "talks since the group took up arms in 2016",
"Established in 2013, the mission had ..."). "In 2016 the group took up arms" and "the army said
it took the town in 2019" stay 2016 and 2019 events. A sentence whose only date is such a year
is no event; procedural lines and boilerplate (``rag.insights.procedural``) are none either.

It does not read vague expressions ("last week", "recently", "two days ago"), resolve "last
Tuesday" or "next Monday" (editors differ), merge one event reported by several articles, or
judge a month or a day the way it judges a year ("since August" stays an August event).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.cite.citations import make_citation
from rag.insights.procedural import procedural
from rag.models import Citation
from rag.nlp.dates import PRECISION_RANK, DateMention, Precision, find_dates, format_when, main_date, period_end
from rag.nlp.parse import parse
from rag.nlp.sentences import Sentence, sentences_of

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from rag.retrieval.view import IndexView

_SETTING = frozenset({"since", "until", "till", "by", "before", "after", "from", "through", "between", "of", "to"})
_MAIN = frozenset({"conj", "ccomp", "xcomp", "parataxis"})  # links that keep a verb in the main clause


def _main_clause(verb: Any) -> bool:
    while verb.dep_ != "ROOT":
        if verb.dep_ not in _MAIN or verb.head is verb:
            return False
        verb = verb.head
    return True


def background_year(doc: Any, d: DateMention) -> bool:
    """The year ``d`` is only mentioned in the parsed sentence ``doc``, not the date of what it reports."""
    tok = next((t for t in doc if d.start <= t.idx < d.end and t.text.isdigit() and len(t.text) == 4), None)
    if tok is None:
        return False
    while tok.dep_ == "conj" and tok.head is not tok:  # "in 2014 and 2015": as the first of the two
        tok = tok.head
    if tok.dep_ != "pobj":
        return tok.dep_ in ("nummod", "compound", "amod", "nmod", "poss")  # "the 2014 peace deal"
    prep, verb = tok.head, tok.head.head
    return prep.lower_ in _SETTING or verb.pos_ not in ("VERB", "AUX") or not _main_clause(verb)


def event_date(text: str, published: date) -> DateMention | None:
    """The date a sentence's development is filed under: the most precise of its dates, years
    mentioned as background left out; None when it has no other.

    >>> event_date("The LSF, a group founded in 2016, shelled Mora.", date(2024, 3, 4)) is None
    True
    """
    dates = find_dates(text, published)
    if any(d.precision == "year" and d.phrase[-4:].isdigit() for d in dates):
        doc = parse([text])[0]
        dates = [d for d in dates if d.precision != "year" or not background_year(doc, d)]
    return main_date(dates)


@dataclass(frozen=True)
class Event:
    day: date
    precision: Precision
    phrase: str  # the date expression as written ("Wednesday", "in June")
    text: str  # the sentence, verbatim
    citation: Citation

    @property
    def label(self) -> str:
        return format_when(self.day, self.precision)

    @property
    def planned(self) -> bool:
        """Dated after the article was written: announced, planned or expected."""
        return self.citation.published is not None and self.day > self.citation.published

    def to_dict(self) -> dict[str, Any]:
        c = self.citation
        return {"date": self.day.isoformat(), "precision": self.precision, "label": self.label,
                "phrase": self.phrase, "event": self.text, "planned": self.planned, "title": c.title,
                "published": c.published.isoformat() if c.published else None, "article_id": c.article_id,
                "chunk_id": c.chunk_id, "start": c.start, "end": c.end}


def indexed_sentences(view: IndexView) -> list[Sentence]:
    """Every sentence of every citable passage, oldest article first, in text order."""
    return sentences_of(view.passages())


def extract_events(sentences: Sequence[Sentence]) -> list[Event]:
    """One event per dated sentence, in date order (a month before its days, then by article)."""
    events = []
    for s in sentences:
        if s.chunk.published is None:
            continue
        best = event_date(s.text, s.chunk.published)
        if best is None or procedural(s.text):
            continue
        cite = make_citation(0, s.chunk, s.text, s.start, s.end, 1.0)
        events.append(Event(best.day, best.precision, best.phrase, s.text, cite))
    return sorted(events, key=lambda e: (e.day, -PRECISION_RANK[e.precision], e.citation.published or date.min,
                                         e.citation.article_id, e.citation.start))


def timeline(view: IndexView, *, query: str | None = None, place: str | None = None,
             actor: str | None = None, k: int = 12) -> list[Event]:
    """The dated events of the index in date order. ``place`` and ``actor`` keep the events whose
    sentence contains that text (case-insensitive); ``query`` keeps those in the ``k`` passages the
    index's retrieval finds for it. Citations are numbered 1..n in timeline order."""
    sentences = indexed_sentences(view)
    if query and query.strip():
        hits = view.search(query, k=k)
        keep = {h.chunk.id for h in hits}
        sentences = [s for s in sentences if s.chunk.id in keep]
    events = extract_events(sentences)
    for needle in (place, actor):
        if needle and needle.strip():
            events = [e for e in events if needle.strip().lower() in e.text.lower()]
    return [replace(e, citation=replace(e.citation, number=i)) for i, e in enumerate(events, start=1)]


def _short(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rsplit(" ", 1)[0] + "…"


def _split(events: Sequence[Event]) -> tuple[date, date] | None:
    """Where to break the date axis: the widest gap between events when it dwarfs the rest
    (a 2013 background fact before a month of news)."""
    spans = sorted((e.day, period_end(e.day, e.precision)) for e in events)
    reach, best = spans[0][1], None
    for day, end in spans[1:]:
        if best is None or (day - reach) > (best[1] - best[0]):
            best = (reach, day) if day > reach else best
        reach = max(reach, end)
    total = (reach - spans[0][0]).days
    return best if best and (best[1] - best[0]).days > max(365, total / 2) else None


def timeline_figure(events: Sequence[Event], max_events: int = 40) -> Figure:
    """One row per event: its date and words on the left, then a dot on the date axis for a day
    or a bar over the month or year; hollow or pale when planned; one colour per article. A long
    empty stretch of time is cut out of the axis."""
    from matplotlib import dates as mdates
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    shown = list(events)[:max_events]
    n = max(len(shown), 3)
    fig = Figure(figsize=(12.5, 1.5 + 0.34 * n), dpi=100, layout="constrained")
    split = _split(shown) if shown else None
    grid = fig.add_gridspec(1, 3 if split else 2, width_ratios=[5.4, 1.1, 3.3] if split else [5.4, 4.4])
    lab = fig.add_subplot(grid[0])
    lab.set_axis_off()
    lab.set(xlim=(0, 1), ylim=(n - 0.5, -0.6))
    if not shown:
        lab.text(0.02, 1, "No dated events match.", va="center", color="#64748b", fontsize=11)
        return fig
    palette = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563"]
    titles = list(dict.fromkeys(e.citation.title for e in shown))
    colour = {t: palette[i % len(palette)] for i, t in enumerate(titles)}
    axes = [fig.add_subplot(grid[i], sharey=lab) for i in range(1, 3 if split else 2)]
    for row, e in enumerate(shown):
        c = colour[e.citation.title]
        lab.text(0.2, row, e.label, ha="right", va="center", fontsize=9, color=c, fontweight="bold")
        lab.text(0.225, row, _short(e.text, 92), ha="left", va="center", fontsize=9, color="#1e293b")
        x, days = mdates.date2num(e.day), (period_end(e.day, e.precision) - e.day).days + 1
        for ax in axes:
            if e.precision == "day":
                ax.plot([x], [row], "o", ms=8, color=c, mfc="white" if e.planned else c, mew=2)
            else:
                ax.barh(row, days, left=x, height=0.5, color=c, alpha=0.3 if e.planned else 0.65, edgecolor=c)
    first, last = shown[0].day, max(period_end(e.day, e.precision) for e in shown)
    ranges = [(first, split[0]), (split[1], last)] if split else [(first, last)]
    for ax, (lo, hi) in zip(axes, ranges, strict=True):
        pad = timedelta(days=max(2, (hi - lo).days // 20))
        if ax is axes[-1]:
            ax.set_xlim(mdates.date2num(lo - pad), mdates.date2num(hi + pad))
            locator: Any = mdates.AutoDateLocator(minticks=2, maxticks=7)
            ax.xaxis.set(major_locator=locator, major_formatter=mdates.ConciseDateFormatter(locator))
        else:  # the cut-off past: years only, and the break drawn on the axis line
            ax.set_xlim(mdates.date2num(lo - pad), mdates.date2num(hi))
            ax.xaxis.set(major_locator=mdates.YearLocator(max(1, math.ceil((hi.year - lo.year + 1) / 2))),
                         major_formatter=mdates.DateFormatter("%Y"))
            for x in (1.0, 1.0 + 0.05):
                ax.plot([x - 0.03, x + 0.03], [-0.015, 0.015], transform=ax.transAxes, clip_on=False, color="#64748b")
        ax.grid(axis="x", color="#e2e8f0")
        ax.set_axisbelow(True)
        ax.tick_params(axis="y", left=False, labelleft=False)
        ax.tick_params(axis="x", labelsize=8.5)
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
    more = f" (the first {len(shown)} of {len(events)})" if len(events) > len(shown) else ""
    fig.suptitle(f"{len(events)} dated events from {len({e.citation.article_id for e in events})} article(s)"
                 f"{more}", x=0.01, ha="left", fontsize=11, color="#0f172a")
    handles = [Line2D([], [], marker="o", ls="", color=colour[t], label=_short(t, 60)) for t in titles[:8]]
    handles.append(Line2D([], [], marker="o", ls="", color="#64748b", mfc="white", mew=2, label="planned / expected"))
    fig.legend(handles=handles, loc="outside lower center", ncols=min(3, len(handles)), fontsize=8, frameon=False)
    return fig


def save_png(events: Sequence[Event], path: str | Path) -> Path:
    fig = timeline_figure(events)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, format="png")
    return out

"""The claim benchmark of the verifier (``python -m rag eval-claims FILE``): rows of (question,
numbered sources, a model's answer with markers, label supported / unsupported, kind), written
blind to the code over real-news ``dev`` texts (``tests/data/claims/README.md``).

Each row's answer goes through the verifier as a model's reply would (``cite.verifier.verify``
with the prompt's labels and rules, then the whole-answer relevance check of
``answer.generative.settle``). The verifier says "unsupported" when it removes any sentence or
the answer does not address the question. Reported: precision and recall of "unsupported",
overall and per kind; with ``--rows``, each row's verdict and reason (dev only: a sealed file
prints aggregates only).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from rag.cite.citations import number_sources, split_claims
from rag.cite.verifier import Prompted, verify
from rag.errors import BriefingError
from rag.index.embeddings import SentenceEncoder
from rag.models import Chunk


@dataclass(frozen=True)
class ClaimRow:
    id: str
    question: str
    sources: tuple[Chunk, ...]
    answer: str
    label: str  # "supported" | "unsupported"
    kind: str


@dataclass(frozen=True)
class Verdict:
    row: ClaimRow
    unsupported: bool
    reason: str


def load_claims(path: Path) -> list[ClaimRow]:
    rows = []
    for i, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
            chunks = tuple(Chunk(id=f"{r['id']}-{s['n']}", article_id=s["file"], ordinal=0, paragraphs=(0, 0), start=0,
                                 end=len(s["text"]), text=s["text"], title=s["title"],
                                 published=date.fromisoformat(s["date"]), source=s["publisher"])
                           for s in r["sources"])
            if r["label"] not in ("supported", "unsupported"):
                raise ValueError(f"label {r['label']!r}")
            rows.append(ClaimRow(r["id"], r["question"], chunks, r["answer"], r["label"], r["kind"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise BriefingError(f"{path}:{i}: not a claim row ({exc}); see tests/data/claims/README.md") from exc
    return rows


def judge(row: ClaimRow, encoder: SentenceEncoder, prompted: Prompted, min_relevance: float) -> Verdict:
    from rag.answer.generative.settle import addresses

    checked = verify(row.answer, number_sources(row.sources), encoder, prompted=prompted)
    removed = [f for f in checked.flags if f.action == "removed"]
    if removed:
        return Verdict(row, True, removed[0].reason)
    claims = [c for c, _ in split_claims(checked.text)]
    off = addresses(row.question, claims, encoder, min_relevance)
    return Verdict(row, True, f"it does not address the question: {off}") if off else Verdict(row, False, "")


def _pr(verdicts: Sequence[Verdict]) -> dict[str, Any]:
    tp = sum(v.unsupported and v.row.label == "unsupported" for v in verdicts)
    flagged = sum(v.unsupported for v in verdicts)
    positives = sum(v.row.label == "unsupported" for v in verdicts)
    return {"rows": len(verdicts), "unsupported": positives, "flagged": flagged,
            "precision": tp / flagged if flagged else None, "recall": tp / positives if positives else None,
            "false_alarms": flagged - tp}


def report(verdicts: Sequence[Verdict]) -> dict[str, Any]:
    by_kind: dict[str, list[Verdict]] = defaultdict(list)
    for v in verdicts:
        by_kind[v.row.kind].append(v)
    return {"overall": _pr(verdicts), "kinds": {k: _pr(vs) for k, vs in sorted(by_kind.items())}}


def table(rep: dict[str, Any]) -> str:
    def f(x: float | None) -> str:
        return "-" if x is None else f"{x:.2f}"

    lines = ["| kind | rows | unsupported | flagged | precision | recall | false alarms |",
             "|---|---|---|---|---|---|---|"]
    for name, r in [*rep["kinds"].items(), ("**all**", rep["overall"])]:
        lines.append(f"| {name} | {r['rows']} | {r['unsupported']} | {r['flagged']} | {f(r['precision'])} | "
                     f"{f(r['recall'])} | {r['false_alarms']} |")
    return "\n".join(lines)

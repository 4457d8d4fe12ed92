"""Thumbs up / down on answers, kept on this machine so analysts' corrections become test data.

Each vote is one JSON line in ``data_dir/feedback.jsonl``: when, the collection, the vote, the
question, the answer text and its citations (title, date, source, URL, quote, offsets). Nothing
leaves the machine. ``eval_rows`` turns the votes into rows of the evaluation format
(``shared/DESIGN.md``: id, question, answer, must_contain, source, evidence, type), with the vote
kept in ``feedback``:

- a thumbs-up on an answer: the answer as gold, its quotes as evidence, type "factoid";
- a thumbs-up on an abstention: type "unanswerable";
- a thumbs-down: ``needs_review: true`` and an empty gold answer for the analyst to fill in (the
  wrong answer is kept in ``answered``), type "factoid" (the question is taken as answerable).

``must_contain`` is left empty: which words make an answer right is the analyst's call.
"""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rag.models import Answer, format_date


class FeedbackLog:
    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()

    def record(self, answer: Answer, liked: bool, collection: str) -> dict[str, Any]:
        """Append one vote; returns the stored record."""
        row = {
            "recorded": datetime.now(UTC).isoformat(timespec="seconds"),
            "collection": collection,
            "vote": "up" if liked else "down",
            "question": answer.question,
            "answer": answer.text,
            "abstained": answer.abstained,
            "citations": [{"number": c.number, "title": c.title, "published": format_date(c.published) if
                           c.published else "", "source": c.source, "url": c.url or "", "quote": c.quote,
                           "start": c.start, "end": c.end, "article_id": c.article_id} for c in answer.citations],
        }
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as f:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        return row

    def records(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        with self._lock:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def eval_rows(self) -> list[dict[str, Any]]:
        """Every vote as an evaluation-format row (see the module docstring)."""
        rows = []
        for r in self.records():
            key = hashlib.sha1(f"{r['recorded']}|{r['question']}|{r['answer']}".encode()).hexdigest()[:10]
            up = r["vote"] == "up"
            cites = r.get("citations", [])
            rows.append({
                "id": f"fb-{key}",
                "question": r["question"],
                "answer": r["answer"] if up and not r["abstained"] else "",
                "must_contain": [],
                "source": "|".join(dict.fromkeys(c["title"] for c in cites)) if up else "",
                "evidence": [c["quote"] for c in cites] if up else [],
                "type": "unanswerable" if up and r["abstained"] else "factoid",
                "feedback": r["vote"],
                "needs_review": not up,
                "answered": r["answer"],
                "collection": r["collection"],
            })
        return rows

    def export(self, path: Path) -> Path:
        """Write the evaluation rows as JSONL to ``path``."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in self.eval_rows()), encoding="utf-8")
        return path

"""The real-news evaluation corpus (``tests/data/news``): load its splits, check them, count them.

A corpus folder holds one folder per split (``train``, ``dev``, ``test``), each with ``articles/``
(Markdown files with front matter: title, date, source_url, publisher, licence, crisis, dropped)
and ``questions.jsonl`` (the DESIGN.md format). A split with a ``SEALED`` file is the sealed test
split: ``python -m rag eval`` prints only aggregates for it.

``check`` returns every problem it finds, as sentences that name the file and the question:
an evidence quote that is not an exact substring of its source text, or is in neither the text
the loader makes of it nor the title (a headline is kept as metadata, so such a quote cannot be
cited), a missing source, a follow-up of an unknown or later question, an unknown type, a crisis
in two splits, a text about an event reserved for independent evaluation, missing front matter.
It does not judge whether a question is good; people do that. ``readme`` renders the list of
texts and the counts. Nothing here runs the assistant.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SPLITS = ("train", "dev", "test")
TYPES = ("factoid", "numeric", "why", "when", "who", "multi-hop", "timeframe", "follow-up", "unanswerable")
FRONT_MATTER = ("title", "date", "source_url", "publisher", "licence", "crisis", "dropped")
SEAL = "SEALED"

# Events kept out of every corpus and fixture for independent evaluation (issue: real-news corpus).
# A text that names one of these is refused; the shipped Mali article lives in corpus/, not here.
RESERVED_FILE = "reserved.txt"  # beside the corpus: the events no text may name, one per line


def reserved_pattern(root: str | Path) -> re.Pattern[str] | None:
    """The corpus's reserved names (``root/reserved.txt``) as one whole-word pattern; None without the file."""
    path = Path(root) / RESERVED_FILE
    if not path.exists():
        return None
    lines = (ln.strip() for ln in path.read_text(encoding="utf-8").splitlines())
    names = [ln for ln in lines if ln and not ln.startswith("#")]
    return re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b", re.I) if names else None


@dataclass(frozen=True)
class Text:
    path: Path
    meta: dict[str, str]
    body: str

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class Split:
    name: str
    folder: Path
    texts: dict[str, Text]
    questions: list[dict[str, Any]]

    @property
    def sealed(self) -> bool:
        return (self.folder / SEAL).exists()


def is_sealed(questions_path: str | Path) -> bool:
    """True for a question file inside a split marked sealed (a ``SEALED`` file beside it)."""
    return (Path(questions_path).resolve().parent / SEAL).exists()


def read_text(path: Path) -> Text:
    from rag.ingest.metadata import split_front_matter

    meta, body = split_front_matter(path.read_text(encoding="utf-8").strip())
    return Text(path=path, meta={k: str(v) for k, v in meta.items()}, body=body)


def load_split(folder: Path) -> Split:
    texts = {p.name: read_text(p) for p in sorted((folder / "articles").glob("*.md"))}
    rows = [json.loads(line) for line in (folder / "questions.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    return Split(name=folder.name, folder=folder, texts=texts, questions=rows)


def load_corpus(root: str | Path) -> list[Split]:
    root = Path(root)
    missing = [s for s in SPLITS if not (root / s / "questions.jsonl").exists()]
    if missing:
        raise FileNotFoundError(f"{root}: no questions.jsonl for split(s) {missing}; expected {root}/<split>/")
    return [load_split(root / s) for s in SPLITS]


def _check_question(split: Split, row: dict[str, Any], seen: set[str], loaded: dict[str, str]) -> list[str]:
    from rag.eval.evidence import holds_evidence

    where = f"{split.name}/questions.jsonl {row.get('id')}"
    out = []
    for field in ("id", "question", "answer", "must_contain", "source", "evidence", "type"):
        if field not in row:
            out.append(f"{where}: missing field {field!r}")
    if out:
        return out
    if row["type"] not in TYPES:
        out.append(f"{where}: unknown type {row['type']!r}")
    if row.get("follows") and row["follows"] not in seen:
        out.append(f"{where}: follows {row['follows']!r}, which is not an earlier question of this split")
    if row["type"] == "follow-up" and not row.get("follows"):
        out.append(f"{where}: a follow-up needs 'follows'")
    sources = [s for s in row["source"].split("|") if s]
    if row["type"] == "unanswerable":
        if row["must_contain"] or row["evidence"] or sources:
            out.append(f"{where}: an unanswerable question has empty must_contain, evidence and source")
        return out
    if not row["must_contain"] or not row["evidence"] or not sources:
        out.append(f"{where}: an answerable question needs must_contain, evidence and source")
    for s in sources:
        if s not in split.texts:
            out.append(f"{where}: source {s!r} is not in {split.name}/articles")
    for quote in row["evidence"]:
        if not any(quote in split.texts[s].body for s in sources if s in split.texts):
            out.append(f"{where}: evidence is not an exact substring of {row['source']}: {quote[:80]!r}")
        elif not any(holds_evidence(loaded[s], [quote]) or holds_evidence(split.texts[s].meta.get("title", ""), [quote])
                     for s in sources if s in loaded):
            out.append(f"{where}: evidence is in the file but neither in the text the loader makes of it nor in "
                       f"its title: {quote[:80]!r}")
    return out


def check(root: str | Path) -> list[str]:
    """Every problem of the corpus at ``root``; an empty list when it is sound."""
    from rag.ingest.loaders import load_file

    problems: list[str] = []
    crisis_split: dict[str, set[str]] = {}
    ids: Counter[str] = Counter()
    reserved = reserved_pattern(root)
    if reserved is None:
        problems.append(f"{Path(root) / RESERVED_FILE} is missing: list the events reserved for independent evaluation")
    for split in load_corpus(root):
        loaded = {}
        for name, t in split.texts.items():
            missing = [f for f in FRONT_MATTER if not t.meta.get(f)]
            if missing:
                problems.append(f"{split.name}/articles/{name}: front matter lacks {missing}")
            hit = reserved.search(t.meta.get("title", "") + "\n" + t.body) if reserved else None
            if hit:
                problems.append(f"{split.name}/articles/{name}: names {hit.group(0)!r}, an event reserved for "
                                "independent evaluation")
            crisis_split.setdefault(t.meta.get("crisis", "?"), set()).add(split.name)
            loaded[name] = load_file(t.path).text
        seen: set[str] = set()
        for row in split.questions:
            ids[str(row.get("id"))] += 1
            problems += _check_question(split, row, seen, loaded)
            seen.add(str(row.get("id")))
    problems += [f"id {i!r} is used {n} times" for i, n in ids.items() if n > 1]
    problems += [f"crisis {c!r} is in several splits: {sorted(s)}" for c, s in crisis_split.items() if len(s) > 1]
    return problems


def counts(split: Split) -> dict[str, Any]:
    return {"texts": len(split.texts), "questions": len(split.questions),
            "crises": sorted({t.meta.get("crisis", "?") for t in split.texts.values()}),
            "types": dict(sorted(Counter(r["type"] for r in split.questions).items()))}


def readme(root: str | Path) -> str:
    """The corpus README: what each split holds, then every text with its source and licence."""
    splits = load_corpus(root)
    lines = ["# Real-news evaluation corpus", "",
             "Real public texts, quoted verbatim (only site furniture dropped, as each file's `dropped` says),",
             "and questions written blind to the code by people who read only the texts and the format",
             "(DESIGN.md). Split by crisis: no crisis is in two splits. `train` is for fitting, `dev` for",
             "reading failures and choosing thresholds, `test` is sealed: fit nothing on it and read only its",
             "aggregate figures (`python -m rag eval` prints no per-question output for it).",
             "Checked in CI by `tests/test_news_corpus.py` (`python -m rag dataset check tests/data/news`).",
             "This file is written by `python -m rag dataset readme tests/data/news` (from `NOTES.md` and the files).",
             ""]
    notes = Path(root) / "NOTES.md"
    if notes.exists():
        lines += [notes.read_text(encoding="utf-8").strip(), ""]
    lines += ["## Counts", "", "| split | texts | questions | crises | " + " | ".join(TYPES) + " |",
              "|---|---|---|---|" + "---|" * len(TYPES)]
    for s in splits:
        c = counts(s)
        lines.append(f"| {s.name}{' (sealed)' if s.sealed else ''} | {c['texts']} | {c['questions']} | "
                     f"{', '.join(c['crises'])} | " + " | ".join(str(c["types"].get(t, 0)) for t in TYPES) + " |")
    for s in splits:
        lines += ["", f"## {s.name}", "", "| file | date | publisher | licence | source |", "|---|---|---|---|---|"]
        for name, t in s.texts.items():
            m = t.meta
            lines.append(f"| `{name}` | {m.get('date', '')} | {m.get('publisher', '')} | {m.get('licence', '')} | "
                         f"<{m.get('source_url', '')}> |")
    return "\n".join(lines) + "\n"

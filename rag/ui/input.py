"""What the browser sends, checked before it reaches the Assistant: filter values (article ids,
YYYY-MM-DD days), upload file names, the JSON history of the ``/ask`` endpoint. Errors are
``FilterError`` with a message the UI shows as is. No Gradio here.
"""

import json
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class FilterError(ValueError):
    """A value the browser sent cannot be used (bad date, empty range, malformed history)."""


def parse_day(value: str | None, label: str) -> date | None:
    """``'2023-11-09'`` -> a date; blank -> None; anything else -> FilterError saying what to type."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        if not _DAY.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise FilterError(f"The {label} date “{text}” is not a date; use YYYY-MM-DD, e.g. 2023-11-09.") from None


def parse_filters(article_ids: Sequence[str] | None, date_from: str | None, date_to: str | None) -> dict[str, Any]:
    start, end = parse_day(date_from, "“from”"), parse_day(date_to, "“to”")
    if start and end and start > end:
        raise FilterError(f"The “from” date {start} is after the “to” date {end}; swap them.")
    return {"article_ids": tuple(article_ids or ()), "date_from": start, "date_to": end}


def describe_filters(f: dict[str, Any]) -> str:
    """E.g. "2 chosen article(s), from 2023-11-01"; "" when no filter is set."""
    parts = [f"{len(f['article_ids'])} chosen article(s)"] if f["article_ids"] else []
    parts += [f"from {f['date_from']}"] if f["date_from"] else []
    parts += [f"to {f['date_to']}"] if f["date_to"] else []
    return ", ".join(parts)


def safe_name(name: str) -> str:
    """The basename of an uploaded file with anything odd replaced; never a path.

    >>> safe_name("../../etc/passwd.txt"), safe_name("C:\\\\x\\\\a b.md"), safe_name("..")
    ('passwd.txt', 'a b.md', 'upload')
    """
    base = Path(str(name).replace("\\", "/")).name
    base = re.sub(r"[^\w.\- ()]+", "_", base).strip(" .")
    return base or "upload"


def short_error(path: str, error: str) -> str:
    """Drop the ``<path>: `` prefix the loaders put on messages (the UI shows the name itself)."""
    for prefix in (path, Path(path).name):
        if error.startswith(prefix + ": "):
            return error[len(prefix) + 2:]
    return error


def parse_history(history_json: str, max_chars: int) -> list[dict[str, str]]:
    """The ``/ask`` endpoint's history: a JSON list of {"role", "content"} messages or [role, content]
    pairs, refused before parsing when it is over the size limit (deep nesting included)."""
    problem = 'history_json must be a JSON list of {"role": ..., "content": ...} messages or [role, content] pairs'
    if not isinstance(history_json, str):
        raise FilterError(problem)
    if len(history_json) > 2 * max_chars + 10_000:  # refused before parsing: JSON escapes at most double it
        raise FilterError(f"the conversation history is over {max_chars:,} characters (RAG_MAX_HISTORY_CHARS); "
                          "start a new conversation")
    try:
        data = json.loads(history_json or "[]")
    except (json.JSONDecodeError, RecursionError):
        raise FilterError(problem) from None
    if not isinstance(data, list):
        raise FilterError(problem)
    turns = []
    for item in data:
        if isinstance(item, dict) and isinstance(item.get("content"), str):
            turns.append({"role": str(item.get("role", "")), "content": item["content"]})
        elif isinstance(item, list | tuple) and len(item) == 2 and all(isinstance(x, str) for x in item):
            turns.append({"role": item[0], "content": item[1]})
        else:
            raise FilterError(problem)
    return turns

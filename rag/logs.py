"""Logging for the edges (CLI, app.py): one stderr handler on the root logger. Our own records
(``rag.*``, and the root logger app.py writes to) pass at INFO when verbose, else at WARNING; every
other library's pass at WARNING and above only, whatever level the library sets on itself (bm25s
sets its logger to DEBUG when first imported, after any setup, so a level set on it does not hold).

Nothing happens on import; inside the package modules only call ``logging.getLogger(__name__)``.
Progress bars are not logging: the CLI and app.py turn Hugging Face's off themselves.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def is_ours(name: str) -> bool:
    """A logger of ours (the root logger is app.py's).

    >>> is_ours("rag.assistant"), is_ours("root"), is_ours("bm25s"), is_ours("ragged")
    (True, True, False, False)
    """
    return name in ("rag", "root") or name.startswith("rag.")


class _LibrariesAtWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or is_ours(record.name)


class _Stderr(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a record comes (as ``logging.lastResort`` does)."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


def setup(verbose: bool) -> None:
    """Install (or replace) the handler; the root level is INFO when ``verbose``, else WARNING."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _Stderr)]:
        root.removeHandler(old)
    handler = _Stderr()
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(_LibrariesAtWarning())
    root.addHandler(handler)
    root.setLevel(logging.INFO if verbose else logging.WARNING)

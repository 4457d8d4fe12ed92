"""The package's shape: pipeline stages import downwards only (the import-linter layers contract
in pyproject.toml), no import cycle anywhere (lazy and TYPE_CHECKING imports counted), no module
over 300 lines, every sub-package says what it does."""

import importlib
import logging
import pkgutil
from pathlib import Path

import pytest

import rag
from rag.eval import architecture

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def logging_kept():
    """import-linter configures logging with dictConfig, which disables every logger that exists (rag.*,
    chromadb, ...) for the rest of the session; later tests of what gets logged then see nothing."""
    manager = logging.root.manager
    loggers = {name: (lg.disabled, lg.level, lg.handlers[:], lg.propagate)
               for name, lg in manager.loggerDict.items() if isinstance(lg, logging.Logger)}
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    for name, lg in list(manager.loggerDict.items()):
        if isinstance(lg, logging.Logger) and name in loggers:
            lg.disabled, level_of, lg.handlers[:], lg.propagate = loggers[name]
            lg.setLevel(level_of)  # (setLevel also clears the cached effective levels)
    root.handlers[:] = handlers
    root.setLevel(level)


def test_layers_contract_is_kept(logging_kept):
    assert architecture.layers_kept(ROOT / "pyproject.toml")


def test_no_import_cycles():
    assert architecture.import_cycles() == []


def test_cycle_finder_finds_a_cycle(tmp_path, monkeypatch):
    pkg = tmp_path / "loop"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from loop import b\n")
    (pkg / "b.py").write_text("def f():\n    from loop import c\n")  # a lazy import counts
    (pkg / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from loop import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert architecture.import_cycles("loop") == [["loop.a", "loop.b", "loop.c"]]


def test_no_module_over_300_lines():
    assert architecture.long_modules(ROOT / "rag") == {}


def test_every_subpackage_says_what_it_does():
    for info in pkgutil.walk_packages(rag.__path__, "rag."):
        if info.ispkg:
            doc = importlib.import_module(info.name).__doc__ or ""
            assert len(doc.split()) >= 12 and "TODO" not in doc, info.name

"""The package's shape: pipeline stages import downwards only (the import-linter layers contract
in pyproject.toml), no import cycle anywhere (lazy and TYPE_CHECKING imports counted), no module
over 300 lines, every sub-package says what it does."""

import importlib
import pkgutil
from pathlib import Path

import rag
from rag.eval import architecture

ROOT = Path(__file__).resolve().parent.parent


def test_layers_contract_is_kept():
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

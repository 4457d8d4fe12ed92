"""Prompt templates as files in ``prompts/``, loaded once and checked for their variables.

Each template is plain text with ``{name}`` placeholders. ``REQUIRED`` says which variables a
template must contain; loading fails with a PromptError naming the file and the missing one,
and rendering fails if a variable is not supplied. It does not call models.
"""

from __future__ import annotations

import functools
import string
from dataclasses import dataclass
from pathlib import Path

from rag.errors import PromptError

REQUIRED: dict[str, frozenset[str]] = {
    "system": frozenset({"abstain_phrase"}),
    "answer": frozenset({"sources", "question"}),
    "condense": frozenset({"history", "question"}),
    "abstain": frozenset({"reason"}),
    "as_of": frozenset({"date"}),
}


@dataclass(frozen=True)
class Prompt:
    name: str
    template: str
    variables: frozenset[str]

    def render(self, **values: object) -> str:
        missing = self.variables - values.keys()
        if missing:
            raise PromptError(f"prompt '{self.name}' needs {sorted(missing)}")
        return self.template.format(**{k: values[k] for k in self.variables}).strip()


def load_prompt(directory: Path, name: str) -> Prompt:
    path = Path(directory) / f"{name}.txt"
    try:
        template = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PromptError(f"prompt file missing: {path}; restore it from the repository") from exc
    found = frozenset(f for _, f, _, _ in string.Formatter().parse(template) if f)
    missing = REQUIRED.get(name, frozenset()) - found
    if missing:
        raise PromptError(f"{path} lacks the variable(s) {sorted(missing)}")
    return Prompt(name, template, found)


def load_prompts(directory: Path) -> dict[str, Prompt]:
    return {name: load_prompt(directory, name) for name in REQUIRED}


SHIPPED = Path(__file__).resolve().parent.parent / "prompts"


@functools.cache
def _as_of(directory: Path) -> tuple[str, str]:
    prefix, _, suffix = load_prompt(directory, "as_of").template.strip().partition("{date}")
    return prefix, suffix


def without_head(text: str, directory: Path = SHIPPED) -> str:
    """An answer without its "As of <date>:" head (the ``as_of`` prompt): what it says, not the
    date of its newest source (a gold "21" was once found in "As of 21 August 2019").

    >>> without_head("As of 21 August 2019: The number rose from 39 to 60. [1]")
    'The number rose from 39 to 60. [1]'
    """
    prefix, suffix = _as_of(Path(directory))
    if prefix and suffix and text.startswith(prefix) and suffix in text:
        return text.split(suffix, 1)[1].lstrip()
    return text


@functools.cache
def _abstain_opening(directory: Path) -> str:
    return load_prompt(directory, "abstain").template.split("{", 1)[0].strip()


def is_abstention(text: str, directory: Path = SHIPPED) -> bool:
    """Does an answer's text open as the ``abstain`` prompt does ("The sources do not answer this.")?"""
    opening = _abstain_opening(Path(directory))
    return bool(opening) and without_head(text, directory).startswith(opening)

"""Prompt templates as files in ``prompts/``, loaded once and checked for their variables.

Each template is plain text with ``{name}`` placeholders. ``REQUIRED`` says which variables a
template must contain; loading fails with a PromptError naming the file and the missing one,
and rendering fails if a variable is not supplied. It does not call models.
"""

from __future__ import annotations

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

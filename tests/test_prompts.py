import pytest

from rag.errors import PromptError
from rag.prompts import REQUIRED, load_prompt, load_prompts
from rag.settings import Settings


def test_every_prompt_file_renders():
    prompts = load_prompts(Settings().prompts_dir)
    assert set(prompts) == set(REQUIRED)
    for name, p in prompts.items():
        text = p.render(**{v: f"<{v}>" for v in p.variables})
        assert all(f"<{v}>" in text for v in REQUIRED[name])


def test_missing_variable_is_an_error(tmp_path):
    (tmp_path / "answer.txt").write_text("Question: {question}")
    with pytest.raises(PromptError, match="sources"):
        load_prompt(tmp_path, "answer")
    with pytest.raises(PromptError, match="missing"):
        load_prompt(tmp_path, "condense")
    p = load_prompts(Settings().prompts_dir)["answer"]
    with pytest.raises(PromptError):
        p.render(question="q")

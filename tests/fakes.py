"""The scripted fake chat model shared by the LLM tests (the LLM is the only fake in this suite)."""

import re

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel


class Scripted(GenericFakeChatModel):
    """Replies in order and records every prompt it was sent. A marker written "[@some phrase]" in a
    scripted reply becomes "[n]", n being the number of the source in the prompt that holds the
    phrase, as a model reading the sources would write it."""

    seen: list = []

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        self.seen.append(messages)
        result = super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)
        prompt = messages[-1].content
        blocks = {int(m.group(1)): m.group(2) for m in re.finditer(r"\[(\d+)\] [^\n]*\n<<<\n(.*?)\n>>>", prompt, re.S)}

        def number(m):
            found = [n for n, text in blocks.items() if m.group(1) in text]
            return f"[{found[0]}]" if found else "[99]"

        msg = result.generations[0].message
        msg.content = re.sub(r"\[@([^\]]+)\]", number, msg.content)
        return result

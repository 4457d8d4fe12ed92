"""The LLM answerer: numbered sources and the prompt from ``prompts/``, the chat model
built from Settings (``llm``: OpenAI-compatible servers or Ollama), streaming, and the verifier run
on every sentence the model writes.

It does not retrieve: it asks the function it is given.
"""

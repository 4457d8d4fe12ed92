"""Chat models for the optional generative answerer, chosen by ``Settings.llm_provider``:
an Ollama server (langchain-ollama), any OpenAI-compatible server such as vLLM, llama.cpp's
server, LM Studio or a hosted API (langchain-openai with a base URL), or a local GGUF file
(langchain-community's ChatLlamaCpp; an optional extra, see requirements-llamacpp.txt).

It only builds the model; it does not prompt, retrieve or verify. The API key is kept in a
SecretStr and never logged.

Generation is always capped (``Settings.llm_max_tokens``) and stopped at ``STOP``: LangChain's
``ChatOpenAI(max_tokens=...)`` is sent as ``max_completion_tokens``, which llama.cpp's server
ignores (one question made it generate 3,068 tokens), so a local server also gets the plain
``max_tokens`` field through ``extra_body``; Ollama reads ``num_predict``.
"""

from __future__ import annotations

import logging
import os

from langchain_core.language_models import BaseChatModel

from rag.errors import LLMError
from rag.settings import Settings

log = logging.getLogger(__name__)

# where a reply has gone past its answer: the model starts to write the prompt's next part or a new turn
STOP = ("\nQuestion:", "\nSources:", "\nUser:", "\nHuman:", "<<<", "<end_of_turn>", "<|im_end|>", "<|eot_id|>")


def chat_model(settings: Settings) -> BaseChatModel:
    provider = settings.llm_provider
    timeout = settings.llm_timeout_s
    match provider:
        case "openai":
            from langchain_openai import ChatOpenAI

            key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else os.environ.get("OPENAI_API_KEY")
            if not key and not settings.llm_base_url:
                raise LLMError("RAG_LLM_PROVIDER=openai needs RAG_LLM_API_KEY (or OPENAI_API_KEY), "
                               "or RAG_LLM_BASE_URL for a local OpenAI-compatible server")
            log.info("LLM: OpenAI-compatible %s at %s", settings.llm_model, settings.llm_base_url or "api.openai.com")
            cap = settings.llm_max_tokens
            # a local server (llama.cpp, vLLM, LM Studio) reads the plain field; the hosted API the new one
            # (and takes at most four stop strings)
            extra = {"max_tokens": cap} if settings.llm_base_url else None
            return ChatOpenAI(model=settings.llm_model or "gpt-4o-mini", base_url=settings.llm_base_url,
                              api_key=key or "not-needed", temperature=settings.llm_temperature,
                              timeout=timeout, max_retries=0, max_tokens=None if extra else cap,
                              extra_body=extra, stop=list(STOP if extra else STOP[:4]), stream_usage=True)
        case "ollama":
            from langchain_ollama import ChatOllama

            if not settings.llm_model:
                raise LLMError("RAG_LLM_PROVIDER=ollama needs RAG_LLM_MODEL, e.g. llama3.1:8b")
            log.info("LLM: Ollama %s at %s", settings.llm_model, settings.llm_base_url or "http://127.0.0.1:11434")
            return ChatOllama(model=settings.llm_model, base_url=settings.llm_base_url or "http://127.0.0.1:11434",
                              temperature=settings.llm_temperature, client_kwargs={"timeout": timeout},
                              num_predict=settings.llm_max_tokens, stop=list(STOP))
        case "llamacpp":
            if not settings.llm_path or not settings.llm_path.is_file():
                raise LLMError("RAG_LLM_PROVIDER=llamacpp needs RAG_LLM_PATH pointing at a .gguf file")
            try:
                from langchain_community.chat_models import ChatLlamaCpp
            except ImportError as exc:
                raise LLMError("the llamacpp provider is an optional extra: "
                               "pip install -r requirements-llamacpp.txt (see README)") from exc
            return ChatLlamaCpp(model_path=str(settings.llm_path), temperature=settings.llm_temperature,
                                n_ctx=4096, max_tokens=settings.llm_max_tokens, stop=list(STOP), verbose=False)
        case "none":
            raise ValueError("llm_provider is 'none': the extractive answerer needs no chat model")
        case _:
            raise ValueError(f"unknown llm_provider {provider!r}")

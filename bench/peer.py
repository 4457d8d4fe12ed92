"""The pipeline a user would assemble from the LangChain RAG tutorial, run on the same articles as
ours: RecursiveCharacterTextSplitter(1000, 200), HuggingFaceEmbeddings with the same local model
(torch), ``Chroma.from_documents`` into a fresh persistent folder, ``similarity_search(k=4)``.
Nothing of ours is in it (no deduplication, no BM25, no dates), which is what makes it the peer."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from typing import Any

from rag.models import Article


def tutorial_embeddings(model_path: str) -> Any:
    from langchain_huggingface import HuggingFaceEmbeddings

    return HuggingFaceEmbeddings(model_name=model_path, model_kwargs={"device": "cpu", "local_files_only": True})


def ingest(articles: Sequence[Article], embeddings: Any) -> tuple[dict[str, float], Any, Any]:
    """Split, embed and store the articles the tutorial's way; returns (figures, store, its folder)."""
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    folder = tempfile.TemporaryDirectory(prefix="briefing-peer-")
    t = time.perf_counter()
    docs = [Document(page_content=a.text, metadata={"source": a.path, "title": a.title}) for a in articles]
    splits = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200,
                                            add_start_index=True).split_documents(docs)
    store = Chroma.from_documents(splits, embedding=embeddings, persist_directory=folder.name,
                                  collection_name="peer")
    seconds = time.perf_counter() - t
    figures = {"chunks": len(splits), "seconds": seconds, "chunks_per_s": len(splits) / seconds,
               "articles_per_s": len(articles) / seconds}
    return figures, store, folder


def query_ms(store: Any, questions: Sequence[str]) -> list[float]:
    """The tutorial's retrieval step, ``similarity_search(q, k=4)`` (embeds the question each time)."""
    out = []
    for q in questions:
        t = time.perf_counter()
        store.similarity_search(q, k=4)
        out.append((time.perf_counter() - t) * 1e3)
    return out

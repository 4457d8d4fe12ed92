"""The quantized ONNX encoder against the torch one, the store's record of the encoder its vectors came
from, its refusal to mix two models, and ``reindex``: real models, a real Chroma store in a temp dir."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from rag import Assistant, Settings
from rag.errors import StoreError
from rag.index.embeddings import default_model_path, identity, load_embeddings
from rag.index.onnx_encoder import CARD, built, fingerprint

ROOT = Path(__file__).resolve().parent.parent
TUNED = ROOT / "rag" / "answer" / "scorer" / "model" / "encoder"  # another model of the same shape
TEXTS = [
    "How many UN camps remain in Mali?",
    "Why did the convoy leave without air support?",
    "Fighting near the town killed at least 12 civilians, according to the regional governor, who said "
    "the army had withdrawn from two positions overnight and that aid convoys were held at the river.",
    "Prices of staple food have risen by 40 percent since March, traders said.",
    "The curfew was extended " + "after further attacks on checkpoints " * 40,  # past the 256-token limit
]


@pytest.fixture(scope="module")
def torch_embeddings():
    return load_embeddings(backend="torch")


def test_onnx_vectors_match_torch_in_any_batch(embeddings, torch_embeddings):
    """Each text alone and in one padded batch gives nearly the same vector (dynamic quantization scales
    the activations per batch, so not the identical one), within cosine 0.98 of torch's."""
    together = np.asarray(embeddings.embed_documents(TEXTS))
    alone = np.vstack([embeddings.embed_query(t) for t in TEXTS])
    ref = np.asarray(torch_embeddings.embed_documents(TEXTS))
    assert together.shape == (len(TEXTS), 384)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-4)
    # the padding's mask holds: no pad token is pooled. How close depends on the CPU's int8 kernels:
    # 0.99+ on the machines before, 0.987 on an AVX2-only AMD EPYC (2026-12-03)
    assert (together * alone).sum(axis=1).min() > 0.98
    assert (together * ref).sum(axis=1).min() > 0.98
    # ranking agrees: the question about camps is nearest the camps question, not the convoy one
    assert np.argmax(together[2:] @ together[0]) == np.argmax(ref[2:] @ ref[0])


def test_onnx_loads_without_torch(embeddings, tmp_path):
    """A process that loads the exported encoder never imports torch (start-up time and memory)."""
    import subprocess

    code = ("import sys, os; from pathlib import Path; from rag.index.embeddings import load_embeddings; "
            "e = load_embeddings(backend='onnx-int8', cache_dir=Path(os.environ['RAG_ENCODER_CACHE'])); "
            "e.embed_query('a question'); print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False", out.stderr[-2000:]


def test_export_is_cached_by_fingerprint(embeddings):
    card = embeddings.card
    assert card["fingerprint"] == fingerprint(default_model_path())
    assert card["backend"] == "onnx-int8" and card["pooling"] == "mean" and card["max_length"] == 256


def test_a_broken_export_is_built_again(tmp_path):
    """A folder left half-written (no card) is not trusted: the export runs again into it."""
    cache = tmp_path / "encoders"
    out = cache / f"{fingerprint(default_model_path())}-int8"
    out.mkdir(parents=True)
    (out / "model-int8.onnx").write_bytes(b"truncated")
    folder = built(default_model_path(), cache)
    assert (folder / CARD).is_file() and (folder / "model-int8.onnx").stat().st_size > 10_000_000


def test_the_store_records_its_encoder_and_accepts_the_other_backend(embeddings, torch_embeddings, tmp_path):
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=ROOT / "corpus")
    built_with_torch = Assistant(settings, embeddings=torch_embeddings)
    built_with_torch.ensure_corpus()
    assert built_with_torch.store.built_with()["encoder_backend"] == "torch"
    queried = Assistant(settings, embeddings=embeddings)  # same weights, ONNX: compatible vectors
    answer = queried.ask("How many camps has the UN force pulled out of?")
    assert not answer.abstained and "eight" in answer.text
    assert identity(embeddings)["encoder_fingerprint"] == identity(torch_embeddings)["encoder_fingerprint"]


def test_another_model_is_refused_until_reindex(embeddings, tmp_path):
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=ROOT / "corpus")
    Assistant(settings, embeddings=embeddings).ensure_corpus()
    other = Settings(data_dir=tmp_path / "data", corpus_dir=ROOT / "corpus", embedding_model=str(TUNED),
                     encoder_cache=tmp_path / "encoders")
    with pytest.raises(StoreError, match=r"python -m rag reindex"):
        Assistant(other).ask("How many camps has the UN force pulled out of?")
    seen: list[tuple[int, int]] = []
    done = Assistant(other).reindex(lambda d, t: seen.append((d, t)))
    assert done > 0 and seen[-1] == (done, done)
    moved = Assistant(other)
    assert moved.ask("How many camps has the UN force pulled out of?").citations
    assert moved.store.built_with()["encoder_fingerprint"] == fingerprint(TUNED)
    assert moved.check_index().healthy  # every passage found again by its new vector
    with pytest.raises(StoreError, match="another embedding model"):  # and now the first model is refused
        Assistant(settings, embeddings=embeddings).ask("How many camps?")

"""Train the answer scorer on the real-news `train` split and choose its threshold on `dev`.

    python bench/scorer_data.py train dev --out /tmp/scorer-data     # the candidates (a few minutes)
    python bench/train_scorer.py --data /tmp/scorer-data [--write]   # fit, compare, write the model

Steps: (1) fine-tune the packaged MiniLM bi-encoder contrastively on (question, evidence sentence)
pairs of `train` (in-batch negatives plus the hardest retrieved negative); (2) a logistic
regression over its similarity, today's ranker features and spaCy's answer-typing features,
fit on every train candidate (positives: sentences holding an evidence quote; negatives: the other
retrieved sentences and every candidate of an unanswerable question); (3) compare on `dev` with
today's hand-fit weights and with today's features refit; (4) the abstention threshold: the
lowest best-candidate probability that keeps the stated precision on `dev`. `--write` stores the
model in rag/answer/scorer/model/ with its card. Never run by CI; the sealed split is never read.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from rag.answer.extractive.ranker import FEATURES  # noqa: E402
from rag.answer.scorer.model import (  # noqa: E402
    MODEL_DIR,
    QUESTION_FEATURES,
    SCORER_FEATURES,
    feature_matrix,
    question_features,
)

SEED = 13


def finetune(records, base: Path, out: Path, epochs: int, batch: int, lr: float) -> Path:
    import torch
    from sentence_transformers import SentenceTransformer

    random.seed(SEED)
    torch.manual_seed(SEED)
    model = SentenceTransformer(str(base), device="cpu")
    triplets = []
    for r in records:
        pos = [c.text for c, y in zip(r.cands, r.labels, strict=True) if y]
        neg = [c for c, y in zip(r.cands, r.labels, strict=True) if not y]
        if not pos or not neg:
            continue
        hard = max(neg, key=lambda c: c.score).text
        for p in dict.fromkeys(pos):
            triplets.append((r.query, p, hard))
    print(f"fine-tuning on {len(triplets)} (question, evidence sentence, hard negative) triplets")
    opt = torch.optim.AdamW(model.parameters(), lr=lr)
    steps = epochs * ((len(triplets) + batch - 1) // batch)
    def warm_then_decay(step: int) -> float:
        return min(1.0, (step + 1) / (0.1 * steps)) * max(0.0, 1 - step / steps)

    sched = torch.optim.lr_scheduler.LambdaLR(opt, warm_then_decay)
    model.train()

    def embed(texts):
        feats = model.tokenize(texts)
        return torch.nn.functional.normalize(model(feats)["sentence_embedding"], dim=-1)

    t0 = time.time()
    for epoch in range(epochs):
        random.shuffle(triplets)
        total = 0.0
        for i in range(0, len(triplets), batch):
            part = triplets[i:i + batch]
            # one question may have several positives: mask its other positives out of the negatives
            a, p, n = embed([t[0] for t in part]), embed([t[1] for t in part]), embed([t[2] for t in part])
            scores = a @ torch.cat([p, n]).T * 20.0
            same = torch.tensor([[x[0] == y[0] and j != k for k, y in enumerate(part)] for j, x in enumerate(part)])
            scores[:, : len(part)] = scores[:, : len(part)].masked_fill(same, -1e4)
            loss = torch.nn.functional.cross_entropy(scores, torch.arange(len(part)))
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss.detach()) * len(part)
        print(f"  epoch {epoch + 1}: loss {total / len(triplets):.3f} ({time.time() - t0:.0f} s)")
    model.eval()
    model.half()
    out.mkdir(parents=True, exist_ok=True)
    model.save(str(out))
    return out


def name_missing(r, scores, keep: int = 6) -> bool:
    """Whether a name of the question is in none of the ``keep`` passages the scorer puts first."""
    from rag.answer.extractive.answerer import ExtractiveAnswerer
    from rag.models import ScoredChunk

    chunks: dict = {}
    for i in np.argsort(-scores):
        chunks.setdefault(r.cands[i].chunk.id, r.cands[i].chunk)
    passages = [ScoredChunk(c, 0.0) for c in list(chunks.values())[:keep]]
    return bool(passages) and ExtractiveAnswerer.missing(r.analysis, passages) is not None


class _Unpickler(pickle.Unpickler):
    """Records pickled by ``python bench/scorer_data.py`` name their class ``__main__.Record``."""

    def find_class(self, module, name):
        if module == "__main__" and name == "Record":
            from scorer_data import Record

            return Record
        return super().find_class(module, name)


def load(path: Path) -> list:
    with open(path, "rb") as f:
        return _Unpickler(f).load()


def best_index(p: np.ndarray) -> int:
    return int(np.argmax(p)) if len(p) else -1


def hit_rate(records, scores) -> tuple[float, int]:
    """Answerable questions whose best candidate holds the evidence, over those with any positive."""
    hits = n = 0
    for r, s in zip(records, scores, strict=True):
        if r.qtype == "unanswerable" or not any(r.labels):
            continue
        n += 1
        hits += bool(r.labels[best_index(s)])
    return hits / max(n, 1), n


def curve(records, scores, answerable) -> list[tuple[float, float, float, float, float]]:
    """(threshold, precision, recall, unanswerable abstained, abstention accuracy) on a split:
    precision = answered questions whose best candidate holds the evidence / answered; recall =
    answerable questions answered / answerable."""
    out = []
    for th in np.arange(0.02, 0.9, 0.02):
        answered = correct = ans_total = ans_answered = un_total = un_abst = 0
        for r, p, best in zip(records, scores, answerable, strict=True):
            if r.qtype == "unanswerable":
                un_total += 1
                un_abst += best < th
            else:
                ans_total += 1
            if best >= th:
                answered += 1
                ok = r.qtype != "unanswerable" and bool(r.labels[best_index(p)])
                correct += ok
                ans_answered += r.qtype != "unanswerable"
        out.append((round(float(th), 2), correct / max(answered, 1), ans_answered / max(ans_total, 1),
                    un_abst / max(un_total, 1), (ans_answered + un_abst) / max(ans_total + un_total, 1)))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="/tmp/scorer-data")
    ap.add_argument("--encoder", help="a fine-tuned encoder folder to reuse instead of training one")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=3e-5)
    ap.add_argument("--threshold", type=float,
                    help="use this threshold instead of the curve's best (one chosen end to end on dev, "
                         "RAG_ABSTAIN_THRESHOLD=... python bench/news_eval.py --splits dev)")
    ap.add_argument("--threshold-note", default="end to end on dev",
                    help="how the given threshold was chosen (stored in scorer.json)")
    ap.add_argument("--write", action="store_true", help=f"write the model to {MODEL_DIR}")
    args = ap.parse_args(argv)
    from sklearn.linear_model import LogisticRegression

    from rag.index.embeddings import default_model_path

    data = Path(args.data)
    train = load(data / "train.pkl")
    dev = load(data / "dev.pkl")
    print(f"train {len(train)} questions / {sum(len(r.cands) for r in train)} candidates / "
          f"{sum(sum(r.labels) for r in train)} positives; dev {len(dev)} questions")

    today = [np.array([c.score for c in r.cands]) for r in dev]
    print(f"dev top-1 hit, today's hand-fit weights: {hit_rate(dev, today)[0]:.3f} (n={hit_rate(dev, today)[1]})")

    def fit(train_x, train_y, balanced=True):
        weight = "balanced" if balanced else None
        return LogisticRegression(C=1.0, max_iter=5000, class_weight=weight).fit(train_x, train_y)

    def base_x(records):
        return [np.array([[c.features[f] for f in FEATURES] for c in r.cands]).reshape(-1, len(FEATURES))
                for r in records]

    y_train = np.concatenate([np.array(r.labels) for r in train])
    refit = fit(np.vstack(base_x(train)), y_train)
    refit_dev = [refit.decision_function(x) if len(x) else np.zeros(0) for x in base_x(dev)]
    print(f"dev top-1 hit, today's features refit on train: {hit_rate(dev, refit_dev)[0]:.3f}")

    out_dir = Path(args.encoder) if args.encoder else data / "encoder"
    if not args.encoder:
        t = time.time()
        finetune(train, default_model_path(), out_dir, args.epochs, args.batch, args.lr)
        print(f"fine-tuned in {time.time() - t:.0f} s")
    from rag.answer.scorer.model import load_tuned_encoder

    encoder = load_tuned_encoder(out_dir)
    base_encoder = load_tuned_encoder(default_model_path())
    results = {}
    for name, enc in (("base encoder", base_encoder), ("tuned encoder", encoder)):
        xs_train = [feature_matrix(r.analysis, r.query, r.cands, enc, r.gate) for r in train]
        xs_dev = [feature_matrix(r.analysis, r.query, r.cands, enc, r.gate) for r in dev]
        model = fit(np.vstack(xs_train), y_train)
        dev_scores = [model.decision_function(x) if len(x) else np.zeros(0) for x in xs_dev]
        sims = [x[:, SCORER_FEATURES.index("tuned_sim")] if len(x) else np.zeros(0) for x in xs_dev]
        print(f"dev top-1 hit, {name} similarity alone: {hit_rate(dev, sims)[0]:.3f}; "
              f"with every feature (logistic): {hit_rate(dev, dev_scores)[0]:.3f}")
        results[name] = (model, xs_train, xs_dev, dev_scores, hit_rate(dev, dev_scores)[0])
        if name == "tuned encoder":
            from sklearn.ensemble import HistGradientBoostingClassifier

            gb = HistGradientBoostingClassifier(max_iter=300, learning_rate=0.05, random_state=SEED)
            gb.fit(np.vstack(xs_train), y_train)
            gb_dev = [gb.predict_proba(x)[:, 1] if len(x) else np.zeros(0) for x in xs_dev]
            print(f"dev top-1 hit, tuned encoder, gradient boosting over every feature: {hit_rate(dev, gb_dev)[0]:.3f}")
    name = max(results, key=lambda k: results[k][4])
    model, xs_train, xs_dev, dev_scores, hit = results[name]

    # abstention: a question-level model over the sentence scores, fit on out-of-fold train scores
    from sklearn.model_selection import GroupKFold

    groups = np.array([r.qid.split("-")[0] for r in train])
    oof: list = [None] * len(train)
    for fit_idx, held in GroupKFold(n_splits=5).split(np.zeros(len(train)), groups=groups):
        m = fit(np.vstack([xs_train[i] for i in fit_idx]), np.concatenate([train[i].labels for i in fit_idx]))
        for i in held:
            oof[i] = m.decision_function(xs_train[i]) if len(xs_train[i]) else np.zeros(0)
    qx = np.array([question_features(s, x, r.gate_kept, name_missing(r, s), r.analysis, r.query)
                   for s, x, r in zip(oof, xs_train, train, strict=True)])
    qy = np.array([int(r.qtype != "unanswerable") for r in train])
    abstainer = fit(qx, qy, balanced=False)  # unweighted: its output is read as a probability
    dev_q = np.array([question_features(s, x, r.gate_kept, name_missing(r, s), r.analysis, r.query)
                      for s, x, r in zip(dev_scores, xs_dev, dev, strict=True)])
    p_dev = abstainer.predict_proba(dev_q)[:, 1]
    rows = curve(dev, dev_scores, p_dev)
    print("\nthreshold  precision  recall  unanswerable-abstained  abstention-accuracy   (dev)")
    for th, prec, rec, un, acc in rows:
        print(f"  {th:.2f}      {prec:.3f}    {rec:.3f}    {un:.3f}                   {acc:.3f}")
    threshold = max(rows, key=lambda r: (r[4], r[1]))[0]
    print(f"\nchosen: {name}; threshold {threshold} (the best dev abstention accuracy)")
    if args.threshold is not None:
        threshold = args.threshold
        print(f"threshold {threshold} as given (chosen end to end on dev)")
    if args.write:
        write(model, abstainer, name == "tuned encoder", out_dir, threshold, hit, rows, train, args)
    return 0


def write(model, abstainer, tuned: bool, encoder_dir: Path, threshold: float, hit: float, rows, train, args) -> None:
    import shutil

    MODEL_DIR.mkdir(parents=True, exist_ok=True)
    target = MODEL_DIR / "encoder"
    if tuned and Path(encoder_dir).resolve() != target.resolve():  # --encoder may name the shipped one
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(encoder_dir, target, ignore=shutil.ignore_patterns("README.md"))
    weights = {"features": list(SCORER_FEATURES), "weights": [round(float(w), 5) for w in model.coef_[0]],
               "bias": round(float(model.intercept_[0]), 5),
               "question_features": list(QUESTION_FEATURES),
               "question_weights": [round(float(w), 5) for w in abstainer.coef_[0]],
               "question_bias": round(float(abstainer.intercept_[0]), 5), "threshold": threshold,
               "tuned_encoder": tuned,
               "dev_top1_hit": round(hit, 3), "dev_curve": rows, "seed": SEED, "epochs": args.epochs,
               "batch": args.batch, "lr": args.lr, "train_questions": len(train),
               "train_candidates": sum(len(r.cands) for r in train),
               "train_positives": int(sum(sum(r.labels) for r in train))}
    if args.threshold is not None:
        weights["threshold_chosen_by"] = (f"{args.threshold_note}; written by bench/train_scorer.py "
                                          f"--threshold {args.threshold} --write")
    (MODEL_DIR / "scorer.json").write_text(json.dumps(weights, indent=1) + "\n", encoding="utf-8")
    digests = {str(p.relative_to(MODEL_DIR)): hashlib.sha256(p.read_bytes()).hexdigest()
               for p in sorted(MODEL_DIR.rglob("*")) if p.is_file() and p.name not in ("SHA256SUMS", "MODEL_CARD.md")}
    (MODEL_DIR / "SHA256SUMS").write_text("".join(f"{d}  {n}\n" for n, d in digests.items()), encoding="utf-8")
    print(f"wrote {MODEL_DIR}")


if __name__ == "__main__":
    raise SystemExit(main())

"""python bench/plot.py RESULT.json [RESULT.json ...] --out bench/results/growth.png

Log-log plot of ingest time, index size, peak RSS and query latency against chunks, from the JSON
files ``python -m rag bench --json`` writes (one per corpus size), and the slope of each (how it
grows: 1.0 is linear)."""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

COLUMNS = [("ingest_s", "ingest time (s)"), ("index_mb", "index size (MB)"), ("peak_rss_mb", "peak RSS (MB)"),
           ("retrieval_p50_ms", "retrieval p50 (ms)"), ("answer_p50_ms", "answer p50 (ms)")]


def ingest_s(row: dict) -> float:
    rate = row["ingest_chunks_per_s"]
    return row["chunks"] / (rate["median"] if isinstance(rate, dict) else rate)


def slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of log y against log x."""
    lx, ly = [math.log(x) for x in xs], [math.log(y) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    den = sum((a - mx) ** 2 for a in lx)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly, strict=True)) / den if den else float("nan")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("results", nargs="+")
    p.add_argument("--out", default="bench/results/growth.png")
    args = p.parse_args()
    rows = sorted((json.loads(Path(f).read_text()) for f in args.results), key=lambda r: r["chunks"])
    for r in rows:
        r["ingest_s"] = ingest_s(r)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    xs = [r["chunks"] for r in rows]
    for key, label in COLUMNS:
        ys = [r[key] for r in rows]
        ax.plot(xs, ys, marker="o", label=f"{label}, slope {slope(xs, ys):.2f}")
        print(f"{key}: {', '.join(f'{y:g}' for y in ys)}; log-log slope {slope(xs, ys):.2f}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("chunks in the index")
    ax.set_title("Briefing: cost as the corpus grows (ONNX int8 encoder, 2 cores)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.out, dpi=120)
    print(f"plot: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

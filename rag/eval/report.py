"""Evaluation reports: the metrics table (overall and per question type, with the baselines and the
failure classes) and a Markdown report with a bar chart. A sealed report (``evaluation.seal``)
renders aggregates only: no question, answer or id. It computes nothing; ``rag.evaluation`` does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rag.eval.evaluation import failure_class

METRICS = ("answer_accuracy", "citation_precision", "citation_recall", "abstention_accuracy",
           "false_abstention_rate", "unanswerable_answered", "wrong_derived_figures", "retrieval_recall@1")


_SHORT = {"answer_accuracy": "accuracy", "citation_precision": "cit prec", "citation_recall": "cit recall",
          "abstention_accuracy": "abst acc", "false_abstention_rate": "false abst",
          "unanswerable_answered": "unans answd", "wrong_derived_figures": "wrong deriv",
          "latency_p50_ms": "p50 ms", "latency_p95_ms": "p95 ms"}


def _fmt(v: Any) -> str:
    return "—" if v is None else (f"{v:.3f}" if isinstance(v, float) and v <= 1.0 else str(v))


def format_table(report: dict[str, Any]) -> str:
    k = report.get("k", 5)
    cols = [*METRICS, f"retrieval_recall@{k}", "latency_p50_ms", "latency_p95_ms"]
    label = {**_SHORT, "retrieval_recall@1": "r@1", f"retrieval_recall@{k}": f"r@{k}"}
    head = f"{'set':<14}{'n':>4}  " + "  ".join(f"{label.get(c, c):>11}" for c in cols)
    lines = [head, "-" * len(head)]
    for name, m in [("all", report), *report["by_type"].items()]:
        lines.append(f"{name:<14}{m['n']:>4}  " + "  ".join(f"{_fmt(m.get(c)):>11}" for c in cols))
    lines.append("")
    lines.append("answerer: " + ", ".join(f"{a} {n}" for a, n in sorted(report.get("answerers", {}).items()))
                 + f"; verifier removed or flagged {report.get('verifier_flags', 0)} sentence(s); "
                 f"answers showing arithmetic {report.get('derived_answers', 0)}, "
                 f"of which wrong {report.get('wrong_derived_figures', 0)}")
    if report.get("failure_classes"):
        lines.append("wrong answers by class: " + "; ".join(f"{c} {n}" for c, n in report["failure_classes"].items()))
    if report.get("sealed"):
        lines.append("sealed split: aggregates only, no per-question output")
    for r in report.get("rows", []):
        for reason in r["flags"]:
            lines.append(f"  {r['id']}: {reason}")
    for b in report.get("baselines") or ([report["baseline"]] if report.get("baseline") else []):
        lines.append("")
        lines.append(f"baseline: {b['name']} ({b['chunks']} chunks), "
                     f"top-1 passage {b['mean_top1_passage_chars']} chars")
        lines.append(f"  recall@1 {_fmt(b['retrieval_recall@1'])} vs ours {_fmt(report['retrieval_recall@1'])}; "
                     f"recall@{k} {_fmt(b[f'retrieval_recall@{k}'])} vs ours {_fmt(report[f'retrieval_recall@{k}'])}")
    if report.get("mean_top1_passage_chars") is not None:
        lines.append(f"ours: top-1 passage {report.get('mean_top1_passage_chars')} chars, "
                     f"cited quotes {report.get('mean_quote_chars')} chars")
    return "\n".join(lines)


def write_markdown(report: dict[str, Any], out_dir: Path, title: str) -> Path:
    """A Markdown report with a bar chart PNG of the metrics by question type."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    types = list(report["by_type"])
    metrics = ["answer_accuracy", "citation_precision", "citation_recall", "abstention_accuracy"]
    fig, ax = plt.subplots(figsize=(max(6, 1.3 * len(types)), 3.6), dpi=110)
    width = 0.8 / len(metrics)
    for i, m in enumerate(metrics):
        vals = [report["by_type"][t].get(m) or 0.0 for t in types]
        ax.bar([x + i * width for x in range(len(types))], vals, width, label=m.replace("_", " "))
    ax.set_xticks([x + 0.4 - width / 2 for x in range(len(types))], types, rotation=20)
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=7, ncol=2, loc="lower right")
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    png = out_dir / "metrics_by_type.png"
    fig.savefig(png)
    plt.close(fig)
    md = out_dir / "report.md"
    wrong = [r for r in report.get("rows", []) if not r["ok"]]
    if report.get("sealed"):
        md.write_text(f"# Evaluation: {title} (sealed)\n\n```\n{format_table(report)}\n```\n\n"
                      f"![metrics by type]({png.name})\n", encoding="utf-8")
        return md
    md.write_text(
        f"# Evaluation: {title}\n\n```\n{format_table(report)}\n```\n\n![metrics by type]({png.name})\n\n"
        + "## Wrong answers\n\n" + ("\n".join(f"- **{r['id']}** ({r['type']}; {failure_class(r, report.get('k', 5))}) "
                                              f"{r['question']}\n  > {r['answer']}" for r in wrong) or "none") + "\n",
        encoding="utf-8")
    return md

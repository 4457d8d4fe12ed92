"""The LLM path against any OpenAI-compatible server (llama.cpp's, vLLM, Ollama's /v1, LM Studio):
the seed set and a slice of the real-news dev split, scored as `python -m rag eval` scores them,
plus tokens/s, time to the first token, and how often the model's answer was refused.

    python bench/llm_server.py --base-url http://127.0.0.1:8080/v1 --model qwen2.5-1.5b-instruct
    python bench/llm_server.py --base-url http://127.0.0.1:11434/v1 --model llama3.1:8b --dev 40

Each set's articles are indexed alone in a temporary store. Answers that the verifier or the
whole-answer checks refused are counted as "extractive-fallback": the table then measures the
product (model plus checks), and the refusal rate says how much of it was the model's.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pydantic import SecretStr  # noqa: E402

from rag import Settings  # noqa: E402
from rag.eval import evaluation  # noqa: E402
from rag.eval import report as eval_report  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEED = (ROOT.parent / "shared" / "eval" / "seed_questions.jsonl", ROOT / "corpus")
NEWS_DEV = ROOT / "tests" / "data" / "news" / "dev"
DEV = (NEWS_DEV / "questions.jsonl", NEWS_DEV / "articles")


def generation(rows: list[dict]) -> str:
    tokens = sum(r.get("tokens", 0) for r in rows)
    ms = sum(r.get("generate_ms", 0) for r in rows)
    first = [r["first_token_ms"] for r in rows if "first_token_ms" in r]
    llm = sum(r["answerer"] == "llm" for r in rows)
    return (f"generation: {tokens:.0f} tokens in {ms / 1e3:.1f} s = {tokens / (ms / 1e3) if ms else 0:.1f} tokens/s; "
            f"first token p50 {statistics.median(first) if first else 0:.0f} ms; "
            f"model's answer shown {llm} of {len(rows)}")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--base-url", required=True, help="the server's OpenAI-compatible base URL, ending in /v1")
    p.add_argument("--model", required=True)
    p.add_argument("--api-key", default=None)
    p.add_argument("--dev", type=int, default=30, help="questions of the dev split (0: none)")
    p.add_argument("--timeout", type=float, default=120.0)
    p.add_argument("--max-tokens", type=int, default=400)
    p.add_argument("--json", help="write both reports here")
    args = p.parse_args()
    settings = Settings(llm_provider="openai", llm_base_url=args.base_url, llm_model=args.model,
                        llm_api_key=SecretStr(args.api_key) if args.api_key else None,
                        llm_timeout_s=args.timeout, llm_max_tokens=args.max_tokens)
    reports = {}
    with tempfile.TemporaryDirectory() as tmp:
        sets = [("seed", *SEED)]
        if args.dev:
            rows = evaluation.load_questions(DEV[0])[: args.dev]
            sliced = Path(tmp) / "dev-slice.jsonl"
            sliced.write_text("".join(json.dumps(r) + "\n" for r in rows))
            sets.append((f"dev[:{args.dev}]", sliced, DEV[1]))
        for name, questions, corpus in sets:
            rep = evaluation.evaluate(questions, settings, corpus=corpus, with_baseline=False)
            reports[name] = rep
            print(f"## {name} ({args.model} at {args.base_url})\n")
            print(eval_report.format_table(rep))
            print(generation(rep["rows"]) + "\n")
    if args.json:
        Path(args.json).write_text(json.dumps(reports, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

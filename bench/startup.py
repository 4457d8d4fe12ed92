"""python bench/startup.py [--runs 3]

Start-up to the first answer on a warm machine: a fresh Python process imports ``rag``, opens the
index of the shipped corpus (built once beforehand, as a returning user has it), loads the encoder
and answers one question. Prints each phase's seconds (the median of ``--runs`` processes) and which
heavy libraries the process imported."""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHILD = """
import json, sys, time
t0 = time.perf_counter()
from rag import Assistant, Settings
t1 = time.perf_counter()
a = Assistant(Settings(data_dir=sys.argv[1], corpus_dir=sys.argv[2])).warm_up()
t2 = time.perf_counter()
a.ensure_corpus()
answer = a.ask("How many UN camps remain in Mali?")
t3 = time.perf_counter()
heavy = [m for m in ("torch", "sentence_transformers", "gradio", "matplotlib", "trafilatura", "langchain_openai")
         if m in sys.modules]
print(json.dumps({"import_s": t1 - t0, "warm_up_s": t2 - t1, "first_answer_s": t3 - t2, "total_s": t3 - t0,
                  "answered": not answer.abstained, "heavy_imports": heavy}))
"""


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="briefing-startup-") as data:
        cmd = [sys.executable, "-c", CHILD, data, str(ROOT / "corpus")]
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)  # builds the index (and the export)
        runs = [json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT).stdout)
                for _ in range(args.runs)]
    for key in ("import_s", "warm_up_s", "first_answer_s", "total_s"):
        values = [r[key] for r in runs]
        print(f"{key}: median {statistics.median(values):.2f} (min {min(values):.2f}, max {max(values):.2f})")
    print(f"answered: {all(r['answered'] for r in runs)}; heavy imports: {runs[-1]['heavy_imports']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Where the time goes: cProfile of an ingest (tests/data/articles + corpus) and of one answer.

    python bench/profiling.py
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rag import Assistant, Settings  # noqa: E402
from rag.index.embeddings import load_embeddings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def show(prof: cProfile.Profile, title: str, n: int = 12) -> None:
    print(f"\n== {title}")
    stats = pstats.Stats(prof).sort_stats("cumulative")
    stats.print_stats(n)


def main() -> None:
    emb = load_embeddings()
    a = Assistant(Settings(data_dir=Path(tempfile.mkdtemp())), embeddings=emb).warm_up()
    prof = cProfile.Profile()
    prof.enable()
    a.ingest([ROOT / "corpus", ROOT / "tests" / "data" / "articles"])
    prof.disable()
    show(prof, "ingest of 6 articles")
    a.ask("How many camps does the UN mission in Mali still have to leave?")  # warm caches for the query path
    prof = cProfile.Profile()
    prof.enable()
    a.ask("Why did the first aid convoy reach Dorvan a day late?")
    prof.disable()
    show(prof, "one extractive answer (new question, cold sentence cache)")


if __name__ == "__main__":
    main()

"""``python -m rag check`` (the vector index's self-check) and ``python -m rag reindex`` (every
stored passage embedded again with the configured model)."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def cmd_check(args: argparse.Namespace, settings: Any) -> int:
    from rag.assistant import Assistant

    health = Assistant(settings).check_index(args.sample)
    if health.healthy:
        print(f"index healthy: {health.checked:,} of {health.stored:,} stored passages checked, "
              "each came back first for its own vector")
        return 0
    print(f"index damaged: {len(health.missing):,} of {health.checked:,} checked passages do not come back for "
          f"their own vector (first: {', '.join(health.missing[:5])}); rebuild it by ingesting the articles "
          "into a new RAG_DATA_DIR")
    return 1


def cmd_reindex(args: argparse.Namespace, settings: Any) -> int:
    from rag.assistant import Assistant

    def progress(done: int, total: int) -> None:
        print(f"\r{done:,} of {total:,} passages re-embedded", end="", file=sys.stderr, flush=True)

    done = Assistant(settings).reindex(progress)
    print(f"\nre-embedded {done:,} passages with the {settings.encoder} encoder; the index records it")
    return 0

"""``python -m rag check`` (the vector index's self-check), ``python -m rag reindex`` (every
stored passage embedded again with the configured model), ``python -m rag collections`` (list,
create, delete) and ``use_collection``, which resolves every command's ``--collection NAME``."""

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


def use_collection(args: argparse.Namespace, settings: Any) -> Any:
    """The settings for ``--collection NAME``: an existing collection (``ingest`` creates one).
    Without it, the home collection (``RAG_COLLECTION``), which alone gets ``corpus_dir`` when empty."""
    from rag.desk import CollectionError
    from rag.index.store import collection_names

    name = getattr(args, "collection", None)
    args.home = not name or name == settings.collection
    if args.home:
        return settings
    try:
        chosen = settings.model_copy(update={"collection": type(settings).check_name(name)})
    except ValueError as exc:
        raise CollectionError(str(exc)) from None
    known = sorted({settings.collection, *collection_names(chosen)})
    if args.command not in ("ingest", "collections") and name not in known:
        raise CollectionError(f"there is no collection “{name}” (known: {', '.join(known) or 'none'}); "
                              f"create it with: python -m rag collections create {name}")
    return chosen


def cmd_collections(args: argparse.Namespace, settings: Any) -> int:
    from rag.desk import Desk

    desk = Desk(settings)
    if args.action == "create":
        print(f"created collection {desk.create(args.name or '')}")
    elif args.action == "delete":
        desk.delete(args.name or "")
        print(f"deleted collection {args.name}")
    else:
        for name in desk.names():
            print(f"{name}{'  (home: RAG_COLLECTION)' if name == desk.home else ''}")
    return 0

"""Print the package's shape: import cycles (lazy and TYPE_CHECKING imports counted), modules
over 300 lines, and the import-linter layers contract. Exit 1 when any of them fails.

    python bench/architecture.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rag.eval.architecture import MAX_LINES, import_cycles, layers_kept, long_modules  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    cycles = import_cycles()
    print(f"import cycles: {len(cycles)}")
    for c in cycles:
        print("  " + " <-> ".join(c))
    long = long_modules(ROOT / "rag")
    print(f"modules over {MAX_LINES} lines: {len(long)}")
    for p, n in long.items():
        print(f"  {p}: {n}")
    kept = layers_kept(ROOT / "pyproject.toml")
    return 0 if kept and not cycles and not long else 1


if __name__ == "__main__":
    sys.exit(main())

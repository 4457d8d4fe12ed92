"""The package's shape, checked: import cycles (counting imports inside functions and under
TYPE_CHECKING), the import-linter layers contract in pyproject.toml, module sizes.
``python bench/architecture.py`` prints them; ``tests/test_architecture.py`` asserts them.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = "rag"
MAX_LINES = 300


def import_cycles(package: str = PACKAGE) -> list[list[str]]:
    """Groups of modules that import each other, directly or through others (Tarjan's strongly
    connected components over every import grimp finds, lazy and type-only ones included)."""
    import grimp

    graph = grimp.build_graph(package)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(root: str) -> None:  # iterative, so a deep graph cannot hit the recursion limit
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    m = stack.pop()
                    on_stack.discard(m)
                    group.append(m)
                    if m == node:
                        break
                if len(group) > 1:
                    cycles.append(sorted(group))

    for m in sorted(graph.modules):
        if m not in index:
            visit(m)
    return sorted(cycles)


def long_modules(root: Path, limit: int = MAX_LINES) -> dict[str, int]:
    sizes = {str(p.relative_to(root.parent)): len(p.read_text(encoding="utf-8").splitlines())
             for p in sorted(root.rglob("*.py"))}
    return {p: n for p, n in sizes.items() if n > limit}


def layers_kept(config: Path) -> bool:
    """Run the import-linter contracts of ``config`` (pyproject.toml); True when all are kept."""
    from importlinter.cli import lint_imports

    return lint_imports(config_filename=str(config), no_cache=True, no_logo=True) == 0

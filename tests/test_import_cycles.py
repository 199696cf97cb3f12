"""No import cycles inside selko/: every module can be read, and moved, on its
own. Imports inside functions count too; they hide a cycle, not end it."""

import ast
from pathlib import Path

import selko

ROOT = Path(selko.__file__).parent


def module_name(path: Path) -> str:
    parts = ["selko", *path.relative_to(ROOT).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def selko_modules() -> dict[str, Path]:
    return {module_name(p): p for p in ROOT.rglob("*.py") if "migrations" not in p.parts}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The selko modules `name` imports, anywhere in the file. `from a import b`
    imports module a.b when there is one, else a itself."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return {m for m in found if m in known and m != name}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def import_graph() -> dict[str, set[str]]:
    modules = selko_modules()
    return {name: imports_of(name, path, set(modules)) for name, path in modules.items()}


def test_selko_has_no_import_cycles():
    # The app factory imports every part to assemble the app; nothing imports it back.
    graph = import_graph()
    graph["selko"] = set()
    assert cycles(graph) == []


def test_the_guard_finds_a_cycle_through_a_function_level_import(tmp_path):
    (tmp_path / "a.py").write_text("from selko import b\n")
    (tmp_path / "b.py").write_text("def f():\n    from selko.a import x\n")
    known = {"selko.a", "selko.b"}
    graph = {
        "selko.a": imports_of("selko.a", tmp_path / "a.py", known),
        "selko.b": imports_of("selko.b", tmp_path / "b.py", known),
    }
    assert cycles(graph) == [["selko.a", "selko.b"]]
